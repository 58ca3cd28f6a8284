// SQL for full-text search over tools, where SQLite FTS5 and PostgreSQL text search differ, plus suggestions and nearby tools.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { executeTx, type DbOrTx } from '../db/db.js';
import { isPostgres } from '../db/dialect.js';
import { type DB, type ToolRow, TOOLS_STAR } from '../db/types.js';
import type { PricingModel } from '../domain/pricing.js';

/**
 * Full-text search over tools: the one place where SQLite FTS5 and PostgreSQL full-text differ.
 * The index itself is built and kept in sync by migration 004 (triggers / expression index).
 */

export const MAX_QUERY_CHARS = 200;
export const MAX_TERMS = 12;
const MAX_TERM_CHARS = 60;

/**
 * The words of a user's query: runs of letters, digits and combining marks, lower-cased, in order, without
 * repeats. Everything else (quotes, `*`, `(`, `-`, `:`, SQL) is a separator, so nothing the user types can
 * reach either engine as query syntax.
 */
export function searchTerms(q: string): string[] {
  const words = q.normalize('NFKC').slice(0, MAX_QUERY_CHARS).toLowerCase().match(/[\p{L}\p{N}\p{M}\p{Co}]+/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, MAX_TERM_CHARS)))].slice(0, MAX_TERMS);
}

/**
 * The last word is also a prefix when it has at least this many characters. A one-letter prefix ("t") names most
 * of a catalog's words, and both engines merge every such word's list of tools (50 ms at 100,000 tools), to find
 * what a reader could not use anyway; a single letter is matched as a whole word ("c", "r").
 */
export const MIN_PREFIX_CHARS = 2;
const isPrefix = (terms: readonly string[], i: number) => i === terms.length - 1 && [...terms[i]!].length >= MIN_PREFIX_CHARS;

/**
 * FTS5: every word a quoted string, the last one a prefix: `"open" "visi"*` (all words, implicit AND), or
 * `"open" OR "visi"*`. Null when there is no word.
 */
export function fts5Query(terms: readonly string[], join: 'and' | 'or' = 'and'): string | null {
  if (terms.length === 0) return null;
  // Terms never contain `"`, but double any anyway: a quoted FTS5 string can hold nothing else special.
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${isPrefix(terms, i) ? '*' : ''}`).join(join === 'and' ? ' ' : ' OR ');
}

/** PostgreSQL to_tsquery text: `'open' & 'visi':*` (or `|`). Terms are letters and digits only, so quoting is safe. */
export function tsQuery(terms: readonly string[], join: 'and' | 'or' = 'and'): string | null {
  if (terms.length === 0) return null;
  return terms.map((t, i) => `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${isPrefix(terms, i) ? ':*' : ''}`).join(join === 'and' ? ' & ' : ' | ');
}

export interface SearchFilter {
  /** Free text; blank means every tool. */
  q?: string;
  categorySlug?: string;
  pricingModel?: PricingModel;
  /** The panel's label (stored figure); 'none' means no panel takes yet. */
  label?: 'ship' | 'skip' | 'split' | 'none';
}

/** relevance/newest, or by a stored figure (ship %, mean score) with newest first breaking ties. */
export type SqlOrder = 'relevance' | 'newest' | 'ship' | 'score';

type ToolsQuery = SelectQueryBuilder<DB, 'tools', object>;

const LABELS = { ship: 'Ship', skip: 'Skip', split: 'Split' } as const;

/**
 * The ship and score sorts, as search.service.ts defined them in JS: nulls (no takes) last, then more takes.
 * The same column order as the indexes tools_by_ship / tools_by_score (migration 20261130_001).
 */
const FIGURE_ORDER = {
  ship: [['tools.panelShipPct', true], ['tools.panelTakes', false], ['tools.panelMeanScore', true]],
  score: [['tools.panelMeanScore', true], ['tools.panelShipPct', true]],
} as const;

/**
 * DESC with nulls last: SQLite's DESC already is, and the plain form is the one its planner matches to the
 * index. On PostgreSQL with a text query, coalesce (same order: figures are >= 0) keeps the planner from
 * walking tools_by_ship/score and testing every row against the tsquery, which a rare word makes a full scan;
 * the GIN index finds the matches and a top-N sort orders them (docs/decisions/011).
 */
const descNullsLast = (db: DbOrTx, col: string, withText: boolean) =>
  !isPostgres(db) ? sql`${sql.ref(col)} desc` : withText ? sql`coalesce(${sql.ref(col)}, -1) desc` : sql`${sql.ref(col)} desc nulls last`;

/** Category, pricing and panel-label filters as conditions on `tools`, for the query builder and raw SQL alike. */
function columnFilters(f: SearchFilter): RawBuilder<boolean>[] {
  const conds: RawBuilder<boolean>[] = [];
  if (f.categorySlug) conds.push(sql`${sql.ref('tools.categorySlug')} = ${f.categorySlug}`);
  if (f.pricingModel) conds.push(sql`${sql.ref('tools.pricingModel')} = ${f.pricingModel}`);
  if (f.label) conds.push(f.label === 'none' ? sql`${sql.ref('tools.panelLabel')} is null` : sql`${sql.ref('tools.panelLabel')} = ${LABELS[f.label]}`);
  return conds;
}

function withColumnFilters<Q extends SelectQueryBuilder<DB, 'tools', any>>(qb: Q, f: SearchFilter): Q {
  return columnFilters(f).reduce((q, c) => q.where(c), qb as SelectQueryBuilder<DB, 'tools', any>) as Q;
}

/** Applies text match and column filters; null when the text has no searchable word (matches nothing). */
function filtered(db: DbOrTx, f: SearchFilter, order?: SqlOrder): ToolsQuery | null {
  let qb = withColumnFilters(db.selectFrom('tools') as ToolsQuery, f);
  // The figure sorts come first; newest first (added below) breaks their ties.
  const text = f.q?.trim() ?? '';
  if (order === 'ship' || order === 'score') {
    for (const [col, nullable] of FIGURE_ORDER[order]) qb = qb.orderBy(nullable ? descNullsLast(db, col, text !== '') : sql`${sql.ref(col)} desc`);
  }
  if (text) {
    const terms = searchTerms(text);
    if (terms.length === 0) return null;
    if (isPostgres(db)) qb = qb.where(sql<boolean>`tools.search_document @@ to_tsquery('simple', ${tsQuery(terms)})`);
    else
      qb = qb.innerJoin(sql<{ rowid: number }>`tools_fts`.as('tools_fts'), (j) => j.onRef(sql.ref('tools_fts.rowid'), '=', 'tools.id')).where(
        sql<boolean>`tools_fts match ${fts5Query(terms)}`,
      );
  }
  // Relevance without text is newest first; with text it is ranked by rankedSearch, not here.
  if (order) qb = qb.orderBy('tools.createdAt', 'desc').orderBy('tools.id', 'desc');
  return qb;
}

/**
 * Matching tools in relevance order (newest first without text, or on ties), or newest first. Relevance with text
 * ranks a bounded candidate set (rankedSearch): without a limit it returns every candidate, which is every match
 * when there are at most RELEVANCE_CANDIDATES.
 */
export async function searchToolRows(db: DbOrTx, f: SearchFilter, opts: { order?: SqlOrder; limit?: number; offset?: number } = {}): Promise<ToolRow[]> {
  const order = opts.order ?? 'relevance';
  if (order === 'relevance' && f.q?.trim()) {
    return (await rankedSearch(db, f, { limit: opts.limit ?? 2 * RELEVANCE_CANDIDATES, offset: opts.offset ?? 0 })).rows;
  }
  const qb = filtered(db, f, order);
  if (!qb) return [];
  let q = qb.select(TOOLS_STAR);
  if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset ?? 0);
  return (await q.execute()) as ToolRow[];
}

/**
 * Relevance ranks a bounded set of candidates, never every match, so its cost does not grow with how many tools a
 * word matches (docs/decisions/026). Candidates are the first RELEVANCE_CANDIDATES matches in the index's own
 * order, plus as many of the matches with a query word in their name; both in the order the engine finds them
 * cheaply (FTS5: rowid, i.e. oldest first; PostgreSQL: a GIN bitmap, i.e. table order, which is insertion order
 * until rows move). When a search has fewer matches than that, the candidates are every match and the ranking is
 * exact. Tools with a query word in their name come first, then by rank, then newest.
 * Must be more than the listing cap (1,000): the candidate count is also the bounded count of matches.
 */
export const RELEVANCE_CANDIDATES = 1001;

/** bm25 column weights in FTS5 column order: name, tagline, description, tags. */
const BM25 = sql`bm25(tools_fts, 10.0, 4.0, 1.0, 4.0)`;
/** ts_rank weights for D, C, B, A (name A; tagline and tags B; description C; migration 004). */
const TS_RANK_WEIGHTS = '{0.05, 0.1, 0.4, 1.0}';

interface Candidate {
  id: number;
  createdAt: string;
  /** Higher is better on both dialects (SQLite's bm25 is negated). */
  score: number;
}

const byRelevance = (named: Set<number>) => (a: Candidate, b: Candidate) =>
  Number(named.has(b.id)) - Number(named.has(a.id)) || b.score - a.score || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) || b.id - a.id;

/**
 * The two candidate tiers, `limit` each: `any` (every word matches somewhere) and `named` (those with a query
 * word in their name), with their scores, filters applied inside each tier.
 */
async function candidates(db: DbOrTx, f: SearchFilter, terms: string[], limit: number): Promise<{ any: Candidate[]; named: Candidate[] }> {
  if (!isPostgres(db)) {
    // FTS5 drives and stops after `limit` rows in rowid order; CROSS JOIN keeps SQLite from starting at a filter
    // index and re-running the match once per row (a prefix is re-expanded each time: seconds). A category holds a
    // small share of the catalog, so its tools are listed once from their index (SQLite builds a Bloom filter) and
    // each match is tested against that list (the `+` keeps SQLite from handing the list to FTS5 as rowids to look
    // up one by one). Pricing and verdict split the catalog into a few large parts: they, and the tie-break, are
    // read per match from tools_by_search_filters (migration 150), not from the wide table row. The name tier's
    // score is bm25 of its own query, which adds the name match to the plain query's terms; it only orders tools
    // within that tier.
    const inCategory = f.categorySlug
      ? [sql<boolean>`+tools_fts.rowid in (select id from tools where category_slug = ${f.categorySlug})`]
      : [];
    const filters = [...inCategory, ...columnFilters({ ...f, categorySlug: undefined })];
    const tier = async (match: string) =>
      (
        await sql<Candidate>`select tools.id, tools.created_at, -${BM25} as score
          from tools_fts cross join tools indexed by tools_by_search_filters on tools.id = tools_fts.rowid
          where ${sql.join([sql`tools_fts match ${match}`, ...filters], sql` and `)}
          limit ${limit}`.execute(db)
      ).rows;
    const all = fts5Query(terms)!;
    // One word: a match in the name is a match, so the name tier need not repeat the whole query (each prefix
    // term in a query is expanded over the whole index once more).
    const named = terms.length === 1 ? `{name} : (${all})` : `(${all}) AND {name} : (${fts5Query(terms, 'or')})`;
    return { any: await tier(all), named: await tier(named) };
  }
  const query = sql`to_tsquery('simple', ${tsQuery(terms)})`;
  const score = sql<number>`ts_rank(${TS_RANK_WEIGHTS}, tools.search_document, ${query})`;
  return withBitmapScans(db, async (tx) => {
    const any = await withColumnFilters(tx.selectFrom('tools'), f)
      .select(['tools.id', 'tools.createdAt', score.as('score')])
      .where(sql<boolean>`tools.search_document @@ ${query}`)
      .limit(limit)
      .execute();
    // The name index finds the tier; OFFSET 0 keeps the document test out of that scan (a BitmapAnd with the
    // document index would read every posting of a common word) and checks it on the rows found instead.
    const byName = withColumnFilters(tx.selectFrom('tools'), f)
      .select(['tools.id', 'tools.createdAt', sql`tools.search_document`.as('searchDocument')])
      .where(sql<boolean>`tools_name_document(tools.name) @@ to_tsquery('simple', ${tsQuery(terms, 'or')})`)
      .offset(0);
    const named = await tx
      .selectFrom(byName.as('tools'))
      .select(['tools.id', 'tools.createdAt', score.as('score')])
      .where(sql<boolean>`tools.search_document @@ ${query}`)
      .limit(limit)
      .execute();
    return { any, named };
  });
}

/**
 * PostgreSQL: runs `run` with only bitmap scans and no parallel workers, so a LIMIT without ORDER BY returns the
 * first matches in table order, the same ones every time. A sequential scan could start anywhere in the table
 * (synchronized scans) or, for a word with few matches, read the whole table past it; a bitmap scan costs the
 * postings plus the rows returned. The settings last for this transaction only.
 */
async function withBitmapScans<T>(db: DbOrTx, run: (tx: DbOrTx) => Promise<T>): Promise<T> {
  const settings = { enable_seqscan: 'off', enable_indexscan: 'off', max_parallel_workers_per_gather: '0' };
  const set = (tx: DbOrTx, values: Record<string, string>) =>
    sql`select ${sql.join(Object.entries(values).map(([k, v]) => sql`set_config(${k}, ${v}, true)`))}`.execute(tx);
  // In a transaction of its own, or the caller's: set them around these queries, then put back what was there.
  return executeTx(db, async (tx) => {
    const names = Object.keys(settings);
    const { rows } = await sql<Record<string, string>>`select ${sql.join(names.map((k) => sql`current_setting(${k}) as ${sql.id(k)}`))}`.execute(tx);
    await set(tx, settings);
    try {
      return await run(tx);
    } finally {
      await set(tx, Object.fromEntries(names.map((k) => [k, rows[0]![k]!])));
    }
  });
}

/**
 * A page of matches in relevance order and how many matches there are, counted up to `listed + 1`: the ranked
 * candidates of RELEVANCE_CANDIDATES (see there), then the page's rows. `q` must hold text.
 */
export async function rankedSearch(
  db: DbOrTx,
  f: SearchFilter,
  o: { limit: number; offset: number; listed?: number },
): Promise<{ rows: ToolRow[]; counted: number }> {
  const terms = searchTerms(f.q ?? '');
  if (terms.length === 0) return { rows: [], counted: 0 };
  const { any, named } = await candidates(db, f, terms, Math.max(RELEVANCE_CANDIDATES, (o.listed ?? 0) + 1));
  const namedIds = new Set(named.map((c) => c.id));
  // Every `any` candidate with a name match is also in `named`: both tiers take their first rows in the same
  // order, and name matches are a subset of matches. So the union is `named` plus the rest of `any`.
  const ranked = [...named, ...any.filter((c) => !namedIds.has(c.id))].sort(byRelevance(namedIds));
  const page = ranked.slice(o.offset, o.offset + o.limit).map((c) => c.id);
  if (page.length === 0) return { rows: [], counted: any.length };
  const rows = (await db.selectFrom('tools').select(TOOLS_STAR).where('tools.id', 'in', page).execute()) as ToolRow[];
  const at = new Map(page.map((id, i) => [id, i]));
  return { rows: rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!), counted: any.length };
}

/**
 * How many tools match, counting at most `atMost + 1` of them: enough to say "more than `atMost`" without
 * counting every match of a common word (tens of thousands at 100,000 tools).
 */
export async function countSearch(db: DbOrTx, f: SearchFilter, atMost: number): Promise<number> {
  const qb = filtered(db, f);
  if (!qb) return 0;
  const matches = qb.select(sql<number>`1`.as('one')).limit(atMost + 1).as('matches');
  const row = await db.selectFrom(matches).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A tool as the picker shows it. */
export type ToolSuggestion = { id: number; slug: string; name: string; category: string };

/** The best few matches for what a reader is typing (relevance order, the last word a prefix), for pickers. */
export async function suggestTools(db: DbOrTx, q: string, limit: number): Promise<ToolSuggestion[]> {
  if (!q.trim()) return [];
  const { rows } = await rankedSearch(db, { q }, { limit, offset: 0 });
  return rows.map((t) => ({ id: t.id, slug: t.slug, name: t.name, category: t.category }));
}

/**
 * Tools whose words start like the text's words (first three letters each, any word): a bounded set of
 * candidates for "did you mean", found through the full-text index instead of reading every name.
 */
/** Rows a "did you mean" weighs at most on PostgreSQL. */
const NEARBY_CANDIDATES = 2000;

export async function nearbyTools(db: DbOrTx, text: string, limit: number): Promise<{ slug: string; name: string }[]> {
  const terms = searchTerms(text.replace(/[-_]/g, ' '));
  // Each word's first two letters as a prefix (a typo usually comes later: "clude" for "claude"), plus the
  // whole word, so tools sharing more of the words, and whole words, rank first among the candidates.
  const stems = [...new Set(terms.flatMap((t) => (t.length > 2 ? [t.slice(0, 2), t] : [t])))];
  if (stems.length === 0) return [];
  let qb = db.selectFrom('tools') as ToolsQuery;
  if (isPostgres(db)) {
    const doc = sql`tools.search_document`;
    const query = stems.map((t) => `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${t.length <= 2 ? ':*' : ''}`).join(' | ');
    const tsq = sql`to_tsquery('simple', ${query})`;
    // The document match uses the GIN index, bounded (a two-letter prefix matches much of a large catalog); the
    // name filter (weight A) then checks just those rows.
    qb = qb
      .where(sql<boolean>`tools.id in (select id from tools where ${doc} @@ ${tsq} limit ${NEARBY_CANDIDATES})`)
      .where(sql<boolean>`ts_filter(${doc}, '{a}') @@ ${tsq}`)
      .orderBy(sql`ts_rank(ts_filter(${doc}, '{a}'), ${tsq})`, 'desc');
  } else {
    const query = `{name} : (${stems.map((t) => `"${t.replaceAll('"', '""')}"${t.length <= 2 ? '*' : ''}`).join(' OR ')})`;
    qb = qb
      .innerJoin(sql<{ rowid: number }>`tools_fts`.as('tools_fts'), (j) => j.onRef(sql.ref('tools_fts.rowid'), '=', 'tools.id'))
      .where(sql<boolean>`tools_fts match ${query}`)
      .orderBy(sql`bm25(tools_fts)`);
  }
  return qb.select(['tools.slug', 'tools.name']).orderBy('tools.id').limit(limit).execute();
}
