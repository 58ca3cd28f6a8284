// The high half of jobs: each job type's handler, dispatching to the features (panel, research, discovery, digest).
import { z } from 'zod';
import { LLM_NOT_CONFIGURED, type Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { JobRow } from '../db/types.js';
import type { Critic } from '../domain/schemas.js';
import type { Mailer } from '../mail/mailer.js';
import { findToolById, toolsWithoutReviews } from '../catalog/tools.repo.js';
import { hasReviews } from '../catalog/reviews.repo.js';
import { createLlmClient, type LlmClient } from '../panel/llm.js';
import { runPanel } from '../panel/runner.js';
import { sendIssue } from '../digest/digest.service.js';
import { hasActiveJob } from '../queue/jobs.repo.js';
import { toolsDueForResearch } from '../research/evidence.repo.js';
import { recheckCutoff } from '../research/freshness.service.js';
import { createFetcher, queueReviewForChanges, researchTool } from '../research/research.service.js';
import { enqueue, jobPayloads, type JobName, type JobPayload } from '../queue/queue.js';
import { budgetMessage, budgetState } from '../panel/budget.js';
import { runDiscovery } from '../discovery/discovery.service.js';

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
  /** Adds ids to every later line about this job (the tool's slug, say), so a grep for them finds the job. */
  annotate(fields: Record<string, unknown>): void;
  /** What the run took in and put out, for `verdict status` (stage_runs). */
  report?(counts: { in: number; out: number }): void;
  /** Override the LLM client (tests); default createLlmClient(config.llm, config.shipThreshold). */
  llm?: LlmClient;
  /** First backoff of the panel's per-call retries; default config.llmBackoffMs. */
  llmBackoffMs?: number;
}

/** What a worker runs for one job type: the payload is checked against `payload` before `run` sees it. */
export interface JobHandler {
  payload: z.ZodType;
  run(payload: unknown, ctx: JobContext): Promise<void>;
}

/** The app's jobs are `defaultHandlers()`; tests may run a worker over handlers of their own. */
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

/** How long a job waits for an LLM to be configured before it looks again. */
export const LLM_WAIT_MS = 15 * 60 * 1000;

/** A handler for one of the app's job types, with that type's payload schema (see jobPayloads in queue.ts). */
const handle = <N extends JobName>(type: N, run: (p: JobPayload<N>, ctx: JobContext) => Promise<void>): JobHandler => ({
  payload: jobPayloads[type],
  run: (p, ctx) => run(p as JobPayload<N>, ctx),
});

const panelReview = handle('panel.review', async (p, ctx) => {
  const tool = await findToolById(ctx.db, p.toolId);
  if (!tool) return ctx.log(`tool ${p.toolId} no longer exists; nothing to review`);
  ctx.annotate({ tool: tool.slug });
  if (p.onlyIfUnreviewed && (await hasReviews(ctx.db, tool.id))) return ctx.log(`${tool.slug} has been reviewed meanwhile; skipping`);
  const cfg = ctx.config;
  if (!ctx.llm && !cfg.llm) throw new JobDeferred(LLM_NOT_CONFIGURED, LLM_WAIT_MS);
  const budget = await budgetState(ctx.db, cfg);
  if (budget.exhausted) {
    ctx.log(budgetMessage(budget));
    throw new JobDeferred(budgetMessage(budget), Math.max(1000, Date.parse(budget.resetsAt) - Date.now()));
  }
  const llm = ctx.llm ?? createLlmClient(cfg.llm!, cfg.shipThreshold);
  const result = await runPanel(ctx.db, llm, [tool], ctx.critics, {
    threshold: cfg.shipThreshold,
    concurrency: cfg.llmConcurrency,
    timeoutMs: cfg.llmTimeoutMs,
    maxAttempts: cfg.llmMaxAttempts,
    backoffMs: ctx.llmBackoffMs ?? cfg.llmBackoffMs,
    reason: p.reason,
    price: cfg.llmPrice,
  });
  const run = result.runs[0]!;
  ctx.report?.({ in: 1, out: run.status === 'failed' ? 0 : 1 });
  const failures = result.outcomes.filter((o) => o.status === 'failed');
  // Every critic failed: nothing was written, so try the whole panel again later. Partial runs keep what they got.
  if (run.status === 'failed') throw new Error(`every critic failed on ${tool.slug}: ${failures[0]?.reason ?? 'unknown reason'}`);
  ctx.log(`${tool.slug}: panel run ${run.runId} ${run.status}${failures.length ? ` (${failures.map((f) => `${f.critic}: ${f.reason}`).join('; ')})` : ''}`);
});

/**
 * Unreviewed tools the daily review looks at per run, oldest first: after a large import without reviews it
 * queues this many a day (those still waiting are skipped, not queued again) instead of loading every tool and
 * queueing one job each in one run. Successive days work through the backlog as reviews land.
 */
export const DAILY_REVIEW_BATCH = 100;

/** One waiting panel review per tool at most; tools whose facts were checked go first (toolsWithoutReviews). */
const dailyReview = handle('schedule.daily-review', async (p, ctx) => {
  let queued = 0;
  const tools = await toolsWithoutReviews(ctx.db, DAILY_REVIEW_BATCH, { researchedFirst: true });
  for (const tool of tools) {
    if (await hasActiveJob(ctx.db, `panel.review:tool:${tool.id}:`)) continue;
    const r = await enqueue(ctx.db, {
      type: 'panel.review',
      payload: { toolId: tool.id, onlyIfUnreviewed: true },
      idempotencyKey: `panel.review:tool:${tool.id}:daily:${p.date}`,
    });
    if (r.created) queued++;
  }
  ctx.report?.({ in: tools.length, out: queued });
  ctx.log(`daily review ${p.date}: ${queued} unreviewed tool${queued === 1 ? '' : 's'} queued`);
});

const researchRecheck = handle('research.recheck', async (p, ctx) => {
  const r = ctx.config.research;
  const due = await toolsDueForResearch(ctx.db, recheckCutoff(r), r.batch, { checkedOnly: true });
  const fetcher = createFetcher(ctx.config);
  let changed = 0;
  for (const tool of due) {
    // Each tool's snapshots are stored as it finishes: a stop between tools loses nothing, the rest wait for the next run.
    if (ctx.signal.aborted) throw new Error(`stopped after ${due.indexOf(tool)} of ${due.length} tools`);
    const outcome = await researchTool(ctx.db, fetcher, r, tool);
    const q = await queueReviewForChanges(ctx.db, outcome);
    if (outcome.changes.length) {
      changed++;
      ctx.log(`${tool.slug}: ${outcome.changes.join('; ')}${q.queued ? ' (re-review queued)' : ''}`);
    }
  }
  ctx.report?.({ in: due.length, out: changed });
  ctx.log(`research re-check ${p.date}: ${due.length} tool${due.length === 1 ? '' : 's'} checked, ${changed} changed`);
});

/** A tool's first research, when it arrives; then its first panel review, on the facts just stored. */
const researchOne = handle('research.tool', async (p, ctx) => {
  const tool = await findToolById(ctx.db, p.toolId);
  if (!tool) return ctx.log(`tool ${p.toolId} no longer exists; nothing to research`);
  const outcome = await researchTool(ctx.db, createFetcher(ctx.config), ctx.config.research, tool);
  const failed = outcome.snapshots.filter((s) => s.error).length;
  ctx.report?.({ in: outcome.snapshots.length, out: outcome.snapshots.length - failed });
  ctx.log(`${tool.slug}: ${outcome.snapshots.length} source${outcome.snapshots.length === 1 ? '' : 's'} checked, ${failed} failed`);
  if (p.review && !(await hasReviews(ctx.db, tool.id))) {
    await enqueue(ctx.db, { type: 'panel.review', payload: { toolId: tool.id, onlyIfUnreviewed: true }, idempotencyKey: `panel.review:tool:${tool.id}:first` });
  } else await queueReviewForChanges(ctx.db, outcome);
});

/** The daily discovery run: every enabled source once (src/discovery). */
const discoveryRun = handle('discovery.run', async (p, ctx) => {
  const r = await runDiscovery({ db: ctx.db, config: ctx.config, signal: ctx.signal, log: (l) => ctx.log(l) });
  const failed = r.sources.filter((s) => s.error && !s.stopped);
  ctx.report?.({ in: r.items.length, out: r.counts.proposed + r.counts.merged });
  ctx.log(`discovery ${p.date}: ${r.items.length} items, ${r.counts.proposed} proposed, ${r.counts.merged} merged${failed.length ? `; failed: ${failed.map((s) => s.id).join(', ')}` : ''}`);
  // Every source failed: the run did nothing, say so (a stage failing three runs in a row shows in `verdict status`).
  if (r.sources.length > 0 && failed.length === r.sources.length) throw new Error(`every discovery source failed: ${failed.map((s) => `${s.id}: ${s.error}`).join('; ')}`);
});

/** Failed deliveries make the job retry with backoff. */
const digestSend = handle('digest.send', async (p, ctx) => {
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

/** One handler for every job type: a type without one does not compile. */
export const defaultHandlers = (): { [N in JobName]: JobHandler } => ({
  'panel.review': panelReview,
  'schedule.daily-review': dailyReview,
  'digest.send': digestSend,
  'research.recheck': researchRecheck,
  'research.tool': researchOne,
  'discovery.run': discoveryRun,
});
