/**
 * Every public path of the site, built in one place: pages, API, feeds, share images, badges and the links
 * in emails and CLI output. Paths are site-relative; `absolute(publicUrl, path)` makes a link for outside
 * the site. It sits at the top of src/ (not in web/) so catalog, digest and the CLI can use it too.
 */

/** `/search?q=x&page=2`: only the parameters that have a value, in the given order. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** The canonical name of a two-tool comparison: both slugs in alphabetical order, joined by "-vs-". */
export const comparePair = (a: string, b: string) => [a, b].sort().join(PAIR_SEP);

const PAIR_SEP = '-vs-';

/** Every way to read "a-vs-b" as two non-empty slugs: slugs may contain "-vs-" themselves. */
export function pairSplits(pair: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = pair.indexOf(PAIR_SEP); i !== -1; i = pair.indexOf(PAIR_SEP, i + 1)) {
    const a = pair.slice(0, i);
    const b = pair.slice(i + PAIR_SEP.length);
    if (a && b) out.push([a, b]);
  }
  return out;
}

type Params = Record<string, string | number | undefined | null>;

const API_BASE = '/api/v1';

export const urls = {
  home: '/',
  tool: (slug: string) => `/tools/${slug}`,
  toolVote: (slug: string) => `/tools/${slug}/vote`,
  toolBookmark: (slug: string) => `/tools/${slug}/bookmark`,
  /**
   * Where tools are compared: the picker for none, the canonical pair `/compare/a-vs-b` for two, and
   * `/compare?tools=a,b,c` (in the order given) for one (a preselected picker) or three and four.
   * `takes: 'all'` shows every critic's take in full.
   */
  compare: (slugs: readonly string[] = [], opts: { takes?: 'all' } = {}): string => {
    const takes = opts.takes ? `takes=${opts.takes}` : '';
    if (slugs.length === 0) return '/compare';
    if (slugs.length === 2) return `/compare/${comparePair(slugs[0]!, slugs[1]!)}${takes ? `?${takes}` : ''}`;
    return `/compare?tools=${slugs.map(encodeURIComponent).join(',')}${takes ? `&${takes}` : ''}`;
  },
  toolReport: (slug: string, reviewId?: number) => withQuery(`/tools/${slug}/report`, { review: reviewId }),
  toolReportThanks: (slug: string) => `/tools/${slug}/report/thanks`,
  methodology: '/methodology',
  run: (id: number) => `/runs/${id}`,
  critics: '/critics',
  critic: (id: string, params?: Params) => withQuery(`/critics/${id}`, params),
  categories: '/categories',
  category: (slug: string, params?: Params) => withQuery(`/categories/${slug}`, params),
  search: (params?: Params) => withQuery('/search', params),
  /** The whole catalog, paged, with filters and sorts over stored figures (a search without words). */
  tools: (params?: Params) => withQuery('/tools', params),
  bookmarks: '/bookmarks',
  bookmarksJson: '/bookmarks.json',
  bookmarksCompare: '/bookmarks/compare',
  submit: '/submit',
  submitThanks: '/submit/thanks',
  /** The sign-in form; `next` is where to go afterwards. */
  signIn: (next?: string) => withQuery('/signin', { next }),
  signInVerify: '/signin/verify',
  signOut: '/signout',
  admin: '/admin',
  adminLogin: '/admin/login',
  adminLogout: '/admin/logout',
  adminDecision: (id: number, decision: 'approve' | 'reject') => `/admin/submissions/${id}/${decision}`,
  badge: (slug: string) => `/badge/${slug}.svg`,
  toolImage: (slug: string) => `/og/tools/${slug}.png`,
  compareImage: (a: string, b: string) => `/og/compare/${comparePair(a, b)}.png`,
  feed: '/feed.xml',
  /** A page that says what the feed is and how to follow it (the footer links here, not to the XML). */
  feeds: '/feeds',
  sitemap: '/sitemap.xml',
  robots: '/robots.txt',
  digest: '/digest',
  digestIssue: (week: string) => `/digest/${week}`,
  digestSubscribe: '/digest/subscribe',
  digestConfirm: (token: string) => `/digest/confirm?token=${encodeURIComponent(token)}`,
  digestConfirmPost: '/digest/confirm',
  reportConfirm: (token: string) => `/reports/confirm?token=${encodeURIComponent(token)}`,
  reportConfirmPost: '/reports/confirm',
  digestUnsubscribe: (token: string) => `/digest/unsubscribe?token=${encodeURIComponent(token)}`,
  api: API_BASE,
  apiTool: (slug: string) => `${API_BASE}/tools/${slug}`,
  apiCritic: (id: string) => `${API_BASE}/critics/${id}`,
  openapi: '/api/openapi.json',
} as const;

/** A link for outside the site (feeds, emails, API, CLI): the configured public URL plus the path. */
export const absolute = (publicUrl: string, path: string) => publicUrl + path;
