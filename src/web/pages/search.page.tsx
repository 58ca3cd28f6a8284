// /tools and /search: the catalog list and full-text search with filters, sorts and pages.
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { CategoryChips, Pagination, SelectField, ToolGrid } from '../components/lists.js';
import { similarTools } from '../../catalog/catalog.service.js';
import { listCategories, type CategoryCount } from '../../catalog/categories.repo.js';
import { countTools } from '../../catalog/tools.repo.js';
import { LABEL_FILTERS, parseSearchParams, searchCatalog, type SearchParams, type SearchResult } from '../../catalog/search.service.js';
import { PRICING_MODELS } from '../../domain/schemas.js';
import { PRICING_LABELS } from '../../domain/pricing.js';
import { urls } from '../../urls.js';

const LABEL_NAMES: Record<(typeof LABEL_FILTERS)[number], string> = { ship: 'Ship', skip: 'Skip', split: 'Split', none: 'No panel takes yet' };
const SORT_NAMES = { relevance: 'Best match', newest: 'Newest', ship: 'Ship %', score: 'Mean score' } as const;

/**
 * The URL of these results with some parameters changed; defaults are left out so URLs stay short. Without words it
 * is the catalog list, /tools; with words, /search.
 */
function searchHref(p: SearchParams, change: Partial<SearchParams> = {}): string {
  const n = { ...p, ...change };
  const defaultSort = n.q ? 'relevance' : 'newest';
  const params = {
    category: n.category,
    pricing: n.pricing,
    label: n.label,
    sort: n.sort === defaultSort ? undefined : n.sort,
    page: n.page > 1 ? n.page : undefined,
  };
  return n.q ? urls.search({ q: n.q, ...params }) : urls.tools(params);
}

function SearchForm({ p, categories }: { p: SearchParams; categories: CategoryCount[] }) {
  return (
    <form class="search-form card" action={urls.search()} method="get" role="search" aria-label="Search and filter tools">
      <div class="field search-q">
        <label for="search-q">Search for</label>
        <input id="search-q" type="search" name="q" value={p.q} placeholder="Name, tag or what it does" maxlength={200} />
      </div>
      <SelectField id="search-category" name="category" label="Category" any="All categories" options={categories.map((c) => [c.slug, c.name] as const)} selected={p.category} />
      <SelectField id="search-pricing" name="pricing" label="Pricing" any="Any pricing" options={PRICING_MODELS.map((m) => [m, PRICING_LABELS[m]] as const)} selected={p.pricing} />
      <SelectField id="search-label" name="label" label="Panel verdict" any="Any verdict" options={LABEL_FILTERS.map((l) => [l, LABEL_NAMES[l]] as const)} selected={p.label} />
      {/* "Best match" only means something with words to match; without them the default is newest. */}
      <SelectField id="search-sort" name="sort" label="Sort by" options={(['relevance', 'newest', 'ship', 'score'] as const).map((s) => [s, SORT_NAMES[s]] as const)} selected={p.sort} />
      <div class="field search-submit">
        <button type="submit">{p.q ? 'Search' : 'Show tools'}</button>
      </div>
    </form>
  );
}

function NoResults({ p, categories, didYouMean }: { p: SearchParams; categories: CategoryCount[]; didYouMean: { slug: string; name: string }[] }) {
  const filtered = p.category || p.pricing || p.label;
  return (
    <div class="no-results">
      <h2 id="results-title">No tools match{p.q ? <> “{p.q}”</> : null}</h2>
      <ul>
        {didYouMean.length > 0 && (
          <li>
            Did you mean{' '}
            {didYouMean.map((t, i) => (
              <>
                {i > 0 && ', '}
                <a href={urls.tool(t.slug)}>{t.name}</a>
              </>
            ))}
            ?
          </li>
        )}
        {filtered && (
          <li>
            <a href={searchHref(p, { category: undefined, pricing: undefined, label: undefined, page: 1 })}>{p.q ? 'Search without the filters' : 'Show every tool'}</a>
          </li>
        )}
        {p.q && <li>Check the spelling, or use fewer or shorter words — the last word matches as a prefix, so “vis” finds “vision”.</li>}
        <li>
          <a href={urls.tools()}>Browse every tool</a>, or pick a category:
        </li>
      </ul>
      <CategoryChips categories={categories} />
    </div>
  );
}

/** "1 tool matches “x”", "12 tools match “x”", "30 tools", "More than 1,000 tools in Video · Free". */
export function resultsHeading(p: SearchParams, r: Pick<SearchResult, 'total' | 'more'>, categories: CategoryCount[], exact?: number): string {
  const n = exact ?? r.total;
  const what = exact === undefined && r.more ? `More than ${n.toLocaleString('en')} tools` : `${n.toLocaleString('en')} ${n === 1 ? 'tool' : 'tools'}`;
  const parts = [p.q ? `${what} ${n === 1 && !r.more ? 'matches' : 'match'} “${p.q}”` : what];
  const cat = categories.find((c) => c.slug === p.category);
  if (cat) parts.push(`in ${cat.name}`);
  if (p.pricing) parts.push(`· ${PRICING_LABELS[p.pricing]}`);
  if (p.label) parts.push(`· panel: ${LABEL_NAMES[p.label]}`);
  return parts.join(' ');
}

function SearchPage(p: { params: SearchParams; notices: string[]; result: SearchResult; categories: CategoryCount[]; didYouMean: { slug: string; name: string }[]; exact?: number }) {
  const { params, result } = p;
  const first = (result.page - 1) * result.pageSize + 1;
  const listed = result.pages * result.pageSize;
  return (
    <>
      <h1>{params.q ? <>Search results for “{params.q}”</> : 'All tools'}</h1>
      <SearchForm p={params} categories={p.categories} />
      {p.notices.length > 0 && (
        <div class="notice" role="status">
          {p.notices.map((n) => (
            <p class="small">{n}</p>
          ))}
        </div>
      )}
      <section aria-labelledby="results-title" class="results">
        {result.total === 0 ? (
          <NoResults p={params} categories={p.categories} didYouMean={p.didYouMean} />
        ) : (
          <>
            <div class="results-head">
              <h2 id="results-title" class="results-count" aria-live="polite">
                {resultsHeading(params, result, p.categories, p.exact)}
              </h2>
              {result.items.length > 0 && (
                <p class="muted small">
                  Showing {first}–{first + result.items.length - 1}, sorted by {SORT_NAMES[params.sort].toLowerCase()}
                </p>
              )}
            </div>
            {result.items.length > 0 ? (
              <ToolGrid items={result.items} label="Results" />
            ) : (
              <p class="notice">
                There are only {result.pages} {result.pages === 1 ? 'page' : 'pages'} of {params.q ? 'results' : 'tools'}. <a href={searchHref(params, { page: 1 })}>Back to page 1</a>
              </p>
            )}
            {result.more && result.page === result.pages && (
              <p class="notice">
                Only the first {listed.toLocaleString('en')} {params.q ? 'matches' : 'tools'} in this order are listed. {params.q ? 'Add a word or a filter' : 'Pick a category, pricing or verdict'} above to
                narrow them, or sort them another way.
              </p>
            )}
            <Pagination page={result.page} pages={result.pages} href={(page) => searchHref(params, { page })} label={params.q ? 'Result pages' : 'Pages of tools'} />
          </>
        )}
      </section>
    </>
  );
}

export function registerSearch(app: App, site: Site): void {
  const parse = async (query: Record<string, string>) => {
    const categories = await site.perVersion('categories', () => listCategories(site.store.db));
    return { categories, ...parseSearchParams(query, categories.map((x) => x.slug)) };
  };

  // Lists show panel figures, not vote counts: votes never drop them.
  app.get('/search', async (c) => {
    const db = site.store.db;
    const { categories, params, notices } = await parse(c.req.query());
    // Without words this is the catalog list, whose address is /tools (filters, sort and page carried over).
    if (!params.q && notices.length === 0) return c.redirect(searchHref(params), 301);
    const result = await searchCatalog(db, params);
    let didYouMean: { slug: string; name: string }[] = [];
    if (result.total === 0 && params.q) {
      didYouMean = await similarTools(db, params.q, 'name');
    }
    return c.html(
      renderPage(
        site,
        {
          title: params.q ? `Search results for “${params.q}”` : 'All tools',
          description: params.q
            ? `${result.more ? 'More than ' : ''}${result.total} AI ${result.total === 1 && !result.more ? 'tool matches' : 'tools match'} “${params.q}” on Verdict, each with the panel’s ship-or-skip verdict.`
            : `Search and filter AI tools by category, pricing and panel verdict.`,
          path: searchHref(params),
          nav: 'search',
          // Result pages for typed words are endless and thin; keep them out of search engines.
          noindex: true,
        },
        <SearchPage params={params} notices={notices} result={result} categories={categories} didYouMean={didYouMean} />,
      ),
    );
  });

  /**
   * The whole catalog, paged: filters (category, pricing, verdict) and sorts (newest, ship %, mean score) run in SQL
   * over stored, indexed figures, one page at a time, through the same bounded search as /search (docs/decisions/011,
   * 024): at most SEARCH_MAX_PAGES pages per filter and sort, so no page reads or skips more than that at 100,000
   * tools. The count is the stored one (categories.tools) unless pricing or verdict narrows it.
   */
  app.get('/tools', async (c) => {
    const db = site.store.db;
    const query = c.req.query();
    // Words belong to /search; keep them rather than drop them silently.
    if (query.q?.trim()) return c.redirect(urls.search(query), 301);
    const { categories, params, notices } = await parse(query);
    const [result, exact] = await Promise.all([
      searchCatalog(db, params),
      params.pricing || params.label ? Promise.resolve(undefined) : site.perVersion(`tool-count:${params.category ?? ''}`, () => countTools(db, params.category)),
    ]);
    const heading = resultsHeading(params, result, categories, exact);
    return c.html(
      renderPage(
        site,
        {
          title: params.page > 1 ? `All tools, page ${params.page}` : 'All tools',
          description: `${heading}: every AI tool on Verdict with the panel’s ship-or-skip verdict; filter by category, pricing and verdict, sort by newest, ship rate or score.`,
          path: searchHref(params),
          nav: 'tools',
          noindex: notices.length > 0,
        },
        <SearchPage params={params} notices={notices} result={result} categories={categories} didYouMean={[]} exact={exact} />,
      ),
    );
  });
}
