// SQL for rate-limit buckets: one atomic upsert that advances buckets, and pruning full buckets.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';

/**
 * Moves one bucket's theoretical arrival time on by `interval` (from `now` if it lies in the past) in one atomic
 * UPSERT, and returns the new value. The row stays locked until the caller's transaction ends, so concurrent
 * takes on one key, from any process, queue up instead of reading the same old value.
 */
export async function advanceTat(db: DbOrTx, name: string, key: string, now: number, interval: number): Promise<number> {
  return (await advanceTats(db, [{ name, key, interval }], now))[0]!;
}

/**
 * advanceTat for several buckets in one statement, each by its own interval (the inserted value less `now`); rows
 * are written, and locked, in the order given. Returns the new values in that order. Names and keys must differ.
 */
export async function advanceTats(db: DbOrTx, buckets: readonly { name: string; key: string; interval: number }[], now: number): Promise<number[]> {
  const rows = await db
    .insertInto('rateLimits')
    .values(buckets.map((b) => ({ name: b.name, key: b.key, tat: now + b.interval })))
    .onConflict((oc) =>
      oc.columns(['name', 'key']).doUpdateSet({ tat: sql<number>`case when rate_limits.tat > ${now} then rate_limits.tat else ${now} end + (excluded.tat - ${now})` }),
    )
    .returning(['name', 'key', 'tat'])
    .execute();
  const tats = new Map(rows.map((r) => [`${r.name}\u0000${r.key}`, Number(r.tat)]));
  return buckets.map((b) => tats.get(`${b.name}\u0000${b.key}`)!);
}

/** Deletes full buckets (tat in the past): they behave exactly like absent rows. */
export async function deleteFullBuckets(db: DbOrTx, now: number): Promise<void> {
  await db.deleteFrom('rateLimits').where('tat', '<=', now).execute();
}

/** Forgets every bucket whose name starts with prefix (tests). */
export async function deleteBuckets(db: DbOrTx, prefix: string): Promise<void> {
  await db.deleteFrom('rateLimits').where('name', 'like', `${prefix}%`).execute();
}

/** A bucket's theoretical arrival time, or undefined when it has no row (a full bucket). */
export async function bucketTat(db: DbOrTx, name: string, key: string): Promise<number | undefined> {
  const row = await db.selectFrom('rateLimits').select('tat').where('name', '=', name).where('key', '=', key).executeTakeFirst();
  return row ? Number(row.tat) : undefined;
}
