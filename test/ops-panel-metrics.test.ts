import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, freshStore } from './helpers/db.js';
import { seedDemo, takeJson } from './helpers/fixtures.js';
import { bestForJson, criticOf, isBestForRequest, startFakeLlm } from './helpers/fake-llm.js';
import { freePort, spawnNode, startServerProcess, type Proc } from './helpers/process.js';
import { enqueue } from '../src/queue/queue.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';

/**
 * Issue 18, "Done means": the metrics page, scraped after a panel run with the fake model, shows the tokens it spent
 * (and its calls, retries, failures and cost), as a monitor sees them. SQLite: one `npm start` runs the worker. PostgreSQL:
 * the layout at scale, a web process and a separate `verdict worker` serving its own /metrics on METRICS_PORT.
 */

const TOKEN = 'panel-metrics-token-0123456789';
const PRICE_IN = 3; // per million tokens
const PRICE_OUT = 15;

const series = (text: string) =>
  new Map(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))] as const),
  );
const sumOf = (m: Map<string, number>, prefix: string, has: string[] = []) =>
  [...m].filter(([k]) => k.startsWith(prefix) && has.every((h) => k.includes(h))).reduce((n, [, v]) => n + v, 0);

const scrape = async (url: string) => {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  return series(await res.text());
};

for (const { dialect, skip } of DIALECTS) {
  describe(`LLM figures on /metrics after a panel run (${dialect})`, { skip }, () => {
    test('tokens in and out, calls, retries, failures and cost by model and critic; the tool followed by its slug in the log', async () => {
      // The skeptic's first answer is a 500 (one retry); the futurist is rate-limited on every attempt (a failure).
      const asked = new Map<string, number>();
      const llm = await startFakeLlm(({ body }) => {
        const who = isBestForRequest(body) ? 'best-for' : criticOf(body)!;
        const n = (asked.get(who) ?? 0) + 1;
        asked.set(who, n);
        if (who === 'skeptic' && n === 1) return { status: 500 };
        if (who === 'futurist') return { status: 429, headers: { 'retry-after-ms': '0' } };
        if (who === 'best-for') return { content: bestForJson('Reading images on a laptop'), usage: { prompt_tokens: 40, completion_tokens: 8 } };
        return { content: takeJson(70), usage: { prompt_tokens: 100 + n, completion_tokens: 20 } };
      });
      const store = await freshStore(dialect);
      await seedDemo(store.db, ['smolvlm2']);
      await store.db.updateTable('tools').set({ bestFor: null }).execute();
      const common = {
        DATABASE_URL: store.location,
        PUBLIC_URL: 'http://verdict.test',
        METRICS_TOKEN: TOKEN,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
        LLM_MAX_ATTEMPTS: '2',
        LLM_BACKOFF_MS: '1',
        LLM_PRICE_IN: String(PRICE_IN),
        LLM_PRICE_OUT: String(PRICE_OUT),
        LOG_LEVEL: 'info',
      };
      let worker: Proc | undefined;
      const web = await startServerProcess({ ...common, WORKER: dialect === 'sqlite' ? 'true' : 'false' });
      let workerUrl = web.url;
      try {
        if (dialect === 'postgres') {
          const port = await freePort();
          worker = spawnNode(['bin/verdict.js', 'worker'], { ...common, METRICS_PORT: String(port), HOST: '127.0.0.1' });
          await worker.waitFor((lines) => lines.some((l) => /^worker \S+ started/.test(l.msg)), 60_000, 'the worker');
          workerUrl = `http://127.0.0.1:${port}`;
          assert.equal((await fetch(`${workerUrl}/healthz`)).status, 200);
        }
        const tool = (await findToolBySlug(store.db, 'smolvlm2'))!;
        const job = await enqueue(store.db, { type: 'panel.review', payload: { toolId: tool.id } });
        const done = async () => (await store.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status;
        for (let i = 0; i < 300 && (await done()) !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(await done(), 'done');

        const run = await store.db.selectFrom('panelRuns').selectAll().where('toolId', '=', tool.id).executeTakeFirstOrThrow();
        assert.equal(run.status, 'partial', 'the futurist failed, the others answered');
        const m = await scrape(workerUrl);
        const model = 'model="fake-model"';
        // The tokens the run recorded, and no other: the metrics and the run agree.
        assert.ok(run.inputTokens > 0 && run.outputTokens > 0);
        assert.equal(sumOf(m, 'verdict_llm_tokens_total{', [model, 'direction="in"']), run.inputTokens);
        assert.equal(sumOf(m, 'verdict_llm_tokens_total{', [model, 'direction="out"']), run.outputTokens);
        assert.equal(m.get(`verdict_llm_tokens_total{${model},critic="builder",direction="in"}`), 101);
        assert.equal(m.get(`verdict_llm_tokens_total{${model},critic="best-for",direction="out"}`), 8);
        assert.equal(m.get(`verdict_llm_attempts_total{${model},critic="skeptic",result="server_error"}`), 1);
        assert.equal(m.get(`verdict_llm_attempts_total{${model},critic="skeptic",result="ok"}`), 1);
        assert.equal(m.get(`verdict_llm_calls_total{${model},critic="skeptic",outcome="ok"}`), 1);
        assert.equal(m.get(`verdict_llm_attempts_total{${model},critic="futurist",result="rate_limited"}`), 2);
        assert.equal(m.get(`verdict_llm_calls_total{${model},critic="futurist",outcome="failed"}`), 1);
        assert.equal(m.get(`verdict_llm_failures_total{${model},critic="futurist",reason="rate_limited"}`), 1);
        const cost = sumOf(m, 'verdict_llm_cost_total{', [model]);
        assert.ok(Math.abs(cost - (run.inputTokens * PRICE_IN + run.outputTokens * PRICE_OUT) / 1e6) < 1e-9, `cost ${cost}`);
        assert.ok(sumOf(m, 'verdict_llm_attempt_duration_seconds_count{', [model]) >= 9);
        assert.equal(m.get('verdict_job_runs_total{type="panel.review",outcome="done"}'), 1);

        // The web process sees the queue and the worker's heartbeat (whichever process runs the worker).
        const w = await scrape(web.url);
        assert.equal(w.get('verdict_workers_alive'), 1);
        assert.ok((w.get('verdict_worker_heartbeat_age_seconds') ?? 99) < 30);

        // One tool's day, by its slug: every LLM call, and the job's outcome, with the job's and the run's ids.
        const lines = (worker ?? web).lines().filter((l) => l.tool === 'smolvlm2');
        const calls = lines.filter((l) => l.msg === 'llm call');
        assert.equal(calls.length, [...asked.values()].reduce((a, b) => a + b, 0), 'a line per request to the model');
        assert.ok(calls.every((l) => l.run === run.id && typeof l.critic === 'string' && l.model === 'fake-model'));
        assert.ok(lines.some((l) => l.job === job.id && l.outcome === 'done'), 'the job line names the tool');
      } finally {
        if (worker) assert.equal(await worker.stop(), 0);
        assert.equal(await web.stop(), 0);
        await llm.close();
        await store.close();
      }
    });
  });
}
