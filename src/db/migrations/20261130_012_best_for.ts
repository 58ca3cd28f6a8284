// Migration: adds tools.best_for (a short use-case, with an index) so alternatives are found by use-case rather than tagline.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely, so each stays as it ran.

/** A tool's "best for": a short use-case, its own field (issue 12), no longer the tagline. Null until given. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').addColumn('best_for', 'text').execute();
  // Alternatives look tools up by the same use-case, case-insensitively: an index, not a scan.
  await sql`create index tools_by_best_for on tools (lower(best_for))`.execute(db);
  // PostgreSQL: tag words alone, so alternatives match pairs of tags, not common words anywhere in descriptions
  // (SQLite's FTS table already has a tags column).
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create index tools_tags_search on tools using gin (to_tsvector('simple', regexp_replace(tags, '[[:punct:]]+', ' ', 'g')))`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tools_by_best_for').execute();
  await sql`drop index if exists tools_tags_search`.execute(db);
  await db.schema.alterTable('tools').dropColumn('best_for').execute();
}
