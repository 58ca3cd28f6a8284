// Migration: adds the autopilot's tables and columns (discovered drafts in the submissions queue, candidate keys, stage runs, LLM usage).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Autopilot (issue 17, decision 022):
 * - `submissions` is the one moderation queue: readers' submissions (origin 'reader') and discovered drafts
 *   (origin 'discovery'), which carry the draft's other fields, where they were found (`found_by`, JSON) and, when
 *   approved without a person, why (`auto_reason`). `tool_id` is indexed: the tool page reads how a tool was listed.
 * - `candidate_keys` holds every stable identity of every queued item (github:owner/name, hf:model:id, npm:name,
 *   pypi:name, url:host/path), pending, approved or rejected: "already waiting" and "rejected before" are a lookup
 *   by primary key, and a rejection is remembered by identity, not by its text.
 * - `tools` gets indexes on lower(url) and lower(repo): "already in the catalog" looks up a few spellings of a URL.
 * - `stage_runs`: one row per run of a worker stage (discovery, research, review, digest) or CLI run, for
 *   `verdict status`: last run, items in and out, failures, three failures in a row.
 * - `llm_usage`: tokens spent by calls outside panel runs (discovery's classification), per UTC day; with
 *   panel_runs it is what LLM_DAILY_TOKEN_BUDGET is checked against.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema.alterTable('submissions').addColumn('origin', 'text', (c) => c.notNull().defaultTo('reader')).execute();
  for (const col of ['found_by', 'description', 'repo', 'tags', 'license', 'auto_reason']) {
    await db.schema.alterTable('submissions').addColumn(col, 'text').execute();
  }
  await db.schema.createIndex('submissions_tool').on('submissions').column('tool_id').execute();

  await db.schema
    .createTable('candidate_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('submission_id', 'integer', (c) => c.notNull().references('submissions.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('candidate_keys_submission').on('candidate_keys').column('submission_id').execute();

  await sql`create index tools_lower_url on tools (lower(url))`.execute(db);
  await sql`create index tools_lower_repo on tools (lower(repo))`.execute(db);

  await db.schema
    .createTable('stage_runs')
    .addColumn('id', idType, id)
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('items_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('items_out', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('stage_runs_stage').on('stage_runs').columns(['stage', 'finished_at']).execute();

  await db.schema
    .createTable('llm_usage')
    .addColumn('id', idType, id)
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('llm_usage_day').on('llm_usage').column('day').execute();
  // Today's panel tokens: panel runs started since midnight.
  await db.schema.createIndex('panel_runs_started').on('panel_runs').column('started_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('panel_runs_started').execute();
  await db.schema.dropTable('llm_usage').execute();
  await db.schema.dropTable('stage_runs').execute();
  await sql`drop index tools_lower_repo`.execute(db);
  await sql`drop index tools_lower_url`.execute(db);
  await db.schema.dropTable('candidate_keys').execute();
  await db.schema.dropIndex('submissions_tool').execute();
  for (const col of ['auto_reason', 'license', 'tags', 'repo', 'description', 'found_by', 'origin']) {
    await db.schema.alterTable('submissions').dropColumn(col).execute();
  }
}
