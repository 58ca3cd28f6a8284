import { nowIso, type DbOrTx } from '../db/db.js';
import type { PanelRunRow } from '../db/types.js';

/** SQL for panel runs (one per tool per `runPanel`) and the critics that failed in them. */

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

export async function insertPanelFailure(db: DbOrTx, failure: { runId: number; critic: string; reason: string; attempts: number }): Promise<void> {
  await db.insertInto('panelFailures').values({ ...failure, createdAt: nowIso() }).execute();
}

/** Why each of these runs happened, for runs that have a reason (a changed fact); by run id. */
export async function runReasons(db: DbOrTx, runIds: readonly number[]): Promise<Map<number, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await db.selectFrom('panelRuns').select(['id', 'reason']).where('id', 'in', runIds).where('reason', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.reason!]));
}
