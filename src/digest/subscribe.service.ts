// Digest subscription: double opt-in by emailed link (with a resend cooldown), confirmation and one-click unsubscribe.
import { z } from 'zod';
import { log } from '../ops/log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { nowIso } from '../db/db.js';
import { AppError } from '../errors.js';
import { emailSchema } from '../domain/schemas.js';
import { absolute, urls } from '../urls.js';
import { getSecret } from '../community/secret.js';
import type { Mailer } from '../mail/mailer.js';
import { confirmationEmail } from './emails.js';
import {
  claimConfirmationSend,
  confirmSubscriber,
  findSubscriber,
  findSubscriberByEmail,
  insertPendingSubscriber,
  releaseConfirmationSend,
  reopenSubscriber,
  unsubscribeSubscriber,
} from './subscribers.repo.js';
import { BAD_LINK, confirmToken, tokenSubscriberId, unsubscribeToken, verifyConfirmToken, verifyUnsubscribeToken } from './tokens.js';

export interface DigestDeps {
  db: Db;
  config: Config;
  mailer: Mailer;
}

export const subscribeSchema = z.object({ email: emailSchema });

/** A second request within this window does not send a second confirmation email. */
export const CONFIRM_COOLDOWN_MS = 10 * 60 * 1000;

/** The same words whatever the address's state, so the form does not reveal who is subscribed. */
export const SUBSCRIBE_MESSAGE = (email: string) =>
  `Almost done: if ${email} is not subscribed yet, a confirmation link is on its way. Open it to start getting Weekly AI Tool Verdicts. (Already subscribed? Then there is nothing more to do.)`;

export type SubscribeOutcome = 'sent' | 'cooldown' | 'already';

export function parseEmail(input: unknown): string {
  const r = subscribeSchema.safeParse(input);
  if (!r.success) throw new AppError('invalid_email', r.error.issues[0]!.message, 400);
  return r.data.email;
}

/**
 * Double opt-in: records the address as pending and emails a signed, expiring confirmation link.
 * Subscribing twice never makes two rows (unique email) nor two emails within the cooldown; a confirmed
 * address gets no email at all.
 */
export async function subscribe(deps: DigestDeps, rawEmail: unknown): Promise<{ email: string; outcome: SubscribeOutcome }> {
  const email = parseEmail({ email: rawEmail });
  const now = nowIso();
  await insertPendingSubscriber(deps.db, email, now);
  await reopenSubscriber(deps.db, email, now);
  const claimed = await claimConfirmationSend(deps.db, email, now, CONFIRM_COOLDOWN_MS);
  if (!claimed) {
    const row = await findSubscriberByEmail(deps.db, email);
    return { email, outcome: row?.status === 'confirmed' ? 'already' : 'cooldown' };
  }
  const secret = await getSecret(deps.db, deps.config);
  const mail = confirmationEmail(deps.config, {
    email,
    confirmUrl: absolute(deps.config.publicUrl, urls.digestConfirm(confirmToken(secret, claimed.id, email))),
    unsubscribeUrl: unsubscribeUrl(deps.config, secret, claimed.id, email),
  });
  try {
    await deps.mailer.send(mail);
  } catch (err) {
    await releaseConfirmationSend(deps.db, claimed.id, now);
    log().error({ err, subscriber: claimed.id }, 'digest: could not send the confirmation email');
    throw new AppError('mail_unavailable', 'We could not send the confirmation email just now. Please try again in a few minutes.', 503);
  }
  return { email, outcome: 'sent' };
}

export const unsubscribeUrl = (config: Pick<Config, 'publicUrl'>, secret: string, id: number, email: string) =>
  absolute(config.publicUrl, urls.digestUnsubscribe(unsubscribeToken(secret, id, email)));

/**
 * Checks a confirmation link and returns its subscriber, without changing anything (the GET page, which only
 * asks: a mail scanner fetching the link must not complete someone else's double opt-in). Forged, changed or
 * expired links are a 400.
 */
export async function checkConfirm(deps: Pick<DigestDeps, 'db' | 'config'>, token: unknown) {
  const t = typeof token === 'string' ? token : undefined;
  const row = await findSubscriber(deps.db, tokenSubscriberId(t));
  if (!row) throw new AppError('invalid_token', BAD_LINK, 400);
  verifyConfirmToken(await getSecret(deps.db, deps.config), t!, row.email);
  if (row.status === 'unsubscribed') {
    throw new AppError('unsubscribed', 'You unsubscribed after this link was sent, so it no longer works. Subscribe again if you would like the digest.', 400);
  }
  return row;
}

/** Confirms a subscription from the emailed link (the POST from its page). */
export async function confirm(deps: Pick<DigestDeps, 'db' | 'config'>, token: unknown): Promise<{ email: string; outcome: 'confirmed' | 'already' }> {
  const row = await checkConfirm(deps, token);
  if (row.status === 'confirmed') return { email: row.email, outcome: 'already' };
  const changed = await confirmSubscriber(deps.db, row.id, nowIso());
  return { email: row.email, outcome: changed ? 'confirmed' : 'already' };
}

/** Checks an unsubscribe token and returns its subscriber, without changing anything (the GET page). */
export async function checkUnsubscribe(deps: Pick<DigestDeps, 'db' | 'config'>, token: unknown) {
  const t = typeof token === 'string' ? token : undefined;
  const row = await findSubscriber(deps.db, tokenSubscriberId(t));
  if (!row) throw new AppError('invalid_token', BAD_LINK, 400);
  verifyUnsubscribeToken(await getSecret(deps.db, deps.config), t!, row.email);
  return row;
}

/** Unsubscribes at once: the very next send skips this address. Repeating it is harmless. */
export async function unsubscribe(deps: Pick<DigestDeps, 'db' | 'config'>, token: unknown): Promise<{ email: string; outcome: 'unsubscribed' | 'already' }> {
  const row = await checkUnsubscribe(deps, token);
  const changed = await unsubscribeSubscriber(deps.db, row.id, nowIso());
  return { email: row.email, outcome: changed ? 'unsubscribed' : 'already' };
}
