// The monitoring endpoints /healthz, /readyz and /metrics, on the site and on the worker's own port.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context, type Env } from 'hono';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { pendingMigrations } from '../db/migrate.js';
import { pingDatabase } from '../db/statistics.repo.js';
import { AppError } from '../errors.js';
import { listWorkerHeartbeats, workerHeartbeat } from '../queue/heartbeats.repo.js';
import { queueFigures } from '../queue/jobs.repo.js';
import { log } from '../ops/log.js';
import { collectProcessMetrics, jobsOldestAge, jobsQueued, registry, workerHeartbeatAge, workersAlive } from '../ops/metrics.js';

/**
 * What a monitor points at, on the web (PORT) and on `verdict worker` (METRICS_PORT):
 *  - /healthz: the process answers. No database. 200 `{"status":"ok"}`.
 *  - /readyz: the database answers `select 1` within READY_DEADLINE_MS, every migration this code knows has run,
 *    the worker this process runs (if any) beat recently, and the process is not stopping. 200 or 503 with each
 *    check by name. No versions, no error text (that goes to the log).
 *  - /metrics: Prometheus text, only when METRICS_TOKEN is set and then only with `Authorization: Bearer` and that
 *    token, from any peer (loopback and private addresses get no pass). 404 without METRICS_TOKEN.
 * Never cached, by the page cache or anyone else.
 */

export const READY_DEADLINE_MS = 2000;

export interface OpsDeps {
  db: Db;
  config: Config;
  /** The worker this process runs, whose heartbeat /readyz checks. */
  workerId(): string | undefined;
  stopping(): boolean;
}

type Check = { ok: boolean } & Record<string, unknown>;

const NO_STORE = { 'cache-control': 'no-store' };

class Timeout extends Error {}
const within = <T,>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Timeout()), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });

/** Each readiness check by name, run under one deadline. */
export async function readiness(deps: OpsDeps): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  const deadline = Date.now() + READY_DEADLINE_MS;
  const left = () => Math.max(1, deadline - Date.now());
  const t0 = performance.now();
  try {
    await within(pingDatabase(deps.db), left());
    checks.database = { ok: true, ms: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    checks.database = { ok: false, error: err instanceof Timeout ? 'timeout' : 'unreachable' };
    if (!(err instanceof Timeout)) log().warn({ err }, 'readiness: database check failed');
  }
  if (checks.database.ok) {
    try {
      const pending = await within(pendingMigrations(deps.db), left());
      checks.migrations = pending.length ? { ok: false, pending: pending.length } : { ok: true };
    } catch (err) {
      checks.migrations = { ok: false, error: err instanceof Timeout ? 'timeout' : 'unreadable' };
    }
    const workerId = deps.workerId();
    if (workerId) {
      try {
        const beat = await within(workerHeartbeat(deps.db, workerId), left());
        checks.worker = beat ? { ok: beat.alive, ageSeconds: beat.ageSeconds } : { ok: false, error: 'no heartbeat yet' };
      } catch (err) {
        checks.worker = { ok: false, error: err instanceof Timeout ? 'timeout' : 'unreadable' };
      }
    }
  }
  checks.accepting = { ok: !deps.stopping() };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Whether the request carries `Authorization: Bearer <token>`; compared in constant time. */
function bearerMatches(c: Context, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return !!m && timingSafeEqual(digest(m[1]!), digest(token));
}

/** Refreshes the figures read from the database (the queue, worker heartbeats); skipped if it does not answer in time. */
async function refreshDbGauges(db: Db): Promise<void> {
  try {
    const [queue, workers] = await within(Promise.all([queueFigures(db), listWorkerHeartbeats(db, { limit: 100 })]), READY_DEADLINE_MS);
    jobsQueued.reset();
    for (const r of queue.counts) jobsQueued.set({ type: r.type, state: r.status }, r.n);
    jobsOldestAge.set(queue.oldestDueAt ? Math.max(0, (Date.now() - new Date(queue.oldestDueAt).getTime()) / 1000) : 0);
    const running = workers.filter((w) => w.stoppedAt === null);
    workersAlive.set(running.filter((w) => w.alive).length);
    workerHeartbeatAge.reset();
    if (running.length) workerHeartbeatAge.set(Math.min(...running.map((w) => w.ageSeconds)));
  } catch (err) {
    log().warn({ err }, 'metrics: could not read the job queue');
  }
}

/**
 * Registers /healthz, /readyz and /metrics on an app, like every page's register function: first in the site's app
 * (before the page cache), or alone on `verdict worker`'s own app. Takes the few deps it reads rather than a Site,
 * because the worker has no site.
 */
export function registerOps<E extends Env>(app: Hono<E>, deps: OpsDeps): void {
  collectProcessMetrics();
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, NO_STORE));
  app.get('/readyz', async (c) => {
    const r = await readiness(deps);
    return c.json({ status: r.ready ? 'ready' : 'not ready', checks: r.checks }, r.ready ? 200 : 503, NO_STORE);
  });
  app.get('/metrics', async (c) => {
    const token = deps.config.metricsToken;
    if (!token) throw new AppError('not_found', 'There is no page at /metrics.', 404);
    if (!bearerMatches(c, token)) {
      return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer with METRICS_TOKEN.' } }, 401, { ...NO_STORE, 'www-authenticate': 'Bearer realm="metrics"' });
    }
    await refreshDbGauges(deps.db);
    return c.body(await registry.metrics(), 200, { ...NO_STORE, 'content-type': registry.contentType });
  });
}

/** `verdict worker` with METRICS_PORT: /healthz, /readyz and /metrics on their own port (the worker has no site). */
export function startOpsServer(deps: OpsDeps, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono({ strict: true });
  registerOps(app, deps);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'Only /healthz, /readyz and /metrics are served here.' } }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) return c.json({ error: { code: err.code, message: err.message } }, err.status as 404);
    log().error({ err }, 'ops request failed');
    return c.json({ error: { code: 'internal', message: 'Something went wrong.' } }, 500);
  });
  const server = createServer(getRequestListener(app.fetch));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
