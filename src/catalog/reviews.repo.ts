import type { DbOrTx } from '../db/db.js';
import type { NewReviewRow, ReviewRow } from '../db/types.js';
import type { PanelReview } from '../domain/summary.js';
import { inTransaction, refreshPanelFigures } from './figures.repo.js';

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

/** Inserts a review row only: the caller refreshes the tool's stored figures (refreshPanelFigures) in the same transaction. */
export async function insertReview(db: DbOrTx, row: NewReviewRow): Promise<number> {
  const { id } = await db.insertInto('reviews').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Inserts one review and refreshes its tool's stored panel figures, in one transaction. */
export const addReview = (db: DbOrTx, row: NewReviewRow): Promise<number> =>
  inTransaction(db, async (trx) => {
    const id = await insertReview(trx, row);
    await refreshPanelFigures(trx, [row.toolId]);
    return id;
  });

export function toPanelReview(r: ReviewRow): PanelReview {
  return r.kind === 'take'
    ? { critic: r.critic, kind: 'take', score: r.score!, verdict: r.verdict!, take: r.take! }
    : { critic: r.critic, kind: 'abstain', reason: r.reason! };
}
