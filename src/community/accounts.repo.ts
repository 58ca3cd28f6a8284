// SQL for accounts: single-use magic links by nonce hash, and users found or created by email.
import type { DbOrTx } from '../db/db.js';
import { nowIso } from '../db/db.js';

/** Remembers a magic link (by the hash of its nonce), dropping links that expired before `staleBefore`. */
export async function insertMagicLink(
  db: DbOrTx,
  link: { tokenHash: string; email: string; createdAt: string; expiresAt: string },
  staleBefore: string,
): Promise<void> {
  await db.deleteFrom('magicLinks').where('expiresAt', '<', staleBefore).execute();
  await db.insertInto('magicLinks').values({ ...link, usedAt: null }).execute();
}

export const findMagicLink = (db: DbOrTx, tokenHash: string) =>
  db.selectFrom('magicLinks').select(['email', 'usedAt']).where('tokenHash', '=', tokenHash).executeTakeFirst();

/**
 * Marks an unused, unexpired link used. The UPDATE … WHERE used_at IS NULL is the single-use guarantee:
 * of two concurrent clicks, exactly one changes the row. Returns whether this call did.
 */
export async function markMagicLinkUsed(db: DbOrTx, tokenHash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('magicLinks')
    .set({ usedAt: now })
    .where('tokenHash', '=', tokenHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The account for an email, created if absent (insert-if-absent, safe under concurrency). */
export async function findOrCreateUser(db: DbOrTx, email: string): Promise<{ id: number; email: string }> {
  await db
    .insertInto('users')
    .values({ email, createdAt: nowIso(), lastSignInAt: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return db.selectFrom('users').select(['id', 'email']).where('email', '=', email).executeTakeFirstOrThrow();
}

export async function touchSignIn(db: DbOrTx, userId: number): Promise<void> {
  await db.updateTable('users').set({ lastSignInAt: nowIso() }).where('id', '=', userId).execute();
}
