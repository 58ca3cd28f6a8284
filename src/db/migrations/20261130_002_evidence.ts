// Migration: adds evidence snapshots of each tool's public sources, so research can detect material changes and reviews cite facts.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Evidence: one row per snapshot of one public source about a tool (homepage, pricing page, GitHub repo, …),
 * fetched by `verdict research` or the weekly re-check. Failed checks are rows too (status/error), so "gone after
 * three failed checks" can be counted. `changes` lists the material facts that differ from the previous snapshot.
 * review_evidence records which snapshots a review revision's critic was shown, and which it cited.
 * panel_runs.reason says why a run happened (a changed fact), for the review history.
 * Evidence shows on public pages, so writes bump the data version like reviews do.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('evidence')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('content_hash', 'text')
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('facts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('changes', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  // Latest snapshot per tool and kind; oldest-first scans for the re-check.
  await db.schema.createIndex('evidence_tool_kind').on('evidence').columns(['tool_id', 'kind', 'id']).execute();
  await db.schema.createIndex('evidence_fetched').on('evidence').columns(['fetched_at']).execute();

  await db.schema
    .createTable('review_evidence')
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
    .addColumn('cited', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('review_evidence_pk', ['review_id', 'evidence_id'])
    .execute();
  await db.schema.createIndex('review_evidence_evidence').on('review_evidence').columns(['evidence_id']).execute();

  await db.schema.alterTable('panel_runs').addColumn('reason', 'text').execute();

  const triggers = pg
    ? [sql`create trigger ${sql.id('evidence_bump_data_version')} after insert or update or delete on ${sql.table('evidence')} for each statement execute function bump_data_version()`]
    : ['insert', 'update', 'delete'].map(
        (op) => sql`create trigger ${sql.id(`evidence_${op}_bump_data_version`)} after ${sql.raw(op)} on ${sql.table('evidence')} begin update data_version set version = version + 1 where id = 1; end`,
      );
  for (const t of triggers) await t.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('panel_runs').dropColumn('reason').execute();
  await db.schema.dropTable('review_evidence').execute();
  await db.schema.dropTable('evidence').execute();
}
