// Migration: adds community votes (one per visitor per tool), with their data-version triggers.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('votes')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    /** The visitor's id (anonymous cookie) or, once signed in, the account's. */
    .addColumn('voter_id', 'text', (c) => c.notNull())
    .addColumn('vote', 'text', (c) => c.notNull().check(sql`vote in ('ship', 'skip')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('votes_one_per_voter', ['tool_id', 'voter_id'])
    .execute();
  await db.schema.createIndex('votes_voter').on('votes').column('voter_id').execute();
  // Writes bump data_version, as in 002_data_version.
  const bump = pg
    ? [sql`create trigger ${sql.id('votes_bump_data_version')} after insert or update or delete on ${sql.table('votes')} for each statement execute function bump_data_version()`]
    : ['insert', 'update', 'delete'].map((op) => sql`create trigger ${sql.id(`votes_${op}_bump_data_version`)} after ${sql.raw(op)} on ${sql.table('votes')} begin update data_version set version = version + 1 where id = 1; end`);
  for (const q of bump) await q.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('votes').execute();
}
