// Runs the migrations, listed by hand in time order, and says which are pending (for readiness and `verdict db migrate`).
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { AppError } from '../errors.js';
import * as m20261126_001 from './migrations/20261126_001_catalog.js';
import * as m20261126_002 from './migrations/20261126_002_data_version.js';
import * as m20261126_003 from './migrations/20261126_003_votes.js';
import * as m20261126_004 from './migrations/20261126_004_search.js';
import * as m20261126_005 from './migrations/20261126_005_jobs_digest.js';
import * as m20261126_006 from './migrations/20261126_006_community.js';
import * as m20261130_001 from './migrations/20261130_001_figures.js';
import * as m20261130_002 from './migrations/20261130_002_evidence.js';
import * as m20261130_009 from './migrations/20261130_009_eval_runs.js';
import * as m20261130_010 from './migrations/20261130_010_tool_touches.js';
import * as m20261130_012 from './migrations/20261130_012_best_for.js';
import * as m20261130_100 from './migrations/20261130_100_rate_limits.js';
import * as m20261130_101 from './migrations/20261130_101_provenance.js';
import * as m20261130_102 from './migrations/20261130_102_corrections.js';
import * as m20261130_103 from './migrations/20261130_103_panel_retries.js';
import * as m20261130_104 from './migrations/20261130_104_category_newest.js';
import * as m20261130_105 from './migrations/20261130_105_panel_best_for.js';
import * as m20261130_110 from './migrations/20261130_110_search_documents.js';
import * as m20261130_111 from './migrations/20261130_111_list_indexes.js';
import * as m20261130_112 from './migrations/20261130_112_tag_pairs.js';
import * as m20261130_113 from './migrations/20261130_113_categories.js';
import * as m20261130_114 from './migrations/20261130_114_reviews_by_time.js';
import * as m20261130_115 from './migrations/20261130_115_researched_at.js';
import * as m20261130_116 from './migrations/20261130_116_latest_reviews.js';
import * as m20261205_117 from './migrations/20261205_117_report_email_confirmed.js';
import * as m20261205_118 from './migrations/20261205_118_panel_call_step.js';
import * as m20261205_119 from './migrations/20261205_119_panel_retries_version.js';
import * as m20261205_120 from './migrations/20261205_120_autopilot.js';
import * as m20261205_130 from './migrations/20261205_130_worker_heartbeats.js';
import * as m20261205_150 from './migrations/20261205_150_bounded_search.js';
import * as m20261205_160 from './migrations/20261205_160_cdn_purged.js';

/** Listed by hand so the same code runs under tsx, from a bundle, or from compiled output. Names sort by time. */
const migrations: Record<string, Migration> = {
  '20261126_001_catalog': m20261126_001,
  '20261126_002_data_version': m20261126_002,
  '20261126_003_votes': m20261126_003,
  '20261126_004_search': m20261126_004,
  '20261126_005_jobs_digest': m20261126_005,
  '20261126_006_community': m20261126_006,
  '20261130_001_figures': m20261130_001,
  '20261130_002_evidence': m20261130_002,
  '20261130_009_eval_runs': m20261130_009,
  '20261130_010_tool_touches': m20261130_010,
  '20261130_012_best_for': m20261130_012,
  '20261130_100_rate_limits': m20261130_100,
  '20261130_101_provenance': m20261130_101,
  '20261130_102_corrections': m20261130_102,
  '20261130_103_panel_retries': m20261130_103,
  '20261130_104_category_newest': m20261130_104,
  '20261130_105_panel_best_for': m20261130_105,
  '20261130_110_search_documents': m20261130_110,
  '20261130_111_list_indexes': m20261130_111,
  '20261130_112_tag_pairs': m20261130_112,
  '20261130_113_categories': m20261130_113,
  '20261130_114_reviews_by_time': m20261130_114,
  '20261130_115_researched_at': m20261130_115,
  '20261130_116_latest_reviews': m20261130_116,
  '20261205_117_report_email_confirmed': m20261205_117,
  '20261205_118_panel_call_step': m20261205_118,
  '20261205_119_panel_retries_version': m20261205_119,
  '20261205_120_autopilot': m20261205_120,
  '20261205_130_worker_heartbeats': m20261205_130,
  '20261205_150_bounded_search': m20261205_150,
  '20261205_160_cdn_purged': m20261205_160,
};

/**
 * Branches number their migrations in their own ranges and land in any order (119 after 120, this file's 130 after
 * 150), so a database migrated by an earlier release can lack a migration that sorts before its newest one. Kysely
 * refuses that by default ("corrupted migrations") and the upgrade would not start; each migration here stands on
 * its own, so the missing ones run, in name order.
 */
const migratorFor = (db: Kysely<any>) => new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });

/** Migrations this code knows that the database has not run (for /readyz: empty when the schema is current). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = migratorFor(db);
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/** Every migration name this code knows, oldest first (a backup is checked against it before a restore). */
export const knownMigrations = (): string[] => Object.keys(migrations).sort();

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = migratorFor(db);
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new AppError('migration', `Database migration ${failed?.migrationName ?? ''} failed: ${reason}`, 500);
  }
  return result;
}
