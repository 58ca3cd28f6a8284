import { sql, type SelectQueryBuilder } from 'kysely';
import type { DbOrTx } from '../db/db.js';
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
 * FTS5: every word a quoted string, the last one a prefix: `"open" "visi"*` (all words, implicit AND), or
 * `"open" OR "visi"*`. Null when there is no word.
 */
export function fts5Query(terms: readonly string[], join: 'and' | 'or' = 'and'): string | null {
  if (terms.length === 0) return null;
  // Terms never contain `"`, but double any anyway: a quoted FTS5 string can hold nothing else special.
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`).join(join === 'and' ? ' ' : ' OR ');
}

/** PostgreSQL to_tsquery text: `'open' & 'visi':*` (or `|`). Terms are letters and digits only, so quoting is safe. */
export function tsQuery(terms: readonly string[], join: 'and' | 'or' = 'and'): string | null {
  if (terms.length === 0) return null;
  return terms.map((t, i) => `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${i === terms.length - 1 ? ':*' : ''}`).join(join === 'and' ? ' & ' : ' | ');
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

/** Applies text match and column filters; null when the text has no searchable word (matches nothing). */
function filtered(db: DbOrTx, f: SearchFilter, order?: SqlOrder): ToolsQuery | null {
  let qb = db.selectFrom('tools') as ToolsQuery;
  if (f.categorySlug) qb = qb.where('tools.categorySlug', '=', f.categorySlug);
  if (f.pricingModel) qb = qb.where('tools.pricingModel', '=', f.pricingModel);
  if (f.label) qb = f.label === 'none' ? qb.where('tools.panelLabel', 'is', null) : qb.where('tools.panelLabel', '=', LABELS[f.label]);
  // The figure sorts come first; newest first (added below) breaks their ties.
  const text = f.q?.trim() ?? '';
  if (order === 'ship' || order === 'score') {
    for (const [col, nullable] of FIGURE_ORDER[order]) qb = qb.orderBy(nullable ? descNullsLast(db, col, text !== '') : sql`${sql.ref(col)} desc`);
  }
  if (text) {
    const terms = searchTerms(text);
    if (terms.length === 0) return null;
    if (isPostgres(db)) {
      const doc = sql`tools.search_document`;
      const query = sql`to_tsquery('simple', ${tsQuery(terms)})`;
      qb = qb.where(sql<boolean>`${doc} @@ ${query}`);
      if (order === 'relevance') {
        // Tools whose name holds a query word come first (the name is the weight-A part of the document);
        // then ts_rank with weights for D, C, B, A.
        qb = qb
          .orderBy(sql`ts_filter(${doc}, '{a}') @@ to_tsquery('simple', ${tsQuery(terms, 'or')})`, 'desc')
          .orderBy(sql`ts_rank('{0.05, 0.1, 0.4, 1.0}', ${doc}, ${query})`, 'desc');
      }
    } else {
      qb = qb.innerJoin(sql<{ rowid: number }>`tools_fts`.as('tools_fts'), (j) => j.onRef(sql.ref('tools_fts.rowid'), '=', 'tools.id')).where(
        sql<boolean>`tools_fts match ${fts5Query(terms)}`,
      );
      if (order === 'relevance') {
        // Tools whose name holds a query word come first; then bm25 (lower is better) with column weights in
        // table order: name, tagline, description, tags.
        const inName = `{name} : (${fts5Query(terms, 'or')})`;
        qb = qb
          .orderBy(sql`tools.id in (select rowid from tools_fts where tools_fts match ${inName})`, 'desc')
          .orderBy(sql`bm25(tools_fts, 10.0, 4.0, 1.0, 4.0)`);
      }
    }
  }
  if (order) qb = qb.orderBy('tools.createdAt', 'desc').orderBy('tools.id', 'desc');
  return qb;
}

/** Matching tools in relevance order (newest first without text, or on ties), or newest first. */
export async function searchToolRows(db: DbOrTx, f: SearchFilter, opts: { order?: SqlOrder; limit?: number; offset?: number } = {}): Promise<ToolRow[]> {
  const qb = filtered(db, f, opts.order ?? 'relevance');
  if (!qb) return [];
  let q = qb.select(TOOLS_STAR);
  if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset ?? 0);
  return (await q.execute()) as ToolRow[];
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
  const qb = filtered(db, { q }, 'relevance');
  if (!qb || !q.trim()) return [];
  return qb.select(['tools.id', 'tools.slug', 'tools.name', 'tools.category']).limit(limit).execute();
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
