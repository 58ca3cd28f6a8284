// Discovery source: Product Hunt's newest posts, only with the operator's own PRODUCT_HUNT_TOKEN.
import { arr, isHttp, num, str, type DiscoveredItem, type DiscoverySource } from '../source.js';

const QUERY = `query Newest($first: Int!, $after: DateTime!) {
  posts(first: $first, order: NEWEST, postedAfter: $after) {
    edges { node { id name tagline description url website votesCount createdAt topics(first: 5) { edges { node { name } } } } }
  }
}`;

/**
 * Product Hunt's GraphQL API v2 (PRODUCT_HUNT_API_URL), only with the operator's own PRODUCT_HUNT_TOKEN: its API
 * terms forbid commercial use without Product Hunt's permission. `posts(order: NEWEST, postedAfter: …)`, each
 * node with name, tagline, description, url (the Product Hunt page), website, votesCount and topics.
 */
export const productHuntSource: DiscoverySource = {
  id: 'producthunt',
  label: 'Product Hunt',
  aiListing: false,
  async list({ discovery: d, http, now }) {
    if (!d.productHuntToken) throw new Error('PRODUCT_HUNT_TOKEN is not set');
    const after = new Date(now.getTime() - d.windowDays * 86_400_000).toISOString();
    const body = (await http.json(d.productHuntApiUrl, {
      json: { query: QUERY, variables: { first: Math.min(50, d.perSource), after } },
      headers: { authorization: `Bearer ${d.productHuntToken}` },
    })) as { data?: { posts?: { edges?: unknown } }; errors?: { message?: string }[] };
    if (body.errors?.length) throw new Error(`Product Hunt: ${body.errors[0]?.message ?? 'error'}`);
    const out: DiscoveredItem[] = [];
    for (const e of arr(body.data?.posts?.edges) as { node?: Record<string, any> }[]) {
      const n = e.node ?? {};
      const name = str(n.name);
      const site = str(n.website);
      const page = str(n.url);
      if (!name || !isHttp(site)) continue;
      out.push({
        source: 'producthunt',
        sourceId: String(n.id ?? name),
        name,
        url: site,
        description: [str(n.tagline), str(n.description)].filter(Boolean).join('. '),
        tags: (arr(n.topics?.edges) as { node?: { name?: unknown } }[]).map((t) => str(t.node?.name)).filter((t): t is string => !!t),
        signal: { value: num(n.votesCount), metric: 'votes' },
        link: isHttp(page) ? page : site,
        hints: { url: site },
      });
    }
    return out;
  },
};
