// SQL for streaming import and export: tools and reviews written in bounded batches, tools read by keyset.
import type { DbOrTx } from '../db/db.js';
import { recordLatest, WRITTEN_COLUMNS } from './critics.repo.js';
import { type NewReviewRow, type NewToolRow, type ToolRow, TOOL_COLUMNS } from '../db/types.js';

/**
 * Bulk writes and keyset reads for streaming import and export. Every statement binds at most about
 * MAX_VARIABLES values, far below SQLite's 32,766 and PostgreSQL's 65,535, whatever the file's size.
 */
export const MAX_VARIABLES = 2000;

const chunks = <T>(rows: readonly T[], columns: number): T[][] => {
  const size = Math.max(1, Math.floor(MAX_VARIABLES / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
};

/** Inserts tools with multi-row statements; returns each new id by slug (RETURNING order is not guaranteed). */
export async function insertToolsReturningIds(db: DbOrTx, rows: readonly NewToolRow[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  for (const chunk of chunks(rows, Object.keys(rows[0]!).length)) {
    for (const r of await db.insertInto('tools').values(chunk).returning(['id', 'slug']).execute()) ids.set(r.slug, r.id);
  }
  return ids;
}

/** Inserts review rows and marks each critic's newest its latest (critic tallies included), in the caller's transaction. */
export async function insertReviewsBatch(db: DbOrTx, rows: readonly NewReviewRow[]): Promise<void> {
  if (rows.length === 0) return;
  const written = [];
  for (const chunk of chunks(rows, Object.keys(rows[0]!).length)) written.push(...(await db.insertInto('reviews').values(chunk).returning(WRITTEN_COLUMNS).execute()));
  await recordLatest(db, written);
}

/** One page of tools in id order after the given id: keyset paging, so each page costs the same. */
export const toolsAfterId = (db: DbOrTx, afterId: number, limit: number): Promise<ToolRow[]> =>
  db.selectFrom('tools').select(TOOL_COLUMNS).where('id', '>', afterId).orderBy('id').limit(limit).execute();
