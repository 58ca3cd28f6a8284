// Migration: adds the indexes relevance search needs to rank a bounded set of candidates (decision 026).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Indexes for relevance search over a bounded set of candidates (docs/decisions/026).
 *
 * PostgreSQL: a full-text index of tool names alone, so the tools with a query word in their name are found
 * without reading every match of the word: GIN does not index the weights of the stored search document, so
 * "in the name" (weight A) could otherwise only be checked row by row. The function makes the same words as the
 * name part of tools_search_document (migration 004). An expression index rather than a column: it is only
 * searched, never ranked, so no row's vector is rebuilt at query time.
 *
 * SQLite: FTS5 finds name matches itself (`{name} : ...`). What costs there is a filter (category, pricing,
 * verdict) checked on each match the index yields: reading it from the table row means reading past the
 * description, often on an overflow page. This index holds those columns (and created_at, the ranking's
 * tie-break) by id, so the check is one small b-tree lookup (24 ms to 10 ms for 1,000 candidates in one category
 * of 100,000 tools).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create function tools_name_document(name text) returns tsvector
        language sql immutable parallel safe as $$
          select to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g'))
        $$`.execute(db);
    await sql`create index tools_by_name_document on tools using gin (tools_name_document(name))`.execute(db);
    return;
  }
  await sql`create index tools_by_search_filters on tools (id, category_slug, pricing_model, panel_label, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop index if exists tools_by_name_document`.execute(db);
    await sql`drop function if exists tools_name_document(text)`.execute(db);
    return;
  }
  await sql`drop index if exists tools_by_search_filters`.execute(db);
}
