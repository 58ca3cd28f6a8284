// SQL for bookmarks of visitors and signed-in users, merged when a visitor signs in.
import type { DbOrTx } from '../db/db.js';
import { nowIso } from '../db/db.js';
import { type ToolRow, TOOLS_STAR } from '../db/types.js';
import { userOwnerId } from './visitor.js';

/** Bookmarks belong to an owner id: `v:<visitor>` for anonymous visitors, `u:<user>` once signed in. */

/** Adds a bookmark; adding one that exists changes nothing. Returns whether a row was added. */
export async function addBookmark(db: DbOrTx, ownerId: string, toolId: number): Promise<boolean> {
  const r = await db
    .insertInto('bookmarks')
    .values({ ownerId, toolId, createdAt: nowIso() })
    .onConflict((oc) => oc.columns(['ownerId', 'toolId']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function removeBookmark(db: DbOrTx, ownerId: string, toolId: number): Promise<boolean> {
  const r = await db.deleteFrom('bookmarks').where('ownerId', '=', ownerId).where('toolId', '=', toolId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The owner's bookmarked tool ids, most recently bookmarked first. */
export async function bookmarkedToolIds(db: DbOrTx, ownerId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('bookmarks')
    .select('toolId')
    .where('ownerId', '=', ownerId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => r.toolId);
}

/** Bookmarked tool ids of the account with this email (for the weekly digest); empty when there is no such account. */
export async function bookmarkedToolIdsByEmail(db: DbOrTx, email: string): Promise<number[]> {
  const user = await db.selectFrom('users').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return user ? bookmarkedToolIds(db, userOwnerId(user.id)) : [];
}

/**
 * Moves one owner's bookmarks to another (signing in merges the anonymous visitor's into the account).
 * A tool bookmarked by both stays once (the account's row). Call inside a transaction.
 */
export async function mergeBookmarks(db: DbOrTx, fromOwner: string, toOwner: string): Promise<number> {
  const from = await db.selectFrom('bookmarks').select(['toolId', 'createdAt']).where('ownerId', '=', fromOwner).execute();
  let moved = 0;
  for (const b of from) {
    const r = await db
      .insertInto('bookmarks')
      .values({ ownerId: toOwner, toolId: b.toolId, createdAt: b.createdAt })
      .onConflict((oc) => oc.columns(['ownerId', 'toolId']).doNothing())
      .executeTakeFirst();
    moved += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  await db.deleteFrom('bookmarks').where('ownerId', '=', fromOwner).execute();
  return moved;
}

/** The owner's bookmarked tools with when each was bookmarked, most recent first. */
export function bookmarkedTools(db: DbOrTx, ownerId: string): Promise<(ToolRow & { bookmarkedAt: string })[]> {
  return db
    .selectFrom('bookmarks')
    .innerJoin('tools', 'tools.id', 'bookmarks.toolId')
    .select(TOOLS_STAR)
    .select('bookmarks.createdAt as bookmarkedAt')
    .where('bookmarks.ownerId', '=', ownerId)
    .orderBy('bookmarks.createdAt', 'desc')
    .orderBy('bookmarks.id', 'desc')
    .execute();
}
