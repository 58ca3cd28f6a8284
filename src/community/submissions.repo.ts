// SQL for tool submissions: storing them, finding duplicates, listing and deciding them.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';
import type { SubmissionRow, SubmissionsTable } from '../db/types.js';
import type { Insertable } from 'kysely';

export type NewSubmissionRow = Insertable<SubmissionsTable>;

export async function insertSubmission(db: DbOrTx, row: NewSubmissionRow): Promise<number> {
  const { id } = await db.insertInto('submissions').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export const findSubmission = (db: DbOrTx, id: number): Promise<SubmissionRow | undefined> =>
  db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();

/** Pending submissions with this slug or normalised URL. */
export function pendingDuplicates(db: DbOrTx, slug: string, urlKey: string): Promise<SubmissionRow[]> {
  return db
    .selectFrom('submissions')
    .selectAll()
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('slug', '=', slug), eb('urlKey', '=', urlKey)]))
    .execute();
}

/** Tools whose URL mentions this host (callers compare normalised URLs exactly). */
export function toolsWithUrlLike(db: DbOrTx, host: string): Promise<{ id: number; slug: string; name: string; url: string }[]> {
  const pattern = `%${host.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return db
    .selectFrom('tools')
    .select(['id', 'slug', 'name', 'url'])
    .where(sql<string>`lower(url)`, 'like', sql<string>`${pattern} escape '\\'`)
    .execute();
}

/** Newest first; optionally only one status. */
export function listSubmissions(db: DbOrTx, opts: { status?: SubmissionRow['status']; limit?: number } = {}): Promise<SubmissionRow[]> {
  let q = db.selectFrom('submissions').selectAll();
  if (opts.status) q = q.where('status', '=', opts.status);
  return q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 200).execute();
}

/** Moves a pending submission to a decision. Returns false when it was no longer pending (someone decided first). */
export async function decideSubmission(
  db: DbOrTx,
  id: number,
  set: { status: 'approved' | 'rejected'; reason: string | null; toolId: number | null; decidedAt: string; autoReason?: string },
): Promise<boolean> {
  const r = await db.updateTable('submissions').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Links an approved submission to the tool it became. */
export async function setSubmissionTool(db: DbOrTx, id: number, toolId: number): Promise<void> {
  await db.updateTable('submissions').set({ toolId }).where('id', '=', id).execute();
}
