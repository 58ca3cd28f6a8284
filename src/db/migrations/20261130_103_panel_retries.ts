// Migration: adds panel_retries, every retried attempt of a panel run with its reason, shown on the run's page.
import { PostgresAdapter, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Every retried attempt of a panel run, with its reason (a 429, a timeout, a verdict that contradicted its score),
 * including those of critics that answered in the end: the run's page shows them beside the final failures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('panel_retries')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('panel_runs.id').onDelete('cascade'))
    .addColumn('critic', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('panel_retries_run').on('panel_retries').column('run_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('panel_retries').execute();
}
