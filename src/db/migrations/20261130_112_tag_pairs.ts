// Migration: adds an index of tag pairs on PostgreSQL, so alternatives (tools sharing two tags) are found without a slow tsquery.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * PostgreSQL: alternatives (tools sharing two tags) found through an index of tag pairs. Migration 012 indexed
 * tag words, and a tool's pairs became one tsquery OR-ing an AND per pair: with common tags GIN evaluated it
 * over every posting list of every word (12 ms of a 17 ms tool page at 100,000 tools). Here each unordered
 * pair of a tool's first 10 tags is one array element ("a" U+001F "b", a < b bytewise), so the tools sharing a
 * pair are one posting list and a tool's candidates an overlap (`&&`) of its own pairs, exact, no re-check.
 * SQLite's FTS5 query stops at its LIMIT already: nothing to do there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create function tool_tag_pairs(tags text) returns text[] language sql immutable parallel safe as $$
      with t as (select distinct tag from json_array_elements_text(tags::json) with ordinality as e(tag, n) where n <= 10)
      select coalesce(array_agg(a.tag || chr(31) || b.tag order by a.tag collate "C", b.tag collate "C"), '{}')
      from t a join t b on a.tag collate "C" < b.tag collate "C"
    $$`.execute(db);
  await sql`create index tools_by_tag_pair on tools using gin (tool_tag_pairs(tags))`.execute(db);
  await sql`drop index tools_tags_search`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create index tools_tags_search on tools using gin (to_tsvector('simple', regexp_replace(tags, '[[:punct:]]+', ' ', 'g')))`.execute(db);
  await sql`drop index tools_by_tag_pair`.execute(db);
  await sql`drop function tool_tag_pairs(text)`.execute(db);
}
