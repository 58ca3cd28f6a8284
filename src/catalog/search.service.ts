import type { DbOrTx } from '../db/db.js';
import { PRICING_MODELS } from '../domain/schemas.js';
import type { PricingModel } from '../domain/pricing.js';
import { withPanels, type ToolWithPanel } from './catalog.service.js';
import { countSearch, MAX_QUERY_CHARS, searchToolRows } from './search.repo.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'ship', 'score'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
export const LABEL_FILTERS = ['ship', 'skip', 'split', 'none'] as const;
export type LabelFilter = (typeof LABEL_FILTERS)[number];
export const SEARCH_PAGE_SIZE = 20;
const MAX_PAGE = 100_000;

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
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

const byNullableDesc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);

const SORTERS: Record<'ship' | 'score', (a: ToolWithPanel, b: ToolWithPanel) => number> = {
  ship: (a, b) =>
    byNullableDesc(a.summary.shipPct, b.summary.shipPct) ||
    b.summary.ships + b.summary.skips - (a.summary.ships + a.summary.skips) ||
    byNullableDesc(a.summary.meanScore, b.summary.meanScore),
  score: (a, b) => byNullableDesc(a.summary.meanScore, b.summary.meanScore) || byNullableDesc(a.summary.shipPct, b.summary.shipPct),
};

const labelMatches = (item: ToolWithPanel, label: LabelFilter) =>
  label === 'none' ? item.summary.label === null : item.summary.label?.toLowerCase() === label;

/**
 * Text match and column filters run in SQL; the panel verdict filter and the ship/score sorts need each
 * tool's summary, which is computed from the latest reviews, so those run here over the matched set.
 */
export async function searchCatalog(db: DbOrTx, p: SearchParams, pageSize = SEARCH_PAGE_SIZE): Promise<SearchResult> {
  const filter = { q: p.q, categorySlug: p.category, pricingModel: p.pricing };
  const offset = (p.page - 1) * pageSize;
  const sqlOnly = !p.label && (p.sort === 'relevance' || p.sort === 'newest');
  if (sqlOnly) {
    const [rows, total] = await Promise.all([searchToolRows(db, filter, { order: p.sort as 'relevance' | 'newest', limit: pageSize, offset }), countSearch(db, filter)]);
    return { items: await withPanels(db, rows), total, page: p.page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
  }
  let items = await withPanels(db, await searchToolRows(db, filter, { order: p.sort === 'relevance' ? 'relevance' : 'newest' }));
  if (p.label) items = items.filter((i) => labelMatches(i, p.label!));
  // Array sort is stable: ties keep the SQL order (relevance or newest first).
  if (p.sort === 'ship' || p.sort === 'score') items = [...items].sort(SORTERS[p.sort]);
  const total = items.length;
  return { items: items.slice(offset, offset + pageSize), total, page: p.page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
}
