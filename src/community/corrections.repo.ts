// SQL for readers' error reports and the corrections that accepted ones record.
import type { DbOrTx } from '../db/db.js';
import type { CorrectionRow, CorrectionsTable, ErrorReportRow, ErrorReportsTable } from '../db/types.js';
import type { Insertable } from 'kysely';

/** SQL for error reports (readers' "Report an error") and the corrections that accepted ones record. */

export async function insertReport(db: DbOrTx, row: Insertable<ErrorReportsTable>): Promise<number> {
  const { id } = await db.insertInto('errorReports').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export const findReport = (db: DbOrTx, id: number): Promise<ErrorReportRow | undefined> =>
  db.selectFrom('errorReports').selectAll().where('id', '=', id).executeTakeFirst();

export type ReportWithTool = ErrorReportRow & { toolSlug: string; toolName: string };

/** Reports, newest first, with their tool's slug and name. */
export async function listReports(db: DbOrTx, opts: { status?: ErrorReportRow['status']; limit?: number } = {}): Promise<ReportWithTool[]> {
  let q = db
    .selectFrom('errorReports')
    .innerJoin('tools', 'tools.id', 'errorReports.toolId')
    .selectAll('errorReports')
    .select(['tools.slug as toolSlug', 'tools.name as toolName'])
    .orderBy('errorReports.id', 'desc')
    .limit(opts.limit ?? 200);
  if (opts.status) q = q.where('errorReports.status', '=', opts.status);
  return q.execute();
}

/** Marks a report's address confirmed (once: a second confirmation keeps the first time). */
export async function confirmReportEmail(db: DbOrTx, id: number, at: string): Promise<void> {
  await db.updateTable('errorReports').set({ emailConfirmedAt: at }).where('id', '=', id).where('emailConfirmedAt', 'is', null).execute();
}

/** Decides a pending report; false when it was not pending any more (decided by someone else meanwhile). */
export async function decideReport(db: DbOrTx, id: number, d: Pick<ErrorReportRow, 'status' | 'reason' | 'decidedAt'>): Promise<boolean> {
  const r = await db.updateTable('errorReports').set(d).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertCorrection(db: DbOrTx, row: Insertable<CorrectionsTable>): Promise<number> {
  const { id } = await db.insertInto('corrections').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export const findCorrection = (db: DbOrTx, id: number): Promise<CorrectionRow | undefined> =>
  db.selectFrom('corrections').selectAll().where('id', '=', id).executeTakeFirst();

export async function setCorrectionJob(db: DbOrTx, id: number, jobId: number): Promise<void> {
  await db.updateTable('corrections').set({ jobId }).where('id', '=', id).execute();
}

export const correctionsOfTool = (db: DbOrTx, toolId: number): Promise<CorrectionRow[]> =>
  db.selectFrom('corrections').selectAll().where('toolId', '=', toolId).orderBy('id', 'desc').execute();

export type CorrectionWithTool = CorrectionRow & { toolSlug: string; toolName: string };

/** The corrections record, newest first, for /methodology. */
export const recentCorrections = (db: DbOrTx, limit: number): Promise<CorrectionWithTool[]> =>
  db
    .selectFrom('corrections')
    .innerJoin('tools', 'tools.id', 'corrections.toolId')
    .selectAll('corrections')
    .select(['tools.slug as toolSlug', 'tools.name as toolName'])
    .orderBy('corrections.id', 'desc')
    .limit(limit)
    .execute();

export async function countCorrections(db: DbOrTx): Promise<number> {
  const r = await db.selectFrom('corrections').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
