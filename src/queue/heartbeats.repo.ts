// SQL for worker heartbeats, so /readyz, /metrics and `verdict status` can tell whether a worker is alive.
import type { DbOrTx } from '../db/db.js';
import type { WorkerHeartbeatRow } from '../db/types.js';

/**
 * Worker heartbeats (the `worker_heartbeats` table): each running worker writes its row every HEARTBEAT_MS from its
 * polling loop, so a beat older than HEARTBEAT_STALE_MS means the worker is dead or stuck. Read by /readyz (the
 * worker of that process), /metrics (the freshest beat) and `verdict status` (`listWorkerHeartbeats`).
 */

export const HEARTBEAT_MS = 10_000;
/** A worker whose last beat is older than this is not alive (several missed beats, not one slow write). */
export const HEARTBEAT_STALE_MS = 60_000;
/** Rows of workers that stopped beating this long ago are deleted when a worker starts. */
const KEEP_MS = 7 * 24 * 3600_000;

export type WorkerHeartbeat = WorkerHeartbeatRow & {
  /** Beat within HEARTBEAT_STALE_MS and not stopped. */
  alive: boolean;
  /** Seconds since the last beat. */
  ageSeconds: number;
};

const withAge = (row: WorkerHeartbeatRow, now: number): WorkerHeartbeat => {
  const age = Math.max(0, now - new Date(row.beatAt).getTime());
  return { ...row, ageSeconds: Math.round(age / 100) / 10, alive: row.stoppedAt === null && age <= HEARTBEAT_STALE_MS };
};

/** Writes this worker's beat (its row is created on the first one). */
export async function recordHeartbeat(
  db: DbOrTx,
  beat: { workerId: string; hostname: string; pid: number; startedAt: string; running: number },
  now = new Date(),
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('workerHeartbeats')
    .values({ ...beat, beatAt: at, stoppedAt: null })
    .onConflict((oc) => oc.column('workerId').doUpdateSet({ beatAt: at, running: beat.running, stoppedAt: null }))
    .execute();
}

/** A clean stop: `verdict status` shows "stopped" rather than a heartbeat going stale. */
export async function markWorkerStopped(db: DbOrTx, workerId: string, now = new Date()): Promise<void> {
  await db.updateTable('workerHeartbeats').set({ stoppedAt: now.toISOString(), running: 0 }).where('workerId', '=', workerId).execute();
}

/** One worker's heartbeat, with its age (undefined before its first beat). */
export async function workerHeartbeat(db: DbOrTx, workerId: string, now = Date.now()): Promise<WorkerHeartbeat | undefined> {
  const row = await db.selectFrom('workerHeartbeats').selectAll().where('workerId', '=', workerId).executeTakeFirst();
  return row && withAge(row, now);
}

/**
 * Workers, freshest beat first (at most `limit`; rows older than a week are pruned at worker start), each with
 * `alive` and `ageSeconds`: what `verdict status` shows.
 */
export async function listWorkerHeartbeats(db: DbOrTx, opts: { limit?: number; now?: number } = {}): Promise<WorkerHeartbeat[]> {
  const rows = await db.selectFrom('workerHeartbeats').selectAll().orderBy('beatAt', 'desc').limit(opts.limit ?? 50).execute();
  return rows.map((r) => withAge(r, opts.now ?? Date.now()));
}

/** Deletes rows of workers that stopped beating more than a week ago. */
export async function pruneHeartbeats(db: DbOrTx, now = Date.now()): Promise<void> {
  await db.deleteFrom('workerHeartbeats').where('beatAt', '<', new Date(now - KEEP_MS).toISOString()).execute();
}
