// Migration: adds error reports and corrections, so readers can report an error in a take and accepted ones are recorded.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Corrections (docs/decisions/015): readers report an error in a take; an operator accepts (recording a correction:
 * what changed and why, and maybe queueing a re-review) or rejects it (answered by email when one was given).
 * Corrections are public (tool page, methodology), so they bump the data version, as do panel runs and their
 * failures (the cached /runs/:id page shows them). Reports are not public and do not.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema
    .createTable('error_reports')
    .addColumn('id', idType, id)
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('review_id', 'integer', (c) => c.references('reviews.id').onDelete('set null'))
    .addColumn('critic', 'text')
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('source_url', 'text')
    .addColumn('email', 'text')
    .addColumn('reporter_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'accepted', 'rejected')`))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('error_reports_status').on('error_reports').columns(['status', 'id']).execute();

  await db.schema
    .createTable('corrections')
    .addColumn('id', idType, id)
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('report_id', 'integer', (c) => c.references('error_reports.id').onDelete('set null'))
    .addColumn('review_id', 'integer', (c) => c.references('reviews.id').onDelete('set null'))
    .addColumn('critic', 'text')
    .addColumn('what_changed', 'text', (c) => c.notNull())
    .addColumn('why', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('corrections_tool').on('corrections').columns(['tool_id', 'id']).execute();

  for (const t of ['corrections', 'panel_runs', 'panel_failures']) {
    if (pg) {
      await sql`create trigger ${sql.id(`${t}_bump_data_version`)} after insert or update or delete on ${sql.table(t)} for each statement execute function bump_data_version()`.execute(db);
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.id(`${t}_${op}_bump_data_version`)} after ${sql.raw(op)} on ${sql.table(t)} begin update data_version set version = version + 1 where id = 1; end`.execute(db);
      }
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['panel_runs', 'panel_failures']) {
    if (isPostgres(db)) await sql`drop trigger if exists ${sql.id(`${t}_bump_data_version`)} on ${sql.table(t)}`.execute(db);
    else for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`${t}_${op}_bump_data_version`)}`.execute(db);
  }
  await db.schema.dropTable('corrections').ifExists().execute();
  await db.schema.dropTable('error_reports').ifExists().execute();
}
