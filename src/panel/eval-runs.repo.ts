// SQL for `verdict eval` runs, kept apart from panel_runs so the site never sees them.
import { nowIso, type DbOrTx } from '../db/db.js';
import type { EvalRunRow } from '../db/types.js';

/** SQL for `verdict eval` runs, kept apart from panel_runs so the site never sees them. */

export async function startEvalRun(db: DbOrTx, run: Pick<EvalRunRow, 'provider' | 'model' | 'promptVersion' | 'reruns' | 'toolCount'>): Promise<number> {
  const { id } = await db
    .insertInto('evalRuns')
    .values({ ...run, status: 'running', inputTokens: 0, outputTokens: 0, report: null, startedAt: nowIso(), finishedAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function finishEvalRun(db: DbOrTx, id: number, end: Pick<EvalRunRow, 'status' | 'inputTokens' | 'outputTokens' | 'report'>): Promise<void> {
  await db.updateTable('evalRuns').set({ ...end, finishedAt: nowIso() }).where('id', '=', id).execute();
}
