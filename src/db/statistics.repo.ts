// SQL for database housekeeping: refreshing PostgreSQL's planner statistics after bulk changes, and the readiness ping.
import { sql } from 'kysely';
import type { Db } from './db.js';
import { isPostgres } from './dialect.js';

/**
 * Refreshes PostgreSQL's planner statistics after a bulk change (an import, a figures rebuild). Until autovacuum
 * gets to it the planner keeps the row counts of before, and at 10,000 tools it chose the verdict-label index over
 * the full-text one for a rare word: 240 ms instead of 6 ms. `tools` is vacuumed too: a rebuild rewrites every
 * row, and until the dead rows and the full-text index's pending list were cleaned up the tool page at 100,000
 * tools took 18 / 33 ms (p50 / p95) instead of 11.5 / 18 (the vacuum takes about a second). Outside a
 * transaction only. SQLite plans without statistics (none are gathered) and has no dead rows to clean.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`vacuum (analyze) tools`.execute(db);
  await sql`analyze reviews, votes`.execute(db);
}

/** The trivial query /readyz runs: the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
