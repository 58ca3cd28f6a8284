// The low half of jobs: every job type's payload schema and `enqueue`, the only thing features import to start background work.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DbOrTx } from '../db/db.js';
import { weekSchema } from '../domain/week.js';
import { insertJob } from './jobs.repo.js';

/**
 * The durable job queue: one table in the app's own database, so jobs survive restarts and need no
 * extra service. Delivery is at least once; handlers make repeats harmless, and idempotency keys stop
 * the same work from being enqueued twice.
 *
 * Every job type and the shape of its payload, in one place. `enqueue` takes only these names, with their
 * payloads (a wrong one does not compile), and the worker checks stored payloads against the same schema.
 */
export const jobPayloads = {
  /** Run every critic on one tool. `onlyIfUnreviewed` (the daily schedule) skips tools reviewed meanwhile. */
  'panel.review': z.object({
    toolId: z.number().int().positive(),
    onlyIfUnreviewed: z.boolean().optional(),
    /** Why, when not asked for by hand (a material fact changed); stored on the panel run for the review history. */
    reason: z.string().max(500).optional(),
  }),
  /** Enqueue a panel review for each tool that has none yet. */
  'schedule.daily-review': z.object({ date: z.string() }),
  /**
   * Re-check the sources of tools whose facts are older than RESEARCH_RECHECK_DAYS, oldest first, RESEARCH_BATCH
   * at most; a material change queues a panel re-review. Only tools researched before (`verdict research`):
   * the schedule never starts fetching a catalog nobody asked it to check.
   */
  'research.recheck': z.object({ date: z.string() }),
  /**
   * Research one tool (its first check when it arrives), then, with `review`, queue its first panel review: a new
   * tool is reviewed on facts Verdict checked, never on the vendor's words alone.
   */
  'research.tool': z.object({ toolId: z.number().int().positive(), review: z.boolean().optional() }),
  /** Run the enabled discovery sources once (src/discovery): the daily tick. */
  'discovery.run': z.object({ date: z.string() }),
  /** Build (once) and send the week's issue. */
  'digest.send': z.object({ week: weekSchema, allowEmpty: z.boolean().optional() }),
};

export type JobName = keyof typeof jobPayloads;
/** The payload a handler receives (parsed). */
export type JobPayload<N extends JobName> = z.output<(typeof jobPayloads)[N]>;
/** `{type, payload}` for any one job type, payload matching its type. */
export type JobInput = { [N in JobName]: { type: N; payload: z.input<(typeof jobPayloads)[N]> } }[JobName];

export type EnqueueInput = JobInput & {
  /** A second enqueue with the same key creates nothing and returns the first job's id. */
  idempotencyKey?: string;
  /** ISO timestamp; due at once by default. */
  runAt?: string;
  maxAttempts?: number;
};

export async function enqueue(db: DbOrTx, job: EnqueueInput): Promise<{ id: number; created: boolean }> {
  // The compiler checks the shape; this catches values it cannot (a toolId of 0), before they are stored.
  if (!Object.hasOwn(jobPayloads, job.type)) throw new Error(`unknown job type: ${String(job.type)}`);
  const parsed = jobPayloads[job.type].safeParse(job.payload);
  if (!parsed.success) throw new Error(`invalid payload for ${job.type}: ${z.prettifyError(parsed.error)}`);
  return insertJob(db, { ...job, payload: parsed.data });
}

export const newWorkerId = () => `${process.pid}-${randomUUID().slice(0, 8)}`;

/** The stage of the daily loop a job type belongs to (`verdict status`). */
export const STAGE_OF: Record<string, string> = {
  'discovery.run': 'discovery',
  'research.tool': 'research',
  'research.recheck': 'research',
  'schedule.daily-review': 'review',
  'panel.review': 'review',
  'digest.send': 'digest',
};
export const stageOf = (type: string) => STAGE_OF[type] ?? type;
