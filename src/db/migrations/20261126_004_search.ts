// Migration: adds full-text search over tools (SQLite FTS5 with triggers, PostgreSQL expression index), kept in step by the database itself.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Full-text search over a tool's name, tagline, description and tags, kept in step with `tools` by the
 * database itself, so every writer (web, CLI import, worker) updates the index without remembering to.
 *
 * SQLite: an FTS5 external-content table (`tools_fts`, rowid = tools.id) maintained by triggers.
 * PostgreSQL: an immutable function building a weighted tsvector, and a GIN index on that expression;
 * queries call the same function, so the index is used and `tools` rows keep their shape (no extra column
 * to leak out of `selectAll()`).
 *
 * Both sides tokenize without stemming and fold case (unicode61 / 'simple'), so the two dialects find the
 * same tools for the same words. ASCII punctuation is a word break on both (`llama.cpp` is `llama` + `cpp`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    // Weights: name A, tagline and tags B, description C (ts_rank weighs them 1 / 0.4 / 0.1 in search.repo.ts).
    await sql`create function tools_search_document(name text, tagline text, description text, tags text) returns tsvector
      language sql immutable parallel safe as $$
        select setweight(to_tsvector('simple', regexp_replace(name, '[[:punct:]]+', ' ', 'g')), 'A')
          || setweight(to_tsvector('simple', regexp_replace(tagline, '[[:punct:]]+', ' ', 'g')), 'B')
          || setweight(to_tsvector('simple', regexp_replace(tags, '[[:punct:]]+', ' ', 'g')), 'B')
          || setweight(to_tsvector('simple', regexp_replace(description, '[[:punct:]]+', ' ', 'g')), 'C')
      $$`.execute(db);
    await sql`create index tools_search on tools using gin (tools_search_document(name, tagline, description, tags))`.execute(db);
    return;
  }
  await sql`create virtual table tools_fts using fts5(
      name, tagline, description, tags,
      content='tools', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`create trigger tools_fts_insert after insert on tools begin
      insert into tools_fts(rowid, name, tagline, description, tags) values (new.id, new.name, new.tagline, new.description, new.tags);
    end`.execute(db);
  await sql`create trigger tools_fts_delete after delete on tools begin
      insert into tools_fts(tools_fts, rowid, name, tagline, description, tags) values ('delete', old.id, old.name, old.tagline, old.description, old.tags);
    end`.execute(db);
  await sql`create trigger tools_fts_update after update of name, tagline, description, tags on tools begin
      insert into tools_fts(tools_fts, rowid, name, tagline, description, tags) values ('delete', old.id, old.name, old.tagline, old.description, old.tags);
      insert into tools_fts(rowid, name, tagline, description, tags) values (new.id, new.name, new.tagline, new.description, new.tags);
    end`.execute(db);
  // Tools that existed before this migration.
  await sql`insert into tools_fts(tools_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop index if exists tools_search`.execute(db);
    await sql`drop function if exists tools_search_document(text, text, text, text)`.execute(db);
    return;
  }
  for (const t of ['tools_fts_insert', 'tools_fts_delete', 'tools_fts_update']) await sql`drop trigger if exists ${sql.id(t)}`.execute(db);
  await sql`drop table if exists tools_fts`.execute(db);
}
