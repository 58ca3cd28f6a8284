// Migration: stores tools.researched_at, so choosing the tools due for a re-check does not scan all evidence.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * When each tool's sources were last checked, stored: the newest `evidence.fetched_at` of the tool, written by
 * storeSnapshots in the transaction that stores the snapshots. Choosing the tools due for a re-check grouped the
 * whole evidence table by tool before its LIMIT (85 ms at 400,000 snapshots on PostgreSQL, growing with history);
 * the index serves "never checked first, then oldest first" and "checked before the cutoff, oldest first" as a
 * bounded index scan. PostgreSQL sorts nulls last by default, so its index says nulls first; SQLite sorts them first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').addColumn('researched_at', 'text').execute();
  await sql`update tools set researched_at = (select max(e.fetched_at) from evidence e where e.tool_id = tools.id)
      where exists (select 1 from evidence e where e.tool_id = tools.id)`.execute(db);
  await db.schema
    .createIndex('tools_by_researched_at')
    .on('tools')
    .expression(sql.raw(isPostgres(db) ? 'researched_at nulls first, id' : 'researched_at, id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tools_by_researched_at').execute();
  await db.schema.alterTable('tools').dropColumn('researched_at').execute();
}
