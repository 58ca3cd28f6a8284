// Discovery source: GitHub repositories under AI topics, through the search API, by stars.
import { arr, isHttp, num, str, strings, type DiscoveredItem, type DiscoverySource } from '../source.js';

/** The AI topics searched, one search each. */
export const GITHUB_TOPICS = ['llm', 'generative-ai', 'ai-agents', 'machine-learning'] as const;

/**
 * GitHub repository search (GITHUB_API_URL, optional GITHUB_TOKEN): `search/repositories?q=topic:T created:>D
 * stars:>=S&sort=stars&order=desc`. The search API allows 10 requests a minute without a token and 30 with one,
 * so the searches are spaced 6 s (2 s with a token) apart. Each item has full_name, html_url, homepage,
 * description, stargazers_count, topics, license.spdx_id, fork, archived.
 */
export const githubSource: DiscoverySource = {
  id: 'github',
  label: 'GitHub',
  aiListing: true,
  minIntervalMs: ({ research }) => (research.githubToken ? 2_000 : 6_000),
  async list({ discovery: d, research: r, http, now }) {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    if (r.githubToken) headers.authorization = `Bearer ${r.githubToken}`;
    const since = new Date(now.getTime() - d.windowDays * 86_400_000).toISOString().slice(0, 10);
    const seen = new Set<string>();
    const out: DiscoveredItem[] = [];
    for (const topic of GITHUB_TOPICS) {
      const q = new URLSearchParams({ q: `topic:${topic} created:>${since} stars:>=${d.min.githubStars}`, sort: 'stars', order: 'desc', per_page: String(Math.min(100, d.perSource)) });
      const body = (await http.json(`${r.githubApiUrl}/search/repositories?${q}`, { headers })) as { items?: unknown };
      for (const it of arr(body.items) as Record<string, any>[]) {
        const full = str(it.full_name);
        const html = str(it.html_url) ?? (full ? `https://github.com/${full}` : undefined);
        if (!full || !isHttp(html) || it.fork === true || it.archived === true || seen.has(full.toLowerCase())) continue;
        seen.add(full.toLowerCase());
        const homepage = str(it.homepage);
        const spdx = str(it.license?.spdx_id);
        out.push({
          source: 'github',
          sourceId: full,
          name: str(it.name) ?? full.split('/')[1]!,
          url: isHttp(homepage) ? homepage : html,
          repo: html,
          description: str(it.description) ?? '',
          tags: strings(it.topics),
          signal: { value: num(it.stargazers_count), metric: 'stars' },
          link: html,
          ...(spdx && spdx !== 'NOASSERTION' ? { license: spdx } : {}),
          hints: { url: isHttp(homepage) ? homepage : html, repo: html, github: full },
        });
      }
    }
    return out;
  },
};
