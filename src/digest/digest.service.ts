// Builds or reads a week's digest issue and sends it to every confirmed subscriber, one leased delivery at a time, with retries.
import type { Db } from '../db/db.js';
import type { DigestIssueRow } from '../db/types.js';
import { getSecret } from '../community/secret.js';
import { bookmarkedToolIdsByEmail } from '../community/bookmarks.repo.js';
import { newWorkerId } from '../queue/queue.js';
import { issueEmail, listHost } from './emails.js';
import { bookmarkChanges, buildIssueContent, isEmptyIssue, issueSubject, type BookmarkSection, type IssueContent } from './issue.js';
import {
  claimDelivery,
  createDeliveries,
  deliveryCounts,
  findIssue,
  insertIssueOnce,
  markDeliveryFailed,
  markDeliverySent,
  markDeliverySkipped,
  markIssueSent,
  requeueFailedDeliveries,
  retryableDeliveries,
} from './issues.repo.js';
import { findSubscriber } from './subscribers.repo.js';
import { unsubscribeUrl, type DigestDeps } from './subscribe.service.js';

export const parseIssue = (row: Pick<DigestIssueRow, 'content'>): IssueContent => JSON.parse(row.content) as IssueContent;

/** The issue as stored (frozen when first sent), or built fresh from the database for a week not yet sent. */
export async function previewIssue(db: Db, week: string): Promise<{ content: IssueContent; stored: boolean }> {
  const row = await findIssue(db, week);
  return row ? { content: parseIssue(row), stored: true } : { content: await buildIssueContent(db, week), stored: false };
}

/** The reader's bookmarks section: what changed this week about the tools bookmarked by the account with this email. */
export async function bookmarksFor(db: Db, email: string, week: string): Promise<BookmarkSection | undefined> {
  const ids = await bookmarkedToolIdsByEmail(db, email);
  return ids.length ? bookmarkChanges(db, ids, week) : undefined;
}

export interface SendOptions {
  /** Who holds the delivery claims (shown if a claim is ever stuck). */
  workerId?: string;
  /** How long a claimed delivery is ours; after it, a restarted sender may take it again. */
  leaseMs?: number;
  /** Attempts per delivery before it stays failed. */
  maxAttempts?: number;
  /** Stop between messages (graceful shutdown); what is left is sent by the next run. */
  signal?: AbortSignal;
  /** Send even when the week brought no new verdicts (the scheduled send skips empty weeks). */
  allowEmpty?: boolean;
  /** Give up this run after this many failures in a row (the SMTP server is probably down). */
  maxConsecutiveFailures?: number;
}

export interface SendResult {
  week: string;
  /** Nothing new this week and allowEmpty unset: no issue stored, nothing sent. */
  empty: boolean;
  subject?: string;
  /** Counts for this run. */
  sent: number;
  failed: number;
  skipped: number;
  /** All of the issue's deliveries, by status, after this run. */
  deliveries: { pending: number; sending: number; sent: number; failed: number; skipped: number };
  /** Deliveries that failed this run but will be retried. */
  retryable: number;
  lastError?: string;
}

export const DELIVERY_LEASE_MS = 10 * 60 * 1000;
export const DELIVERY_MAX_ATTEMPTS = 5;

/**
 * Sends the week's issue to every confirmed subscriber, at most once each, safe to run again at any time
 * (after a crash, concurrently, from the CLI while the worker runs it):
 *  1. The issue is built once and frozen (unique week).
 *  2. One delivery row per (issue, subscriber) (unique pair), with a Message-ID chosen up front.
 *  3. Each row is claimed ("sending", with a lease) before its SMTP conversation and marked "sent" after.
 *     A crash before the server accepts leaves it claimed; once the lease runs out the next run sends it.
 *     A crash in the instant between the server's acceptance and marking it sent makes the next run send it
 *     again — with the same Message-ID, so the duplicate is recognisable (many mail stores drop it).
 *  4. Just before sending, the subscriber's status is read again: an unsubscribe takes effect at once.
 */
export async function sendIssue(deps: DigestDeps, week: string, opts: SendOptions = {}): Promise<SendResult> {
  const { db, config, mailer } = deps;
  const workerId = opts.workerId ?? newWorkerId();
  const leaseMs = opts.leaseMs ?? DELIVERY_LEASE_MS;
  const maxAttempts = opts.maxAttempts ?? DELIVERY_MAX_ATTEMPTS;
  const maxConsecutive = opts.maxConsecutiveFailures ?? 5;

  let row = await findIssue(db, week);
  if (!row) {
    const content = await buildIssueContent(db, week);
    if (isEmptyIssue(content) && !opts.allowEmpty) {
      return { week, empty: true, sent: 0, failed: 0, skipped: 0, retryable: 0, deliveries: { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 } };
    }
    row = await insertIssueOnce(db, { week, subject: issueSubject(content), content: JSON.stringify(content) });
  }
  const issue = row;
  const content = parseIssue(issue);
  const secret = await getSecret(db, config);

  await createDeliveries(db, issue, listHost(config.publicUrl));
  await requeueFailedDeliveries(db, issue.id, maxAttempts);

  let sent = 0;
  let failed = 0;
  let skipped = 0;
  let consecutive = 0;
  let lastError: string | undefined;
  while (!opts.signal?.aborted) {
    const d = await claimDelivery(db, { issueId: issue.id, claimedBy: workerId, leaseMs, maxAttempts });
    if (!d) break;
    const sub = await findSubscriber(db, d.subscriberId);
    if (!sub || sub.status !== 'confirmed') {
      await markDeliverySkipped(db, d.id, workerId, sub ? `subscriber is ${sub.status}` : 'subscriber deleted');
      skipped++;
      continue;
    }
    try {
      const mail = issueEmail(config, {
        content,
        to: sub.email,
        unsubscribeUrl: unsubscribeUrl(config, secret, sub.id, sub.email),
        bookmarks: await bookmarksFor(db, sub.email, week),
        messageId: d.messageId,
      });
      await mailer.send(mail);
    } catch (err) {
      lastError = (err as Error)?.message ?? String(err);
      await markDeliveryFailed(db, d.id, workerId, lastError);
      failed++;
      if (++consecutive >= maxConsecutive) break;
      continue;
    }
    consecutive = 0;
    await markDeliverySent(db, d.id, workerId);
    sent++;
  }

  const deliveries = await deliveryCounts(db, issue.id);
  const retryable = await retryableDeliveries(db, issue.id, maxAttempts);
  if (retryable === 0) await markIssueSent(db, issue.id);
  return { week, empty: false, subject: issue.subject, sent, failed, skipped, deliveries, retryable, lastError };
}
