// Runs the panel on tools: each critic (and best-for) asked with retries and repair, reviews and stored figures written whole, progress as events.
import pLimit from 'p-limit';
import type { ModelMessage } from 'ai';
import type { Db } from '../db/db.js';
import { executeTx, nowIso } from '../db/db.js';
import type { Critic } from '../domain/schemas.js';
import type { NewReviewRow, ToolRow } from '../db/types.js';
import { toToolFields } from '../catalog/tool.js';
import { addReview, latestReviews } from '../catalog/reviews.repo.js';
import { setPanelBestFor } from '../catalog/tools.repo.js';
import { classifyFailure, type LlmClient, type LlmFailure } from './llm.js';
import { finishPanelRun, insertPanelFailure, insertPanelRetry, startPanelRun } from './runs.repo.js';
import {
  BEST_FOR_ID,
  BEST_FOR_PROMPT_VERSION,
  bestForRepairPrompt,
  bestForSystemPrompt,
  bestForUserPrompt,
  promptVersion,
  repairPrompt,
  systemPrompt,
  userPrompt,
  type PromptEvidence,
} from './prompt.js';
import { currentEvidence, linkReviewEvidence } from '../research/evidence.repo.js';
import { summarizeFacts, type EvidenceKind } from '../research/facts.js';
import { log, scrub } from '../ops/log.js';
import { llmAttempts, llmCalls, llmCost, llmFailures, llmLatency, llmTokens } from '../ops/metrics.js';

/** The machine-readable part of a failed attempt. */
export type FailureCode = Pick<LlmFailure, 'kind' | 'code'>;

export type PanelEvent =
  | { type: 'queued' | 'running'; tool: string; critic: string }
  /** `failure` is how the rejected attempt failed (classifyFailure): code reads its kind and code, people read `reason`. */
  | { type: 'retry'; tool: string; critic: string; attempt: number; reason: string; failure: FailureCode }
  | { type: 'done'; tool: string; critic: string; kind: 'take' | 'abstain'; score?: number; verdict?: string; tokens: number; latencyMs: number }
  | { type: 'failed'; tool: string; critic: string; reason: string; attempts: number; failure: FailureCode }
  /** The "best for" synthesis answered; its other events use `critic: BEST_FOR_ID`. */
  | { type: 'best-for'; tool: string; critic: typeof BEST_FOR_ID; bestFor: string; tokens: number; latencyMs: number };

export interface PanelOptions {
  threshold: number;
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  /** First backoff delay; doubles with each attempt. */
  backoffMs?: number;
  onEvent?: (e: PanelEvent) => void;
  /** `verdict eval`: write nothing (no run, failure or revision), so answers reach the caller only through onEvent. */
  evaluation?: boolean;
  /** Why this run happens (a changed fact), kept on the run for the review history. */
  reason?: string;
  /** LLM prices per million tokens (LLM_PRICE_IN / LLM_PRICE_OUT), for the cost figure on /metrics. */
  price?: { in: number; out: number };
}

export interface CriticOutcome {
  tool: string;
  critic: string;
  status: 'done' | 'failed';
  reason?: string;
  kind?: 'take' | 'abstain';
  inputTokens: number;
  outputTokens: number;
}

/** The "best for" synthesis of one tool, when it was asked for (see synthesizeBestFor). */
export interface BestForOutcome {
  tool: string;
  status: 'done' | 'failed';
  bestFor?: string;
  reason?: string;
  inputTokens: number;
  outputTokens: number;
}

export interface PanelResult {
  runs: { tool: string; runId: number; status: 'done' | 'partial' | 'failed' }[];
  /** The critics' calls only; the run's status is theirs. */
  outcomes: CriticOutcome[];
  bestFor: BestForOutcome[];
  /** Every call of the run, the "best for" synthesis included. */
  inputTokens: number;
  outputTokens: number;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs each critic on each tool: one LLM call per critic, concurrent up to a bound, each with a timeout.
 * 429, 5xx, timeouts and invalid output (including a verdict that contradicts its score) are retried with
 * backoff; past the last attempt the critic is recorded as failed with its reason. A review is written whole or not at all.
 */
export async function runPanel(db: Db, llm: LlmClient, tools: readonly ToolRow[], critics: readonly Critic[], opts: PanelOptions): Promise<PanelResult> {
  const started = Date.now();
  const limit = pLimit(opts.concurrency);
  const backoff = opts.backoffMs ?? 1000;
  const emit = opts.onEvent ?? (() => {});

  const perTool = await Promise.all(
    tools.map(async (tool) => {
      const runId = opts.evaluation
        ? 0
        : await startPanelRun(db, {
            toolId: tool.id,
            provider: llm.provider,
            model: llm.model,
            promptVersion: [...critics.map(promptVersion), ...(tool.bestFor ? [] : [BEST_FOR_PROMPT_VERSION])].join(' '),
            reason: opts.reason ?? null,
          });
      // Every critic of this run sees the same checked facts, and may cite only those.
      const evidence: PromptEvidence[] = ((await currentEvidence(db, [tool.id])).get(tool.id) ?? []).map((e) => ({
        id: e.id,
        source: e.kind,
        url: e.url,
        checked: e.fetchedAt.slice(0, 10),
        facts: summarizeFacts(e.kind as EvidenceKind, JSON.parse(e.facts)),
        excerpt: e.excerpt,
      }));
      for (const c of critics) emit({ type: 'queued', tool: tool.slug, critic: c.id });
      const outcomes = await Promise.all(critics.map((critic) => limit(() => reviewOne(tool, critic, runId, evidence))));
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      // The status is the critics' alone: a failed "best for" line is recorded on the run but leaves its reviews as they are.
      const status = failed === 0 ? 'done' : failed === outcomes.length ? 'failed' : 'partial';
      const bestFor = opts.evaluation || tool.bestFor ? undefined : await limit(() => synthesizeBestFor(tool, runId));
      const calls = [...outcomes, ...(bestFor ? [bestFor] : [])];
      if (!opts.evaluation) await finishPanelRun(db, runId, { status, inputTokens: sum(calls, 'inputTokens'), outputTokens: sum(calls, 'outputTokens') });
      return { run: { tool: tool.slug, runId, status } as const, outcomes, bestFor };
    }),
  );

  type Usage = { inputTokens: number; outputTokens: number };

  /**
   * One call asked until its answer is accepted or the attempts run out: 429, 5xx, timeouts and invalid output are
   * retried with backoff (or the server's Retry-After), invalid output shown back to the model with `repair`;
   * every retry and a final failure are recorded on the run under `who`. `accept` gets the tokens of every attempt
   * (a rejected answer was still paid for) and the last call's latency, and writes the answer.
   */
  async function ask<T extends Usage>(
    tool: ToolRow,
    who: string,
    runId: number,
    messages: ModelMessage[],
    repair: (problem: string) => string,
    call: (signal: AbortSignal) => Promise<T>,
    accept: (answer: T, spent: Usage, latencyMs: number) => Promise<void>,
  ): Promise<Usage & ({ ok: true; answer: T } | { ok: false; reason: string })> {
    const spent: Usage = { inputTokens: 0, outputTokens: 0 };
    let reason = '';
    let failure: FailureCode = { kind: 'other' };
    let attempts = 0;
    const labels = { model: llm.model, critic: who };
    /** Metrics and one log line per request to the model: tokens are counted as soon as they are known (paid for). */
    const attempted = (attempt: number, result: string, tokensIn: number, tokensOut: number, ms: number, why?: string) => {
      llmAttempts.inc({ ...labels, result });
      llmLatency.observe(labels, ms / 1000);
      if (tokensIn) llmTokens.inc({ ...labels, direction: 'in' }, tokensIn);
      if (tokensOut) llmTokens.inc({ ...labels, direction: 'out' }, tokensOut);
      if (opts.price && (tokensIn || tokensOut)) llmCost.inc(labels, (tokensIn * opts.price.in + tokensOut * opts.price.out) / 1e6);
      log().info(
        { tool: tool.slug, critic: who, ...(runId ? { run: runId } : {}), attempt, model: llm.model, result, tokensIn, tokensOut, ms, ...(why ? { reason: scrub(why) } : {}) },
        'llm call',
      );
    };
    const called = (ok: boolean) => {
      llmCalls.inc({ ...labels, outcome: ok ? 'ok' : 'failed' });
      if (!ok) llmFailures.inc({ ...labels, reason: failure.kind });
    };
    emit({ type: 'running', tool: tool.slug, critic: who });
    for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
      attempts = attempt;
      const t0 = Date.now();
      let answered = false;
      try {
        const answer = await call(AbortSignal.timeout(opts.timeoutMs));
        answered = true;
        spent.inputTokens += answer.inputTokens;
        spent.outputTokens += answer.outputTokens;
        attempted(attempt, 'ok', answer.inputTokens, answer.outputTokens, Date.now() - t0);
        await accept(answer, spent, Date.now() - t0);
        called(true);
        return { ok: true, answer, ...spent };
      } catch (err) {
        const usage = (err as { usage?: { inputTokens?: number; outputTokens?: number } }).usage;
        spent.inputTokens += usage?.inputTokens ?? 0;
        spent.outputTokens += usage?.outputTokens ?? 0;
        const f = classifyFailure(err, opts.timeoutMs);
        reason = f.reason;
        failure = { kind: f.kind, ...(f.code ? { code: f.code } : {}) };
        if (!answered) attempted(attempt, f.kind, usage?.inputTokens ?? 0, usage?.outputTokens ?? 0, Date.now() - t0, f.reason);
        if (!f.retryable || attempt === opts.maxAttempts) break;
        if (!opts.evaluation) await insertPanelRetry(db, { runId, step: who, attempt, reason });
        emit({ type: 'retry', tool: tool.slug, critic: who, attempt, reason, failure });
        // Ask again, telling the model what was wrong, rather than storing a contradiction.
        if (f.invalidOutput) {
          const rejected = (err as { text?: string }).text || '(no usable answer)';
          messages.splice(1, 2, { role: 'assistant', content: rejected }, { role: 'user', content: repair(f.reason) });
        }
        await sleep(Math.min(f.retryAfterMs ?? backoff * 2 ** (attempt - 1), 30_000));
      }
    }
    called(false);
    if (!opts.evaluation) await insertPanelFailure(db, { runId, step: who, reason, attempts });
    emit({ type: 'failed', tool: tool.slug, critic: who, reason, attempts, failure });
    return { ok: false, reason, ...spent };
  }

  async function reviewOne(tool: ToolRow, critic: Critic, runId: number, evidence: PromptEvidence[]): Promise<CriticOutcome> {
    const system = systemPrompt(critic, opts.threshold);
    const messages: ModelMessage[] = [{ role: 'user', content: userPrompt(toToolFields(tool), evidence) }];
    const shown = evidence.map((e) => e.id);
    const r = await ask(
      tool,
      critic.id,
      runId,
      messages,
      (problem) => repairPrompt(problem, opts.threshold),
      (signal) => llm.review({ system, messages, signal, citable: shown }),
      async ({ body: b }, spent, latencyMs) => {
        const review: NewReviewRow = {
          toolId: tool.id,
          critic: critic.id,
          ...('abstain' in b
            ? { kind: 'abstain', reason: b.reason, score: null, verdict: null, take: null }
            : { kind: 'take', score: b.score, verdict: b.verdict, take: b.take, reason: null }),
          origin: 'panel',
          importSource: null,
          author: null,
          runId,
          model: llm.model,
          promptVersion: promptVersion(critic),
          ...spent,
          latencyMs,
          createdAt: nowIso(),
        };
        // The revision and what its critic saw and cited commit together; an evaluation writes nothing.
        if (!opts.evaluation) await executeTx(db, async (tx) => {
          const reviewId = await addReview(tx, review);
          await linkReviewEvidence(tx, reviewId, shown, 'citations' in b ? (b.citations ?? []) : []);
        });
        emit({
          type: 'done',
          tool: tool.slug,
          critic: critic.id,
          kind: 'abstain' in b ? 'abstain' : 'take',
          ...('abstain' in b ? {} : { score: b.score, verdict: b.verdict }),
          tokens: spent.inputTokens + spent.outputTokens,
          latencyMs,
        });
      },
    );
    const usage = { inputTokens: r.inputTokens, outputTokens: r.outputTokens };
    return r.ok
      ? { tool: tool.slug, critic: critic.id, status: 'done', kind: 'abstain' in r.answer.body ? 'abstain' : 'take', ...usage }
      : { tool: tool.slug, critic: critic.id, status: 'failed', reason: r.reason, ...usage };
  }

  /**
   * The tool's "Best for" line when the catalog gives none: one more call, over the panel's current takes (the latest
   * revision of each critic, so a re-review of some critics still speaks for the whole panel). No take, no call.
   * Retried like a critic; its retries and failure are recorded on the run under BEST_FOR_ID.
   */
  async function synthesizeBestFor(tool: ToolRow, runId: number): Promise<BestForOutcome | undefined> {
    const takes = ((await latestReviews(db, [tool.id])).get(tool.id) ?? [])
      .filter((r) => r.kind === 'take')
      .map((r) => ({ critic: r.critic, score: r.score!, verdict: r.verdict!, take: r.take! }));
    if (takes.length === 0) return undefined;
    const system = bestForSystemPrompt();
    const messages: ModelMessage[] = [{ role: 'user', content: bestForUserPrompt(tool, takes) }];
    const r = await ask(
      tool,
      BEST_FOR_ID,
      runId,
      messages,
      bestForRepairPrompt,
      (signal) => llm.bestFor({ system, messages, signal }),
      async (answer, spent, latencyMs) => {
        await setPanelBestFor(db, tool.id, answer.bestFor, runId);
        emit({ type: 'best-for', tool: tool.slug, critic: BEST_FOR_ID, bestFor: answer.bestFor, tokens: spent.inputTokens + spent.outputTokens, latencyMs });
      },
    );
    const usage = { inputTokens: r.inputTokens, outputTokens: r.outputTokens };
    return r.ok ? { tool: tool.slug, status: 'done', bestFor: r.answer.bestFor, ...usage } : { tool: tool.slug, status: 'failed', reason: r.reason, ...usage };
  }

  const outcomes = perTool.flatMap((t) => t.outcomes);
  const bestFor = perTool.flatMap((t) => (t.bestFor ? [t.bestFor] : []));
  return {
    runs: perTool.map((t) => t.run),
    outcomes,
    bestFor,
    inputTokens: sum([...outcomes, ...bestFor], 'inputTokens'),
    outputTokens: sum([...outcomes, ...bestFor], 'outputTokens'),
    ms: Date.now() - started,
  };
}

const sum = (xs: readonly { inputTokens: number; outputTokens: number }[], k: 'inputTokens' | 'outputTokens') => xs.reduce((a, x) => a + x[k], 0);
