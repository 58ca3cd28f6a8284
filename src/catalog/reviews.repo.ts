// SQL for reviews: each critic's latest revision per tool, a tool's history, and writing a review together with its tool's stored figures.
import { sql, type ExpressionBuilder } from 'kysely';
import { executeTx, type DbOrTx } from '../db/db.js';
import { type DB, type NewReviewRow, type ReviewRow, type ToolRow, TOOL_COLUMNS } from '../db/types.js';
import type { PanelReview } from '../domain/summary.js';
import { refreshPanelFigures } from './figures.repo.js';
import { recordLatest, WRITTEN_COLUMNS } from './critics.repo.js';

/** The latest revision of each critic's review, for each of the given tools. */
export async function latestReviews(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, ReviewRow[]>> {
  const out = new Map<number, ReviewRow[]>(toolIds.map((id) => [id, []]));
  if (toolIds.length === 0) return out;
  const rows = await db
    .selectFrom('reviews')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb.selectFrom('reviews').select((e) => e.fn.max('id').as('id')).where('toolId', 'in', toolIds).groupBy(['toolId', 'critic']),
    )
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.toolId)!.push(r);
  return out;
}

/** Every revision of every critic's review of a tool, newest first. */
export const reviewHistory = (db: DbOrTx, toolId: number): Promise<ReviewRow[]> =>
  db.selectFrom('reviews').selectAll().where('toolId', '=', toolId).orderBy('id', 'desc').execute();

/**
 * Inserts a review row and marks it its critic's latest for the tool (critic tallies included, `recordLatest`);
 * the caller refreshes the tool's stored figures (refreshPanelFigures) in the same transaction.
 */
export const insertReview = (db: DbOrTx, row: NewReviewRow): Promise<number> =>
  executeTx(db, async (trx) => {
    const written = await trx.insertInto('reviews').values(row).returning(WRITTEN_COLUMNS).executeTakeFirstOrThrow();
    await recordLatest(trx, [written]);
    return written.id;
  });

/** Inserts one review and refreshes its tool's stored panel figures, in one transaction. */
export const addReview = (db: DbOrTx, row: NewReviewRow): Promise<number> =>
  executeTx(db, async (trx) => {
    const id = await insertReview(trx, row);
    await refreshPanelFigures(trx, [row.toolId]);
    return id;
  });

export function toPanelReview(r: ReviewRow): PanelReview {
  return r.kind === 'take'
    ? { critic: r.critic, kind: 'take', score: r.score!, verdict: r.verdict!, take: r.take! }
    : { critic: r.critic, kind: 'abstain', reason: r.reason! };
}

/** Which tool and critic a revision belongs to (e.g. to check that a reported take is one of the tool's). */
export const findReviewRef = (db: DbOrTx, id: number): Promise<{ id: number; toolId: number; critic: string } | undefined> =>
  db.selectFrom('reviews').select(['id', 'toolId', 'critic']).where('id', '=', id).executeTakeFirst();

export const hasReviews = async (db: DbOrTx, toolId: number): Promise<boolean> =>
  (await db.selectFrom('reviews').select('id').where('toolId', '=', toolId).limit(1).executeTakeFirst()) !== undefined;

/** Review revisions of these tools written before `end`, all critics, oldest and newest alike. */
export async function reviewsBefore(db: DbOrTx, toolIds: readonly number[], end: string): Promise<ReviewRow[]> {
  if (toolIds.length === 0) return [];
  return db.selectFrom('reviews').selectAll().where('toolId', 'in', toolIds).where('createdAt', '<', end).execute();
}

/** Which of these tools had a review revision before `before`. */
export async function toolIdsReviewedBefore(db: DbOrTx, toolIds: readonly number[], before: string): Promise<Set<number>> {
  if (toolIds.length === 0) return new Set();
  const rows = await db.selectFrom('reviews').select('toolId').distinct().where('toolId', 'in', toolIds).where('createdAt', '<', before).execute();
  return new Set(rows.map((r) => r.toolId));
}

/** The tools with a review revision written in [start, end): ids from the index reviews_by_time (migration 114). */
const reviewedBetween = (start: string, end: string) => (eb: ExpressionBuilder<DB, 'tools'>) =>
  eb.selectFrom('reviews').select('reviews.toolId').where('reviews.createdAt', '>=', start).where('reviews.createdAt', '<', end);

/**
 * The first `limit` tools with a review revision written in [start, end), in the digest's order from their stored
 * figures: Ship, Split, Skip, then no panel take yet; higher ship %, then higher mean score first; then name. A bulk
 * import makes every tool "reviewed this week": the sort keeps `limit` rows, never the catalog.
 */
export async function toolsReviewedBetween(db: DbOrTx, start: string, end: string, limit: number): Promise<ToolRow[]> {
  return db
    .selectFrom('tools')
    .select(TOOL_COLUMNS)
    .where('id', 'in', reviewedBetween(start, end))
    .orderBy(sql`case panel_label when 'Ship' then 0 when 'Split' then 1 when 'Skip' then 2 else 3 end`)
    .orderBy(sql`coalesce(panel_ship_pct, -1)`, 'desc')
    .orderBy(sql`coalesce(panel_mean_score, -1)`, 'desc')
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How many tools have a review revision written in [start, end). */
export async function countToolsReviewedBetween(db: DbOrTx, start: string, end: string): Promise<number> {
  const { n } = await db
    .selectFrom('reviews')
    .select((eb) => eb.fn.count<number>('toolId').distinct().as('n'))
    .where('createdAt', '>=', start)
    .where('createdAt', '<', end)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * The tools whose verdicts changed most recently, newest first, with the id and time of their newest review revision.
 * Walks the newest revisions back by id, a page at a time, until `limit` tools are found: a `group by tool_id` over
 * every review would read all of them (70 ms at 600,000 reviews) for a feed of 50.
 */
export async function toolsByLatestReview(db: DbOrTx, limit: number): Promise<{ tool: ToolRow; reviewId: number; reviewedAt: string }[]> {
  const latest = new Map<number, { reviewId: number; reviewedAt: string }>();
  for (let before: number | undefined; latest.size < limit; ) {
    let page = db.selectFrom('reviews').select(['id', 'toolId', 'createdAt']).orderBy('id', 'desc').limit(REVIEW_PAGE);
    if (before !== undefined) page = page.where('id', '<', before);
    const rows = await page.execute();
    for (const r of rows) if (!latest.has(r.toolId) && latest.size < limit) latest.set(r.toolId, { reviewId: r.id, reviewedAt: r.createdAt });
    if (rows.length < REVIEW_PAGE) break;
    before = rows.at(-1)!.id;
  }
  if (latest.size === 0) return [];
  const tools = await db.selectFrom('tools').select(TOOL_COLUMNS).where('id', 'in', [...latest.keys()]).execute();
  const toolById = new Map(tools.map((t) => [t.id, t]));
  return [...latest].flatMap(([toolId, r]) => {
    const tool = toolById.get(toolId);
    return tool ? [{ tool, ...r }] : [];
  });
}

const REVIEW_PAGE = 500;
