// Signed tokens for the digest's emailed links: expiring confirmation tokens and lasting unsubscribe tokens, each bound to its address.
import { hmac, safeEqual } from '../community/secret.js';
import { AppError } from '../errors.js';
import { parseRowId } from '../domain/ids.js';

/**
 * Signed tokens for emailed links. Each signs the subscriber id together with the address it was sent to,
 * so a token is worthless for any other row, and a different purpose for each use, so a confirmation
 * token cannot unsubscribe (or the reverse).
 * confirm: `<id>.<expires epoch s>.<sig>` — expires (default 3 days).
 * unsubscribe: `<id>.<sig>` — never expires: a years-old email must still let its reader leave.
 */

export const CONFIRM_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export const BAD_LINK = 'This link is not valid: it may have been cut off or changed. Copy the whole link from the email, or subscribe again.';
export const EXPIRED_LINK = 'This confirmation link has expired. Subscribe again and we will send you a fresh one.';

export function confirmToken(secret: string, id: number, email: string, now = Date.now(), ttlMs = CONFIRM_TTL_MS): string {
  const expires = Math.floor((now + ttlMs) / 1000);
  return `${id}.${expires}.${hmac(secret, 'digest-confirm', `${id}.${expires}.${email}`)}`;
}

export const unsubscribeToken = (secret: string, id: number, email: string): string => `${id}.${hmac(secret, 'digest-unsubscribe', `${id}.${email}`)}`;

/** The subscriber id a token names, before the signature is checked (it needs the stored email). */
export function tokenSubscriberId(token: string | undefined): number {
  const id = parseRowId(/^(\d{1,12})\./.exec(token ?? '')?.[1]);
  if (id === undefined) throw new AppError('invalid_token', BAD_LINK, 400);
  return id;
}

export function verifyConfirmToken(secret: string, token: string, email: string, now = Date.now()): void {
  const m = /^(\d{1,12})\.(\d{1,12})\.([\w-]{20,100})$/.exec(token);
  if (!m || !safeEqual(m[3]!, hmac(secret, 'digest-confirm', `${m[1]}.${m[2]}.${email}`))) throw new AppError('invalid_token', BAD_LINK, 400);
  if (Number(m[2]) * 1000 < now) throw new AppError('expired_token', EXPIRED_LINK, 400);
}

export function verifyUnsubscribeToken(secret: string, token: string, email: string): void {
  const m = /^(\d{1,12})\.([\w-]{20,100})$/.exec(token);
  if (!m || !safeEqual(m[2]!, hmac(secret, 'digest-unsubscribe', `${m[1]}.${email}`))) throw new AppError('invalid_token', BAD_LINK, 400);
}
