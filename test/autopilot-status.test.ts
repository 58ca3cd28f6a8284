import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { verdictProcess } from './helpers/fixture-process.js';
import { enqueue } from '../src/queue/queue.js';
import { insertSubmission } from '../src/community/submissions.repo.js';
import { approveSubmission } from '../src/community/submissions.service.js';
import { recordStageRun } from '../src/queue/stage-runs.repo.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { CRITIC_IDS, toolDoc } from './helpers/fixtures.js';
import { insertJob } from '../src/queue/jobs.repo.js';
import { spawnNode, sleep } from './helpers/process.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

for (const { dialect, skip } of DIALECTS) {
  describe(`the operator's view: verdict status, /admin, the budget, the tool page's provenance (${dialect})`, { skip }, () => {
    let s: TestSite;
    const env = () => ({ DATABASE_URL: s.store.location, PUBLIC_URL: 'https://verdict.example', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'fake', LLM_DAILY_TOKEN_BUDGET: '100' });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

    before(async () => {
      s = await startTestSite(dialect, { env: { ADMIN_TOKEN, LLM_DAILY_TOKEN_BUDGET: '100' } });
    });
    after(async () => s.close());

    test('a clean start: every stage never ran, exit 0, no worker heartbeat yet (a warning)', async () => {
      const r = await verdictProcess(['status'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Discovery\s+never/);
      assert.match(r.stdout, /Tokens today: 0 of 100 \(LLM_DAILY_TOKEN_BUDGET\)/);
      assert.match(r.stdout, /Worker heartbeat: none reported/);
      assert.match(r.stdout, /WARNING: No worker has ever reported a heartbeat: nothing runs panel reviews, research, digests or the schedule\. Start `verdict worker`/);
    });

    test('a stage that failed on each of its last three runs is a warning: exit 1, red on /admin', async () => {
      const t = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
      await recordStageRun(s.store.db, { stage: 'research', detail: 'research.tool', startedAt: t(40), finishedAt: t(39), ok: 1, itemsIn: 3, itemsOut: 3, error: null });
      for (const m of [30, 20, 10]) await recordStageRun(s.store.db, { stage: 'research', detail: 'research.tool', startedAt: t(m), finishedAt: t(m - 1), ok: 0, itemsIn: 1, itemsOut: 0, error: 'database unreachable' });
      const r = await verdictProcess(['status', '--json'], env());
      assert.equal(r.code, 1);
      const st = JSON.parse(r.stdout) as { stages: { stage: string; warning: boolean; failures24h: number; lastRun: { ok: boolean; error: string } }[]; warnings: string[] };
      const research = st.stages.find((x) => x.stage === 'research')!;
      assert.deepEqual([research.warning, research.failures24h, research.lastRun.ok, research.lastRun.error], [true, 3, false, 'database unreachable']);
      assert.match(st.warnings[0]!, /Research failed on each of its last 3 runs: database unreachable/);
      const page = await (await s.get('/admin', { headers: admin })).text();
      assert.match(page, /<tr class="stage-warning"><th scope="row">Research<\/th>/);
      assert.match(page, /Research failed on each of its last 3 runs/);
      // One good run clears the warning.
      await recordStageRun(s.store.db, { stage: 'research', detail: 'research.tool', startedAt: t(1), finishedAt: t(0), ok: 1, itemsIn: 1, itemsOut: 1, error: null });
      assert.equal((await verdictProcess(['status'], env())).code, 0);
    });

    test('LLM_DAILY_TOKEN_BUDGET spent: panel reviews wait for the next UTC day, and status says so', async () => {
      const now = new Date().toISOString();
      await s.store.db.insertInto('panelRuns').values({ toolId: 1, provider: 'fake', model: 'fake', promptVersion: 'x', status: 'done', inputTokens: 90, outputTokens: 20, startedAt: now, finishedAt: now, reason: null }).execute();
      const job = await enqueue(s.store.db, { type: 'panel.review', payload: { toolId: 1 } });
      const r = await verdictProcess(['jobs', 'run'], env());
      // `jobs run` exits 1 when a job did not finish; the log says why.
      assert.match(r.stderr, /LLM_DAILY_TOKEN_BUDGET spent: 110 of 100 tokens today/);
      const row = await s.store.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0, 'waiting for the budget uses no attempt');
      assert.ok(row.runAt >= `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00`, `runs again tomorrow, not ${row.runAt}`);
      const st = await verdictProcess(['status'], env());
      assert.match(st.stdout, /Tokens today: 110 of 100 \(LLM_DAILY_TOKEN_BUDGET\), SPENT/);
      await s.store.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    });

    test('the daily review takes tools whose facts were checked first', async () => {
      const { toolsWithoutReviews } = await import('../src/catalog/tools.repo.js');
      await importTools(s.store.db, parseImport({ tools: [toolDoc('older-unreviewed'), toolDoc('newer-unreviewed')] }, { threshold: 60, critics: CRITIC_IDS }));
      const unreviewed = await toolsWithoutReviews(s.store.db);
      assert.ok(unreviewed.length >= 2, 'the demo catalog has unreviewed tools to order');
      const last = unreviewed.at(-1)!;
      await s.store.db.updateTable('tools').set({ researchedAt: new Date().toISOString() }).where('id', '=', last.id).execute();
      assert.equal((await toolsWithoutReviews(s.store.db, 1, { researchedFirst: true }))[0]!.id, last.id);
      assert.equal((await toolsWithoutReviews(s.store.db, 1))[0]!.id, unreviewed[0]!.id, 'without the option, oldest first as before');
      await s.store.db.updateTable('tools').set({ researchedAt: null }).where('id', '=', last.id).execute();
    });

    test("an automatically approved discovery is listed with its reason on the tool page's provenance line", async () => {
      const id = await insertSubmission(s.store.db, {
        name: 'Beacon AI', slug: 'beacon-ai', url: 'https://beacon.example/', urlKey: 'beacon.example', tagline: 'Agents that watch your dashboards', category: 'Agents & Automation',
        pricingModel: 'unknown', pricingEntry: 'Unknown', email: null, submitterId: null, status: 'pending', reason: null, toolId: null, createdAt: new Date().toISOString(), decidedAt: null,
        origin: 'discovery', foundBy: JSON.stringify([{ source: 'hn', label: 'Show HN', signal: '143 points', link: 'https://news.ycombinator.com/item?id=1', seenAt: new Date().toISOString() }]),
        description: 'Agents that watch your dashboards and tell you what changed.', repo: null, tags: '["agents"]', license: null, autoReason: null,
      });
      await approveSubmission(s.store.db, id, { autoReason: 'Show HN: 143 points, at least 5 × the 20 threshold (DISCOVERY_AUTO_FACTOR)' });
      await s.site.refreshVersion();
      const page = await (await s.get('/tools/beacon-ai')).text();
      assert.match(page, /Found by Show HN, 143 points on <time[^>]*>[^<]+<\/time>; approved automatically \(DISCOVERY_AUTO_APPROVE\): Show HN: 143 points, at least 5 × the 20 threshold/);
      assert.match(page, /Pricing unknown|Unknown/);
      const json = (await (await s.get('/admin/submissions.json?status=approved', { headers: admin })).json()) as { submissions: { slug: string; origin: string; autoReason: string; foundBy: unknown[] }[] };
      const b = json.submissions.find((x) => x.slug === 'beacon-ai')!;
      assert.equal(b.origin, 'discovery');
      assert.match(b.autoReason, /143 points/);
      assert.equal(b.foundBy.length, 1);
    });

    test('the worker heartbeat: each worker listed with its last beat; none recent is a warning, and exit 1 once due jobs wait for it', async () => {
      type St = { warnings: string[]; worker: { heartbeat: string | null; recent: boolean; alive: number; dueJobs: number; workers: { id: string; pid: number; alive: boolean; stoppedAt: string | null; lastHeartbeat: string }[] } };
      const workerWarning = (st: St) => st.warnings.find((w) => /worker/i.test(w)) ?? '';
      const status = async () => {
        const r = await verdictProcess(['status', '--json'], env());
        return { code: r.code, st: JSON.parse(r.stdout) as St };
      };
      // Earlier tests leave jobs (research after an approval): the worker below must not run them (they would fetch).
      await s.store.db.deleteFrom('jobs').execute();
      // A due job of a type no worker runs, so the worker below leaves it waiting.
      const job = await insertJob(s.store.db, { type: 'test.waiting', payload: {} });
      let r = await status();
      assert.equal(r.code, 1, 'due jobs and no worker alive: exit 1');
      assert.equal(r.st.worker.dueJobs, 1);
      assert.match(workerWarning(r.st), /nothing runs panel reviews, research, digests or the schedule \(1 due job waiting\)/);
      const worker = spawnNode(['bin/verdict.js', 'worker', '--no-schedule'], { ...env(), DISCOVERY_SOURCES: 'none', LOG_LEVEL: 'info' });
      try {
        await worker.waitFor((lines) => lines.some((l) => /worker \S+ started/.test(l.msg)), 60_000, 'the worker start');
        for (let i = 0; i < 100 && !(r = await status()).st.worker.recent; i++) await sleep(100);
        assert.equal(r.code, 0);
        assert.equal(r.st.worker.alive, 1);
        assert.deepEqual(r.st.warnings.filter((w) => /worker/i.test(w)), [], 'no warning about the worker');
        const w = r.st.worker.workers[0]!;
        assert.deepEqual([w.pid, w.alive, w.stoppedAt], [worker.child.pid, true, null]);
        assert.equal(r.st.worker.heartbeat, w.lastHeartbeat);
        const text = await verdictProcess(['status'], env());
        assert.match(text.stdout, new RegExp(`Worker heartbeat: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, 1 of 1 worker alive \\(a beat within 60 s\\)\\n  \\S+ pid ${worker.child.pid}: last beat [^,]+ UTC, \\d+ s ago, running 0 jobs`));
        assert.doesNotMatch(text.stdout, /WARNING: .*worker/i);
        const page = await (await s.get('/admin', { headers: admin })).text();
        assert.match(page, /<h3 id="workers-title">Workers<\/h3><p class="small">1 of 1 alive: a heartbeat within 60 s\.<\/p>/);
        assert.match(page, new RegExp(`<tr><th scope="row">\\S+ pid ${worker.child.pid}</th><td>[^<]+ \\(\\d+ s ago\\)</td><td>alive</td><td>0</td></tr>`));

        assert.equal(await worker.stop('SIGTERM'), 0, worker.output().slice(-2000));
        r = await status();
        assert.equal(r.code, 1);
        assert.equal(r.st.worker.recent, false);
        assert.ok(r.st.worker.workers[0]!.stoppedAt);
        assert.match(workerWarning(r.st), new RegExp(`No worker is running \\(the last one, \\S+ pid ${worker.child.pid}, stopped at .+ UTC\\): .*\\(1 due job waiting\\)`));
        const stopped = await (await s.get('/admin', { headers: admin })).text();
        assert.match(stopped, /<p class="notice notice-error" role="alert">No worker is running/);
        assert.match(stopped, /<tr class="stage-warning"><th scope="row">\S+ pid \d+<\/th><td>[^<]+<\/td><td>stopped /);
      } finally {
        await worker.stop('SIGKILL');
        await s.store.db.deleteFrom('jobs').where('id', '=', job.id).execute();
      }
    });
  });
}
