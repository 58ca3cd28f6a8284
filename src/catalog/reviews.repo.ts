import { executeTx, type DbOrTx } from '../db/db.js';
import { type NewReviewRow, type ReviewRow, type ToolRow, TOOL_COLUMNS } from '../db/types.js';
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

/** Tools with a review revision written in [start, end). */
export async function toolsReviewedBetween(db: DbOrTx, start: string, end: string): Promise<ToolRow[]> {
  return db
    .selectFrom('tools')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('reviews').select('toolId').where('createdAt', '>=', start).where('createdAt', '<', end))
    .execute();
}

/** The tools whose verdicts changed most recently, newest first, with the id and time of their newest review revision. */
export async function toolsByLatestReview(db: DbOrTx, limit: number): Promise<{ tool: ToolRow; reviewId: number; reviewedAt: string }[]> {
  const latest = await db
    .selectFrom('reviews')
    .select(['toolId', (eb) => eb.fn.max('id').as('lastId')])
    .groupBy('toolId')
    .orderBy((eb) => eb.fn.max('id'), 'desc')
    .limit(limit)
    .execute();
  if (latest.length === 0) return [];
  const ids = latest.map((r) => Number(r.lastId));
  const [tools, reviews] = await Promise.all([
    db.selectFrom('tools').select(TOOL_COLUMNS).where('id', 'in', latest.map((r) => r.toolId)).execute(),
    db.selectFrom('reviews').select(['id', 'createdAt']).where('id', 'in', ids).execute(),
  ]);
  const toolById = new Map(tools.map((t) => [t.id, t]));
  const timeById = new Map(reviews.map((r) => [r.id, r.createdAt]));
  return latest.flatMap((r) => {
    const tool = toolById.get(r.toolId);
    return tool ? [{ tool, reviewId: Number(r.lastId), reviewedAt: timeById.get(Number(r.lastId)) ?? tool.updatedAt }] : [];
  });
}
