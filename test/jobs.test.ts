import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { CRITICS, seedDemo, takeJson, toolDoc } from './helpers/fixtures.js';
import { startFakeLlm, type FakeLlm } from './helpers/fake-llm.js';
import { loadConfig, LLM_NOT_CONFIGURED } from '../src/config.js';
import { openStore, type Store } from '../src/db/db.js';
import { claimJob, completeJob, failExhaustedLeases, insertJob, listJobs } from '../src/queue/jobs.repo.js';
import { enqueue } from '../src/queue/queue.js';
import { backoffMs, drainJobs, runJob, startWorker, type WorkerDeps } from '../src/worker/worker.js';
import { defaultHandlers, JobDeferred, type JobHandlers } from '../src/worker/handlers.js';
import { runSchedule, scheduleFor } from '../src/queue/schedule.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { getTool } from '../src/catalog/catalog.service.js';
import type { Mailer } from '../src/mail/mailer.js';
import { verdict as cli } from './helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nullMailer: Mailer = { send: async () => ({}) };
const quiet = () => {};

function deps(store: Store, handlers?: JobHandlers, env: Record<string, string> = {}): WorkerDeps {
  return { db: store.db, config: loadConfig({ PUBLIC_URL: 'http://verdict.test', ...env }), critics: CRITICS, mailer: nullMailer, handlers, log: quiet };
}

const job = (store: Store, id: number) => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

for (const { dialect, skip } of DIALECTS) {
  describe(`durable job queue (${dialect})`, { skip }, () => {
    let store: TestStore;
    before(async () => {
      store = await freshStore(dialect);
    });
    after(async () => store.close());
    beforeEach(async () => {
      await store.db.deleteFrom('jobs').execute();
    });

    test('an idempotency key makes a repeat enqueue a no-op that returns the first job', async () => {
      const a = await insertJob(store.db, { type: 'x', payload: { n: 1 }, idempotencyKey: 'digest.send:2026-W48' });
      const b = await insertJob(store.db, { type: 'x', payload: { n: 2 }, idempotencyKey: 'digest.send:2026-W48' });
      const c = await insertJob(store.db, { type: 'x', payload: { n: 3 } });
      const d = await insertJob(store.db, { type: 'x', payload: { n: 4 } });
      assert.deepEqual([a.created, b.created, c.created, d.created], [true, false, true, true]);
      assert.equal(b.id, a.id);
      assert.notEqual(c.id, d.id, 'jobs without a key are never deduplicated');
      const rows = await listJobs(store.db);
      assert.equal(rows.length, 3);
      assert.deepEqual(JSON.parse((await job(store, a.id)).payload), { n: 1 }, 'the first payload stays');
      // Even after it ran: a key is used once.
      const claimed = (await claimJob(store.db, { workerId: 'w', leaseMs: 1000 }))!;
      await completeJob(store.db, claimed);
      assert.equal((await insertJob(store.db, { type: 'x', payload: {}, idempotencyKey: 'digest.send:2026-W48' })).created, false);
    });

    test('a job runs once it is due, not before', async () => {
      const later = await insertJob(store.db, { type: 'x', payload: {}, runAt: new Date(Date.now() + 60_000).toISOString() });
      assert.equal(await claimJob(store.db, { workerId: 'w', leaseMs: 1000 }), undefined);
      const got = await claimJob(store.db, { workerId: 'w', leaseMs: 1000, now: new Date(Date.now() + 61_000) });
      assert.equal(got?.id, later.id);
    });

    test('failures retry with exponential backoff, keep the reason, and fail for good after max attempts', async () => {
      let calls = 0;
      const handlers: JobHandlers = {
        flaky: {
          payload: z.object({}),
          run: async () => {
            throw new Error(`boom ${++calls}`);
          },
        },
      };
      const { id } = await insertJob(store.db, { type: 'flaky', payload: {}, maxAttempts: 3 });
      const base = 200;
      const runAts: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const claimed = await claimJob(store.db, { workerId: 'w', leaseMs: 5000, now: new Date(Date.now() + 10 * base * 2 ** attempt) });
        assert.ok(claimed, `attempt ${attempt} is claimable once due`);
        assert.equal(claimed.attempts, attempt);
        const outcome = await runJob(deps(store, handlers), claimed, { backoffMs: base });
        const row = await job(store, id);
        assert.equal(row.lastError, `boom ${attempt}`);
        if (attempt < 3) {
          assert.equal(outcome, 'retry');
          assert.equal(row.status, 'pending');
          // run_at and updated_at are written from one clock reading: their gap is exactly the chosen delay.
          const delay = new Date(row.runAt).getTime() - new Date(row.updatedAt).getTime();
          const expected = base * 2 ** (attempt - 1);
          assert.ok(delay >= expected && delay <= expected * 1.2 + 1, `attempt ${attempt}: retry in ${delay} ms, expected ${expected} plus up to 20% jitter`);
          runAts.push(delay);
          // Not due yet: a worker polling now finds nothing.
          assert.equal(await claimJob(store.db, { workerId: 'w', leaseMs: 5000 }), undefined);
        } else {
          assert.equal(outcome, 'failed');
          assert.equal(row.status, 'failed');
          assert.ok(row.finishedAt);
        }
      }
      assert.ok(runAts[1]! > runAts[0]!, 'the second wait is longer');
      assert.equal(calls, 3);
      assert.ok(backoffMs(5, 1000) >= 16_000 && backoffMs(30, 1000) <= 6 * 3600_000 * 1.2, 'doubling, capped');
    });

    test('a worker retries a failing job by itself until it succeeds', async () => {
      let calls = 0;
      const handlers: JobHandlers = {
        twice: {
          payload: z.object({ v: z.number() }),
          run: async () => {
            if (++calls < 3) throw new Error('not yet');
          },
        },
      };
      const { id } = await insertJob(store.db, { type: 'twice', payload: { v: 1 } });
      const w = startWorker(deps(store, handlers), { pollMs: 20, backoffMs: 30, schedule: false });
      for (let i = 0; i < 100 && (await job(store, id)).status !== 'done'; i++) await sleep(30);
      await w.stop();
      const row = await job(store, id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 3);
      assert.equal(calls, 3);
      assert.equal(row.lastError, null);
    });

    test("a crashed worker's job is picked up again when its lease expires; the old worker can no longer complete it", async () => {
      const { id } = await insertJob(store.db, { type: 'x', payload: {} });
      const a = (await claimJob(store.db, { workerId: 'A', leaseMs: 500 }))!;
      assert.equal(a.id, id);
      assert.equal(a.status, 'running');
      assert.equal(await claimJob(store.db, { workerId: 'B', leaseMs: 500 }), undefined, 'leased: nobody else takes it');
      await sleep(600);
      const b = (await claimJob(store.db, { workerId: 'B', leaseMs: 5000 }))!;
      assert.equal(b.id, id);
      assert.equal(b.attempts, 2);
      assert.equal(b.lockedBy, 'B');
      assert.equal(await completeJob(store.db, a), false, 'A lost its lease');
      assert.equal(await completeJob(store.db, b), true);
      assert.equal((await job(store, id)).status, 'done');
    });

    test('a lease that expires on the last attempt fails the job with a reason instead of leaving it "running"', async () => {
      const { id } = await insertJob(store.db, { type: 'x', payload: {}, maxAttempts: 1 });
      await claimJob(store.db, { workerId: 'A', leaseMs: 50 });
      await sleep(80);
      assert.equal(await claimJob(store.db, { workerId: 'B', leaseMs: 50 }), undefined, 'no attempts left');
      assert.equal(await failExhaustedLeases(store.db), 1);
      const row = await job(store, id);
      assert.equal(row.status, 'failed');
      assert.match(row.lastError!, /lease expired/);
    });

    test('the lease is renewed while a long job runs, so a live worker keeps it', async () => {
      const handlers: JobHandlers = { slow: { payload: z.object({}), run: async () => void (await sleep(1500)) } };
      const { id } = await insertJob(store.db, { type: 'slow', payload: {} });
      const claimed = (await claimJob(store.db, { workerId: 'A', leaseMs: 600 }))!;
      const running = runJob(deps(store, handlers), claimed, { leaseMs: 600 });
      await sleep(1000); // well past the first lease: only renewals (every 200 ms) keep it
      assert.equal(await claimJob(store.db, { workerId: 'B', leaseMs: 600 }), undefined, 'still leased to A');
      assert.equal(await running, 'done');
      assert.equal((await job(store, id)).attempts, 1);
    });

    test('a payload that does not parse fails at once; a deferral waits without using an attempt', async () => {
      const handlers: JobHandlers = {
        typed: { payload: z.object({ toolId: z.number() }), run: async () => {} },
        later: { payload: z.object({}), run: async () => { throw new JobDeferred('waiting for something', 60_000); } },
      };
      const bad = await insertJob(store.db, { type: 'typed', payload: { toolId: 'nope' } });
      const wait = await insertJob(store.db, { type: 'later', payload: {} });
      await drainJobs(deps(store, handlers));
      const badRow = await job(store, bad.id);
      assert.equal(badRow.status, 'failed');
      assert.match(badRow.lastError!, /invalid payload/);
      const waitRow = await job(store, wait.id);
      assert.equal(waitRow.status, 'pending');
      assert.equal(waitRow.attempts, 0);
      assert.equal(waitRow.lastError, 'waiting for something');
      assert.ok(new Date(waitRow.runAt).getTime() > Date.now() + 50_000);
    });

    test("enqueue takes only known job types with their payloads: the compiler checks the shape, enqueue the values", async () => {
      // @ts-expect-error toolId is a number: a wrong payload does not compile
      const wrongShape = () => enqueue(store.db, { type: 'panel.review', payload: { toolId: 'one' } });
      // @ts-expect-error no such job type
      const unknownType = () => enqueue(store.db, { type: 'panel.reveiw', payload: { toolId: 1 } });
      await assert.rejects(wrongShape(), /invalid payload for panel\.review/);
      await assert.rejects(unknownType(), /unknown job type: panel\.reveiw/);
      await assert.rejects(enqueue(store.db, { type: 'panel.review', payload: { toolId: 0 } }), /invalid payload for panel\.review[^]*toolId/);
      await assert.rejects(enqueue(store.db, { type: 'digest.send', payload: { week: '2026-W99' } }), /no such week/);
      assert.equal((await listJobs(store.db)).length, 0, 'nothing invalid was stored');
    });

    test('a stored payload that does not match its job type fails the job for good, naming the field', async () => {
      // Written around enqueue (by hand, or by an older version): the worker checks it against the same schema.
      const { id } = await insertJob(store.db, { type: 'panel.review', payload: { toolId: 'nope' } });
      const r = await drainJobs(deps(store));
      assert.deepEqual(r.outcomes, ['failed']);
      const row = await job(store, id);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1, 'not retried');
      assert.match(row.lastError!, /^invalid payload for panel\.review: .*expected number.*toolId/);
    });

    test('stopping a worker waits for the running job, which sees the stop signal; an interrupted job is retried without using an attempt', async () => {
      let sawAbort = false;
      const handlers: JobHandlers = {
        long: {
          payload: z.object({}),
          run: async (_p, ctx) => {
            for (let i = 0; i < 100 && !ctx.signal.aborted; i++) await sleep(10);
            sawAbort = ctx.signal.aborted;
            if (ctx.signal.aborted) throw new Error('stopped');
          },
        },
      };
      const { id } = await insertJob(store.db, { type: 'long', payload: {} });
      const w = startWorker(deps(store, handlers), { pollMs: 10, schedule: false });
      for (let i = 0; i < 100 && (await job(store, id)).status !== 'running'; i++) await sleep(10);
      await w.stop();
      assert.equal(sawAbort, true);
      const row = await job(store, id);
      assert.equal(row.status, 'pending', 'back in the queue for the next worker');
      assert.equal(row.attempts, 0);
      assert.match(row.lastError!, /interrupted by shutdown/);
    });

    test('concurrent workers never run the same job twice, and run every job', async () => {
      const N = 40;
      const runs = new Map<number, number>();
      const handlers: JobHandlers = {
        count: {
          payload: z.object({ n: z.number() }),
          run: async (p) => {
            const n = (p as { n: number }).n;
            runs.set(n, (runs.get(n) ?? 0) + 1);
            await sleep(5);
          },
        },
      };
      for (let n = 0; n < N; n++) await insertJob(store.db, { type: 'count', payload: { n } });
      // Separate connections, as separate processes would have (on SQLite: separate handles on one file).
      const others = await Promise.all([0, 1, 2].map(() => openStore(dialect === 'postgres' ? { kind: 'postgres', url: store.location } : { kind: 'sqlite', file: store.location })));
      const workers = [store, ...others].map((s, i) => startWorker(deps(s, handlers), { workerId: `w${i}`, pollMs: 5, concurrency: 2, schedule: false }));
      for (let i = 0; i < 400; i++) {
        const left = await store.db.selectFrom('jobs').select('id').where('status', '!=', 'done').execute();
        if (left.length === 0) break;
        await sleep(20);
      }
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(others.map((s) => s.close()));
      assert.equal(runs.size, N, 'every job ran');
      for (const [n, count] of runs) assert.equal(count, 1, `job ${n} ran ${count} times`);
      const byWorker = await store.db.selectFrom('jobs').select(['status', 'attempts']).execute();
      assert.ok(byWorker.every((r) => r.status === 'done' && r.attempts === 1));
    });

    if (dialect === 'postgres') {
      test('PostgreSQL: simultaneous claims (FOR UPDATE SKIP LOCKED) hand out each job to exactly one claimer', async () => {
        for (let n = 0; n < 30; n++) await insertJob(store.db, { type: 'x', payload: { n } });
        const other = await openStore({ kind: 'postgres', url: store.location });
        try {
          const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => claimJob(i % 2 ? other.db : store.db, { workerId: `c${i}`, leaseMs: 60_000 })));
          const ids = claims.filter((c) => c !== undefined).map((c) => c!.id);
          assert.equal(ids.length, 30, 'every job claimed');
          assert.equal(new Set(ids).size, 30, 'no job claimed twice');
        } finally {
          await other.close();
        }
      });
    }
  });

  describe(`scheduled and panel jobs (${dialect})`, { skip }, () => {
    let store: TestStore;
    let fake: FakeLlm | undefined;
    before(async () => {
      store = await freshStore(dialect);
      await seedDemo(store.db, ['smolvlm2']);
      // Catalog "best for"s: these tests count the critics' calls, and the panel writes no "best for" for such tools.
      await importTools(store.db, parseImport({ tools: [toolDoc('fresh-tool', { bestFor: 'Exercising the job queue' }), toolDoc('other-new', { bestFor: 'Failing every critic' })] }, { threshold: 60, critics: CRITICS.map((c) => c.id) }));
    });
    after(async () => {
      await fake?.close();
      await store.close();
    });

    test('the schedule only enqueues, with idempotency keys: ticking twice (or from two workers) adds nothing', async () => {
      const now = new Date('2026-11-26T10:00:00Z');
      const plan = scheduleFor(now);
      assert.deepEqual(
        plan.map((p) => p.key),
        ['schedule:daily-review:2026-11-26', 'digest.send:2026-W47', 'research.recheck:2026-11-26', 'discovery.run:2026-11-26'],
      );
      assert.equal(plan[1]!.runAt, '2026-11-23T08:00:00.000Z', 'last week’s issue goes out Monday 08:00 UTC');
      const first = await runSchedule(store.db, now);
      const second = await runSchedule(store.db, now);
      assert.deepEqual(first.map((s) => s.created), [true, true, true, true]);
      assert.deepEqual(second.map((s) => s.created), [false, false, false, false]);
      assert.equal((await runSchedule(store.db, new Date('2026-11-27T00:05:00Z')))[0]!.created, true, 'a new day, a new daily review');
    });

    test('the daily review enqueues panel.review for each unreviewed tool, once', async () => {
      await store.db.deleteFrom('jobs').execute();
      await enqueue(store.db, { type: 'schedule.daily-review', payload: { date: '2026-11-26' }, idempotencyKey: 'schedule:daily-review:2026-11-26' });
      await drainJobs(deps(store), { max: 1 });
      const reviews = await listJobs(store.db, { type: 'panel.review' });
      assert.deepEqual(
        reviews.map((r) => JSON.parse(r.payload).toolId).sort(),
        [(await findToolBySlug(store.db, 'fresh-tool'))!.id, (await findToolBySlug(store.db, 'other-new'))!.id].sort(),
      );
      assert.ok(reviews.every((r) => /^panel\.review:tool:\d+:daily:2026-11-26$/.test(r.idempotencyKey!)));
      // The next day, with those still waiting, no second job per tool.
      await enqueue(store.db, { type: 'schedule.daily-review', payload: { date: '2026-11-27' }, idempotencyKey: 'schedule:daily-review:2026-11-27' });
      await drainJobs(deps(store), { max: 1 });
      assert.equal((await listJobs(store.db, { type: 'panel.review' })).length, 2);
    });

    test('panel.review without an LLM: the job waits with the LLM_NOT_CONFIGURED reason, attempts untouched, not lost', async () => {
      await store.db.deleteFrom('jobs').execute();
      const tool = (await findToolBySlug(store.db, 'fresh-tool'))!;
      const { id } = await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id }, idempotencyKey: `panel.review:tool:${tool.id}:1` });
      const r = await drainJobs(deps(store));
      assert.deepEqual(r.outcomes, ['retry']);
      const row = await job(store, id);
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0);
      assert.equal(row.lastError, LLM_NOT_CONFIGURED);
      assert.ok(new Date(row.runAt).getTime() > Date.now() + 10 * 60_000);

      const out = await cli(['jobs', 'list', '--json'], { DATABASE_URL: store.location });
      assert.equal(out.code, 0, out.stderr);
      const listed = JSON.parse(out.stdout) as { counts: Record<string, number>; jobs: { id: number; status: string; lastError: string }[] };
      assert.equal(listed.counts.pending, 1);
      assert.equal(listed.jobs[0]!.lastError, LLM_NOT_CONFIGURED);
      const text = await cli(['jobs', 'list', '--status', 'pending'], { DATABASE_URL: store.location });
      assert.match(text.stdout, /panel\.review {2}PENDING {2}attempt 0\/5/);
      assert.match(text.stdout, /last error: No LLM configured/);
      const bad = await cli(['jobs', 'list', '--status', 'weird'], { DATABASE_URL: store.location });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--status must be one of pending, running, done, failed/);
    });

    test('panel.review with an LLM runs every critic and writes the reviews; a repeat adds revisions, no harm', async () => {
      await store.db.deleteFrom('jobs').execute();
      fake = await startFakeLlm(() => ({ content: takeJson(77) }));
      const env = { LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', LLM_API_KEY: 'x' };
      const tool = (await findToolBySlug(store.db, 'fresh-tool'))!;
      const { id } = await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id }, idempotencyKey: `panel.review:tool:${tool.id}:42` });
      const r = await drainJobs({ ...deps(store, defaultHandlers(), env) });
      assert.deepEqual(r.outcomes, ['done']);
      assert.equal((await job(store, id)).status, 'done');
      const t = await getTool(store.db, 'fresh-tool');
      assert.equal(t.reviews.length, CRITICS.length);
      assert.equal(t.summary.label, 'Ship');
      assert.equal(fake.requests.length, CRITICS.length);
      // The daily review's variant skips a tool that got reviewed meanwhile.
      await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id, onlyIfUnreviewed: true } });
      await drainJobs({ ...deps(store, defaultHandlers(), env) });
      assert.equal(fake.requests.length, CRITICS.length, 'no second panel');
    });

    test('panel.review where every critic fails: retried with backoff, nothing written', async () => {
      await store.db.deleteFrom('jobs').execute();
      await fake?.close();
      fake = await startFakeLlm(() => ({ status: 400 }));
      const env = { LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', LLM_MAX_ATTEMPTS: '1' };
      const tool = (await findToolBySlug(store.db, 'other-new'))!;
      const { id } = await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id } });
      const r = await drainJobs(deps(store, defaultHandlers(), env), { backoffMs: 60_000 });
      assert.deepEqual(r.outcomes, ['retry']);
      const row = await job(store, id);
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 1);
      assert.match(row.lastError!, /every critic failed on other-new/);
      assert.equal((await getTool(store.db, 'other-new')).reviews.length, 0);
    });

    test('`verdict worker` runs due jobs and stops gracefully on SIGTERM', async () => {
      await store.db.deleteFrom('jobs').execute();
      const { id } = await enqueue(store.db, { type: 'schedule.daily-review', payload: { date: '2000-01-01' } });
      const child = spawn(process.execPath, ['bin/verdict.js', 'worker', '--no-schedule'], {
        env: { ...process.env, DATABASE_URL: store.location, WORKER: 'true', PUBLIC_URL: 'http://verdict.test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      for (let i = 0; i < 200 && (await job(store, id)).status !== 'done'; i++) await sleep(50);
      assert.equal((await job(store, id)).status, 'done', out);
      const code = await new Promise<number | null>((resolve) => {
        child.on('close', resolve);
        child.kill('SIGTERM');
      });
      assert.equal(code, 0, out);
      assert.match(out, /worker stopped/);
    });
  });
}

for (const { dialect, skip } of DIALECTS) {
  describe(`the daily review after a large import without reviews (${dialect})`, { skip }, () => {
    let store: TestStore;
    before(async () => {
      store = await freshStore(dialect);
    });
    after(async () => store.close());

    test('queues DAILY_REVIEW_BATCH unreviewed tools a run, oldest first; later days work through the backlog', async () => {
      const { DAILY_REVIEW_BATCH } = await import('../src/worker/handlers.js');
      const { addReview } = await import('../src/catalog/reviews.repo.js');
      const n = DAILY_REVIEW_BATCH + 3;
      await importTools(store.db, parseImport({ tools: Array.from({ length: n }, (_, i) => toolDoc(`backlog-${i}`)) }, { threshold: 60, critics: CRITICS.map((c) => c.id) }));
      const byId = await store.db.selectFrom('tools').select(['id', 'createdAt']).orderBy('id').execute();
      // The last three imported are the oldest tools: they go first.
      const oldest = byId.slice(-3).map((t) => t.id);
      await store.db.updateTable('tools').set({ createdAt: '2020-01-01T00:00:00.000Z' }).where('id', 'in', oldest).execute();
      const expected = [...oldest, ...byId.slice(0, DAILY_REVIEW_BATCH - 3).map((t) => t.id)].sort((a, b) => a - b);
      const queuedTools = async () => (await listJobs(store.db, { type: 'panel.review', limit: 1000 })).map((r) => JSON.parse(r.payload).toolId as number).sort((a, b) => a - b);
      const day = async (date: string) => {
        await enqueue(store.db, { type: 'schedule.daily-review', payload: { date }, idempotencyKey: `schedule:daily-review:${date}` });
        await drainJobs(deps(store), { max: 1 });
      };

      await day('2026-12-01');
      assert.deepEqual(await queuedTools(), expected);
      // Still waiting the next day: nothing more is queued.
      await day('2026-12-02');
      assert.equal((await queuedTools()).length, DAILY_REVIEW_BATCH);
      // Once they are reviewed, the next day queues the rest.
      for (const toolId of expected) {
        await addReview(store.db, { toolId, critic: 'builder', kind: 'take', score: 70, verdict: 'ship', take: 'Reviewed.', reason: null, origin: 'panel', importSource: null, author: null, runId: null, model: 'm', promptVersion: 'p', inputTokens: 1, outputTokens: 1, latencyMs: 1, createdAt: '2026-12-02T12:00:00.000Z' });
      }
      await store.db.deleteFrom('jobs').where('type', '=', 'panel.review').execute();
      await day('2026-12-03');
      assert.deepEqual(await queuedTools(), byId.map((t) => t.id).filter((id) => !expected.includes(id)));
    });
  });
}
