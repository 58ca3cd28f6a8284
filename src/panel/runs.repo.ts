// SQL for panel runs: the run rows, each step's retries and failures, and the reads of a run's page, model shares and run reasons.
import { nowIso, type DbOrTx } from '../db/db.js';
import type { PanelFailureRow, PanelRetryRow, PanelRunRow, ReviewRow } from '../db/types.js';

/**
 * SQL for panel runs (one per tool per `runPanel`): the run row (model, prompt version, why it ran, status, tokens);
 * every retried attempt and final failure of each step (a critic, or 'best-for'); and the reads built on them: a run's
 * page with its reviews, retries and failures, the models' shares of recent reviews (/methodology), and the reasons
 * runs were started (a tool's review history).
 */

export async function startPanelRun(db: DbOrTx, run: Pick<PanelRunRow, 'toolId' | 'provider' | 'model' | 'promptVersion'> & { reason?: string | null }): Promise<number> {
  const { id } = await db
    .insertInto('panelRuns')
    .values({ ...run, reason: run.reason ?? null, status: 'running', inputTokens: 0, outputTokens: 0, startedAt: nowIso(), finishedAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function finishPanelRun(db: DbOrTx, id: number, end: Pick<PanelRunRow, 'status' | 'inputTokens' | 'outputTokens'>): Promise<void> {
  await db.updateTable('panelRuns').set({ ...end, finishedAt: nowIso() }).where('id', '=', id).execute();
}

export async function insertPanelFailure(db: DbOrTx, failure: { runId: number; step: string; reason: string; attempts: number }): Promise<void> {
  await db.insertInto('panelFailures').values({ ...failure, createdAt: nowIso() }).execute();
}

/** Records one retried attempt (the runner asks again after it). */
export async function insertPanelRetry(db: DbOrTx, retry: { runId: number; step: string; attempt: number; reason: string }): Promise<void> {
  await db.insertInto('panelRetries').values({ ...retry, createdAt: nowIso() }).execute();
}

export interface RunDetail {
  run: PanelRunRow;
  tool: { slug: string; name: string; panelBestFor: string | null; panelBestForRunId: number | null } | null;
  reviews: ReviewRow[];
  failures: PanelFailureRow[];
  retries: PanelRetryRow[];
}

/** One run for its page: the run, its tool, the revisions it wrote and the critics that failed in it. */
export async function findRunDetail(db: DbOrTx, id: number): Promise<RunDetail | undefined> {
  const run = await db.selectFrom('panelRuns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) return undefined;
  const [tool, reviews, failures, retries] = await Promise.all([
    db.selectFrom('tools').select(['slug', 'name', 'panelBestFor', 'panelBestForRunId']).where('id', '=', run.toolId).executeTakeFirst(),
    db.selectFrom('reviews').selectAll().where('runId', '=', id).orderBy('id').execute(),
    db.selectFrom('panelFailures').selectAll().where('runId', '=', id).orderBy('id').execute(),
    db.selectFrom('panelRetries').selectAll().where('runId', '=', id).orderBy('id').execute(),
  ]);
  return { run, tool: tool ?? null, reviews, failures, retries };
}

/** Models that wrote panel revisions since `since`, with their share of those revisions, most used first. */
export async function modelShares(db: DbOrTx, since: string): Promise<{ model: string; reviews: number }[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['model', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('origin', '=', 'panel')
    .where('createdAt', '>=', since)
    .groupBy('model')
    .orderBy('n', 'desc')
    .orderBy('model')
    .execute();
  return rows.map((r) => ({ model: r.model ?? 'unknown model', reviews: Number(r.n) }));
}

/** Why each of these runs happened, for runs that have a reason (a changed fact); by run id. */
export async function runReasons(db: DbOrTx, runIds: readonly number[]): Promise<Map<number, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await db.selectFrom('panelRuns').select(['id', 'reason']).where('id', 'in', runIds).where('reason', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.reason!]));
}
