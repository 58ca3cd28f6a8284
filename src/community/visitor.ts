// Anonymous visitors: an identity given on first interaction (vote, bookmark, sign-in), linked to an account on sign-in and revoked on sign-out.
import { randomBytes } from 'node:crypto';
import type { DbOrTx } from '../db/db.js';
import { findVisitor, insertVisitor, restoreVisitor, unlinkVisitor } from './visitors.repo.js';

/**
 * Visitors: an anonymous identity given on first interaction (a vote, a bookmark, a submission, a sign-in
 * request) — never on a plain page view, so public pages stay cookie-free and cacheable.
 * A visitor is a random id (the web keeps it in a signed cookie); its `visitors` row links it to an account
 * once signed in, so signing out (unlinking) revokes it server-side. The cookie and the request state live in the web layer.
 */

export interface Visitor {
  /** Random id (from the cookie). */
  id: string;
  /** The account this browser is signed in to, if any. */
  userId: number | null;
  email: string | null;
  /** Who votes and bookmarks belong to: `u:<user id>` when signed in, else `v:<visitor id>`. */
  ownerId: string;
}

export const ownerIdFor = (visitorId: string, userId: number | null) => (userId !== null ? `u:${userId}` : `v:${visitorId}`);
export const visitorOwnerId = (visitorId: string) => `v:${visitorId}`;
export const userOwnerId = (userId: number) => `u:${userId}`;

/** The visitor with this id, signed in or not (a missing row reads as anonymous). */
export async function loadVisitor(db: DbOrTx, id: string): Promise<Visitor> {
  const { userId, email } = await findVisitor(db, id);
  return { id, userId, email, ownerId: ownerIdFor(id, userId) };
}

/**
 * A new visitor with a fresh random id, anonymous or linked to an account (after a magic link). A fresh id
 * at sign-in means an id planted in a browser before sign-in never gains the account.
 */
export async function createVisitor(db: DbOrTx, account?: { id: number; email: string }): Promise<Visitor> {
  const id = randomBytes(18).toString('base64url');
  await insertVisitor(db, id, account?.id ?? null);
  return account ? { id, userId: account.id, email: account.email, ownerId: userOwnerId(account.id) } : { id, userId: null, email: null, ownerId: visitorOwnerId(id) };
}

/** A known visitor whose row may be gone (database restored) gets its row back. */
export const keepVisitor = (db: DbOrTx, visitor: Visitor) => restoreVisitor(db, visitor.id);

/** Signs a visitor out: its row stops pointing at the account. */
export const signOut = (db: DbOrTx, visitorId: string) => unlinkVisitor(db, visitorId);
