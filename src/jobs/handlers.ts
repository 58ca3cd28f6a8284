import { z } from 'zod';
import { LLM_NOT_CONFIGURED, type Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { JobRow } from '../db/types.js';
import type { Critic } from '../domain/schemas.js';
import type { Mailer } from '../mail/mailer.js';
import { findToolById, toolsWithoutReviews } from '../catalog/tools.repo.js';
import { createLlmClient, type LlmClient } from '../panel/llm.js';
import { runPanel } from '../panel/runner.js';
import { sendIssue } from '../digest/digest.service.js';
import { weekSchema } from '../digest/week.js';
import { enqueue, hasActiveJob } from './queue.js';

/** What a handler may use. Handlers must be safe to run twice for the same job (delivery is at least once). */
export interface JobContext {
  db: Db;
  config: Config;
  critics: readonly Critic[];
  mailer: Mailer;
  job: JobRow;
  workerId: string;
  /** Aborted on graceful shutdown: stop at a safe point and throw; the job is retried without using an attempt. */
  signal: AbortSignal;
  log(message: string): void;
  /** Override the LLM client (tests); default createLlmClient(config.llm, config.shipThreshold). */
  llm?: LlmClient;
  /** First backoff of the panel's per-call retries. */
  llmBackoffMs?: number;
}

export interface JobHandler {
  payload: z.ZodType;
  run(payload: unknown, ctx: JobContext): Promise<void>;
}

export type JobHandlers = Record<string, JobHandler>;

/** Thrown when a job cannot run yet for a reason attempts will not fix (no LLM configured): retried later without using an attempt. */
export class JobDeferred extends Error {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
    this.name = 'JobDeferred';
  }
}

/** Thrown when retrying cannot help (a payload that does not parse): the job fails at once. */
export class JobPermanentError extends Error {
  override name = 'JobPermanentError';
}

export const JOB_TYPES = {
  panelReview: 'panel.review',
  dailyReview: 'schedule.daily-review',
  digestSend: 'digest.send',
} as const;

/** How long a job waits for an LLM to be configured before it looks again. */
export const LLM_WAIT_MS = 15 * 60 * 1000;

const define = <S extends z.ZodType>(payload: S, run: (p: z.infer<S>, ctx: JobContext) => Promise<void>): JobHandler => ({
  payload,
  run: (p, ctx) => run(p as z.infer<S>, ctx),
});

/** `panel.review` {toolId}: run every critic on one tool. `onlyIfUnreviewed` (the daily schedule) skips tools reviewed meanwhile. */
const panelReview = define(z.object({ toolId: z.number().int().positive(), onlyIfUnreviewed: z.boolean().optional() }), async (p, ctx) => {
  const tool = await findToolById(ctx.db, p.toolId);
  if (!tool) return ctx.log(`tool ${p.toolId} no longer exists; nothing to review`);
  if (p.onlyIfUnreviewed) {
    const has = await ctx.db.selectFrom('reviews').select('id').where('toolId', '=', tool.id).limit(1).executeTakeFirst();
    if (has) return ctx.log(`${tool.slug} has been reviewed meanwhile; skipping`);
  }
  const cfg = ctx.config;
  if (!ctx.llm && !cfg.llm) throw new JobDeferred(LLM_NOT_CONFIGURED, LLM_WAIT_MS);
  const llm = ctx.llm ?? createLlmClient(cfg.llm!, cfg.shipThreshold);
  const result = await runPanel(ctx.db, llm, [tool], ctx.critics, {
    threshold: cfg.shipThreshold,
    concurrency: cfg.llmConcurrency,
    timeoutMs: cfg.llmTimeoutMs,
    maxAttempts: cfg.llmMaxAttempts,
    backoffMs: ctx.llmBackoffMs,
  });
  const run = result.runs[0]!;
  const failures = result.outcomes.filter((o) => o.status === 'failed');
  // Every critic failed: nothing was written, so try the whole panel again later. Partial runs keep what they got.
  if (run.status === 'failed') throw new Error(`every critic failed on ${tool.slug}: ${failures[0]?.reason ?? 'unknown reason'}`);
  ctx.log(`${tool.slug}: panel run ${run.runId} ${run.status}${failures.length ? ` (${failures.map((f) => `${f.critic}: ${f.reason}`).join('; ')})` : ''}`);
});

/** `schedule.daily-review`: enqueue a panel review for each tool that has none yet (one waiting job per tool at most). */
const dailyReview = define(z.object({ date: z.string() }), async (p, ctx) => {
  let queued = 0;
  for (const tool of await toolsWithoutReviews(ctx.db)) {
    if (await hasActiveJob(ctx.db, `panel.review:tool:${tool.id}:`)) continue;
    const r = await enqueue(ctx.db, {
      type: JOB_TYPES.panelReview,
      payload: { toolId: tool.id, onlyIfUnreviewed: true },
      idempotencyKey: `panel.review:tool:${tool.id}:daily:${p.date}`,
    });
    if (r.created) queued++;
  }
  ctx.log(`daily review ${p.date}: ${queued} unreviewed tool${queued === 1 ? '' : 's'} queued`);
});

/** `digest.send` {week}: build (once) and send the week's issue; failed deliveries make the job retry with backoff. */
const digestSend = define(z.object({ week: weekSchema, allowEmpty: z.boolean().optional() }), async (p, ctx) => {
  const r = await sendIssue({ db: ctx.db, config: ctx.config, mailer: ctx.mailer }, p.week, {
    workerId: ctx.workerId,
    signal: ctx.signal,
    allowEmpty: p.allowEmpty,
  });
  if (r.empty) return ctx.log(`digest ${p.week}: no new verdicts that week; nothing sent`);
  if (ctx.signal.aborted && r.retryable > 0) throw new Error(`stopped with ${r.retryable} deliveries left`);
  ctx.log(`digest ${p.week}: ${r.sent} sent, ${r.skipped} skipped, ${r.failed} failed (${r.deliveries.sent} sent in all)`);
  if (r.retryable > 0) throw new Error(`${r.retryable} deliveries not sent yet${r.lastError ? `; last error: ${r.lastError}` : ''}`);
});

export const defaultHandlers = (): JobHandlers => ({
  [JOB_TYPES.panelReview]: panelReview,
  [JOB_TYPES.dailyReview]: dailyReview,
  [JOB_TYPES.digestSend]: digestSend,
});
