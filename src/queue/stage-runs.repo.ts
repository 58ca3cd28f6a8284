// SQL for stage runs, one row per run of a daily-loop stage, read by `verdict status`.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';
import type { StageRunsTable } from '../db/types.js';
import type { Insertable, Selectable } from 'kysely';

export type StageRunRow = Selectable<StageRunsTable>;

export async function recordStageRun(db: DbOrTx, row: Insertable<StageRunsTable>): Promise<void> {
  await db.insertInto('stageRuns').values(row).execute();
}

/** A stage's latest runs, newest first (stage_runs_stage index). */
export function latestStageRuns(db: DbOrTx, stage: string, limit: number): Promise<StageRunRow[]> {
  return db.selectFrom('stageRuns').selectAll().where('stage', '=', stage).orderBy('finishedAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function stageFailuresSince(db: DbOrTx, stage: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('stageRuns')
    .select(sql<number>`count(*)`.as('n'))
    .where('stage', '=', stage)
    .where('finishedAt', '>=', since)
    .where('ok', '=', 0)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Keeps the table small: runs older than this go. */
export async function pruneStageRuns(db: DbOrTx, before: string): Promise<void> {
  await db.deleteFrom('stageRuns').where('finishedAt', '<', before).execute();
}
