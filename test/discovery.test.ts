import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFixtureProcess, verdictProcess, type FixtureProcess } from './helpers/fixture-process.js';
import { discoveryEnv, listings, type Tool } from './helpers/discovery-fixtures.js';
import { startFakeLlm, type FakeLlm } from './helpers/fake-llm.js';
import { CRITIC_IDS, toolDoc } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { toolFieldsSchema } from '../src/domain/schemas.js';
import { identityKeys, normalizeUrl } from '../src/discovery/identity.js';
import { relevance } from '../src/discovery/relevance.js';
import { parseFeed } from '../src/discovery/sources/feed-parse.js';

const TOOLS: Tool[] = [
  // One tool, three sources: merged into one candidate listing each.
  { name: 'Acme Agent', home: '/t/acme', description: 'An open-source LLM agent that ships pull requests', hn: { id: 101, points: 150 }, github: { full: 'acme/agent', stars: 800, license: 'MIT' }, npm: { name: 'acme-agent', weekly: 5000 } },
  { name: 'PixelForge', home: '/t/pixelforge', description: 'Diffusion image generator', hf: { id: 'forge/pixelforge', likes: 40, pipeline: 'text-to-image' } },
  { name: 'Quillpad', home: '/t/quillpad', description: 'A markdown editor for writers', hn: { id: 102, points: 200 } },
  { name: 'Smith', home: '/t/smith', description: 'A deployment agent for your servers', hn: { id: 103, points: 90 } },
  { name: 'Tiny Repo', home: '/t/tiny', description: 'LLM experiments', github: { full: 'someone/tiny', stars: 10 } },
  { name: 'DeadLink', home: null, description: 'An LLM router', hn: { id: 104, points: 100 } },
  { name: 'Known', home: '/t/known', description: 'An AI tool already listed', hn: { id: 105, points: 300 } },
  { name: 'llm-tidy', home: '/t/llm-tidy', description: 'Clean up LLM prompts and outputs', pypi: { name: 'llm-tidy' } },
  { name: 'flask-thing', home: '/t/flask-thing', description: 'A web framework helper', pypi: { name: 'flask-thing' } },
  { name: 'FeedAI', home: '/t/feedai', description: 'An AI notetaker for meetings', feed: true },
  { name: 'AtomBot', home: '/t/atombot', description: 'A GPT chatbot for support teams', feed: true },
  { name: 'JsonGen', home: '/t/jsongen', description: 'Generative art studio', feed: true },
  { name: 'HuntAI', home: '/t/huntai', description: 'AI video editor for creators', ph: { id: 'huntai', votes: 300 } },
];

test('URLs normalise and items key by stable identity', () => {
  assert.equal(normalizeUrl('https://WWW.Example.com/App/?utm_source=hn&ref=x&fbclid=1&gclid=2&q=1#top'), 'example.com/App?q=1');
  assert.deepEqual(identityKeys({ url: 'https://acme.dev/', repo: 'https://github.com/Acme/Agent.git' }), ['github:acme/agent', 'url:acme.dev']);
  assert.deepEqual(identityKeys({ url: 'https://huggingface.co/spaces/a/b' }), ['hf:space:a/b', 'url:huggingface.co/spaces/a/b']);
  assert.deepEqual(identityKeys({ url: 'https://github.com/' }), [], 'a shared host\'s root is nobody\'s homepage');
  assert.deepEqual(identityKeys({ url: 'https://pypi.org/project/LLM_Tidy/', npm: '@x/y' }), ['pypi:llm-tidy', 'npm:@x/y', 'url:pypi.org/project/LLM_Tidy']);
  assert.equal(relevance({ name: 'Quillpad', description: 'A markdown editor', tags: [] }).kind, 'not-ai');
  assert.equal(relevance({ name: 'Smith', description: 'A deployment agent', tags: [] }).kind, 'unclear');
  assert.equal(relevance({ name: 'x', description: 'Chat with your PDFs using an LLM', tags: [] }).kind, 'ai');
  assert.equal(relevance({ name: 'Email Trainer', description: 'Train your email habits', tags: [] }).kind, 'not-ai', '"ai" inside a word is not AI');
});

test('feeds parse as RSS 2.0, Atom and JSON Feed', () => {
  const routes = listings('http://x', TOOLS);
  const rss = parseFeed(routes['/feeds/rss.xml']!.body as string, 'application/rss+xml');
  const atom = parseFeed(routes['/feeds/atom.xml']!.body as string, 'application/atom+xml');
  const json = parseFeed(JSON.stringify(routes['/feeds/feed.json']!.body), 'application/feed+json');
  assert.deepEqual([rss[0]!.title, atom[0]!.title, json[0]!.title], ['FeedAI', 'AtomBot', 'JsonGen']);
  assert.equal(atom[0]!.link, 'http://x/t/atombot');
  assert.throws(() => parseFeed('<html></html>', 'text/html'), /not RSS 2.0, Atom or JSON Feed/);
});

for (const { dialect, skip } of DIALECTS) {
  describe(`verdict discover as its own process, against every source's response shape (${dialect})`, { skip }, () => {
    let store: TestStore;
    let web: FixtureProcess;
    let env: Record<string, string>;

    before(async () => {
      store = await freshStore(dialect);
      web = await startFixtureProcess();
      await web.set(listings(web.origin, TOOLS));
      await importTools(store.db, parseImport({ tools: [toolDoc('known', { url: `${web.origin}/t/known/` })] }, { threshold: 60, critics: CRITIC_IDS }));
      env = { DATABASE_URL: store.location, ...discoveryEnv(web.origin), PRODUCT_HUNT_TOKEN: 'ph-test-token' };
    });
    after(async () => {
      await web.close();
      await store.close();
    });

    const pending = () => store.db.selectFrom('submissions').selectAll().where('status', '=', 'pending').orderBy('id').execute();

    test('--dry-run reports what would happen and writes nothing', async () => {
      const r = await verdictProcess(['discover', '--dry-run', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { items: { name: string; outcome: string }[] };
      assert.ok(out.items.some((i) => i.name === 'Acme Agent' && i.outcome === 'proposed'));
      assert.equal((await pending()).length, 0);
      assert.equal((await store.db.selectFrom('stageRuns').selectAll().execute()).length, 0);
    });

    test('each item gets an outcome; AI tools are queued once per tool, with every source that listed them', async () => {
      const r = await verdictProcess(['discover', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { sources: { id: string; items: number; error?: string }[]; items: { source: string; name: string; outcome: string; detail: string }[] };
      assert.deepEqual(out.sources.map((s) => s.id).sort(), ['feeds', 'github', 'hn', 'huggingface', 'npm', 'producthunt', 'pypi']);
      assert.ok(out.sources.every((s) => !s.error), JSON.stringify(out.sources));
      const outcome = (name: string) => [...new Set(out.items.filter((i) => i.name.toLowerCase() === name.toLowerCase()).map((i) => i.outcome))];
      assert.deepEqual(outcome('Acme Agent'), ['proposed']);
      assert.deepEqual(outcome('Quillpad'), ['not-ai']);
      assert.deepEqual(outcome('Smith'), ['not-ai'], 'unclear, and no LLM to decide');
      assert.deepEqual(outcome('Tiny'), ['below-threshold']);
      assert.deepEqual(outcome('DeadLink'), ['unreachable']);
      assert.deepEqual(outcome('Known'), ['catalog']);
      assert.deepEqual(outcome('flask-thing'), ['not-ai']);
      for (const n of ['pixelforge', 'llm-tidy', 'FeedAI', 'AtomBot', 'JsonGen', 'HuntAI']) assert.deepEqual(outcome(n), ['proposed'], n);
      const rows = await pending();
      assert.deepEqual(rows.map((s) => s.name).sort(), ['Acme Agent', 'AtomBot', 'FeedAI', 'HuntAI', 'JsonGen', 'llm-tidy', 'pixelforge']);
      const acme = rows.find((s) => s.name === 'Acme Agent')!;
      const found = JSON.parse(acme.foundBy!) as { label: string; signal: string }[];
      assert.deepEqual(found.map((f) => `${f.label}, ${f.signal}`).sort(), ['GitHub, 800 stars', 'Show HN, 150 points', 'npm, 5k weekly downloads']);
      assert.equal(acme.origin, 'discovery');
      assert.equal(acme.pricingModel, 'open-source');
      assert.equal(acme.license, 'MIT');
      const keys = await store.db.selectFrom('candidateKeys').select('key').where('submissionId', '=', acme.id).execute();
      assert.ok(keys.some((k) => k.key === 'github:acme/agent') && keys.some((k) => k.key === 'npm:acme-agent'));
      // Every draft passes the import format's own validation; pricing is never invented.
      for (const s of rows) {
        const parsed = toolFieldsSchema.safeParse({ slug: s.slug, name: s.name, tagline: s.tagline, description: s.description, category: s.category, pricing: { model: s.pricingModel, entry: s.pricingEntry, ...(s.license ? { license: s.license } : {}) }, url: s.url, ...(s.repo ? { repo: s.repo } : {}), tags: JSON.parse(s.tags ?? '[]') });
        assert.ok(parsed.success, `${s.name}: ${parsed.success ? '' : parsed.error.message}`);
      }
      assert.equal(rows.find((s) => s.name === 'FeedAI')!.pricingModel, 'unknown');
    });

    test('a second run proposes nothing: every tool is waiting, listed, or left out again', async () => {
      const before = (await pending()).length;
      const r = await verdictProcess(['discover', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { counts: Record<string, number> };
      assert.equal(out.counts.proposed, 0);
      assert.equal(out.counts.merged, 0);
      assert.ok((out.counts.waiting ?? 0) >= 7);
      assert.equal((await pending()).length, before);
    });

    test('a rejection is remembered by identity, and the list and its JSON show where each was found', async () => {
      const feedai = (await pending()).find((s) => s.name === 'FeedAI')!;
      assert.equal((await verdictProcess(['submissions', 'reject', String(feedai.id), '--reason', 'a notetaker, not a tool we cover'], env)).code, 0);
      // The same tool under another name and with tracking parameters on its URL.
      await web.set({ '/feeds/feed.json': { type: 'application/feed+json', body: { version: 'https://jsonfeed.org/version/1.1', title: 'x', items: [{ id: '1', url: `${web.origin}/t/feedai/?utm_source=newsletter`, title: 'FeedAI 2 — the AI notetaker', content_text: 'AI meeting notes' }] } } });
      const r = await verdictProcess(['discover', '--source', 'feeds', '--json'], env);
      const out = JSON.parse(r.stdout) as { items: { name: string; outcome: string }[] };
      // FeedAI from the RSS feed and "FeedAI 2" from the JSON Feed: both the rejected tool; AtomBot still waits.
      assert.deepEqual(out.items.map((i) => `${i.name}: ${i.outcome}`).sort(), ['AtomBot: waiting', 'FeedAI 2: rejected', 'FeedAI: rejected']);
      const list = await verdictProcess(['submissions', 'list'], env);
      assert.match(list.stdout, /found by Show HN, 150 points · GitHub, 800 stars · npm, 5k weekly downloads|found by GitHub, 800 stars · Show HN, 150 points · npm, 5k weekly downloads|found by (GitHub|npm|Show HN)/);
      const json = JSON.parse((await verdictProcess(['submissions', 'list', '--json'], env)).stdout) as { submissions: { origin: string; foundBy: { label: string }[] }[] };
      assert.ok(json.submissions.every((s) => s.origin === 'discovery' && s.foundBy.length >= 1));
    });
  });
}

describe('rate limits and the optional classification call (sqlite)', () => {
  let store: TestStore;
  let web: FixtureProcess;
  let fake: FakeLlm;
  let env: Record<string, string>;

  before(async () => {
    store = await freshStore('sqlite');
    web = await startFixtureProcess();
    fake = await startFakeLlm(({ body }) => {
      const text = JSON.stringify(body.messages);
      return { content: JSON.stringify({ classification: { aiTool: /Smith/.test(text), reason: 'deploys servers; no AI in it' } }), usage: { prompt_tokens: 70, completion_tokens: 9 } };
    });
    const tools: Tool[] = [
      { name: 'Smith', home: '/t/smith', description: 'A deployment agent for your servers, driven by an LLM planner', hn: { id: 1, points: 90 } },
      { name: 'Herd', home: '/t/herd', description: 'A deployment agent for your servers', hn: { id: 2, points: 90 } },
    ];
    await web.set(listings(web.origin, tools));
    // "LLM planner" makes Smith plainly AI by the rules; Herd is unclear and goes to the model.
    env = { DATABASE_URL: store.location, ...discoveryEnv(web.origin), LLM_BASE_URL: fake.url, LLM_MODEL: 'fake', DISCOVERY_SOURCES: 'hn,github', DISCOVERY_MAX_WAIT_MS: '2000' };
  });
  after(async () => {
    await fake.close();
    await web.close();
    await store.close();
  });

  test('listings are asked conditionally: an unchanged one answers 304 and lists nothing new', async () => {
    const rss = listings(web.origin, [{ name: 'llm-tidy', home: '/t/llm-tidy', description: 'Clean up LLM prompts', pypi: { name: 'llm-tidy' } }]);
    await web.set({ ...rss, '/pypi/rss/packages.xml': { ...rss['/pypi/rss/packages.xml']!, headers: { etag: '"pypi-1"' } } });
    const first = JSON.parse((await verdictProcess(['discover', '--source', 'pypi', '--json'], env)).stdout) as { sources: { items: number }[] };
    assert.equal(first.sources[0]!.items, 1);
    const second = await verdictProcess(['discover', '--source', 'pypi', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { sources: { items: number }[] }).sources[0]!.items, 0);
    const asked = (await web.log()).filter((l) => l.path === '/pypi/rss/packages.xml');
    assert.equal(asked.at(-1)!.headers['if-none-match'], '"pypi-1"');
    assert.match(String(asked.at(-1)!.headers['user-agent']), /VerdictBot/);
  });

  test('GitHub out of requests (403, X-RateLimit-Remaining 0, reset in an hour) stops that source after one request; a 429 with Retry-After 1 is waited out once', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    await web.set({
      '/gh/search/repositories': { status: 403, type: 'application/json', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } },
    });
    const hn = listings(web.origin, [{ name: 'Herd', home: '/t/herd', description: 'A deployment agent for your servers', hn: { id: 2, points: 90 } }])['/hn/search_by_date']!;
    await web.set({ '/hn/search_by_date': { ...hn, first: { status: 429, type: 'application/json', headers: { 'retry-after': '1' }, body: { message: 'slow down' } } } });
    const seen = (await web.log()).length;
    const r = await verdictProcess(['discover', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { sources: { id: string; stopped?: boolean; error?: string; items: number }[]; items: { name: string; outcome: string; detail: string }[]; classification: { calls: number; tokens: number } };
    const gh = out.sources.find((s) => s.id === 'github')!;
    assert.equal(gh.stopped, true, JSON.stringify(gh));
    assert.match(gh.error!, /rate limit used up|rate limited/);
    const log = (await web.log()).slice(seen);
    assert.equal(log.filter((l) => l.path.startsWith('/gh/search/')).length, 1, 'one search, then the source stopped for the run');
    assert.equal(log.filter((l) => l.path.startsWith('/hn/search_by_date')).length, 2, 'the 429, then one retry after Retry-After');
    // The unclear item went to the model, as delimited data, and its tokens were counted.
    assert.equal(out.classification.calls, 1);
    assert.equal(out.classification.tokens, 79);
    assert.match(JSON.stringify(fake.requests[0]!.body.messages), /<item>/);
    assert.equal(out.items.find((i) => i.name === 'Herd')!.outcome, 'not-ai');
    const usage = await store.db.selectFrom('llmUsage').selectAll().execute();
    assert.deepEqual(usage.map((u) => [u.purpose, u.inputTokens, u.outputTokens]), [['discovery.classify', 70, 9]]);
  });
});
