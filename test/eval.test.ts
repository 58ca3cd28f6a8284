import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFakeLlm, sameAnswer, fairCoin, contradictsFirst, type FakeLlmHandler } from './helpers/fake-llm.js';
import { CRITIC_IDS, seedDemo, toolDoc, words } from './helpers/fixtures.js';
import { verdict } from './helpers/cli.js';
import { main } from '../src/cli/main.js';
import { getTool } from '../src/catalog/catalog.service.js';
import type { EvalReport } from '../src/panel/eval.js';

const SET_SIZE = (JSON.parse(readFileSync('data/eval-set.json', 'utf8')) as { tools: unknown[] }).tools.length;
const CALLS = SET_SIZE * CRITIC_IDS.length * 3;

for (const { dialect, skip } of DIALECTS) {
  describe(`verdict eval against a fake LLM with known answers (${dialect})`, { skip }, () => {
    let store: TestStore;
    let env: Record<string, string>;
    const tmp = mkdtempSync(join(tmpdir(), 'verdict-eval-'));
    let site: unknown;

    // Everything the site reads about reviews: tools with their stored figures, revisions, panel runs and failures.
    const snapshot = async () => ({
      tools: await store.db.selectFrom('tools').selectAll().orderBy('id').execute(),
      reviews: await store.db.selectFrom('reviews').selectAll().orderBy('id').execute(),
      runs: await store.db.selectFrom('panelRuns').selectAll().orderBy('id').execute(),
      failures: await store.db.selectFrom('panelFailures').selectAll().orderBy('id').execute(),
      page: await getTool(store.db, 'cursor'),
    });

    before(async () => {
      store = await freshStore(dialect);
      env = { DATABASE_URL: store.location, LLM_MODEL: 'fake-model', LLM_BACKOFF_MS: '1', LLM_MAX_ATTEMPTS: '3', LLM_CONCURRENCY: '16' };
      await seedDemo(store.db, ['cursor', 'ollama', 'midjourney']);
      site = await snapshot();
    });
    after(() => store?.close());

    async function evalWith(handler: FakeLlmHandler, args: string[]) {
      const fake = await startFakeLlm(handler);
      try {
        const r = await verdict(['eval', ...args], { ...env, LLM_BASE_URL: fake.url });
        return { ...r, requests: fake.requests.length };
      } finally {
        await fake.close();
      }
    }
    const parse = (stdout: string) => JSON.parse(stdout) as EvalReport & { id: number };

    test('always the same answer: 100% agreement, zero deviation, no invalid answers, recorded as an eval run', async () => {
      const r = await evalWith(sameAnswer(72), ['--json', '--min-agreement', '1']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.requests, CALLS, 'K × tools × critics calls');
      const rep = parse(r.stdout);
      assert.equal(rep.reruns, 3);
      assert.equal(rep.tools.length, SET_SIZE);
      assert.equal(rep.overall.calls, CALLS);
      assert.equal(rep.overall.failed, 0);
      assert.equal(rep.overall.agreement, 1);
      assert.equal(rep.overall.agreementPairs, SET_SIZE * CRITIC_IDS.length * 3);
      assert.equal(rep.overall.scoreSd, 0);
      assert.equal(rep.overall.abstentionConsistency, 1);
      assert.equal(rep.overall.invalidFirst, 0);
      assert.equal(rep.overall.correlation, null, 'scores that never vary have no correlation');
      assert.equal(rep.overall.inputTokensPerCall, 10);
      assert.equal(rep.overall.cost, null);
      for (const c of rep.perCritic) assert.deepEqual([c.critic, c.agreement, c.scoreSd], [c.critic, 1, 0]);
      const row = await store.db.selectFrom('evalRuns').selectAll().where('id', '=', rep.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.model, row.reruns, row.toolCount, row.inputTokens, row.outputTokens], ['done', 'fake-model', 3, SET_SIZE, CALLS * 10, CALLS * 5]);
      assert.equal((JSON.parse(row.report!) as EvalReport).overall.agreement, 1);
    });

    test('a fair coin: agreement near 50%, large deviation, exit 1 under --min-agreement', async () => {
      const r = await evalWith(fairCoin(7), ['--json', '--min-agreement', '80%']);
      assert.equal(r.code, 1);
      const rep = parse(r.stdout);
      const a = rep.overall.agreement!;
      // 3 reruns give 3 pairs per critic and tool; over 91 critic-tool cells the pooled share has an SD of about 3 points.
      assert.ok(a > 0.38 && a < 0.62, `agreement ${a}`);
      assert.ok(rep.overall.scoreSd! > 15, `score SD ${rep.overall.scoreSd}`);
      assert.ok(Math.abs(rep.overall.correlation!) < 0.5, `correlation ${rep.overall.correlation}`);
      assert.match(r.stderr, /^verdict: agreement \d+\.\d% is below --min-agreement 80\.0%$/m);
    });

    test('a model that contradicts itself first: the rate shows for that critic only, and repairs keep agreement', async () => {
      const r = await evalWith(contradictsFirst(['skeptic']), ['--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.requests, CALLS + SET_SIZE * 3, 'one repair per skeptic call');
      const rep = parse(r.stdout);
      const skeptic = rep.perCritic.find((c) => c.critic === 'skeptic')!;
      assert.equal(skeptic.contradictingFirst, 1);
      assert.equal(skeptic.invalidFirst, 1);
      for (const c of rep.perCritic.filter((c) => c.critic !== 'skeptic')) assert.equal(c.invalidFirst, 0);
      assert.equal(rep.overall.contradictingFirst, 1 / CRITIC_IDS.length);
      assert.equal(rep.overall.failed, 0);
      assert.equal(rep.overall.agreement, 1);
      assert.equal(skeptic.inputTokensPerCall, 20, 'the repair call is paid for');
    });

    test('catalog tools with --tools, a critic subset, K=2, prices: table on stdout and a Markdown report', async () => {
      const report = join(tmp, 'eval.md');
      const r = await evalWith(sameAnswer(40), ['--tools', 'cursor,ollama', '--critic', 'builder', '--critic', 'skeptic', '-k', '2', '--price-in', '1', '--price-out', '2', '--report', report]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.requests, 2 * 2 * 2);
      assert.match(r.stdout, /^openai-compatible fake-model · 2 reruns × 2 tools × 2 critics = 8 calls$/m);
      assert.match(r.stdout, /^Critic\s+Agree\s+Score SD/m);
      assert.match(r.stdout, /^builder\s+100\.0%\s+0\.0\s+100\.0%\s+0\.0%/m);
      // 8 calls × (10 in × 1 + 5 out × 2) per million.
      assert.match(r.stdout, /^overall .*\s0\.00016$/m);
      assert.match(r.stderr, /rerun 2\/2: 4 answered, 0 failed/);
      const md = readFileSync(report, 'utf8');
      assert.match(md, /^# Panel evaluation: fake-model$/m);
      assert.match(md, /^- \*\*Agreement\*\*: /m);
      assert.match(md, /^\| overall \| 100\.0% \| 0\.0 \|/m);
      assert.match(md, /Tools: cursor, ollama\./);
    });

    test('on an 80-column terminal the table fits, in blocks', async () => {
      const fake = await startFakeLlm(sameAnswer(72));
      try {
        let out = '';
        const code = await main(['eval', '--tools', 'cursor', '-k', '2'], {
          env: { ...env, LLM_BASE_URL: fake.url },
          stdout: { write: (s: string) => (out += s), isTTY: true, columns: 80 },
          stderr: { write: () => true },
        });
        assert.equal(code, 0);
        const lines = out.trimEnd().split('\n');
        assert.ok(lines.every((l) => l.length <= 80), out);
        assert.equal(lines.filter((l) => /^Critic\s/.test(l)).length, 2);
        assert.equal(lines.filter((l) => /^overall\s/.test(l)).length, 2);
      } finally {
        await fake.close();
      }
    });


    test('--set takes an eval set in the import format; its reviews are ignored and nothing is imported', async () => {
      const file = join(tmp, 'set.json');
      writeFileSync(file, JSON.stringify({ tools: [toolDoc('evalonly-a'), toolDoc('evalonly-b', { reviews: [{ critic: 'builder', score: 80, verdict: 'ship', take: words(45) }] })] }));
      const r = await evalWith(sameAnswer(72), ['--set', file, '--critic', 'guardian', '-k', '2', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(parse(r.stdout).tools, ['evalonly-a', 'evalonly-b']);
      assert.equal(r.requests, 4);
      assert.equal(await store.db.selectFrom('tools').select('id').where('slug', 'like', 'evalonly%').executeTakeFirst(), undefined);
      const bad = await evalWith(sameAnswer(), ['--set', file, '--tools', 'cursor']);
      assert.equal(bad.code, 2);
    });

    test('bad usage and unknown tools', async () => {
      const noOut = await evalWith(sameAnswer(), ['--price-in', '1']);
      assert.equal(noOut.code, 2);
      assert.match(noOut.stderr, /Pass both --price-in and --price-out/);
      assert.equal(noOut.requests, 0);
      const badK = await evalWith(sameAnswer(), ['-k', '0']);
      assert.equal(badK.code, 2);
      const badShare = await evalWith(sameAnswer(), ['--min-agreement', '150%']);
      assert.equal(badShare.code, 2);
      const unknown = await evalWith(sameAnswer(), ['--tools', 'cursor,nope']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /No tool "nope"/);
      const noLlm = await verdict(['eval'], { DATABASE_URL: store.location });
      assert.equal(noLlm.code, 1);
      assert.match(noLlm.stderr, /No LLM configured/);
    });

    test('eval runs left the site as it was: tool page, revisions, panel runs and figures unchanged', async () => {
      assert.deepEqual(await snapshot(), site);
      assert.equal((await store.db.selectFrom('evalRuns').select('id').execute()).length, 6);
    });
  });
}
