// Migration: adds the data_version counter and the triggers that bump it on every catalog write, so page caches know when pages are stale.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * One counter that every write to the given tables bumps, by trigger, whoever writes (web, CLI, worker,
 * another process). Page caches compare it to know when to throw rendered pages away.
 */
async function addVersionTriggers(db: Kysely<any>, tables: string[]): Promise<void> {
  for (const t of tables) {
    if (isPostgres(db)) {
      await sql`create trigger ${sql.id(`${t}_bump_data_version`)} after insert or update or delete on ${sql.table(t)} for each statement execute function bump_data_version()`.execute(db);
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.id(`${t}_${op}_bump_data_version`)} after ${sql.raw(op)} on ${sql.table(t)} begin update data_version set version = version + 1 where id = 1; end`.execute(db);
      }
    }
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('data_version').values({ id: 1, version: 1 }).execute();
  if (isPostgres(db)) {
    await sql`create function bump_data_version() returns trigger language plpgsql as $$
      begin update data_version set version = version + 1 where id = 1; return null; end $$`.execute(db);
  }
  await addVersionTriggers(db, ['tools', 'reviews']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_version').execute();
}
