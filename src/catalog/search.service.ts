// The search page's logic: parses and bounds the query, filters and sort, and pages the ranked results.
import type { DbOrTx } from '../db/db.js';
import { PRICING_MODELS } from '../domain/schemas.js';
import type { PricingModel } from '../domain/pricing.js';
import { withPanels, type ToolWithPanel } from './catalog.service.js';
import { countSearch, MAX_QUERY_CHARS, rankedSearch, searchToolRows, type SearchFilter, type SqlOrder } from './search.repo.js';
import type { ToolRow } from '../db/types.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'ship', 'score'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
export const LABEL_FILTERS = ['ship', 'skip', 'split', 'none'] as const;
export type LabelFilter = (typeof LABEL_FILTERS)[number];
export const SEARCH_PAGE_SIZE = 20;
const MAX_PAGE = 100_000;
/** Results are listed (and counted) up to this many pages; past them a reader narrows the search instead. */
export const SEARCH_MAX_PAGES = 50;

export interface SearchParams {
  q: string;
  category?: string;
  pricing?: PricingModel;
  label?: LabelFilter;
  sort: SearchSort;
  page: number;
}

export interface ParsedSearch {
  params: SearchParams;
  /** One line per ignored parameter, for the page to show ("Unknown sort "x"; showing newest first."). */
  notices: string[];
}

const isOneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

/**
 * Reads `q, category, pricing, label, sort, page` from a query string. Never throws: a value it does not
 * know falls back to the default and leaves a notice, so a hand-edited URL still shows results.
 */
export function parseSearchParams(query: Record<string, string | undefined>, knownCategories: readonly string[]): ParsedSearch {
  const notices: string[] = [];
  const q = (query.q ?? '').trim().slice(0, MAX_QUERY_CHARS);
  const params: SearchParams = { q, sort: q ? 'relevance' : 'newest', page: 1 };

  const category = query.category?.trim();
  if (category) {
    if (knownCategories.includes(category)) params.category = category;
    else notices.push(`There is no category "${category}", so all categories are shown.`);
  }
  const pricing = query.pricing?.trim();
  if (pricing) {
    if (isOneOf(PRICING_MODELS, pricing)) params.pricing = pricing;
    else notices.push(`Unknown pricing "${pricing}" (use ${PRICING_MODELS.join(', ')}), so all pricing models are shown.`);
  }
  const label = query.label?.trim().toLowerCase();
  if (label) {
    if (isOneOf(LABEL_FILTERS, label)) params.label = label;
    else notices.push(`Unknown panel verdict "${query.label}" (use ship, skip, split or none), so all verdicts are shown.`);
  }
  const sort = query.sort?.trim();
  if (sort) {
    if (isOneOf(SEARCH_SORTS, sort)) params.sort = sort === 'relevance' && !q ? 'newest' : sort;
    else notices.push(`Unknown sort "${sort}", so results are sorted by ${q ? 'relevance' : 'newest first'}.`);
  }
  const page = query.page?.trim();
  if (page) {
    const n = /^\d{1,9}$/.test(page) ? Number(page) : NaN;
    if (n >= 1 && n <= MAX_PAGE) params.page = n;
    else notices.push(`Page "${page}" does not exist, so this is page 1.`);
  }
  return { params, notices };
}

export interface SearchResult {
  items: ToolWithPanel[];
  /** Matches counted, at most SEARCH_MAX_PAGES pages' worth; `more` says there are others beyond. */
  total: number;
  more: boolean;
  page: number;
  pages: number;
  pageSize: number;
}

/**
 * Text match, column filters, the panel verdict filter and every sort run in SQL over the stored figures
 * (src/catalog/figures.repo.ts), one page at a time; only that page's panels are loaded. Matches are counted and
 * listed up to SEARCH_MAX_PAGES pages, so neither the count nor the offset grows with the catalog.
 */
export async function searchCatalog(db: DbOrTx, p: SearchParams, pageSize = SEARCH_PAGE_SIZE): Promise<SearchResult> {
  const filter = { q: p.q, categorySlug: p.category, pricingModel: p.pricing, label: p.label };
  const { rows, total, more } = await boundedSearch(db, filter, { order: p.sort, limit: pageSize, offset: (p.page - 1) * pageSize, listed: SEARCH_MAX_PAGES * pageSize });
  return { items: await withPanels(db, rows), total, more, page: p.page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
}

/**
 * One page of matches and how many there are, both within the first `listed` matches: neither the count nor the
 * offset grows with the catalog. `more` says matches go on past them. /search and the API's `q` both page this way.
 */
export async function boundedSearch(
  db: DbOrTx,
  filter: SearchFilter,
  o: { order: SqlOrder; limit: number; offset: number; listed: number },
): Promise<{ rows: ToolRow[]; total: number; more: boolean }> {
  if (o.order === 'relevance' && filter.q?.trim()) {
    // Ranked among a bounded set of candidates, which also counts the matches up to `listed + 1` (search.repo.ts).
    const { rows, counted } = await rankedSearch(db, filter, { limit: o.offset < o.listed ? Math.min(o.limit, o.listed - o.offset) : 0, offset: o.offset, listed: o.listed });
    return { rows, total: Math.min(counted, o.listed), more: counted > o.listed };
  }
  const [rows, counted] = await Promise.all([
    o.offset < o.listed ? searchToolRows(db, filter, { order: o.order, limit: Math.min(o.limit, o.listed - o.offset), offset: o.offset }) : [],
    countSearch(db, filter, o.listed),
  ]);
  return { rows, total: Math.min(counted, o.listed), more: counted > o.listed };
}
