// SQL for the durable job queue (`jobs`): inserting, claiming with a lease, completing and failing jobs, and the queue's figures.
import { sql } from 'kysely';
import { executeTx, type DbOrTx } from '../db/db.js';
import { isPostgres } from '../db/dialect.js';
import type { JobRow } from '../db/types.js';

/** SQL for the durable job queue (the `jobs` table). Callers enqueue through queue.ts, which checks payloads. */

export type JobStatus = JobRow['status'];
export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'done', 'failed'];

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Timestamps are compared as text; always write them in the one ISO form (UTC, milliseconds, Z). */
const iso = (d: Date) => d.toISOString();
const normalizeIso = (s: string) => {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`runAt is not a date: ${s}`);
  return iso(d);
};

export interface NewJob {
  type: string;
  payload: unknown;
  /** A second insert with the same key creates nothing and returns the first job's id. */
  idempotencyKey?: string;
  /** ISO timestamp; due at once by default. */
  runAt?: string;
  maxAttempts?: number;
}

/** Writes a job row as given; app code calls `enqueue` (queue.ts), which checks the payload against its job type first. */
export async function insertJob(db: DbOrTx, job: NewJob): Promise<{ id: number; created: boolean }> {
  const now = iso(new Date());
  const row = await db
    .insertInto('jobs')
    .values({
      type: job.type,
      payload: JSON.stringify(job.payload ?? null),
      status: 'pending',
      attempts: 0,
      maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runAt: job.runAt ? normalizeIso(job.runAt) : now,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      idempotencyKey: job.idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    })
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, created: true };
  const existing = await db.selectFrom('jobs').select('id').where('idempotencyKey', '=', job.idempotencyKey!).executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export interface ClaimOptions {
  /** Who holds the lease (shown in `verdict jobs list`). */
  workerId: string;
  /** How long the lease lasts; past it, another worker may take the job again. */
  leaseMs: number;
  /** Only these job types (the ones this worker can run). */
  types?: readonly string[];
  now?: Date;
}

/**
 * Claims the next due job and leases it to one worker. A job is due when it is pending and its run_at
 * has come, or when it is running but its lease expired (the worker that held it crashed or hung).
 */
export async function claimJob(db: DbOrTx, opts: ClaimOptions): Promise<JobRow | undefined> {
  const now = iso(opts.now ?? new Date());
  const until = iso(new Date((opts.now ?? new Date()).getTime() + opts.leaseMs));
  const types = opts.types && opts.types.length > 0 ? opts.types : undefined;
  if (types === undefined && opts.types) return undefined;

  const due = (q: DbOrTx) =>
    q
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('runAt', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lockedUntil', '<', now)]),
        ]),
      )
      .where('attempts', '<', sql<number>`max_attempts`)
      .$if(types !== undefined, (qb) => qb.where('type', 'in', types!))
      .orderBy('runAt')
      .orderBy('id')
      .limit(1);
  const take = (q: DbOrTx, id: number | ReturnType<typeof due>) =>
    q
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), lockedBy: opts.workerId, lockedUntil: until, updatedAt: now }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();

  if (isPostgres(db)) {
    // PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, then UPDATE, in one transaction: concurrent workers each get a different job.
    return executeTx(db, async (tx) => {
      const picked = await due(tx).forUpdate().skipLocked().executeTakeFirst();
      return picked ? take(tx, picked.id) : undefined;
    });
  }
  // SQLite: one UPDATE … WHERE id = (SELECT …) RETURNING, atomic because SQLite has one writer at a time.
  return take(db, due(db));
}

/** Keeps a long job's lease alive; false when the lease was lost (another worker took the job). */
export async function extendLease(db: DbOrTx, jobId: number, workerId: string, leaseMs: number): Promise<boolean> {
  const now = new Date();
  const r = await db
    .updateTable('jobs')
    .set({ lockedUntil: iso(new Date(now.getTime() + leaseMs)), updatedAt: iso(now) })
    .where('id', '=', jobId)
    .where('lockedBy', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks a job done — only if this worker still holds it (a worker that lost its lease must not overwrite). */
export async function completeJob(db: DbOrTx, job: Pick<JobRow, 'id' | 'lockedBy'>): Promise<boolean> {
  const now = iso(new Date());
  const r = await db
    .updateTable('jobs')
    .set({ status: 'done', lockedBy: null, lockedUntil: null, lastError: null, finishedAt: now, updatedAt: now })
    .where('id', '=', job.id)
    .where('lockedBy', '=', job.lockedBy)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Records a failed attempt: back to pending with a later run_at while attempts remain, else failed for good.
 * `countAttempt: false` (a missing LLM configuration, say) retries later without using up an attempt;
 * `final: true` fails it now (retrying cannot help).
 */
export async function failJob(
  db: DbOrTx,
  job: Pick<JobRow, 'id' | 'lockedBy' | 'attempts' | 'maxAttempts'>,
  error: string,
  opts: { retryInMs: number; countAttempt?: boolean; final?: boolean },
): Promise<'retry' | 'failed' | 'lost'> {
  const now = new Date();
  const attempts = opts.countAttempt === false ? Math.max(0, job.attempts - 1) : job.attempts;
  const final = opts.final === true || attempts >= job.maxAttempts;
  const r = await db
    .updateTable('jobs')
    .set({
      status: final ? 'failed' : 'pending',
      attempts,
      runAt: final ? undefined : iso(new Date(now.getTime() + opts.retryInMs)),
      lockedBy: null,
      lockedUntil: null,
      lastError: error.slice(0, 2000),
      finishedAt: final ? iso(now) : null,
      updatedAt: iso(now),
    })
    .where('id', '=', job.id)
    .where('lockedBy', '=', job.lockedBy)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return 'lost';
  return final ? 'failed' : 'retry';
}

/**
 * Running jobs whose lease expired with no attempts left would never be claimed again: mark them failed
 * so they show up in `verdict jobs list` with a reason instead of looking busy forever.
 */
export async function failExhaustedLeases(db: DbOrTx, now = new Date()): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set({ status: 'failed', lockedBy: null, lockedUntil: null, finishedAt: iso(now), updatedAt: iso(now), lastError: sql<string>`coalesce(last_error || ' · ', '') || 'lease expired on the last attempt (worker crashed or hung)'` })
    .where('status', '=', 'running')
    .where('lockedUntil', '<', iso(now))
    .where('attempts', '>=', sql<number>`max_attempts`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface ListJobsInput {
  status?: JobStatus;
  type?: string;
  limit?: number;
}

export async function listJobs(db: DbOrTx, input: ListJobsInput = {}): Promise<JobRow[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .$if(input.status !== undefined, (q) => q.where('status', '=', input.status!))
    .$if(input.type !== undefined, (q) => q.where('type', '=', input.type!))
    .orderBy('id', 'desc')
    .limit(input.limit ?? 100)
    .execute();
}

export async function countJobsByStatus(db: DbOrTx): Promise<Record<JobStatus, number>> {
  const rows = await db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** Whether a pending or running job's key starts with the prefix (e.g. any panel review of one tool). */
export async function hasActiveJob(db: DbOrTx, keyPrefix: string): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('status', 'in', ['pending', 'running'])
    // substr, not LIKE: keys may hold % or _ and the two dialects escape LIKE differently.
    .where(sql<string>`substr(idempotency_key, 1, ${keyPrefix.length})`, '=', keyPrefix)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The queue as /metrics shows it: jobs per type in the states that stay small (pending, running, failed: done jobs
 * pile up forever, and are counted as they finish by verdict_job_runs_total instead), and when the oldest due
 * pending job became due. Both read the (status, run_at) index.
 */
export async function queueFigures(db: DbOrTx, now = new Date()): Promise<{ counts: { type: string; status: JobStatus; n: number }[]; oldestDueAt: string | null }> {
  const counts = await db
    .selectFrom('jobs')
    .select(['type', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'running', 'failed'])
    .groupBy(['type', 'status'])
    .execute();
  const oldest = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<string>('runAt').as('at'))
    .where('status', '=', 'pending')
    .where('runAt', '<=', iso(now))
    .executeTakeFirst();
  return { counts: counts.map((r) => ({ ...r, n: Number(r.n) })), oldestDueAt: oldest?.at ?? null };
}

/** Waiting and running jobs per type, and the oldest one's creation time (jobs_due index: status leads). */
export async function openJobsByType(db: DbOrTx): Promise<{ type: string; n: number; oldest: string | null }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['type', sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
    .where('status', 'in', ['pending', 'running'])
    .groupBy('type')
    .execute();
  return rows.map((r) => ({ type: r.type, n: Number(r.n), oldest: r.oldest }));
}

/** Jobs a worker would claim now (pending and due, or running with an expired lease): `verdict status` warns when nothing will. */
export async function countDueJobs(db: DbOrTx, now = new Date()): Promise<number> {
  const at = iso(now);
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('runAt', '<=', at)]), eb.and([eb('status', '=', 'running'), eb('lockedUntil', '<', at)])]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
