import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * PostgreSQL: a full-text index of tool names alone, so relevance search finds the tools with a query word in
 * their name without reading every match of the word (docs/decisions/026). GIN does not index the weights of
 * the stored search document, so "in the name" (weight A) could only be checked row by row. The function makes
 * the same words as the name part of tools_search_document (migration 004). An expression index rather than a
 * column: it is only ever searched, never ranked, so no row's vector is rebuilt at query time.
 * SQLite needs nothing: FTS5 restricts a query to the name column within its own index (`{name} : ...`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create function tools_name_document(name text) returns tsvector
      language sql immutable parallel safe as $$
        select to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g'))
      $$`.execute(db);
  await sql`create index tools_by_name_document on tools using gin (tools_name_document(name))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop index if exists tools_by_name_document`.execute(db);
  await sql`drop function if exists tools_name_document(text)`.execute(db);
}
