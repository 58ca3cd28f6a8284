// SQL for visitor rows: finding one with its account's email, creating, restoring and unlinking them.
import type { DbOrTx } from '../db/db.js';
import { nowIso } from '../db/db.js';

/** A visitor row with its account's email (nulls when the visitor is anonymous or the row is gone). */
export async function findVisitor(db: DbOrTx, id: string): Promise<{ userId: number | null; email: string | null }> {
  const row = await db
    .selectFrom('visitors')
    .leftJoin('users', 'users.id', 'visitors.userId')
    .select(['visitors.userId', 'users.email'])
    .where('visitors.id', '=', id)
    .executeTakeFirst();
  return { userId: row?.userId ?? null, email: row?.email ?? null };
}

export async function insertVisitor(db: DbOrTx, id: string, userId: number | null): Promise<void> {
  const now = nowIso();
  await db.insertInto('visitors').values({ id, userId, createdAt: now, lastSeenAt: now }).execute();
}

/** Puts back an anonymous row for an id whose row is gone (e.g. after a database restore); no-op if present. */
export async function restoreVisitor(db: DbOrTx, id: string): Promise<void> {
  const now = nowIso();
  await db
    .insertInto('visitors')
    .values({ id, userId: null, createdAt: now, lastSeenAt: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Unlinks a visitor from its account (sign-out), revoking that cookie wherever it was copied. */
export async function unlinkVisitor(db: DbOrTx, id: string): Promise<void> {
  await db.updateTable('visitors').set({ userId: null }).where('id', '=', id).execute();
}
