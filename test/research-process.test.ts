import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFixtureProcess, verdictProcess, type FixtureProcess } from './helpers/fixture-process.js';
import { CRITIC_IDS, toolDoc } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';

/**
 * `verdict research` as an operator runs it: its own process, against a fixture web served by another process.
 * Run inside the test process, next to a fixture server, the fetcher never showed that its per-host pause was an
 * unref'd timer (the CLI exited 13 after robots.txt) nor that an unparseable body crashed the whole run.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`verdict research as its own process (${dialect})`, { skip }, () => {
    let store: TestStore;
    let web: FixtureProcess;
    let env: Record<string, string>;

    before(async () => {
      store = await freshStore(dialect);
      web = await startFixtureProcess();
      const o = web.origin;
      await web.set({
        '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /acme/secret\n' },
        '/acme/': {
          body: `<!doctype html><html><head><title>Acme agents</title><meta name="description" content="Acme builds coding agents."></head>
            <body><a href="/acme/pricing">Pricing</a> <a href="/acme/docs">Docs</a><main><p>Agents that ship code.</p></main></body></html>`,
        },
        '/acme/pricing': { body: '<html><head><title>Acme pricing</title></head><body><h2>Pro</h2><p>$20/month</p></body></html>' },
        '/acme/docs': { body: '<html><head><title>Acme docs</title></head><body><h1>Start</h1></body></html>' },
        // 20 MB that is not an HTML document, cut at RESEARCH_MAX_BYTES: text without a single element.
        '/huge': { type: 'text/html', bytes: 20 * 1024 * 1024 },
        '/plain-text': { type: 'text/html', body: 'just words, no markup at all' },
        '/drip': { dripMs: 100 },
        '/loop-a': { redirect: '/loop-b' },
        '/loop-b': { redirect: '/loop-a' },
        '/to-metadata': { redirect: 'http://169.254.169.254/latest/meta-data/' },
      });
      const docs = [
        toolDoc('acme', { url: `${o}/acme/` }),
        toolDoc('huge', { url: `${o}/huge` }),
        toolDoc('plain-text', { url: `${o}/plain-text` }),
        toolDoc('drip', { url: `${o}/drip` }),
        toolDoc('loop', { url: `${o}/loop-a` }),
        toolDoc('metadata', { url: `${o}/to-metadata` }),
      ];
      await importTools(store.db, parseImport({ tools: docs }, { threshold: 60, critics: CRITIC_IDS }));
      env = {
        DATABASE_URL: store.location,
        RESEARCH_ALLOW_PRIVATE: 'true',
        // A real pause between two requests to one host: the bug hid behind RESEARCH_HOST_DELAY_MS=0.
        RESEARCH_HOST_DELAY_MS: '300',
        RESEARCH_TIMEOUT_MS: '2000',
        PUBLIC_URL: 'https://verdict.example',
      };
    });
    after(async () => {
      await web.close();
      await store.close();
    });

    test('a site with a robots.txt: robots.txt, then the homepage and its pages, a report and exit 0', async () => {
      const r = await verdictProcess(['research', 'acme', '--json'], env);
      assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { tools: { tool: string; snapshots: { kind: string; error: string | null; facts: Record<string, unknown> }[] }[] };
      const kinds = out.tools[0]!.snapshots.map((s) => `${s.kind}:${s.error ?? 'ok'}`);
      assert.deepEqual(kinds, ['homepage:ok', 'pricing:ok', 'docs:ok']);
      assert.equal(out.tools[0]!.snapshots[0]!.facts.title, 'Acme agents');
      const paths = (await web.log()).map((l) => l.path);
      assert.deepEqual(paths.slice(0, 4), ['/robots.txt', '/acme/', '/acme/pricing', '/acme/docs']);
      const stored = await store.db.selectFrom('evidence').select(['kind', 'error']).execute();
      assert.equal(stored.length, 3);
    });

    test('an unparseable 20 MB body, a dripping body, a redirect loop and a redirect to 169.254.169.254: each a recorded failure or partial snapshot, every tool checked', async () => {
      const r = await verdictProcess(['research', 'huge', 'plain-text', 'drip', 'loop', 'metadata', 'acme', '--json'], env);
      assert.doesNotMatch(r.stderr, /Cannot destructure|TypeError/);
      // Sources failed, so the run says so with 1; never 13 (an unsettled await) or a crash.
      assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { tools: { tool: string; snapshots: { kind: string; error: string | null; facts: Record<string, unknown> }[] }[] };
      const home = (slug: string) => out.tools.find((t) => t.tool === slug)!.snapshots.find((s) => s.kind === 'homepage')!;
      assert.deepEqual(out.tools.map((t) => t.tool).sort(), ['acme', 'drip', 'huge', 'loop', 'metadata', 'plain-text']);
      // Cut at RESEARCH_MAX_BYTES and read as text: a partial snapshot, not a crash.
      assert.equal(home('huge').error, null);
      assert.equal(home('huge').facts.truncated, true);
      assert.equal(home('plain-text').error, null);
      assert.match(home('drip').error ?? '', /timed out/);
      assert.match(home('loop').error ?? '', /redirect loop/);
      assert.match(home('metadata').error ?? '', /refused/);
      assert.equal(home('acme').error, null);
      const stored = await store.db.selectFrom('evidence').innerJoin('tools', 'tools.id', 'evidence.toolId').select(['tools.slug', 'evidence.error']).execute();
      for (const slug of ['huge', 'plain-text', 'drip', 'loop', 'metadata']) assert.ok(stored.some((s) => s.slug === slug), `${slug} has a stored snapshot`);
    });
  });
}
