// Migration: adds cdn_purged, how far the CDN purge of data-version and vote-touch changes has been claimed (decision 028).
import type { Kysely } from 'kysely';

/**
 * How far the CDN has been told (src/web/cdn.ts): the data version and the vote-touch counter (data_version rows 1
 * and 2) up to which some process has claimed the purge. A process that sees a newer value claims it with one
 * conditional update, so each change is purged once however many web processes notice it. Starts at the current
 * values: nothing to purge for what happened before a CDN was configured.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cdn_purged')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('data_version', 'integer', (c) => c.notNull())
    .addColumn('touch_version', 'integer', (c) => c.notNull())
    .execute();
  const rows = await db.selectFrom('data_version').select(['id', 'version']).execute();
  const of = (id: number) => Number(rows.find((r: { id: number }) => Number(r.id) === id)?.version ?? 0);
  await db.insertInto('cdn_purged').values({ id: 1, data_version: of(1), touch_version: of(2) }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cdn_purged').execute();
}
