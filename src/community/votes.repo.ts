// SQL for community votes: casting, removing and merging them with the tool's stored vote counts refreshed in the same transaction.
import { executeTx, type DbOrTx } from '../db/db.js';
import { refreshVoteCounts } from '../catalog/figures.repo.js';

/** Ship and skip vote counts per tool (tools without votes get zeros). */
export async function voteCounts(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, { ships: number; skips: number }>> {
  const out = new Map(toolIds.map((id) => [id, { ships: 0, skips: 0 }]));
  if (toolIds.length === 0) return out;
  const rows = await db
    .selectFrom('votes')
    .select(['toolId', 'vote', (eb) => eb.fn.countAll<number>().as('n')])
    .where('toolId', 'in', toolIds)
    .groupBy(['toolId', 'vote'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.toolId)!;
    if (r.vote === 'ship') c.ships = Number(r.n);
    else c.skips = Number(r.n);
  }
  return out;
}

export type VoteValue = 'ship' | 'skip';

/**
 * Records a voter's ship/skip on a tool; voting again replaces the earlier vote. One statement
 * (INSERT … ON CONFLICT (tool_id, voter_id) DO UPDATE) on both dialects, so concurrent requests from one
 * voter still leave exactly one row. The tool's stored vote counts are recounted in the same transaction.
 */
export async function castVote(db: DbOrTx, toolId: number, voterId: string, vote: VoteValue, now = new Date().toISOString()): Promise<void> {
  await executeTx(db, async (trx) => {
    await trx
      .insertInto('votes')
      .values({ toolId, voterId, vote, createdAt: now, updatedAt: now })
      .onConflict((oc) => oc.columns(['toolId', 'voterId']).doUpdateSet({ vote, updatedAt: now }))
      .execute();
    await refreshVoteCounts(trx, [toolId]);
  });
}

/** Withdraws a voter's vote on a tool. */
export async function removeVote(db: DbOrTx, toolId: number, voterId: string): Promise<boolean> {
  return executeTx(db, async (trx) => {
    const r = await trx.deleteFrom('votes').where('toolId', '=', toolId).where('voterId', '=', voterId).executeTakeFirst();
    await refreshVoteCounts(trx, [toolId]);
    return Number(r.numDeletedRows) > 0;
  });
}

/** One voter's votes, by tool id (all of them, or only these tools). */
export async function votesByVoter(db: DbOrTx, voterId: string, toolIds?: readonly number[]): Promise<Map<number, VoteValue>> {
  if (toolIds && toolIds.length === 0) return new Map();
  let q = db.selectFrom('votes').select(['toolId', 'vote']).where('voterId', '=', voterId);
  if (toolIds) q = q.where('toolId', 'in', toolIds);
  return new Map((await q.execute()).map((r) => [r.toolId, r.vote]));
}

/**
 * Moves one voter's votes to another (signing in merges the anonymous visitor into the account). Where
 * both voted on a tool, the more recent vote wins and the other row goes, so nothing is counted twice.
 * Recounts the stored vote counts of the tools it touched; call inside a transaction (it opens one otherwise).
 */
export const mergeVotes = (db: DbOrTx, fromVoter: string, toVoter: string) => executeTx(db, (trx) => mergeVotesIn(trx, fromVoter, toVoter));

async function mergeVotesIn(db: DbOrTx, fromVoter: string, toVoter: string): Promise<{ moved: number; replaced: number; dropped: number }> {
  const result = { moved: 0, replaced: 0, dropped: 0 };
  if (fromVoter === toVoter) return result;
  const from = await db.selectFrom('votes').select(['id', 'toolId', 'vote', 'createdAt', 'updatedAt']).where('voterId', '=', fromVoter).execute();
  if (from.length === 0) return result;
  const to = new Map(
    (await db.selectFrom('votes').select(['id', 'toolId', 'updatedAt']).where('voterId', '=', toVoter).where('toolId', 'in', from.map((v) => v.toolId)).execute()).map(
      (v) => [v.toolId, v],
    ),
  );
  for (const v of from) {
    const existing = to.get(v.toolId);
    if (!existing) {
      await db.updateTable('votes').set({ voterId: toVoter }).where('id', '=', v.id).execute();
      result.moved++;
    } else if (v.updatedAt > existing.updatedAt) {
      await db.updateTable('votes').set({ vote: v.vote, updatedAt: v.updatedAt }).where('id', '=', existing.id).execute();
      await db.deleteFrom('votes').where('id', '=', v.id).execute();
      result.replaced++;
    } else {
      await db.deleteFrom('votes').where('id', '=', v.id).execute();
      result.dropped++;
    }
  }
  // A replaced vote may flip ship/skip; the others keep the counts, but recounting all is cheap and sure.
  await refreshVoteCounts(db, from.map((v) => v.toolId));
  return result;
}

/**
 * Community votes cast or changed in [start, end), per tool, for the digest's bookmarks section.
 */
export async function votesChangedBetween(db: DbOrTx, toolIds: readonly number[], start: string, end: string): Promise<Map<number, number>> {
  if (toolIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('votes')
    .select(['toolId', (eb) => eb.fn.countAll<number>().as('n')])
    .where('toolId', 'in', toolIds)
    .where('updatedAt', '>=', start)
    .where('updatedAt', '<', end)
    .groupBy('toolId')
    .execute();
  return new Map(rows.map((v) => [v.toolId, Number(v.n)]));
}
