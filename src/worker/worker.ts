// The worker: claims due jobs with a lease, runs their handlers, retries with backoff, runs the schedule and beats its heartbeat.
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { JobRow } from '../db/types.js';
import type { Critic } from '../domain/schemas.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import type { LlmClient } from '../panel/llm.js';
import { defaultHandlers, JobDeferred, type JobContext, type JobHandlers } from './handlers.js';
import { claimJob, completeJob, extendLease, failExhaustedLeases, failJob } from '../queue/jobs.repo.js';
import { HEARTBEAT_MS, markWorkerStopped, pruneHeartbeats, recordHeartbeat } from '../queue/heartbeats.repo.js';
import { newWorkerId, stageOf } from '../queue/queue.js';
import { runSchedule } from '../queue/schedule.js';
import { log as rootLog, scrub } from '../ops/log.js';
import { jobDuration, jobRuns } from '../ops/metrics.js';
import { recordStageRun } from '../queue/stage-runs.repo.js';

/** Exponential backoff: base, 2×base, 4×base … capped, with up to 20% jitter so failing jobs don't retry in lockstep. */
export function backoffMs(attempt: number, baseMs: number, maxMs = 6 * 60 * 60 * 1000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp + exp * 0.2 * Math.random());
}

export interface WorkerDeps {
  db: Db;
  config: Config;
  critics: readonly Critic[];
  /** Default createMailer(config). */
  mailer?: Mailer;
  /** Default defaultHandlers(). */
  handlers?: JobHandlers;
  /** Override the LLM client for panel jobs (tests). */
  llm?: LlmClient;
  /** Default: the process's logger (src/ops/log.ts), at info, with the fields as JSON. */
  log?: JobLog;
}

/** A worker's log: a message and the ids it concerns (job, type, key, tool…). Messages are scrubbed by the default. */
export type JobLog = (message: string, fields?: Record<string, unknown>) => void;

export interface WorkerOptions {
  workerId?: string;
  /** How often an idle worker looks for due jobs. */
  pollMs?: number;
  /** A claimed job is ours this long; it is renewed while the handler runs, so only a dead worker's lease runs out. */
  leaseMs?: number;
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** First retry delay after a failure; doubles with each attempt. */
  backoffMs?: number;
  /** Enqueue the daily/weekly schedule (every worker may: idempotency keys dedupe). */
  schedule?: boolean;
  scheduleEveryMs?: number;
  /** First backoff of the panel's per-call LLM retries. */
  llmBackoffMs?: number;
  /** How often the loop records its heartbeat (worker_heartbeats). */
  heartbeatMs?: number;
}

export interface Worker {
  id: string;
  /**
   * Stops claiming, asks running jobs to stop at a safe point, and waits for them. With `timeoutMs`, a job still
   * running after it is released (back to pending, the attempt not counted, due at once) so that another worker
   * takes it now rather than when its lease runs out; the handler is left to the process's exit.
   */
  stop(opts?: { timeoutMs?: number }): Promise<{ released: number }>;
}

export const JOB_DEFAULTS = { pollMs: 1000, leaseMs: 5 * 60_000, concurrency: 1, backoffMs: 30_000, scheduleEveryMs: 60_000, heartbeatMs: HEARTBEAT_MS };

export type JobOutcome = 'done' | 'retry' | 'failed' | 'lost';

const defaultLog: JobLog = (message, fields) => rootLog().info(fields ?? {}, scrub(message));

/** Runs one claimed job: renews its lease while it runs, then records done, a retry with backoff, or failure. */
export async function runJob(deps: WorkerDeps, job: JobRow, opts: WorkerOptions & { signal?: AbortSignal } = {}): Promise<JobOutcome> {
  const handlers: JobHandlers = deps.handlers ?? defaultHandlers();
  const log = deps.log ?? defaultLog;
  const leaseMs = opts.leaseMs ?? JOB_DEFAULTS.leaseMs;
  const started = Date.now();
  const workerId = job.lockedBy ?? opts.workerId ?? 'unknown';
  const handler = handlers[job.type];
  const tag = `job ${job.id} ${job.type}${job.idempotencyKey ? ` [${job.idempotencyKey}]` : ''}`;
  // Every line about this job carries its ids; a handler adds the tool's slug (annotate), so grepping a slug finds them.
  const fields: Record<string, unknown> = { worker: workerId, job: job.id, type: job.type, attempt: job.attempts, ...(job.idempotencyKey ? { key: job.idempotencyKey } : {}) };
  const finished = (outcome: JobOutcome) => {
    jobRuns.inc({ type: job.type, outcome });
    jobDuration.observe({ type: job.type }, (Date.now() - started) / 1000);
    return outcome;
  };

  const counts = { in: 0, out: 0 };
  const startedAt = new Date().toISOString();
  // One row per run for `verdict status`; never let its bookkeeping fail the job.
  const record = (ok: boolean, error: string | null) =>
    recordStageRun(deps.db, { stage: stageOf(job.type), detail: job.type, startedAt, finishedAt: new Date().toISOString(), ok: ok ? 1 : 0, itemsIn: counts.in, itemsOut: counts.out, error: error?.slice(0, 500) ?? null }).catch(
      (err) => log(`${tag}: could not record the stage run: ${(err as Error).message}`),
    );
  const fail = async (message: string, o: Parameters<typeof failJob>[3]) => {
    await record(o.countAttempt === false, message);
    const r = await failJob(deps.db, job, message, o);
    log(`${tag} ${r === 'retry' ? `attempt ${job.attempts}/${job.maxAttempts} failed, retrying in ${Math.round(o.retryInMs / 1000)}s` : r === 'failed' ? 'FAILED' : 'lost its lease'}: ${message}`, {
      ...fields,
      outcome: r,
    });
    return finished(r);
  };

  if (!handler) return fail(`no handler for job type "${job.type}"`, { retryInMs: 0, final: true });
  let payload: unknown;
  try {
    payload = handler.payload.parse(JSON.parse(job.payload));
  } catch (err) {
    // Retrying cannot fix a payload (written by hand, or by an older version): fail for good, saying which field.
    const why = err instanceof z.ZodError ? z.prettifyError(err).replace(/\n/g, ' ') : (err as Error).message;
    return fail(`invalid payload for ${job.type}: ${why.slice(0, 300)}`, { retryInMs: 0, final: true });
  }

  const abort = new AbortController();
  const onStop = () => abort.abort();
  opts.signal?.addEventListener('abort', onStop);
  // Renew the lease well before it runs out; if another worker took the job over, say so (the handler is idempotent).
  const renewal = setInterval(() => {
    extendLease(deps.db, job.id, workerId, leaseMs)
      .then((ok) => ok || log(`${tag} lease was taken over by another worker`, fields))
      .catch(() => {});
  }, Math.max(50, Math.floor(leaseMs / 3)));
  renewal.unref();
  log(`${tag} started (attempt ${job.attempts}/${job.maxAttempts})`, fields);

  const ctx: JobContext = {
    db: deps.db,
    config: deps.config,
    critics: deps.critics,
    mailer: deps.mailer ?? createMailer(deps.config),
    job,
    workerId,
    signal: abort.signal,
    log: (m) => log(`${tag}: ${m}`, fields),
    annotate: (more) => Object.assign(fields, more),
    report: (c) => {
      counts.in += c.in;
      counts.out += c.out;
    },
    llm: deps.llm,
    llmBackoffMs: opts.llmBackoffMs,
  };
  try {
    await handler.run(payload, ctx);
    await record(true, null);
    const ok = await completeJob(deps.db, job);
    if (!ok) {
      log(`${tag} finished, but its lease had been taken over`, { ...fields, outcome: 'lost' });
      return finished('lost');
    }
    log(`${tag} done in ${((Date.now() - started) / 1000).toFixed(1)}s`, { ...fields, outcome: 'done', ms: Date.now() - started });
    return finished('done');
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (err instanceof JobDeferred) return fail(message, { retryInMs: err.retryInMs, countAttempt: false });
    // Interrupted by shutdown: not the job's fault, so it does not use up an attempt.
    if (abort.signal.aborted) return fail(`interrupted by shutdown: ${message}`, { retryInMs: 0, countAttempt: false });
    return fail(message, { retryInMs: backoffMs(job.attempts, opts.backoffMs ?? JOB_DEFAULTS.backoffMs) });
  } finally {
    clearInterval(renewal);
    opts.signal?.removeEventListener('abort', onStop);
  }
}

/** Claims and runs due jobs one after another until none is due (the CLI's `verdict jobs run`, and tests). */
export async function drainJobs(deps: WorkerDeps, opts: WorkerOptions & { max?: number } = {}): Promise<{ ran: number; outcomes: JobOutcome[] }> {
  const workerId = opts.workerId ?? newWorkerId();
  const types = Object.keys(deps.handlers ?? defaultHandlers());
  const outcomes: JobOutcome[] = [];
  while (outcomes.length < (opts.max ?? Infinity)) {
    const job = await claimJob(deps.db, { workerId, leaseMs: opts.leaseMs ?? JOB_DEFAULTS.leaseMs, types });
    if (!job) break;
    outcomes.push(await runJob(deps, job, { ...opts, workerId }));
  }
  return { ran: outcomes.length, outcomes };
}

/**
 * The long-running worker: polls for due jobs, runs up to `concurrency` at once, and (unless told not to)
 * enqueues the schedule every minute. Several workers, in one process or many, may share a queue.
 */
export function startWorker(deps: WorkerDeps, opts: WorkerOptions = {}): Worker {
  const o = { ...JOB_DEFAULTS, ...opts };
  const id = opts.workerId ?? newWorkerId();
  const log = deps.log ?? defaultLog;
  const full: WorkerDeps = { ...deps, mailer: deps.mailer ?? createMailer(deps.config), handlers: deps.handlers ?? defaultHandlers(), log };
  const types = Object.keys(full.handlers!);
  const stopping = new AbortController();
  /** Jobs running now, by id: the row as claimed, and the run's promise. */
  const inflight = new Map<number, { job: JobRow; done: Promise<unknown> }>();
  let lastSchedule = 0;
  let lastBeat = 0;
  const startedAt = new Date().toISOString();
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** From the loop itself, so a stuck loop stops beating; a failed write is logged and tried on the next tick. */
  async function beat() {
    if (Date.now() - lastBeat < o.heartbeatMs) return;
    lastBeat = Date.now();
    try {
      await recordHeartbeat(deps.db, { workerId: id, hostname: hostname(), pid: process.pid, startedAt, running: inflight.size });
    } catch (err) {
      log(`could not record the heartbeat: ${(err as Error).message}`, { worker: id });
    }
  }

  async function tick(): Promise<boolean> {
    await beat();
    if (opts.schedule !== false && Date.now() - lastSchedule >= o.scheduleEveryMs) {
      lastSchedule = Date.now();
      await runSchedule(deps.db);
      const n = await failExhaustedLeases(deps.db);
      if (n) log(`${n} job${n === 1 ? '' : 's'} failed: lease expired on the last attempt`, { worker: id });
    }
    let claimed = false;
    while (inflight.size < o.concurrency && !stopping.signal.aborted) {
      const job = await claimJob(deps.db, { workerId: id, leaseMs: o.leaseMs, types });
      if (!job) break;
      claimed = true;
      const done: Promise<unknown> = runJob(full, job, { ...o, workerId: id, signal: stopping.signal })
        .catch((err) => log(`job ${job.id} could not be recorded: ${(err as Error).message}`, { worker: id, job: job.id }))
        .finally(() => {
          inflight.delete(job.id);
          wake?.();
        });
      inflight.set(job.id, { job, done });
    }
    return claimed;
  }

  const loop = (async () => {
    await pruneHeartbeats(deps.db).catch(() => {});
    log(`worker ${id} started (concurrency ${o.concurrency})`, { worker: id });
    while (!stopping.signal.aborted) {
      let busy = false;
      try {
        busy = await tick();
      } catch (err) {
        // The database is unreachable, say: keep the process up and try again shortly.
        log(`could not poll the job queue: ${(err as Error).message}`, { worker: id });
      }
      if (stopping.signal.aborted) break;
      // A free slot and jobs were due: look again at once; otherwise wait for a poll or a finished job.
      if (!(busy && inflight.size < o.concurrency)) await pause(o.pollMs);
    }
  })();

  return {
    id,
    async stop({ timeoutMs } = {}) {
      stopping.abort();
      wake?.();
      await loop;
      const all = Promise.allSettled([...inflight.values()].map((r) => r.done));
      if (timeoutMs === undefined) await all;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      // Still running past the deadline: give the job back now, without using up an attempt.
      let released = 0;
      for (const { job } of inflight.values()) {
        const r = await failJob(deps.db, job, `released at shutdown: still running after ${timeoutMs} ms`, { retryInMs: 0, countAttempt: false }).catch(() => 'lost' as const);
        if (r !== 'lost') {
          released++;
          jobRuns.inc({ type: job.type, outcome: 'released' });
          log(`job ${job.id} ${job.type} released at shutdown: still running after ${timeoutMs} ms`, { worker: id, job: job.id, type: job.type, outcome: 'released' });
        }
      }
      await markWorkerStopped(deps.db, id).catch(() => {});
      log(`worker ${id} stopped`, { worker: id, released });
      return { released };
    },
  };
}
