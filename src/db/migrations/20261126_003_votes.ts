import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { addVersionTriggers } from './20261126_002_data_version.js';

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
  await addVersionTriggers(db, ['votes']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('votes').execute();
}
