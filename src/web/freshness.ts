/**
 * Every page the shared cache keeps, and what makes each one stale: the one place to read (and the one list to
 * extend) when a page is cached. The page cache, the raw fast path's cache key, the sitemap, the fuzz suite and the
 * CDN tags (src/web/cdn.ts: `catalog`, `tool-<id>`, `votes`) all read it; test/freshness.test.ts holds it true
 * (docs/decisions/027, 028).
 *
 * A cached page is dropped:
 *  - on any catalog change: a write to a table with a data-version trigger (src/db/migrations; test/freshness.test.ts
 *    reads the list from the triggers) bumps the data version, and every cached page of every process goes within
 *    one poll (decision 002);
 *  - on a vote, by what the route `shows`:
 *    - 'catalog': no vote counts (lists sort and filter by panel figures only), so votes never drop it;
 *    - 'votes': the vote counts of the tools it names while rendering (`showsTools(c, ids)`), every one of them in a
 *      vote slot (src/web/vote-slots.tsx): a vote on one of those tools re-renders just the slots from the tools'
 *      stored counts and splices them into the kept page, which is not dropped (decision 029); a vote on any other
 *      tool changes nothing;
 *    - 'tools': the vote counts of the tools it names while rendering (`showsTools(c, ids)`), outside slots (JSON), so
 *      a vote on one of those drops it, and a vote on any other tool does not (decision 017);
 *    - 'any-votes': vote counts of tools it does not name (the feed, badges, share images): after a vote
 *      anywhere it is kept at most LIST_STALE_MS (src/web/site.ts).
 * A route that is not listed is never cached. A personal render (markPersonal) is never cached, whatever is listed.
 */

export type Shows = 'catalog' | 'votes' | 'tools' | 'any-votes';

export interface CachedRoute {
  /** The route's pattern, exactly as registered with Hono (sub-apps with their mount path). */
  path: string;
  shows: Shows;
  /** The query parameters the page reads: its cache key keeps these, in this order, and drops the rest. */
  params?: readonly string[];
  /** Listed in the pages sitemap (fixed pages only; tools, critics and categories are listed from the data). */
  sitemap?: boolean;
}

const LIST_PARAMS = ['q', 'category', 'pricing', 'label', 'sort', 'page'] as const;

export const CACHED_ROUTES: readonly CachedRoute[] = [
  { path: '/', shows: 'catalog', sitemap: true },
  // q: /tools sends words on to /search; without it in the key, a cached /tools would answer /tools?q=x.
  { path: '/tools', shows: 'catalog', params: LIST_PARAMS, sitemap: true },
  { path: '/search', shows: 'catalog', params: LIST_PARAMS },
  { path: '/tools/:slug', shows: 'votes' },
  { path: '/tools/:slug/report', shows: 'catalog', params: ['review'] },
  { path: '/tools/:slug/report/thanks', shows: 'catalog' },
  { path: '/compare', shows: 'votes', params: ['tools', 'add', 'takes'], sitemap: true },
  { path: '/compare/:pair', shows: 'votes', params: ['takes'] },
  { path: '/critics', shows: 'catalog', sitemap: true },
  { path: '/critics/:id', shows: 'catalog', params: ['category', 'page'] },
  { path: '/categories', shows: 'catalog', sitemap: true },
  { path: '/categories/:slug', shows: 'catalog', params: ['page'] },
  { path: '/methodology', shows: 'catalog' },
  { path: '/runs/:id{[0-9]+}', shows: 'catalog' },
  { path: '/submit', shows: 'catalog' },
  { path: '/submit/thanks', shows: 'catalog' },
  { path: '/signin', shows: 'catalog', params: ['next'] },
  { path: '/digest', shows: 'catalog' },
  { path: '/digest/:week', shows: 'catalog' },
  { path: '/feeds', shows: 'catalog' },
  { path: '/feed.xml', shows: 'any-votes' },
  { path: '/sitemap.xml', shows: 'catalog' },
  { path: '/sitemaps/pages.xml', shows: 'catalog' },
  { path: '/sitemaps/:file{tools-[0-9]{1,12}\\.xml}', shows: 'catalog' },
  { path: '/robots.txt', shows: 'catalog' },
  { path: '/badge/:file{[^/]+\\.svg}', shows: 'any-votes' },
  { path: '/og/tools/:file{[^/]+\\.png}', shows: 'any-votes' },
  { path: '/og/compare/:file{[^/]+\\.png}', shows: 'any-votes' },
  { path: '/api/openapi.json', shows: 'catalog' },
  { path: '/api/v1/suggest', shows: 'catalog', params: ['q'] },
  { path: '/api/v1/tools', shows: 'tools', params: ['page', 'per_page', 'category', 'q'] },
  { path: '/api/v1/tools/:slug', shows: 'tools' },
  { path: '/api/v1/tools/:slug/reviews', shows: 'catalog' },
  { path: '/api/v1/tools/:slug/summary', shows: 'tools' },
  { path: '/api/v1/critics', shows: 'catalog' },
  { path: '/api/v1/critics/:id', shows: 'catalog' },
  { path: '/api/v1/compare', shows: 'tools', params: ['tools'] },
];

const byPath = new Map(CACHED_ROUTES.map((r) => [r.path, r]));

/** The declaration of a route pattern (Hono's routePath of the handler that answered), or undefined: not cached. */
export const cachedRoute = (pattern: string): CachedRoute | undefined => byPath.get(pattern);

/** A Hono pattern as a regular expression over request paths: `:name` is one segment, `:name{re}` that pattern. */
const patternRegex = (path: string) =>
  new RegExp(`^${path.replace(/:\w+(\{((?:[^{}]|\{[^{}]*\})+)\})?|[.*+?^$()|[\]\\]/g, (m, _braces, re: string | undefined) => (m.startsWith(':') ? (re ? `(?:${re})` : '[^/]+') : `\\${m}`))}$`);

const withParams = CACHED_ROUTES.filter((r) => r.params?.length).map((r) => [patternRegex(r.path), r.params!] as const);

/** The query parameters the cached page at this request path reads (none when it reads none, or is not cached). */
export const paramsOf = (pathname: string): readonly string[] => withParams.find(([re]) => re.test(pathname))?.[1] ?? [];
