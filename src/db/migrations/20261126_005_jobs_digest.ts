// Migration: adds the durable job queue and the weekly digest's subscribers, issues and deliveries.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Durable job queue (panel runs, digest sends, schedules) and the weekly digest: subscribers,
 * issues (frozen once built, archived at /digest) and one delivery row per (issue, subscriber).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema
    .createTable('jobs')
    .addColumn('id', idType, id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    // NULLs never collide, so jobs without a key are never deduplicated.
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // The claim query: due pending jobs in run_at order, and running jobs whose lease ran out.
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('digest_subscribers')
    .addColumn('id', idType, id)
    // Stored lowercased and trimmed, so one address is one subscription.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'confirmed', 'unsubscribed')`))
    .addColumn('confirm_sent_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('digest_subscribers_status').on('digest_subscribers').column('status').execute();

  await db.schema
    .createTable('digest_issues')
    .addColumn('id', idType, id)
    .addColumn('week', 'text', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    /** The issue's shared content (JSON); emails add each subscriber's bookmarks section at send time. */
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();

  await db.schema
    .createTable('digest_deliveries')
    .addColumn('id', idType, id)
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('digest_issues.id').onDelete('cascade'))
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('digest_subscribers.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`))
    /** Chosen before the first attempt and reused on every retry, so a resend is recognisable as the same message. */
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('digest_deliveries_once', ['issue_id', 'subscriber_id'])
    .execute();
  await db.schema.createIndex('digest_deliveries_status').on('digest_deliveries').columns(['issue_id', 'status']).execute();

  // The /digest archive pages are cached; a new issue must show up.
  const bump = pg
    ? [sql`create trigger ${sql.id('digest_issues_bump_data_version')} after insert or update or delete on ${sql.table('digest_issues')} for each statement execute function bump_data_version()`]
    : ['insert', 'update', 'delete'].map((op) => sql`create trigger ${sql.id(`digest_issues_${op}_bump_data_version`)} after ${sql.raw(op)} on ${sql.table('digest_issues')} begin update data_version set version = version + 1 where id = 1; end`);
  for (const q of bump) await q.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['digest_deliveries', 'digest_issues', 'digest_subscribers', 'jobs']) await db.schema.dropTable(t).execute();
}
