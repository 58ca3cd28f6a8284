import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFakeLlm, criticOf, type FakeLlm } from './helpers/fake-llm.js';
import { takeJson, toolDoc } from './helpers/fixtures.js';
import { verdict } from './helpers/cli.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { castVote } from '../src/community/votes.repo.js';

const run = promisify(execFile);

// The suites below run `main` in this process; these two check that bin/verdict.js really starts it.
describe('bin/verdict.js as a child process', () => {
  test('--help lists the commands and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['bin/verdict.js', '--help'], { env: { PATH: process.env.PATH } });
    assert.match(stdout, /^Usage: verdict /);
    assert.match(stdout, /^  compare <tools\.\.\.> /m);
  });

  test('a failing command exits 1 with one line on stderr', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'verdict-bin-'));
    const err = await run(process.execPath, ['bin/verdict.js', 'tools', 'show', 'nope'], { env: { PATH: process.env.PATH, DATABASE_URL: join(tmp, 'v.db') } }).then(
      () => assert.fail('expected exit 1'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.equal(err.stdout, '');
    assert.equal(err.stderr, 'verdict: No tool "nope".\n');
  });
});

test('db migrate applies every migration once, in order, on a new database', async () => {
  const env = { DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'verdict-migrate-')), 'v.db') };
  const all = readdirSync('src/db/migrations').map((f) => f.replace(/\.ts$/, '')).sort();
  const first = await verdict(['db', 'migrate', '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), { applied: all });
  assert.deepEqual(JSON.parse((await verdict(['db', 'migrate', '--json'], env)).stdout), { applied: [] });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`verdict CLI (${dialect})`, { skip }, () => {
    let store: TestStore;
    let env: Record<string, string>;
    const tmp = mkdtempSync(join(tmpdir(), 'verdict-cli-'));
    before(async () => {
      store = await freshStore(dialect);
      env = { DATABASE_URL: store.location };
    });
    after(() => store?.close());

    test('import the demo catalog, then compare the two worked cases in 80 columns', async () => {
      const imp = await verdict(['import', 'data/demo.json'], env);
      assert.equal(imp.code, 0, imp.stderr);
      assert.match(imp.stdout, /30 created/);
      const again = await verdict(['import', 'data/demo.json', '--json'], env);
      assert.deepEqual(JSON.parse(again.stdout), { created: 0, updated: 0, unchanged: 30, reviewsAdded: 0 });

      const cmp = await verdict(['compare', 'karpathy-coding-skills', 'smolvlm2'], env);
      assert.equal(cmp.code, 0, cmp.stderr);
      for (const line of cmp.stdout.split('\n')) assert.ok([...line].length <= 80, `too wide: ${line}`);
      // Each figure stays with its word when a cell wraps: "avg" never ends a line without its number (issue 20, point 8).
      assert.match(cmp.stdout, /Panel verdict\s+Ship · 3 ship \/ 1 skip ·\s+Ship · 4 ship \/ 0 skip ·\n\s+avg 71\.3\s+avg 83\.3\n/);
      assert.match(cmp.stdout, /Critic picks\s+1 of 5\s+4 of 5/);
      assert.match(cmp.stdout, /Mean score\s+71\.3\s+83\.3/);
      assert.match(cmp.stdout, /Panel ship %\s+75%\s+100%/);
      assert.match(cmp.stdout, /How the pick is made: Each critic picks the tool they scored highest/);
      assert.match(cmp.stdout, /Creator\s+80 ship ◀ pick\s+No panel take/);
      assert.match(cmp.stdout, /Founder\s+No panel take\s+78 ship ◀ pick/);
      assert.match(cmp.stdout, /Overall pick: SmolVLM2/);

      const json = JSON.parse((await verdict(['compare', 'smolvlm2', 'karpathy-coding-skills', '--json'], env)).stdout);
      assert.deepEqual(json.panels.map((p: { shipPct: number }) => p.shipPct), [100, 75]);
    });

    test('compare says a close call as the page and the API do (issue 20, point 3)', async () => {
      const cmp = await verdict(['compare', 'langchain', 'llamaindex', 'vllm', 'hugging-face-transformers'], env);
      assert.equal(cmp.code, 0, cmp.stderr);
      assert.match(cmp.stdout, /Critic picks\s+1 of 7\s+0 of 7\s+2 of 7\s+1 of 7/);
      assert.match(
        cmp.stdout.replace(/\s+/g, ' '),
        /Overall pick: Close call between vLLM and Hugging Face Transformers: vLLM has one more critic pick \(2 of 7 vs 1\), Hugging Face Transformers the higher mean score \(avg 77\.6 vs avg 76\.3\)\./,
      );
      const json = JSON.parse((await verdict(['compare', 'langchain', 'llamaindex', 'vllm', 'hugging-face-transformers', '--json'], env)).stdout);
      assert.deepEqual(json.overall, { kind: 'close', indices: [2, 3] });
    });

    test('compare shows community votes, as text and --json', async () => {
      const smol = await findToolBySlug(store.db, 'smolvlm2');
      await castVote(store.db, smol!.id, 'cli-voter-1', 'ship');
      await castVote(store.db, smol!.id, 'cli-voter-2', 'ship');
      await castVote(store.db, smol!.id, 'cli-voter-3', 'skip');
      try {
        const cmp = await verdict(['compare', 'karpathy-coding-skills', 'smolvlm2'], env);
        assert.equal(cmp.code, 0, cmp.stderr);
        assert.match(cmp.stdout, /Community\s+No community votes yet\s+3 votes so far ·\n\s+2 ship \/ 1 skip\n/);
        const json = JSON.parse((await verdict(['compare', 'smolvlm2', 'karpathy-coding-skills', '--json'], env)).stdout);
        assert.deepEqual(json.communities.map((c: { ships: number; skips: number }) => [c.ships, c.skips]), [[2, 1], [0, 0]]);
      } finally {
        await store.db.deleteFrom('votes').execute();
      }
    });

    test('tools list/show and critics list, as text and --json', async () => {
      const list = await verdict(['tools', 'list', '--json'], env);
      assert.equal(JSON.parse(list.stdout).length, 30);
      const show = await verdict(['tools', 'show', 'smolvlm2'], env);
      assert.match(show.stdout, /Panel: Ship · 4 ship \/ 0 skip · avg 83\.3/);
      assert.match(show.stdout, /Builder: score 88 · ship/);
      assert.match(show.stdout, /Creator: No panel take/);
      const critics = JSON.parse((await verdict(['critics', 'list', '--json'], env)).stdout);
      assert.equal(critics.length, 7);
    });

    test('exit codes: 2 for bad usage, 1 for failures, one clear line on stderr', async () => {
      const usage = await verdict(['compare', 'smolvlm2'], env);
      assert.equal(usage.code, 2);
      const unknown = await verdict(['bogus'], env);
      assert.equal(unknown.code, 2);
      const missing = await verdict(['tools', 'show', 'smolvm2'], env);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, 'verdict: No tool "smolvm2". Did you mean: smolvlm2?\n');
      const noLlm = await verdict(['review', 'smolvlm2'], env);
      assert.equal(noLlm.code, 1);
      assert.match(noLlm.stderr, /^verdict: No LLM configured: set LLM_BASE_URL and LLM_MODEL .*ANTHROPIC_API_KEY\n$/);
      const badEnv = await verdict(['tools', 'list'], { ...env, LLM_BASE_URL: 'not a url' });
      assert.equal(badEnv.code, 1);
      assert.match(badEnv.stderr, /^verdict: Invalid LLM_BASE_URL/);
    });

    test('a bad import file writes nothing and names the record and the field', async () => {
      const file = join(tmp, 'bad.json');
      writeFileSync(file, JSON.stringify({ tools: [toolDoc('fresh-tool'), toolDoc('broken', { pricing: { model: 'gratis', entry: 'Free' } })] }));
      const r = await verdict(['import', file], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^verdict: tools\[1\] \("broken"\)\.pricing\.model: /);
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
      const show = await verdict(['tools', 'show', 'fresh-tool'], env);
      assert.equal(show.code, 1);
      writeFileSync(file, '{ not json');
      assert.match((await verdict(['import', file], env)).stderr, /is not valid JSON/);
      assert.match((await verdict(['import', join(tmp, 'nope.json')], env)).stderr, /no such file/);
    });

    test('export writes the import format', async () => {
      const file = join(tmp, 'export.json');
      assert.equal((await verdict(['export', file], env)).code, 0);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(doc.tools.length, 30);
      const smol = doc.tools.find((t: { slug: string }) => t.slug === 'smolvlm2');
      assert.deepEqual(smol.reviews.find((r: { critic: string }) => r.critic === 'creator'), { critic: 'creator', abstain: true, reason: smol.reviews.find((r: { critic: string }) => r.critic === 'creator').reason, source: 'demo' });
    });

    test('review runs the full panel against an OpenAI-compatible endpoint, with progress and a summary', async () => {
      let fake: FakeLlm | undefined;
      try {
        fake = await startFakeLlm(({ body }) => (criticOf(body) === 'researcher' ? { status: 500 } : { content: takeJson(criticOf(body) === 'skeptic' ? 40 : 77), usage: { prompt_tokens: 1000, completion_tokens: 100 } }));
        const llmEnv = { ...env, LLM_BASE_URL: fake.url, LLM_MODEL: 'fake-model', LLM_MAX_ATTEMPTS: '2', LLM_BACKOFF_MS: '1' };
        const r = await verdict(['review', 'smolvlm2'], llmEnv);
        assert.equal(r.code, 1, 'a failed critic makes the command fail');
        assert.match(r.stdout, /Reviewed 1 tool with 7 critics: 6 done, 1 failed/);
        assert.match(r.stdout, /Tokens: 6,000 in \+ 600 out = 6,600/);
        assert.match(r.stdout, /failed: smolvlm2 \/ researcher: HTTP 500/);
        assert.match(r.stderr, /smolvlm2\s+builder\s+done\s+77 ship · 1,100 tokens/);
        const one = await verdict(['review', 'smolvlm2', '--critic', 'builder', '--json'], llmEnv);
        assert.equal(one.code, 0, one.stderr);
        const json = JSON.parse(one.stdout);
        assert.equal(json.outcomes.length, 1);
        assert.equal(json.outcomes[0].critic, 'builder');
        assert.equal(one.stderr, '', 'no progress noise with --json');
        const bad = await verdict(['review', 'smolvlm2', '--critic', 'nobody'], llmEnv);
        assert.equal(bad.code, 2);
        const show = JSON.parse((await verdict(['tools', 'show', 'smolvlm2', '--json'], env)).stdout);
        assert.equal(show.summary.text, 'Ship · 5 ship / 1 skip');
      } finally {
        await fake?.close();
      }
    });

    test('db migrate is idempotent', async () => {
      // The store the tests share is migrated already: nothing is left to apply.
      const r = await verdict(['db', 'migrate', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { applied: [] });
      assert.equal((await verdict(['db', 'migrate'], env)).stdout, 'Database is up to date\n');
    });
  });
}
