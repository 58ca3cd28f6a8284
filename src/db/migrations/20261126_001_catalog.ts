// Migration: creates the catalog (tools, critics, reviews, panel runs and failures), the tables every page reads.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

// Columns are snake_case here: the schema builder runs without CamelCasePlugin's help in mind.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema
    .createTable('tools')
    .addColumn('id', idType, id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tagline', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('category_slug', 'text', (c) => c.notNull())
    .addColumn('pricing_model', 'text', (c) => c.notNull())
    .addColumn('pricing_entry', 'text', (c) => c.notNull())
    .addColumn('pricing_license', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('repo', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tools_category_slug').on('tools').columns(['category_slug', 'created_at']).execute();
  await db.schema.createIndex('tools_created_at').on('tools').column('created_at').execute();

  await db.schema
    .createTable('panel_runs')
    .addColumn('id', idType, id)
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('panel_runs_tool').on('panel_runs').columns(['tool_id', 'id']).execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', idType, id)
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('critic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('take', 'abstain')`))
    .addColumn('score', 'integer', (c) => c.check(sql`score between 0 and 100`))
    .addColumn('verdict', 'text', (c) => c.check(sql`verdict in ('ship', 'skip')`))
    .addColumn('take', 'text')
    .addColumn('reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.references('panel_runs.id').onDelete('set null'))
    .addColumn('model', 'text')
    .addColumn('prompt_version', 'text')
    .addColumn('input_tokens', 'integer')
    .addColumn('output_tokens', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint(
      'reviews_shape',
      sql`(kind = 'take' and score is not null and verdict is not null and take is not null) or (kind = 'abstain' and reason is not null)`,
    )
    .execute();
  await db.schema.createIndex('reviews_tool_critic').on('reviews').columns(['tool_id', 'critic', 'id']).execute();
  await db.schema.createIndex('reviews_critic').on('reviews').columns(['critic', 'id']).execute();

  await db.schema
    .createTable('panel_failures')
    .addColumn('id', idType, id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('panel_runs.id').onDelete('cascade'))
    .addColumn('critic', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['panel_failures', 'reviews', 'panel_runs', 'tools']) await db.schema.dropTable(t).execute();
}
