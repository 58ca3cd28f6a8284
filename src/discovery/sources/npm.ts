// Discovery source: npm packages found by AI keywords, by weekly downloads.
import { arr, isHttp, num, str, strings, type DiscoveredItem, type DiscoverySource } from '../source.js';

export const NPM_QUERIES = ['keywords:llm', 'keywords:ai-agent', 'keywords:generative-ai'] as const;

/**
 * npm search by AI keywords (NPM_REGISTRY_URL): `/-/v1/search?text=keywords:llm&size=N`. Each object has
 * package {name, version, description, keywords, date, links {npm, homepage, repository}}, score, searchScore and,
 * on the public registry, downloads {weekly, monthly}: weekly downloads are the signal when given.
 */
export const npmSource: DiscoverySource = {
  id: 'npm',
  label: 'npm',
  aiListing: true,
  async list({ discovery: d, research: r, http }) {
    const out: DiscoveredItem[] = [];
    const seen = new Set<string>();
    for (const text of NPM_QUERIES) {
      const q = new URLSearchParams({ text, size: String(Math.min(250, d.perSource)) });
      const body = (await http.json(`${r.npmRegistryUrl}/-/v1/search?${q}`)) as { objects?: unknown };
      for (const o of arr(body.objects) as Record<string, any>[]) {
        const p = (o.package ?? {}) as Record<string, any>;
        const name = str(p.name);
        if (!name || seen.has(name)) continue;
        seen.add(name);
        const npmPage = str(p.links?.npm) ?? `https://www.npmjs.com/package/${name}`;
        const homepage = str(p.links?.homepage);
        const repo = str(p.links?.repository);
        out.push({
          source: 'npm',
          sourceId: name,
          name,
          url: isHttp(homepage) ? homepage : isHttp(repo) ? repo : npmPage,
          ...(isHttp(repo) ? { repo } : {}),
          description: str(p.description) ?? '',
          tags: strings(p.keywords).slice(0, 20),
          signal: { value: num(o.downloads?.weekly), metric: 'weekly downloads' },
          link: npmPage,
          hints: { url: isHttp(homepage) ? homepage : undefined, repo: isHttp(repo) ? repo : undefined, npm: name },
        });
      }
    }
    return out;
  },
};
