// The daily and weekly schedule: which jobs to enqueue when (review batch, re-check, discovery, digest), idempotent per tick.
import type { DbOrTx } from '../db/db.js';
import { isoWeek, previousWeek, weekStart } from '../domain/week.js';
import { enqueue, type JobInput, type JobName } from './queue.js';

/**
 * The schedule only enqueues; the worker does the work. Idempotency keys make every tick safe to repeat,
 * from any number of workers: the first enqueue of a key wins, the rest are no-ops.
 *  - daily: `schedule:daily-review:YYYY-MM-DD` → a panel review for each tool without one, the oldest
 *    DAILY_REVIEW_BATCH (src/worker/handlers.ts) a day.
 *  - daily: `research.recheck:YYYY-MM-DD` → re-check tools whose facts are older than the re-check period
 *    (weekly by default), so each tool is re-checked about once a period, a bounded batch per day.
 *  - daily: `discovery.run:YYYY-MM-DD` → read the enabled discovery sources once (src/discovery); what it queues is
 *    researched when approved (research.tool), then reviewed.
 *  - weekly: `digest.send:YYYY-Www` for the week that just ended, due Monday 08:00 UTC, so the issue covers
 *    the whole week.
 */

export const DIGEST_SEND_HOUR_UTC = 8;

export interface ScheduledJob {
  key: string;
  type: JobName;
  created: boolean;
}

export function scheduleFor(now: Date): (JobInput & { key: string; runAt: string })[] {
  const date = now.toISOString().slice(0, 10);
  const lastWeek = previousWeek(isoWeek(now));
  const sendAt = new Date(weekStart(isoWeek(now)).getTime() + DIGEST_SEND_HOUR_UTC * 3_600_000);
  return [
    { type: 'schedule.daily-review', key: `schedule:daily-review:${date}`, payload: { date }, runAt: now.toISOString() },
    { type: 'digest.send', key: `digest.send:${lastWeek}`, payload: { week: lastWeek }, runAt: sendAt.toISOString() },
    { type: 'research.recheck', key: `research.recheck:${date}`, payload: { date }, runAt: now.toISOString() },
    { type: 'discovery.run', key: `discovery.run:${date}`, payload: { date }, runAt: now.toISOString() },
  ];
}

export async function runSchedule(db: DbOrTx, now = new Date()): Promise<ScheduledJob[]> {
  const out: ScheduledJob[] = [];
  for (const { key, ...job } of scheduleFor(now)) {
    const r = await enqueue(db, { ...job, idempotencyKey: key });
    out.push({ key, type: job.type, created: r.created });
  }
  return out;
}
