import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { seedDemo, takeJson } from './helpers/fixtures.js';
import { bestForJson, isBestForRequest, startFakeLlm, type FakeLlm } from './helpers/fake-llm.js';
import { Browser, sleep, spawnNode, startServerProcess, type Proc } from './helpers/process.js';
import { enqueue } from '../src/queue/queue.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';

/**
 * Issue 18, graceful stop: SIGTERM during a burst of requests and a running job cuts no request and leaves no job
 * leased. "Cut" means a request that reached the app (the server logged it, by the X-Request-Id the client sent)
 * without the client getting its whole answer; connections refused after the server stopped listening never
 * reached it. The job finishes when it can within SHUTDOWN_TIMEOUT_MS, and is released (pending, its attempt not
 * counted) when it cannot.
 */

const SECRET = 'shutdown-test-secret-0123456789abcdef';

async function panelJob(store: TestStore, llm: FakeLlm) {
  const tool = (await findToolBySlug(store.db, 'smolvlm2'))!;
  const { id } = await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id } });
  const job = () => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  // Running, and in the middle of its LLM calls.
  for (let i = 0; i < 400 && ((await job()).status !== 'running' || llm.requests.length === 0); i++) await sleep(25);
  assert.equal((await job()).status, 'running');
  return job;
}

const slowLlm = (ms: number) =>
  startFakeLlm(({ body }) => (isBestForRequest(body) ? { content: bestForJson('Reading images on a laptop'), delayMs: ms } : { content: takeJson(70), delayMs: ms }));

interface Outcome {
  status?: number;
  error?: string;
}

/** Readers requesting cached and uncached pages until the server refuses them; each request's outcome by its id. */
function burst(url: string, stopAt: () => boolean) {
  const outcomes = new Map<string, Outcome>();
  const paths = ['/tools/smolvlm2', '/', '/search?q=vision', '/compare/karpathy-coding-skills-vs-smolvlm2', '/critics', '/readyz', '/methodology'];
  let n = 0;
  const loops = Array.from({ length: 8 }, async (_, r) => {
    for (let i = 0; ; i++) {
      const id = `burst-${r}-${i}`;
      // Vary the query so some pages are rendered, not only served from the cache.
      const path = paths[(r + i) % paths.length]! + (i % 3 === 0 ? `${paths[(r + i) % paths.length]!.includes('?') ? '&' : '?'}page=${(n++ % 3) + 1}` : '');
      try {
        const res = await fetch(url + path, { headers: { 'x-request-id': id } });
        await res.arrayBuffer();
        outcomes.set(id, { status: res.status });
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        outcomes.set(id, { error: code });
        if (code === 'ECONNREFUSED') return;
      }
      if (stopAt() && outcomes.size > 10_000) return;
    }
  });
  return { outcomes, done: Promise.all(loops) };
}

/** A POST whose body is still arriving when SIGTERM comes: it must be answered in full. */
function slowVote(url: string, token: string, afterHeaders: () => Promise<void>): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams({ vote: 'ship', _csrf: token }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/tools/smolvlm2/vote`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        accept: 'application/json',
        origin: url,
        'sec-fetch-site': 'same-origin',
        'x-forwarded-for': '198.51.100.99',
        'x-request-id': 'slow-upload',
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(body.slice(0, 5));
    req.flushHeaders();
    void afterHeaders().then(() => req.end(body.slice(5)));
  });
}

for (const { dialect, skip } of DIALECTS) {
  describe(`graceful stop (${dialect})`, { skip }, () => {
    test('npm start: SIGTERM during a burst of requests and a running panel job cuts no request; the job finishes; the database closes', async () => {
      const llm = await slowLlm(400);
      const store = await freshStore(dialect);
      await seedDemo(store.db);
      const server = await startServerProcess({
        DATABASE_URL: store.location,
        PUBLIC_URL: 'http://verdict.test',
        SECRET,
        TRUST_PROXY: 'loopback',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        SHUTDOWN_TIMEOUT_MS: '20000',
      });
      let exit: number | null = null;
      try {
        const token = await new Browser(server.url).token('/tools/smolvlm2');
        const job = await panelJob(store, llm);
        let signalled = false;
        const b = burst(server.url, () => signalled);
        await sleep(400);
        const slow = slowVote(server.url, token, async () => {
          // Time for the server to read the headers (a request it has not read yet is not in flight: it is refused).
          await sleep(1000);
          server.child.kill('SIGTERM');
          signalled = true;
          await sleep(400); // the rest of the body comes well after SIGTERM
        });
        const answer = await slow;
        assert.equal(answer.status, 200, answer.body);
        await b.done;
        exit = await server.exited;
        assert.equal(exit, 0, server.output().slice(-2000));

        const lines = server.lines();
        const stopAt = lines.findIndex((l) => String(l.msg).startsWith('SIGTERM: stopping'));
        assert.ok(stopAt > 0);
        const logged = lines.filter((l) => l.msg === 'request');
        assert.ok(logged.every((l) => !l.aborted), 'the server cut no response');
        const reached = new Set(logged.map((l) => l.reqId as string));
        const cut = [...b.outcomes].filter(([id, o]) => reached.has(id) && o.error);
        assert.deepEqual(cut, [], 'every request that reached the app was answered in full');
        assert.ok(lines.slice(stopAt).some((l) => l.msg === 'request' && l.reqId === 'slow-upload'), 'the request in flight at SIGTERM was answered after it');
        assert.ok([...reached].filter((id) => id.startsWith('burst-')).length > 20, 'the burst reached the app');
        const unanswered = [...b.outcomes].filter(([id, o]) => o.error && !reached.has(id)).map(([, o]) => o.error);
        assert.ok(unanswered.every((e) => /ECONNREFUSED|ECONNRESET|closed|socket/i.test(e!)), unanswered.join(', '));
        const stopped = lines.find((l) => l.msg === 'stopped')!;
        assert.equal(stopped.cut, 0);
        assert.equal(stopped.released, 0);

        const j = await job();
        assert.equal(j.status, 'done', 'the running job finished within the deadline');
        assert.equal(j.lockedBy, null);
        assert.equal((await store.db.selectFrom('jobs').select('id').where('status', '=', 'running').execute()).length, 0, 'no job left leased');
        const worker = (await store.db.selectFrom('workerHeartbeats').selectAll().execute())[0]!;
        assert.ok(worker.stoppedAt, 'the worker said it stopped');
      } finally {
        if (exit === null) await server.stop('SIGKILL');
        await llm.close();
        await store.close();
      }
    });

    test('verdict worker: a job still running at SHUTDOWN_TIMEOUT_MS is released for another worker, without using an attempt', async () => {
      const llm = await slowLlm(30_000);
      const store = await freshStore(dialect);
      await seedDemo(store.db, ['smolvlm2']);
      const worker: Proc = spawnNode(['bin/verdict.js', 'worker'], {
        DATABASE_URL: store.location,
        PUBLIC_URL: 'http://verdict.test',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        SHUTDOWN_TIMEOUT_MS: '500',
        LOG_LEVEL: 'info',
      });
      try {
        const job = await panelJob(store, llm);
        const t0 = Date.now();
        assert.equal(await worker.stop('SIGTERM', 20_000), 0, worker.output().slice(-2000));
        assert.ok(Date.now() - t0 < 10_000, 'it did not wait for the LLM');
        const j = await job();
        assert.equal(j.status, 'pending', 'released');
        assert.equal(j.lockedBy, null);
        assert.equal(j.lockedUntil, null);
        assert.equal(j.attempts, 0, 'the attempt is not counted');
        assert.ok(new Date(j.runAt).getTime() <= Date.now(), 'due at once for another worker');
        assert.match(j.lastError ?? '', /released at shutdown/);
        assert.ok(worker.lines().some((l) => l.outcome === 'released' && l.job === j.id));
      } finally {
        await worker.stop('SIGKILL');
        await llm.close();
        await store.close();
      }
    });
  });
}
