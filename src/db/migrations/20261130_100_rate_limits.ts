// Migration: adds rate_limits, GCRA buckets in the database so every process shares the same limits.
import type { Kysely } from 'kysely';

/**
 * Rate limits shared by every process on one database: one row per (limit name, key), holding GCRA's
 * "theoretical arrival time" in ms since the epoch. The key stays its own column (no separator to escape).
 * A row whose tat has passed is a full bucket, as if absent, so old rows can be deleted at any time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('tat', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pkey', ['name', 'key'])
    .execute();
  await db.schema.createIndex('rate_limits_tat').on('rate_limits').column('tat').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
