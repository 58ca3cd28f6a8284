// SQL for digest issues and their per-subscriber delivery rows: storing issues once, and claiming, marking and retrying deliveries.
import { randomUUID } from 'node:crypto';
import { executeTx, nowIso, type DbOrTx } from '../db/db.js';
import { isPostgres } from '../db/dialect.js';
import type { DigestDeliveryRow, DigestIssueRow } from '../db/types.js';

/** SQL for digest issues and their per-subscriber delivery rows. */

export const findIssue = (db: DbOrTx, week: string): Promise<DigestIssueRow | undefined> =>
  db.selectFrom('digestIssues').selectAll().where('week', '=', week).executeTakeFirst();

/** Newest first, for the archive. */
export const listIssues = (db: DbOrTx, limit = 200): Promise<Pick<DigestIssueRow, 'week' | 'subject' | 'createdAt' | 'sentAt'>[]> =>
  db.selectFrom('digestIssues').select(['week', 'subject', 'createdAt', 'sentAt']).orderBy('week', 'desc').limit(limit).execute();

/** Stores an issue unless one exists for the week; whoever raced, the stored one is returned (issues are frozen). */
export async function insertIssueOnce(db: DbOrTx, row: { week: string; subject: string; content: string }): Promise<DigestIssueRow> {
  await db
    .insertInto('digestIssues')
    .values({ ...row, createdAt: nowIso(), sentAt: null })
    .onConflict((oc) => oc.column('week').doNothing())
    .execute();
  return (await findIssue(db, row.week))!;
}

export async function markIssueSent(db: DbOrTx, issueId: number): Promise<void> {
  await db.updateTable('digestIssues').set({ sentAt: nowIso() }).where('id', '=', issueId).where('sentAt', 'is', null).execute();
}

/**
 * One delivery row per confirmed subscriber who has none for this issue yet (subscribers who confirm while
 * an issue is going out are picked up by the next run). The unique (issue, subscriber) pair makes this
 * safe to repeat and to race. The Message-ID is chosen here, once, and reused by every attempt.
 */
export async function createDeliveries(db: DbOrTx, issue: Pick<DigestIssueRow, 'id' | 'week'>, host: string): Promise<number> {
  const missing = await db
    .selectFrom('digestSubscribers as s')
    .select('s.id')
    .where('s.status', '=', 'confirmed')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('digestDeliveries as d').select('d.id').where('d.issueId', '=', issue.id).whereRef('d.subscriberId', '=', 's.id'))),
    )
    .orderBy('s.id')
    .execute();
  const now = nowIso();
  let created = 0;
  for (let i = 0; i < missing.length; i += 200) {
    const r = await db
      .insertInto('digestDeliveries')
      .values(
        missing.slice(i, i + 200).map((s) => ({
          issueId: issue.id,
          subscriberId: s.id,
          status: 'pending' as const,
          messageId: `<digest.${issue.week}.${s.id}.${randomUUID()}@${host}>`,
          attempts: 0,
          claimedBy: null,
          claimedUntil: null,
          lastError: null,
          createdAt: now,
          sentAt: null,
        })),
      )
      .onConflict((oc) => oc.columns(['issueId', 'subscriberId']).doNothing())
      .executeTakeFirst();
    created += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return created;
}

export interface DeliveryClaim {
  issueId: number;
  claimedBy: string;
  leaseMs: number;
  maxAttempts: number;
  now?: Date;
}

/** Failed deliveries with attempts left go back to pending at the start of each run (so retries follow the job's backoff, not a tight loop). */
export async function requeueFailedDeliveries(db: DbOrTx, issueId: number, maxAttempts: number): Promise<number> {
  const r = await db
    .updateTable('digestDeliveries')
    .set({ status: 'pending' })
    .where('issueId', '=', issueId)
    .where('status', '=', 'failed')
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Claims the next delivery to send: pending, or "sending" whose claim expired
 * (its sender died — possibly after the SMTP server accepted the message; the retry reuses its Message-ID).
 * Same pattern as the job queue: SKIP LOCKED on PostgreSQL, one UPDATE … RETURNING on SQLite.
 */
export async function claimDelivery(db: DbOrTx, c: DeliveryClaim): Promise<DigestDeliveryRow | undefined> {
  const nowD = c.now ?? new Date();
  const now = nowD.toISOString();
  const until = new Date(nowD.getTime() + c.leaseMs).toISOString();
  const due = (q: DbOrTx) =>
    q
      .selectFrom('digestDeliveries')
      .select('id')
      .where('issueId', '=', c.issueId)
      .where('attempts', '<', c.maxAttempts)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('claimedUntil', '<', now)])]))
      .orderBy('id')
      .limit(1);
  const take = (q: DbOrTx, id: number | ReturnType<typeof due>) =>
    q
      .updateTable('digestDeliveries')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), claimedBy: c.claimedBy, claimedUntil: until }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  if (isPostgres(db)) {
    return executeTx(db, async (tx) => {
      const row = await due(tx).forUpdate().skipLocked().executeTakeFirst();
      return row ? take(tx, row.id) : undefined;
    });
  }
  return take(db, due(db));
}

/** Marks a claimed delivery sent — only while the claim is still ours. */
export async function markDeliverySent(db: DbOrTx, id: number, claimedBy: string): Promise<boolean> {
  const r = await db
    .updateTable('digestDeliveries')
    .set({ status: 'sent', sentAt: nowIso(), claimedBy: null, claimedUntil: null, lastError: null })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('claimedBy', '=', claimedBy)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markDeliveryFailed(db: DbOrTx, id: number, claimedBy: string, error: string): Promise<void> {
  await db
    .updateTable('digestDeliveries')
    .set({ status: 'failed', claimedBy: null, claimedUntil: null, lastError: error.slice(0, 1000) })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('claimedBy', '=', claimedBy)
    .execute();
}

/** The subscriber left (or never confirmed) before their turn came: never send. */
export async function markDeliverySkipped(db: DbOrTx, id: number, claimedBy: string, reason: string): Promise<void> {
  await db
    .updateTable('digestDeliveries')
    .set({ status: 'skipped', claimedBy: null, claimedUntil: null, lastError: reason })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('claimedBy', '=', claimedBy)
    .execute();
}

export async function deliveryCounts(db: DbOrTx, issueId: number): Promise<Record<DigestDeliveryRow['status'], number>> {
  const rows = await db
    .selectFrom('digestDeliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('issueId', '=', issueId)
    .groupBy('status')
    .execute();
  const out = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** Deliveries a later run may still send: not sent, not skipped, attempts left. */
export async function retryableDeliveries(db: DbOrTx, issueId: number, maxAttempts: number): Promise<number> {
  const row = await db
    .selectFrom('digestDeliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('issueId', '=', issueId)
    .where('status', 'in', ['pending', 'failed', 'sending'])
    .where('attempts', '<', maxAttempts)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
