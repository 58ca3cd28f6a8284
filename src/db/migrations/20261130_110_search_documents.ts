// Migration: stores each tool's search document on PostgreSQL, so ranking no longer rebuilds a tsvector per matching row.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * PostgreSQL: each tool's search document stored, not recomputed. Migration 004 indexed an expression, so
 * ranking and re-checking matches rebuilt the tsvector from the text of every matching row (280 ms to rank a
 * word matching 7,000 of 100,000 tools; 25 ms from a stored document). A generated column, so every writer
 * keeps it in step, and in `tools` itself, so a text match and a column filter combine in one bitmap scan.
 * Repos read tools through TOOL_COLUMNS, not `select *`, so the document never travels with a tool.
 * SQLite already stores its FTS5 index: nothing to do there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table tools add column search_document tsvector
      generated always as (tools_search_document(name, tagline, description, tags)) stored`.execute(db);
  await sql`create index tools_by_search_document on tools using gin (search_document)`.execute(db);
  await sql`drop index tools_search`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create index tools_search on tools using gin (tools_search_document(name, tagline, description, tags))`.execute(db);
  await sql`alter table tools drop column search_document`.execute(db);
}
