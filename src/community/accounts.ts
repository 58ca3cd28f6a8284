// Optional accounts by email: signed single-use magic links, checked and consumed to sign a visitor in.
import { createHash, randomBytes } from 'node:crypto';
import { executeTx, type Db, type DbOrTx } from '../db/db.js';
import { AppError } from '../errors.js';
import { emailSchema } from '../domain/schemas.js';
import { hmac, safeEqual } from './secret.js';
import { mergeVotes } from './votes.repo.js';
import { mergeBookmarks } from './bookmarks.repo.js';
import { userOwnerId, visitorOwnerId } from './visitor.js';
import { findMagicLink, findOrCreateUser, insertMagicLink, markMagicLinkUsed, touchSignIn } from './accounts.repo.js';

/**
 * Optional accounts by email. A magic link is `<nonce>.<expiry>.<hmac>`: the HMAC rejects forged or
 * altered links without touching the database, the expiry is inside what is signed, and the database
 * keeps only SHA-256(nonce) with a used_at mark, so each link works once.
 */

export const MAGIC_LINK_TTL_MS = 20 * 60_000;
const LINK_PURPOSE = 'magic-link';

export function parseEmail(input: unknown): string {
  const r = emailSchema.safeParse(input ?? '');
  if (!r.success) throw new AppError('invalid_email', r.error.issues[0]?.message ?? 'Enter a valid email address.', 400);
  return r.data;
}

const hashNonce = (nonce: string) => createHash('sha256').update(nonce).digest('hex');

/** Creates a link token for this email and remembers it (hashed). */
export async function createMagicLink(db: DbOrTx, secret: string, email: string, now = new Date()): Promise<{ token: string; expiresAt: string }> {
  const nonce = randomBytes(24).toString('base64url');
  const expires = new Date(now.getTime() + MAGIC_LINK_TTL_MS);
  const exp = Math.floor(expires.getTime() / 1000).toString(36);
  const token = `${nonce}.${exp}.${hmac(secret, LINK_PURPOSE, `${nonce}.${exp}`)}`;
  // Links older than a day are dead either way; dropping them keeps the table small.
  const staleBefore = new Date(now.getTime() - 24 * 3600_000).toISOString();
  await insertMagicLink(db, { tokenHash: hashNonce(nonce), email, createdAt: now.toISOString(), expiresAt: expires.toISOString() }, staleBefore);
  return { token, expiresAt: expires.toISOString() };
}

/** Checks a token's form, signature and expiry (no database); returns its nonce. */
export function checkMagicToken(secret: string, token: unknown, now = new Date()): string {
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) {
    throw new AppError('link_malformed', 'This sign-in link is incomplete. Copy the whole link from the email, or ask for a new one.', 400);
  }
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw new AppError('link_malformed', 'This sign-in link is incomplete. Copy the whole link from the email, or ask for a new one.', 400);
  }
  const [nonce, exp, sig] = parts as [string, string, string];
  if (!safeEqual(sig, hmac(secret, LINK_PURPOSE, `${nonce}.${exp}`))) {
    throw new AppError('link_invalid', 'This sign-in link is not valid. Ask for a new one.', 403);
  }
  if (parseInt(exp, 36) * 1000 <= now.getTime()) {
    throw new AppError('link_expired', 'This sign-in link has expired (links work for 20 minutes). Ask for a new one.', 403);
  }
  return nonce;
}

/** The email a valid, unused link is for, without using it up (for the confirmation page). */
export async function peekMagicLink(db: DbOrTx, secret: string, token: unknown, now = new Date()): Promise<string> {
  const nonce = checkMagicToken(secret, token, now);
  const row = await findMagicLink(db, hashNonce(nonce));
  if (!row) throw new AppError('link_invalid', 'This sign-in link is not valid. Ask for a new one.', 403);
  if (row.usedAt) throw new AppError('link_used', 'This sign-in link has already been used. Each link works once: ask for a new one.', 403);
  return row.email;
}

/** Uses a link up (once: see markMagicLinkUsed) and returns its email. */
export async function consumeMagicLink(db: DbOrTx, secret: string, token: unknown, now = new Date()): Promise<string> {
  const nonce = checkMagicToken(secret, token, now);
  const hash = hashNonce(nonce);
  if (!(await markMagicLinkUsed(db, hash, now.toISOString()))) {
    await peekMagicLink(db, secret, token, now); // throws the precise reason
    throw new AppError('link_invalid', 'This sign-in link is not valid. Ask for a new one.', 403);
  }
  return (await findMagicLink(db, hash))!.email;
}

/**
 * Signs in with a link: uses the link up, finds or creates the account, and moves the anonymous
 * visitor's votes and bookmarks into it (most recent vote wins; nothing counted twice), all in one
 * transaction — a failure leaves the link unused and nothing moved.
 */
export async function signInWithLink(
  db: Db,
  secret: string,
  token: unknown,
  anonymousVisitorId: string | undefined,
): Promise<{ user: { id: number; email: string }; merged: { votes: number; bookmarks: number } }> {
  return executeTx(db, async (trx) => {
    const email = await consumeMagicLink(trx, secret, token);
    const user = await findOrCreateUser(trx, email);
    await touchSignIn(trx, user.id);
    const merged = { votes: 0, bookmarks: 0 };
    if (anonymousVisitorId) {
      const from = visitorOwnerId(anonymousVisitorId);
      const v = await mergeVotes(trx, from, userOwnerId(user.id));
      merged.votes = v.moved + v.replaced + v.dropped;
      merged.bookmarks = await mergeBookmarks(trx, from, userOwnerId(user.id));
    }
    return { user, merged };
  });
}
