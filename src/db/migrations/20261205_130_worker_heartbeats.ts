// Migration: adds worker_heartbeats, so /readyz, /metrics and `verdict status` can tell whether a worker is alive.
import type { Kysely } from 'kysely';

/**
 * Worker heartbeats, so that another process can tell whether the worker is alive: the web's /readyz (when it runs
 * the worker itself), /metrics (the freshest heartbeat's age) and `verdict status`. One row per worker id (a new id
 * per start); a clean stop sets stopped_at, and rows not beating for a week are deleted when a worker starts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('worker_heartbeats')
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('beat_at', 'text', (c) => c.notNull())
    .addColumn('running', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stopped_at', 'text')
    .execute();
  await db.schema.createIndex('worker_heartbeats_beat_at').on('worker_heartbeats').column('beat_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_heartbeats').execute();
}
