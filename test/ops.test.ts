import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITICS } from './helpers/fixtures.js';
import { Browser } from './helpers/process.js';
import { configureLogging } from '../src/ops/log.js';
import { enqueue } from '../src/queue/queue.js';
import { startWorker } from '../src/worker/worker.js';
import { HEARTBEAT_STALE_MS, listWorkerHeartbeats, markWorkerStopped, recordHeartbeat, workerHeartbeat } from '../src/queue/heartbeats.repo.js';
import { knownMigrations } from '../src/db/migrate.js';
import { httpSeriesFor, registry } from '../src/ops/metrics.js';

/**
 * Issue 18 in-process: /healthz, /readyz (database, migrations, the worker's heartbeat, stopping), /metrics
 * (off without METRICS_TOKEN, bearer only, route patterns as labels, page-cache hits counted), the request id and
 * the one log line per request, and an error's stack in the log but not on the page.
 */

const TOKEN = 'metrics-token-for-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Captures the process's log lines while `fn` runs (then back to warnings only). */
async function capturingLogs<T>(fn: (lines: Record<string, any>[]) => Promise<T>): Promise<T> {
  const lines: Record<string, any>[] = [];
  configureLogging({ level: 'debug', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  try {
    return await fn(lines);
  } finally {
    configureLogging({ level: 'warn' });
  }
}

/** `name{labels} value` lines of a scrape, as [series, value]. */
const series = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const i = l.lastIndexOf(' ');
      return [l.slice(0, i), Number(l.slice(i + 1))] as const;
    });
const valueOf = (text: string, name: string) => series(text).find(([s]) => s === name)?.[1] ?? 0;

async function scrape(t: TestSite): Promise<string> {
  const res = await t.get('/metrics', { headers: auth });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

test('the HTTP histogram in the text format: cumulative buckets, le inclusive, +Inf, sum and count, summed over statuses', async () => {
  const route = '/histogram-test/:id';
  for (const [status, seconds] of [[200, 0.0005], [200, 0.0004], [304, 0.003], [500, 42]] as const) httpSeriesFor('PUT', route, status).observe(seconds);
  const text = await registry.metrics();
  const line = (name: string, le?: string) => {
    const m = new RegExp(`^${name}\\{method="PUT",route="${route}"${le ? `,le="${le.replace('+', '\\+')}"` : ''}\\} (\\S+)$`, 'm').exec(text);
    assert.ok(m, `${name} ${le ?? ''}`);
    return Number(m[1]);
  };
  const b = 'verdict_http_request_duration_seconds_bucket';
  assert.deepEqual([line(b, '0.0005'), line(b, '0.001'), line(b, '0.0025'), line(b, '0.005'), line(b, '10'), line(b, '+Inf')], [2, 2, 2, 3, 3, 4]);
  assert.equal(line('verdict_http_request_duration_seconds_count'), 4);
  assert.ok(Math.abs(line('verdict_http_request_duration_seconds_sum') - 42.0039) < 1e-9);
  assert.match(text, new RegExp(`^verdict_http_requests_total\\{method="PUT",route="${route}",status="304"\\} 1$`, 'm'));
  assert.match(text, /^# TYPE verdict_http_request_duration_seconds histogram$/m);
});

for (const { dialect, skip } of DIALECTS) {
  describe(`health and readiness (${dialect})`, { skip }, () => {
    test('/healthz answers from the process alone; /readyz names each check; neither gives a version away', async () => {
      const t = await startTestSite(dialect);
      let closed = false;
      try {
        const h = await t.get('/healthz');
        assert.equal(h.status, 200);
        assert.equal(h.headers.get('cache-control'), 'no-store');
        assert.match(h.headers.get('x-request-id') ?? '', /^[0-9a-f]{12}-\d+$/, 'a new id: this process\'s prefix and a counter');
        assert.deepEqual(await h.json(), { status: 'ok' });

        const r = await t.get('/readyz');
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('cache-control'), 'no-store');
        const body = (await r.json()) as { status: string; checks: Record<string, { ok: boolean }> };
        assert.equal(body.status, 'ready');
        assert.deepEqual(Object.keys(body.checks).sort(), ['accepting', 'database', 'migrations']);
        for (const [name, c] of Object.entries(body.checks)) assert.equal(c.ok, true, name);
        const text = JSON.stringify(body) + JSON.stringify(await (await t.get('/healthz')).json());
        for (const leak of [process.version, '0.1.0', 'sqlite', 'postgres', knownMigrations().at(-1)!, 'kysely']) assert.ok(!text.toLowerCase().includes(leak.toLowerCase()), `leaks ${leak}`);
        // Not a cached page: a second reader gets a fresh answer, never X-Cache.
        assert.equal((await t.get('/readyz')).headers.get('x-cache'), null);

        // A migration this code knows that the database has not run: not ready, and how many (not which).
        const last = knownMigrations().at(-1)!;
        const row = await t.store.db.selectFrom('kysely_migration' as any).selectAll().where('name', '=', last).executeTakeFirstOrThrow();
        await t.store.db.deleteFrom('kysely_migration' as any).where('name', '=', last).execute();
        const pending = await t.get('/readyz');
        assert.equal(pending.status, 503);
        assert.deepEqual(((await pending.json()) as any).checks.migrations, { ok: false, pending: 1 });
        await t.store.db.insertInto('kysely_migration' as any).values(row).execute();
        assert.equal((await t.get('/readyz')).status, 200);

        // Stopping: not ready, so a load balancer sends new requests elsewhere; still alive.
        t.site.ops.stopping = true;
        const stopping = await t.get('/readyz');
        assert.equal(stopping.status, 503);
        assert.deepEqual(((await stopping.json()) as any).checks.accepting, { ok: false });
        assert.equal((await t.get('/healthz')).status, 200);
        t.site.ops.stopping = false;

        // The database gone: /healthz still 200 (no database), /readyz 503 without the driver's words (they go to the log).
        configureLogging({ level: 'error' });
        await t.store.db.destroy();
        closed = true;
        assert.equal((await t.get('/healthz')).status, 200);
        const down = await t.get('/readyz');
        assert.equal(down.status, 503);
        assert.deepEqual(((await down.json()) as any).checks.database, { ok: false, error: 'unreachable' });
      } finally {
        configureLogging({ level: 'warn' });
        if (closed) await t.close().catch(() => {});
        else await t.close();
      }
    });

    test("a process that runs the worker is ready only while the worker's heartbeat is recent", async () => {
      const t = await startTestSite(dialect);
      try {
        const db = t.store.db;
        t.site.ops.workerId = 'w-test';
        const none = await t.get('/readyz');
        assert.equal(none.status, 503);
        assert.deepEqual(((await none.json()) as any).checks.worker, { ok: false, error: 'no heartbeat yet' });
        const beat = { workerId: 'w-test', hostname: 'h', pid: 1, startedAt: new Date().toISOString(), running: 0 };
        await recordHeartbeat(db, beat);
        const fresh = await t.get('/readyz');
        assert.equal(fresh.status, 200);
        assert.equal(((await fresh.json()) as any).checks.worker.ok, true);
        await recordHeartbeat(db, beat, new Date(Date.now() - HEARTBEAT_STALE_MS - 5000));
        const stale = await t.get('/readyz');
        assert.equal(stale.status, 503);
        assert.ok(((await stale.json()) as any).checks.worker.ageSeconds > HEARTBEAT_STALE_MS / 1000);

        // The real worker beats from its loop, and marks itself stopped on a clean stop.
        const worker = startWorker({ db, config: t.site.config, critics: CRITICS, log: () => {} }, { heartbeatMs: 20, pollMs: 20, schedule: false });
        t.site.ops.workerId = worker.id;
        let first: Date | undefined;
        for (let i = 0; i < 200 && !first; i++) {
          first = (await workerHeartbeat(db, worker.id)) && new Date((await workerHeartbeat(db, worker.id))!.beatAt);
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.ok(first, 'the worker recorded a heartbeat');
        await new Promise((r) => setTimeout(r, 150));
        const later = (await workerHeartbeat(db, worker.id))!;
        assert.ok(new Date(later.beatAt) > first!, 'and keeps beating');
        assert.equal(later.alive, true);
        assert.equal(later.pid, process.pid);
        assert.equal((await t.get('/readyz')).status, 200);
        const listed = await listWorkerHeartbeats(db);
        assert.equal(listed[0]!.workerId, worker.id, 'freshest first');
        await worker.stop();
        const stopped = (await workerHeartbeat(db, worker.id))!;
        assert.ok(stopped.stoppedAt);
        assert.equal(stopped.alive, false);
        assert.equal((await t.get('/readyz')).status, 503);
        await markWorkerStopped(db, 'w-test');
      } finally {
        await t.close();
      }
    });
  });

  describe(`metrics (${dialect})`, { skip }, () => {
    test('/metrics is off without METRICS_TOKEN', async () => {
      const t = await startTestSite(dialect, { seed: false });
      try {
        const r = await t.get('/metrics', { headers: auth });
        assert.equal(r.status, 404);
      } finally {
        await t.close();
      }
    });

    test('/metrics: bearer token only (loopback gets no pass); route patterns, never paths; cache hits, votes and the queue counted', async () => {
      const t = await startTestSite(dialect, { env: { METRICS_TOKEN: TOKEN, TRUST_PROXY: 'loopback' } });
      try {
        assert.equal((await t.get('/metrics')).status, 401);
        const wrong = await t.get('/metrics', { headers: { authorization: 'Bearer not-the-token-0123456789' } });
        assert.equal(wrong.status, 401);
        assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.equal((await t.get('/metrics', { headers: { authorization: TOKEN } })).status, 401, 'the scheme is required');

        const before = await scrape(t);
        const page = 'verdict_http_requests_total{method="GET",route="/tools/:slug",status="200"}';
        const miss = await t.get('/tools/smolvlm2');
        assert.equal(miss.headers.get('x-cache'), 'miss');
        const hit = await t.get('/tools/smolvlm2');
        assert.equal(hit.headers.get('x-cache'), 'hit');
        const notModified = await t.get('/tools/smolvlm2', { headers: { 'if-none-match': hit.headers.get('etag')! } });
        assert.equal(notModified.status, 304);
        assert.equal((await t.get('/tools/no-such-tool-xyz')).status, 404);
        assert.equal((await t.get('/no/such/page-abc?q=1')).status, 404);
        const b = new Browser(t.url, { 'x-forwarded-for': '198.51.100.7' });
        assert.equal((await b.post('/tools/smolvlm2/vote', { vote: 'ship' }, { json: true })).status, 200);
        await enqueue(t.store.db, { type: 'digest.send', payload: { week: '2026-W01' }, runAt: new Date(Date.now() - 3600_000).toISOString() });

        const after = await scrape(t);
        const delta = (name: string) => valueOf(after, name) - valueOf(before, name);
        assert.equal(delta(page), 2, 'the miss and the raw fast-path hit');
        assert.equal(delta('verdict_http_requests_total{method="GET",route="/tools/:slug",status="304"}'), 1);
        assert.equal(delta('verdict_http_requests_total{method="GET",route="/tools/:slug",status="404"}'), 1);
        assert.equal(delta('verdict_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
        assert.equal(delta('verdict_http_requests_total{method="POST",route="/tools/:slug/vote",status="200"}'), 1);
        assert.ok(delta('verdict_http_request_duration_seconds_count{method="GET",route="/tools/:slug"}') >= 4);
        assert.ok(!/smolvlm2|no-such|page-abc/.test(after), 'no slug or raw path in any label');
        assert.ok(delta('verdict_page_cache_hits_total') >= 2, 'hits on both paths');
        assert.ok(delta('verdict_page_cache_misses_total') >= 1);
        assert.ok(valueOf(after, 'verdict_page_cache_bytes') > 0);
        assert.ok(valueOf(after, 'verdict_page_cache_entries') >= 1);
        assert.equal(delta('verdict_votes_total{vote="ship"}'), 1);
        assert.equal(valueOf(after, 'verdict_jobs{type="digest.send",state="pending"}'), 1);
        assert.ok(valueOf(after, 'verdict_jobs_oldest_queued_age_seconds') >= 3599);
        for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'verdict_db_busy_retries_total', 'verdict_page_cache_evictions_total{reason="size"}']) {
          assert.ok(series(after).some(([s]) => s === name), `${name} is served`);
        }
      } finally {
        await t.close();
      }
    });
  });

  describe(`request log (${dialect})`, { skip }, () => {
    test('one line per request with its id, route pattern, status, duration and cache; the id kept only from a trusted proxy', async () => {
      await capturingLogs(async (lines) => {
        const direct = await startTestSite(dialect);
        const proxied = await startTestSite(dialect, { env: { TRUST_PROXY: 'loopback' } });
        try {
          const requests = (id: string) => lines.filter((l) => l.msg === 'request' && l.reqId === id);
          for (const [t, kept] of [
            [direct, false],
            [proxied, true],
          ] as const) {
            for (const expected of ['miss', 'hit']) {
              const res = await t.get('/tools/smolvlm2', { headers: { 'x-request-id': 'edge-1234abcd' } });
              const id = res.headers.get('x-request-id')!;
              assert.equal(id === 'edge-1234abcd', kept, `peer trusted: ${kept}`);
              await res.arrayBuffer();
              await new Promise((r) => setTimeout(r, 20));
              const mine = requests(id).filter((l) => l.cache === expected);
              assert.equal(mine.length, 1, `one ${expected} line`);
              assert.equal(mine[0]!.method, 'GET');
              assert.equal(mine[0]!.route, '/tools/:slug');
              assert.equal(mine[0]!.status, 200);
              assert.equal(typeof mine[0]!.ms, 'number');
              lines.length = 0;
            }
          }
          const odd = await proxied.get('/', { headers: { 'x-request-id': 'not an id; <script>' } });
          assert.match(odd.headers.get('x-request-id')!, /^[0-9a-f]{12}-\d+$/, 'a malformed id is replaced');

          // A magic-link URL: its route is logged, never its token.
          const res = await direct.get('/signin/verify?token=secret-token-value-42');
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 20));
          const line = requests(res.headers.get('x-request-id')!)[0]!;
          assert.equal(line.route, '/signin/verify');
          assert.ok(!JSON.stringify(lines).includes('secret-token-value-42'));
        } finally {
          await direct.close();
          await proxied.close();
        }
      });
    });

    test('an unexpected error logs its stack with the request id; the reader gets the usual page and the id, no stack', async () => {
      await capturingLogs(async (lines) => {
        const t = await startTestSite(dialect);
        try {
          await sql`select 1`.execute(t.store.db);
          await t.store.db.destroy(); // every query now throws: an internal error, not an AppError
          const res = await t.get('/critics');
          assert.equal(res.status, 500);
          const id = res.headers.get('x-request-id')!;
          const html = await res.text();
          assert.match(html, /Something went wrong/);
          assert.ok(!/\bat .*\.(ts|js):\d+/.test(html) && !html.includes('Error:'), 'no stack on the page');
          await new Promise((r) => setTimeout(r, 20));
          const err = lines.find((l) => l.level === 'error' && l.reqId === id);
          assert.ok(err, 'an error line with the request id');
          assert.equal(err.route, '/critics');
          assert.match(err.err.stack, /\n\s+at /);
          assert.ok(lines.some((l) => l.msg === 'request' && l.reqId === id && l.status === 500));
        } finally {
          await t.close().catch(() => {});
        }
      });
    });
  });
}
