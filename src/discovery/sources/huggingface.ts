// Discovery source: Hugging Face Hub models and spaces, trending and newest.
import { arr, num, str, strings, type DiscoveredItem, type DiscoverySource } from '../source.js';

/**
 * Hugging Face Hub models and spaces (HUGGINGFACE_URL), by trending score and by creation date:
 * `/api/models?sort=trendingScore&direction=-1&limit=N`, `/api/models?sort=createdAt&direction=-1&limit=N`, and
 * the same under `/api/spaces`. Each entry has id ("owner/name"), likes, downloads (models), trendingScore, tags,
 * pipeline_tag (models), sdk (spaces), createdAt. Everything on the Hub is machine learning; likes are the signal.
 */
export const huggingfaceSource: DiscoverySource = {
  id: 'huggingface',
  label: 'Hugging Face',
  aiListing: true,
  async list({ discovery: d, research: r, http }) {
    const out: DiscoveredItem[] = [];
    const seen = new Set<string>();
    for (const type of ['model', 'space'] as const) {
      for (const sort of ['trendingScore', 'createdAt']) {
        const q = new URLSearchParams({ sort, direction: '-1', limit: String(d.perSource) });
        const body = await http.json(`${r.huggingfaceUrl}/api/${type}s?${q}`);
        for (const m of arr(body) as Record<string, unknown>[]) {
          const id = str(m.id);
          if (!id || !/^[\w.-]+\/[\w.-]+$/.test(id) || m.private === true || seen.has(`${type}:${id}`)) continue;
          seen.add(`${type}:${id}`);
          // Under HUGGINGFACE_URL, so a mirror (or a test's fixture web) also serves the page that is checked.
          const page = `${r.huggingfaceUrl}/${type === 'space' ? 'spaces/' : ''}${id}`;
          const tags = strings(m.tags).filter((t) => !t.includes(':') && t.length <= 40);
          const what = str(m.pipeline_tag) ?? (type === 'space' ? `${str(m.sdk) ?? 'demo'} space` : 'model');
          const license = strings(m.tags).find((t) => t.startsWith('license:'))?.slice(8);
          out.push({
            source: 'huggingface',
            sourceId: `${type}:${id}`,
            name: id.split('/')[1]!,
            url: page,
            description: `A ${what.replace(/-/g, ' ')} ${type === 'space' ? '' : 'model '}on Hugging Face by ${id.split('/')[0]}.`.replace(/\s+/g, ' '),
            tags: [...new Set([...(str(m.pipeline_tag) ? [m.pipeline_tag as string] : []), ...tags])].slice(0, 10),
            signal: { value: num(m.likes), metric: 'likes' },
            link: page,
            ...(license ? { license } : {}),
            hints: { url: page, huggingface: { id, type } },
          });
        }
      }
    }
    return out;
  },
};
