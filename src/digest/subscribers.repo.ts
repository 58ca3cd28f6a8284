// SQL for digest subscribers: pending, confirmed and unsubscribed addresses, and the confirmation-send claim.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';
import type { DigestSubscriberRow } from '../db/types.js';

/** SQL for digest subscribers. Emails are stored trimmed and lowercased (the caller normalises). */

export const findSubscriber = (db: DbOrTx, id: number): Promise<DigestSubscriberRow | undefined> =>
  db.selectFrom('digestSubscribers').selectAll().where('id', '=', id).executeTakeFirst();

export const findSubscriberByEmail = (db: DbOrTx, email: string): Promise<DigestSubscriberRow | undefined> =>
  db.selectFrom('digestSubscribers').selectAll().where('email', '=', email).executeTakeFirst();

/** Creates a pending subscriber unless the address exists; concurrent calls end with one row. */
export async function insertPendingSubscriber(db: DbOrTx, email: string, now: string): Promise<void> {
  await db
    .insertInto('digestSubscribers')
    .values({ email, status: 'pending', confirmSentAt: null, confirmedAt: null, unsubscribedAt: null, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}

/** An unsubscribed address that asks again starts over as pending (it must confirm again). */
export async function reopenSubscriber(db: DbOrTx, email: string, now: string): Promise<void> {
  await db
    .updateTable('digestSubscribers')
    .set({ status: 'pending', confirmSentAt: null, updatedAt: now })
    .where('email', '=', email)
    .where('status', '=', 'unsubscribed')
    .execute();
}

/**
 * Takes the right to send a confirmation email: succeeds for a pending subscriber whose last email is older
 * than the cooldown (or who never got one). One atomic UPDATE, so two simultaneous requests send one email.
 */
export async function claimConfirmationSend(db: DbOrTx, email: string, now: string, cooldownMs: number): Promise<DigestSubscriberRow | undefined> {
  const before = new Date(new Date(now).getTime() - cooldownMs).toISOString();
  return db
    .updateTable('digestSubscribers')
    .set({ confirmSentAt: now, updatedAt: now })
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('confirmSentAt', 'is', null), eb('confirmSentAt', '<', before)]))
    .returningAll()
    .executeTakeFirst();
}

/** Gives the send back when the email could not be sent, so the visitor may try again at once. */
export async function releaseConfirmationSend(db: DbOrTx, id: number, sentAt: string): Promise<void> {
  await db.updateTable('digestSubscribers').set({ confirmSentAt: null }).where('id', '=', id).where('confirmSentAt', '=', sentAt).execute();
}

export async function confirmSubscriber(db: DbOrTx, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('digestSubscribers')
    .set({ status: 'confirmed', confirmedAt: now, updatedAt: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function unsubscribeSubscriber(db: DbOrTx, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('digestSubscribers')
    .set({ status: 'unsubscribed', unsubscribedAt: now, updatedAt: now })
    .where('id', '=', id)
    .where('status', '!=', 'unsubscribed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function subscriberCounts(db: DbOrTx): Promise<Record<DigestSubscriberRow['status'], number>> {
  const rows = await db.selectFrom('digestSubscribers').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const out = { pending: 0, confirmed: 0, unsubscribed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
