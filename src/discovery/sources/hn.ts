// Discovery source: Hacker News "Show HN" posts through the Algolia search API, by points.
import { arr, isHttp, num, str, type DiscoveredItem, type DiscoverySource } from '../source.js';

/**
 * Hacker News "Show HN" through the Algolia search API (HN_API_URL, default https://hn.algolia.com/api/v1):
 * `search_by_date?tags=show_hn&numericFilters=created_at_i>T,points>=P`, newest first. Each hit has objectID,
 * title ("Show HN: Name – what it does"), url (absent on text posts), points, story_text, created_at_i.
 */
export const hnSource: DiscoverySource = {
  id: 'hn',
  label: 'Show HN',
  aiListing: false,
  async list({ discovery: d, http, now }) {
    const since = Math.floor(now.getTime() / 1000 - d.windowDays * 86_400);
    const q = new URLSearchParams({ tags: 'show_hn', numericFilters: `created_at_i>${since},points>=${d.min.hnPoints}`, hitsPerPage: String(d.perSource) });
    const body = (await http.json(`${d.hnApiUrl}/search_by_date?${q}`)) as { hits?: unknown };
    const out: DiscoveredItem[] = [];
    for (const h of arr(body.hits) as Record<string, unknown>[]) {
      const url = str(h.url);
      const title = str(h.title);
      // A text post has no homepage to check: nothing to propose.
      if (!isHttp(url) || !title) continue;
      const [name, ...rest] = title.replace(/^show hn:\s*/i, '').split(/\s+[–—|-]\s+|:\s+/);
      const id = String(h.objectID ?? '');
      out.push({
        source: 'hn',
        sourceId: id,
        name: name!.trim(),
        url,
        description: [rest.join(' – '), stripHtml(str(h.story_text) ?? '')].filter(Boolean).join('. '),
        tags: [],
        signal: { value: num(h.points), metric: 'points' },
        link: `https://news.ycombinator.com/item?id=${encodeURIComponent(id)}`,
        hints: { url },
      });
    }
    return out;
  },
};

export const stripHtml = (s: string) => s.replace(/<[^>]*>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&[lg]t;/g, ' ').replace(/\s+/g, ' ').trim();
