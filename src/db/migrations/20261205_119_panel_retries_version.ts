// Migration: adds a data-version trigger on panel_retries, so a cached run page shows retries made after it was cached.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * A run's page (/runs/:id, cached) lists its retries, but a retry bumped no data version: a page cached while the
 * run was under way kept showing fewer retries than were made. Found by test/freshness.test.ts, which checks every
 * table a cached page reads is covered (issue 21).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create trigger panel_retries_bump_data_version after insert or update or delete on panel_retries for each statement execute function bump_data_version()`.execute(db);
    return;
  }
  for (const op of ['insert', 'update', 'delete']) {
    await sql`create trigger ${sql.id(`panel_retries_${op}_bump_data_version`)} after ${sql.raw(op)} on panel_retries begin update data_version set version = version + 1 where id = 1; end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`drop trigger if exists panel_retries_bump_data_version on panel_retries`.execute(db);
  else for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`panel_retries_${op}_bump_data_version`)}`.execute(db);
}
