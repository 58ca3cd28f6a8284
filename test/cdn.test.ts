import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { castVote } from '../src/community/votes.repo.js';
import { addReview } from '../src/catalog/reviews.repo.js';
import { CdnPurger, PURGE_LIMITS } from '../src/web/cdn.js';
import { cdnPurgeFallbacks, cdnPurges } from '../src/ops/metrics.js';
import { claimCdnPurge, readVersions } from '../src/db/data-version.repo.js';
import { loadConfig } from '../src/config.js';
import { createSite } from '../src/web/site.js';
import { CRITICS } from './helpers/fixtures.js';

/**
 * Issue 19.5: Surrogate-Key / Cache-Tag on cached pages (hits, misses, compressed variants; none on personal pages),
 * and the purge hook: tags sent to a generic webhook and to Cloudflare's API (both fake servers on 127.0.0.1, the
 * real client code posting), batched, within one rate limit shared through the database, never failing a write.
 */

interface Received {
  path: string;
  auth: string | undefined;
  tags: string[];
}

/** A purge endpoint on 127.0.0.1 that records what it is sent; `status` is what it answers. */
async function fakeCdn(): Promise<{ url: string; received: Received[]; status: { code: number }; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const status = { code: 200 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ path: req.url ?? '', auth: req.headers.authorization, tags: (JSON.parse(body) as { tags: string[] }).tags });
      res.writeHead(status.code, { 'content-type': 'application/json' }).end(JSON.stringify({ success: status.code === 200, errors: [], messages: [], result: { id: 'x' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    status,
    server,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const waitFor = async <T,>(what: string, get: () => T | undefined, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

const ZONE = '0123456789abcdef0123456789abcdef';
const failures = async (target: string) => (await cdnPurges.get()).values.find((v) => v.labels.target === target && v.labels.outcome === 'failed')?.value ?? 0;

test('config: Cloudflare needs both the zone and the token; a bad webhook URL is refused', () => {
  assert.throws(() => loadConfig({ CLOUDFLARE_ZONE_ID: ZONE }), /CLOUDFLARE_API_TOKEN/);
  assert.throws(() => loadConfig({ CLOUDFLARE_API_TOKEN: 't' }), /CLOUDFLARE_ZONE_ID/);
  assert.throws(() => loadConfig({ CLOUDFLARE_ZONE_ID: 'nope', CLOUDFLARE_API_TOKEN: 't' }), /CLOUDFLARE_ZONE_ID/);
  assert.throws(() => loadConfig({ CDN_PURGE_URL: 'ftp://x' }), /CDN_PURGE_URL/);
  const c = loadConfig({ CLOUDFLARE_ZONE_ID: ZONE, CLOUDFLARE_API_TOKEN: 't' }).cdn;
  assert.equal(c.cloudflare?.apiUrl, 'https://api.cloudflare.com/client/v4');
  assert.equal(c.webhookUrl, undefined);
  assert.deepEqual(loadConfig({}).cdn, { webhookUrl: undefined, cloudflare: undefined });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`CDN tags and purges (${dialect})`, { skip }, () => {
    let s: TestSite;
    let cdn: Awaited<ReturnType<typeof fakeCdn>>;
    before(async () => {
      cdn = await fakeCdn();
      s = await startTestSite(dialect, {
        env: { CDN_PURGE_URL: `${cdn.url}/hook`, CLOUDFLARE_ZONE_ID: ZONE, CLOUDFLARE_API_TOKEN: 'cf-token', CLOUDFLARE_API_URL: `${cdn.url}/client/v4` },
      });
      // The demo catalog was written before the site started (as an import while no web process runs): the first
      // process up purges it.
      await waitFor('the purge of writes made before start', () => (cdn.received.length >= 2 ? true : undefined));
      assert.deepEqual(cdn.received.map((r) => r.tags), [['catalog'], ['catalog']]);
      cdn.received.length = 0;
    });
    after(async () => {
      await s?.close();
      await cdn?.close();
    });

    test('cached pages name what they show, on misses, hits and every encoding; personal pages name nothing', async () => {
      const a = (await findToolBySlug(s.store.db, 'smolvlm2'))!;
      const b = (await findToolBySlug(s.store.db, 'karpathy-coding-skills'))!;
      const expect: [string, string[]][] = [
        ['/tools/smolvlm2', ['catalog', `tool-${a.id}`]],
        ['/compare/karpathy-coding-skills-vs-smolvlm2', ['catalog', `tool-${b.id}`, `tool-${a.id}`]],
        ['/', ['catalog']],
        ['/tools?sort=ship', ['catalog']],
        ['/feed.xml', ['catalog', 'votes']],
        [`/api/v1/tools/smolvlm2`, ['catalog', `tool-${a.id}`]],
      ];
      for (const [path, tags] of expect) {
        for (const [cache, headers] of [
          ['miss', {}],
          ['hit', {}],
          ['hit', { 'accept-encoding': 'br' }],
          ['hit', { 'accept-encoding': 'gzip' }],
        ] as const) {
          const res = await s.get(path, { headers });
          assert.equal(res.status, 200, path);
          assert.equal(res.headers.get('x-cache'), cache, `${path} ${JSON.stringify(headers)}`);
          const keys = res.headers.get('surrogate-key')!.split(' ');
          assert.deepEqual([...keys].sort(), [...tags].sort(), `${path} Surrogate-Key (${cache}, ${JSON.stringify(headers)})`);
          assert.deepEqual(res.headers.get('cache-tag')!.split(','), keys, `${path} Cache-Tag`);
          if ('accept-encoding' in headers) assert.equal(res.headers.get('content-encoding'), headers['accept-encoding']);
          await res.arrayBuffer();
        }
      }
      // A visitor's own render: private, and tagged with nothing a CDN could keep it under.
      for (const cookie of ['verdict_v=abc', 'verdict_v =abc']) {
        const mine = await s.get('/tools/smolvlm2', { headers: { cookie } });
        assert.match(mine.headers.get('cache-control')!, /private/);
        assert.equal(mine.headers.get('surrogate-key'), null, cookie);
        assert.equal(mine.headers.get('cache-tag'), null, cookie);
      }
      // Not cached at all: no tags.
      const health = await s.get('/healthz');
      assert.equal(health.headers.get('surrogate-key'), null);
    });

    test('a vote purges its tool and "votes"; a review (written in the database, as the worker does) purges "catalog"; both targets', async () => {
      const tool = (await findToolBySlug(s.store.db, 'smolvlm2'))!;
      cdn.received.length = 0;
      await castVote(s.store.db, tool.id, 'v:cdn-test', 'ship');
      // No refreshVersion: the write is another process's as far as the site knows; its poll notices it.
      const voted = await waitFor('the vote purge', () => (cdn.received.length >= 2 ? cdn.received.slice() : undefined));
      const hook = voted.find((r) => r.path === '/hook')!;
      const cf = voted.find((r) => r.path === `/client/v4/zones/${ZONE}/purge_cache`)!;
      assert.deepEqual([...hook.tags].sort(), [`tool-${tool.id}`, 'votes'].sort(), 'the voted tool only');
      assert.deepEqual(cf.tags, hook.tags);
      assert.equal(cf.auth, 'Bearer cf-token');
      assert.equal(hook.auth, undefined, 'the token goes to Cloudflare only');

      cdn.received.length = 0;
      await addReview(s.store.db, { toolId: tool.id, critic: 'builder', kind: 'take', score: 71, verdict: 'ship', take: 'A new take, written by the worker.', reason: null, origin: 'panel', importSource: null, author: null, runId: null, model: 'm', promptVersion: 'p', inputTokens: 1, outputTokens: 1, latencyMs: 1, createdAt: new Date().toISOString() });
      const reviewed = await waitFor('the review purge', () => (cdn.received.length >= 2 ? cdn.received.slice() : undefined));
      for (const r of reviewed) assert.deepEqual(r.tags, ['catalog']);
      await sleep(PURGE_LIMITS.batchMs + 300);
      assert.equal(cdn.received.length, 2, 'one purge per target for the write, not one per poll');
    });

    test('two web processes on one database: each write is purged once, by whichever saw it first', async () => {
      const config = loadConfig({ PUBLIC_URL: 'http://verdict.test', CDN_PURGE_URL: `${cdn.url}/hook` });
      const other = await createSite(s.store, config, CRITICS);
      try {
        const tool = (await findToolBySlug(s.store.db, 'cursor'))!;
        await sleep(PURGE_LIMITS.batchMs + 300); // anything the second site's start found is out of the way
        cdn.received.length = 0;
        await castVote(s.store.db, tool.id, 'v:cdn-two-sites', 'skip');
        await waitFor('the purge', () => (cdn.received.some((r) => r.path === '/hook') ? true : undefined));
        await sleep(PURGE_LIMITS.batchMs + 500);
        const hooks = cdn.received.filter((r) => r.path === '/hook');
        assert.equal(hooks.length, 1, `one webhook call for one vote, not one per process: ${JSON.stringify(hooks)}`);
        assert.deepEqual([...hooks[0]!.tags].sort(), [`tool-${tool.id}`, 'votes'].sort());
      } finally {
        await other.close();
      }
    });

    test('each change is purged once however many processes see it (the claim in cdn_purged)', async () => {
      const v = await readVersions(s.store.db);
      await s.store.db.updateTable('dataVersion').set({ version: v.data + 5 }).where('id', '=', 1).execute();
      assert.equal(await claimCdnPurge(s.store.db, 'data', v.data + 5), true, 'first to see it');
      assert.equal(await claimCdnPurge(s.store.db, 'data', v.data + 5), false, 'the second process does not purge again');
      assert.equal(await claimCdnPurge(s.store.db, 'data', v.data + 4), false, 'nor does one that saw an older version');
    });
  });

  describe(`CDN purger: batches, shared rate limit, fallback, failures (${dialect})`, { skip }, () => {
    let store: TestStore;
    let cdn: Awaited<ReturnType<typeof fakeCdn>>;
    before(async () => {
      store = await freshStore(dialect);
      cdn = await fakeCdn();
    });
    after(async () => {
      await cdn?.close();
      await store?.close();
    });
    const limits = { perMinute: 3, tagsPerRequest: 2, batchMs: 50, timeoutMs: 1000 };
    const target = () => [{ name: 'webhook' as const, url: `${cdn.url}/hook`, headers: {} }];

    test('tags added together go out together, in requests of at most tagsPerRequest; too many become "catalog"; none left: they wait', async () => {
      await store.db.deleteFrom('rateLimits').execute();
      const a = new CdnPurger(store.db, target(), limits);
      cdn.received.length = 0;
      a.add(['tool-1', 'votes']);
      a.add(['tool-2', 'votes']);
      await waitFor('the batch', () => (cdn.received.length >= 2 ? true : undefined));
      await sleep(150);
      assert.deepEqual(cdn.received.map((r) => r.tags.length), [2, 1], 'three distinct tags, two requests');
      assert.deepEqual(cdn.received.flatMap((r) => r.tags).sort(), ['tool-1', 'tool-2', 'votes']);

      // One request left this minute; five tags would need three: one "catalog" purge instead of dropping any.
      const before = (await cdnPurgeFallbacks.get()).values[0]?.value ?? 0;
      cdn.received.length = 0;
      // A second process on the same database: the bucket is shared, so it has one request left too.
      const b = new CdnPurger(store.db, target(), limits);
      b.add(['tool-3', 'tool-4', 'tool-5', 'tool-6', 'tool-7']);
      await waitFor('the fallback', () => (cdn.received.length >= 1 ? true : undefined));
      assert.deepEqual(cdn.received[0]!.tags, ['catalog']);
      assert.equal((await cdnPurgeFallbacks.get()).values[0]!.value, before + 1);

      // None left: the tags wait for the next token (20 s at 3 a minute), not sent, not lost.
      cdn.received.length = 0;
      b.add(['tool-8']);
      await sleep(400);
      assert.equal(cdn.received.length, 0, 'over the limit nothing is sent');
      await a.close(10);
      await b.close(10);
    });

    test('a CDN that fails or is down never throws; it is counted and its tags are tried again', async () => {
      await store.db.deleteFrom('rateLimits').execute();
      const p = new CdnPurger(store.db, target(), { ...limits, perMinute: 60 });
      cdn.status.code = 500;
      cdn.received.length = 0;
      const failed = await failures('webhook');
      p.add(['tool-9']);
      await p.flush();
      assert.equal(await failures('webhook'), failed + 1, 'counted on /metrics');
      assert.equal(cdn.received.length, 1);
      // Down altogether: connection refused, still no throw.
      const down = new CdnPurger(store.db, [{ name: 'webhook', url: 'http://127.0.0.1:1/hook', headers: {} }], { ...limits, perMinute: 60 });
      down.add(['tool-10']);
      await down.flush();
      assert.equal(await failures('webhook'), failed + 2);
      await down.close(10);
      // Back up: the failed tag goes out with the next flush.
      cdn.status.code = 200;
      await p.flush();
      assert.deepEqual(cdn.received.at(-1)!.tags, ['tool-9']);
      await p.close(10);
    });
  });
}
