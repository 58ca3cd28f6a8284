// Migration: adds eval_runs, one row per `verdict eval` report, apart from panel runs so the site never shows them.
import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * `verdict eval` runs: one row per evaluation of a model on an eval set, with its report as JSON.
 * A table of its own (not panel_runs) so evaluation tools need not be in the catalog and nothing the site
 * reads can pick them up. Imports nothing but kysely: a migration must not change when app code does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('eval_runs')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('reruns', 'integer', (c) => c.notNull())
    .addColumn('tool_count', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('eval_runs').execute();
}
