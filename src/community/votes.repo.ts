// SQL for community votes: casting, removing and merging them, with the tool's stored vote counts kept in the same transaction.
import { sql } from 'kysely';
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

/** A tool's vote counts as its vote transaction stored them, and the touch that stamped them (docs/decisions/017). */
export interface StoredVotes {
  touched: number;
  ships: number;
  skips: number;
}

/**
 * Records a voter's ship/skip on a tool; voting again replaces the earlier vote. The tool's stored counts move by
 * what changed, in the same transaction (see changeVote), and are returned with the touch that stamped them.
 */
export const castVote = (db: DbOrTx, toolId: number, voterId: string, vote: VoteValue, now = new Date().toISOString()): Promise<StoredVotes> =>
  changeVote(db, toolId, voterId, vote, now);

/** Withdraws a voter's vote on a tool (a no-op when there is none); returns the tool's stored counts as castVote does. */
export const removeVote = (db: DbOrTx, toolId: number, voterId: string): Promise<StoredVotes> => changeVote(db, toolId, voterId, null, '');

/**
 * One vote write: bump the touch counter first (its row lock queues every vote writer on PostgreSQL, as BEGIN
 * IMMEDIATE does on SQLite), then read the voter's earlier vote, write the new one and move the tool's stored counts
 * by the difference. Read after the lock, the earlier vote is the committed one, so the counts stay exact without
 * recounting the tool's votes (a recount costs a scan of them all: 0.25 ms at a few thousand votes, and grows).
 */
async function changeVote(db: DbOrTx, toolId: number, voterId: string, vote: VoteValue | null, now: string): Promise<StoredVotes> {
  return executeTx(db, async (trx) => {
    await sql`update data_version set version = version + 1 where id = 2`.execute(trx);
    const before = (await trx.selectFrom('votes').select('vote').where('toolId', '=', toolId).where('voterId', '=', voterId).executeTakeFirst())?.vote;
    if (vote === null) {
      if (before) await trx.deleteFrom('votes').where('toolId', '=', toolId).where('voterId', '=', voterId).execute();
    } else if (before) await trx.updateTable('votes').set({ vote, updatedAt: now }).where('toolId', '=', toolId).where('voterId', '=', voterId).execute();
    else await trx.insertInto('votes').values({ toolId, voterId, vote, createdAt: now, updatedAt: now }).execute();
    const delta = (v: VoteValue) => (vote === v ? 1 : 0) - (before === v ? 1 : 0);
    const { rows } = await sql<StoredVotes>`update tools set
        community_ships = community_ships + ${delta('ship')}, community_skips = community_skips + ${delta('skip')},
        touched = (select version from data_version where id = 2)
      where id = ${toolId}
      returning touched, community_ships as ships, community_skips as skips`.execute(trx);
    const row = rows[0]!;
    return { touched: Number(row.touched), ships: Number(row.ships), skips: Number(row.skips) };
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
  // Every vote writer takes the touch counter's row lock before any vote row (changeVote): the same order here, so a
  // merge and a vote by the same reader cannot deadlock on PostgreSQL.
  await sql`update data_version set version = version + 1 where id = 2`.execute(db);
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
