// SQL for tools: finding, listing, paging and writing them, category leads, the daily review batch and alternatives.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';
import { type NewToolRow, type ToolRow, TOOL_COLUMNS } from '../db/types.js';
import { MIN_SHARED_TAGS } from '../domain/compare.js';
import { isPostgres } from '../db/dialect.js';
import { searchTerms } from './search.repo.js';

export const findToolBySlug = (db: DbOrTx, slug: string): Promise<ToolRow | undefined> =>
  db.selectFrom('tools').select(TOOL_COLUMNS).where('slug', '=', slug).executeTakeFirst();

/** Just the id and slug of the tool with this slug (what a vote or bookmark needs). */
export const findToolRefBySlug = (db: DbOrTx, slug: string): Promise<Pick<ToolRow, 'id' | 'slug'> | undefined> =>
  db.selectFrom('tools').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();

export async function findToolsBySlugs(db: DbOrTx, slugs: readonly string[]): Promise<ToolRow[]> {
  if (slugs.length === 0) return [];
  return db.selectFrom('tools').select(TOOL_COLUMNS).where('slug', 'in', slugs).execute();
}

export const findToolById = (db: DbOrTx, id: number): Promise<ToolRow | undefined> =>
  db.selectFrom('tools').select(TOOL_COLUMNS).where('id', '=', id).executeTakeFirst();

/** Newest first (then by id, so equal timestamps keep a stable order). */
export function listTools(db: DbOrTx, opts: { categorySlug?: string; limit?: number; offset?: number } = {}): Promise<ToolRow[]> {
  let q = db.selectFrom('tools').select(TOOL_COLUMNS);
  if (opts.categorySlug) q = q.where('categorySlug', '=', opts.categorySlug);
  return q
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 1000)
    .offset(opts.offset ?? 0)
    .execute();
}

/** From the stored category counts (migration 20261130_113), not a count of the tools table. */
export async function countTools(db: DbOrTx, categorySlug?: string): Promise<number> {
  let q = db.selectFrom('categories').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('tools'), sql<number>`0`).as('n'));
  if (categorySlug) q = q.where('slug', '=', categorySlug);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function insertTool(db: DbOrTx, row: NewToolRow): Promise<number> {
  const { id } = await db.insertInto('tools').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateTool(db: DbOrTx, id: number, row: Partial<NewToolRow>): Promise<void> {
  await db.updateTable('tools').set(row).where('id', '=', id).execute();
}

/**
 * Stores the panel's "best for" with the run that wrote it, both in one statement. Like any write to tools it bumps
 * the data version (trigger), so the tool's cached pages are rendered again, as after a new review.
 */
export async function setPanelBestFor(db: DbOrTx, toolId: number, text: string, runId: number): Promise<void> {
  await db.updateTable('tools').set({ panelBestFor: text, panelBestForRunId: runId }).where('id', '=', toolId).execute();
}

/** Just enough of every tool to fill a "pick a tool" list. */
export type ToolChoice = Pick<ToolRow, 'id' | 'slug' | 'name' | 'category' | 'categorySlug'>;

/**
 * Each category's `perCategory` most-reviewed tools (then higher mean score, then name), categories by name: the
 * leads of suggested match-ups. One small read per category, each the head of the index tools_by_category_lead.
 */
export async function categoryLeads(db: DbOrTx, perCategory: number): Promise<ToolRow[]> {
  const categories = await db.selectFrom('categories').select('slug').orderBy(sql`lower(name)`).orderBy('slug').execute();
  const leads = await Promise.all(
    categories.map(({ slug }) =>
      db
        .selectFrom('tools')
        .select(TOOL_COLUMNS)
        .where('categorySlug', '=', slug)
        .orderBy('panelTakes', 'desc')
        .orderBy(isPostgres(db) ? sql`panel_mean_score desc nulls last` : sql`panel_mean_score desc`)
        .orderBy(sql`lower(name)`)
        .orderBy('slug')
        .limit(perCategory)
        .execute(),
    ),
  );
  return leads.flat();
}

/** Tools with no review of any kind yet, oldest first; the first `limit` of them when given. */
export async function toolsWithoutReviews(db: DbOrTx, limit?: number, opts: { researchedFirst?: boolean } = {}): Promise<ToolRow[]> {
  const base = () =>
    db
      .selectFrom('tools')
      .select(TOOL_COLUMNS)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('reviews').select('reviews.id').whereRef('reviews.toolId', '=', 'tools.id'))));
  // The daily review takes tools whose facts were checked first (they are reviewed on evidence), then the rest:
  // two bounded reads, the first over researched tools only (tools_by_researched_at), not one sort of every tool.
  const first: ToolRow[] = [];
  if (opts.researchedFirst) {
    let q = base().where('researchedAt', 'is not', null).orderBy('createdAt').orderBy('id');
    if (limit !== undefined) q = q.limit(limit);
    first.push(...(await q.execute()));
    if (limit !== undefined && first.length >= limit) return first;
  }
  let q = base().orderBy('createdAt').orderBy('id');
  if (opts.researchedFirst) q = q.where('researchedAt', 'is', null);
  if (limit !== undefined) q = q.limit(limit - first.length);
  return [...first, ...(await q.execute())];
}

/**
 * A category's tools on one side of the panel, the most decided first: for 'Ship' the highest ship % (then mean
 * score), for 'Skip' the lowest. The digest pairs a week's verdicts with these, so it reads `limit` tools of each
 * category (from tools_by_label_ship), never the whole category.
 */
export function mostDecided(db: DbOrTx, categorySlug: string, label: 'Ship' | 'Skip', limit: number): Promise<ToolRow[]> {
  const dir = label === 'Ship' ? 'desc' : 'asc';
  return db
    .selectFrom('tools')
    .select(TOOL_COLUMNS)
    .where('categorySlug', '=', categorySlug)
    .where('panelLabel', '=', label)
    .orderBy('panelShipPct', dir)
    .orderBy('panelMeanScore', dir)
    .orderBy(sql`lower(name)`)
    .orderBy('slug')
    .limit(limit)
    .execute();
}

export async function toolNamesByIds(db: DbOrTx, ids: readonly number[]): Promise<Pick<ToolRow, 'id' | 'slug' | 'name'>[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('tools').select(['id', 'slug', 'name']).where('id', 'in', ids).execute();
}

/**
 * The sitemap's pages of tools: each starts at a tool id and holds `size` tools in id order (keyset, so each
 * boundary is one index step from the last), with the latest update among them for `lastmod`.
 */
export async function toolPages(db: DbOrTx, size: number): Promise<{ fromId: number; lastmod: string }[]> {
  const out: { fromId: number; lastmod: string }[] = [];
  let start = (await db.selectFrom('tools').select('id').orderBy('id').limit(1).executeTakeFirst())?.id;
  while (start !== undefined) {
    const next = (await db.selectFrom('tools').select('id').where('id', '>=', start).orderBy('id').limit(1).offset(size).executeTakeFirst())?.id;
    let q = db.selectFrom('tools').select((eb) => eb.fn.max('updatedAt').as('lastmod')).where('id', '>=', start);
    if (next !== undefined) q = q.where('id', '<', next);
    out.push({ fromId: start, lastmod: String((await q.executeTakeFirstOrThrow()).lastmod) });
    start = next;
  }
  return out;
}

/** One sitemap page: `size` tools from `fromId` on, in id order. */
export const toolsFromId = (db: DbOrTx, fromId: number, size: number): Promise<Pick<ToolRow, 'id' | 'slug' | 'updatedAt'>[]> =>
  db.selectFrom('tools').select(['id', 'slug', 'updatedAt']).where('id', '>=', fromId).orderBy('id').limit(size).execute();

/** A LIKE pattern for one tag inside the stored JSON array text (`["a","b"]`), with LIKE's own wildcards escaped. */
const tagPattern = (tag: string) => `%${JSON.stringify(tag).replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** SQLite: tools whose tags hold a pair of these tags, each tag a phrase of its words (letters and digits: quoting is safe). */
function ftsPairs(tags: readonly string[]) {
  const phrases = tags.map((t) => `"${searchTerms(t).join(' ')}"`).filter((p) => p !== '""');
  const pairs = phrases.flatMap((a, i) => phrases.slice(i + 1).map((b) => `(${a} AND ${b})`));
  return pairs.length ? sql`select rowid from tools_fts where tools_fts match ${`{tags} : (${pairs.join(' OR ')})`} limit ${ALTERNATIVE_CANDIDATES}` : null;
}

/** How many tools sharing tags are weighed as alternatives: a bounded candidate set from an index. */
const ALTERNATIVE_CANDIDATES = 400;

/**
 * Tools that do the same job as `tool` (domain sameJob, in SQL): the same use-case ("best for") or MIN_SHARED_TAGS
 * shared tags. Most shared first, then same category, then the panel's mean score. Candidates come from indexes
 * (tag pairs, an index on the use-case), never a scan of the catalog; the query binds one
 * pattern per tag of this tool (at most 20), never one per catalog tool, and stops at `limit`.
 */
export async function alternativesTo(db: DbOrTx, tool: Pick<ToolRow, 'id' | 'tags' | 'categorySlug' | 'bestFor'>, limit = 4): Promise<ToolRow[]> {
  const tags = [...new Set(JSON.parse(tool.tags) as string[])].slice(0, 20);
  const useCase = tool.bestFor?.trim().toLowerCase() || null;
  if (tags.length === 0 && !useCase) return [];
  // A tool sharing MIN_SHARED_TAGS (2) tags shares at least one pair of this tool's tags. PostgreSQL indexes each
  // tool's tag pairs (migration 20261130_112: either order is passed, the index holds one); SQLite's FTS5 finds
  // them as phrases in the tags column. Either way a few candidates, where one tag word alone matches thousands.
  const first = tags.slice(0, 10);
  const byTag = isPostgres(db)
    ? first.length > 1
      ? sql`(select id from tools where tool_tag_pairs(tags) && ${first.flatMap((a, i) => first.slice(i + 1).flatMap((b) => [`${a}\u001f${b}`, `${b}\u001f${a}`]))}::text[] limit ${ALTERNATIVE_CANDIDATES})`
      : null
    : ftsPairs(first);
  // Bounded too: an imported use-case can be shared by thousands of tools. (PostgreSQL's union needs a LIMIT in parentheses.)
  const sameUseIds = sql`select id from tools where lower(best_for) = ${useCase} limit ${ALTERNATIVE_CANDIDATES}`;
  const byUse = useCase ? (isPostgres(db) ? sql`(${sameUseIds})` : sameUseIds) : null;
  if (!byTag && !byUse) return []; // one tag and no use-case: nothing can share two tags with it
  // PostgreSQL plans `id in (a) or id in (b)` as a scan with two hashed subplans: one union keeps it on the indexes.
  // SQLite cannot put a LIMIT inside a union member, and plans the two IN lookups well.
  const parts = [byTag, byUse].filter((q) => q !== null);
  const candidates = isPostgres(db) ? sql`id in (${sql.join(parts, sql` union `)})` : sql.join(parts.map((q) => sql`id in (${q})`), sql` or `);
  const shared = tags.length ? sql<number>`(${sql.join(tags.map((t) => sql`case when tags like ${tagPattern(t)} escape '\\' then 1 else 0 end`), sql` + `)})` : sql<number>`0`;
  const sameUse = useCase ? sql<number>`case when lower(best_for) = ${useCase} then 1 else 0 end` : sql<number>`0`;
  const sameCategory = sql<number>`case when category_slug = ${tool.categorySlug} then 1 else 0 end`;
  return db
    .selectFrom('tools')
    .select(TOOL_COLUMNS)
    .where(sql<boolean>`(${candidates})`)
    .where('id', '!=', tool.id)
    .where(sql<boolean>`(${sameUse} = 1 or ${shared} >= ${MIN_SHARED_TAGS})`)
    .orderBy(sql`${sameUse} + ${shared}`, 'desc')
    .orderBy(sameCategory, 'desc')
    .orderBy(sql`coalesce(panel_mean_score, -1)`, 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
