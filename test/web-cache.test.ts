import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { openStore } from '../src/db/db.js';
import { PageCache, etagMatches } from '../src/web/cache.js';
import { LIST_STALE_MS } from '../src/web/site.js';
import { toolsTouchedSince } from '../src/db/data-version.repo.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { castVote } from '../src/community/votes.repo.js';

test('page cache: bounded by bytes, least recently used first, one data version', () => {
  const page = (n: number, version = 1) => ({ status: 200, body: Buffer.alloc(n), etag: '"x"', headers: [], version });
  const cache = new PageCache(1000);
  cache.set('/a', page(200));
  cache.set('/b', page(200));
  cache.set('/c', page(200));
  assert.ok(cache.get('/a', 1)); // /a is now the most recently used
  cache.set('/d', page(200));
  cache.set('/e', page(200));
  assert.equal(cache.size.bytes, 1000);
  cache.set('/f', page(200));
  assert.equal(cache.get('/b', 1), undefined, 'least recently used went first');
  assert.ok(cache.get('/a', 1));
  assert.ok(cache.size.bytes <= 1000);
  assert.equal(cache.get('/a', 2), undefined, 'a newer data version makes it stale');
  cache.set('/huge', page(600));
  assert.equal(cache.get('/huge', 1), undefined, 'a page larger than a quarter of the cache is not kept');
  assert.ok(etagMatches('W/"x", "y"', '"y"'));
  assert.ok(etagMatches('*', '"y"'));
  assert.ok(!etagMatches('"z"', '"y"'));
  assert.ok(!etagMatches(undefined, '"y"'));
});

for (const { dialect, skip } of DIALECTS) {
  describe(`page cache over HTTP (${dialect})`, { skip }, () => {
    let s: TestSite;
    before(async () => (s = await startTestSite(dialect)));
    after(() => s?.close());

    test('ETag, 304 on If-None-Match, public Cache-Control, security headers on cached bytes', async () => {
      const first = await s.get('/tools/smolvlm2');
      assert.equal(first.status, 200);
      const etag = first.headers.get('etag')!;
      assert.match(etag, /^"[\w-]+"$/);
      assert.match(first.headers.get('cache-control')!, /public/);
      const body = await first.text();
      const second = await s.get('/tools/smolvlm2');
      assert.equal(second.headers.get('x-cache'), 'hit');
      assert.equal(second.headers.get('etag'), etag);
      assert.equal(await second.text(), body);
      assert.match(second.headers.get('content-security-policy')!, /script-src 'self'/);
      assert.equal(second.headers.get('x-content-type-options'), 'nosniff');
      const notModified = await s.get('/tools/smolvlm2', { headers: { 'if-none-match': etag } });
      assert.equal(notModified.status, 304);
      assert.equal(await notModified.text(), '');
    });

    test('a write by another connection invalidates cached pages within a moment', async () => {
      const before = await (await s.get('/tools/cursor')).text();
      assert.ok(!before.includes('A brand new tagline'));
      const other = await openStore(dialect === 'sqlite' ? { kind: 'sqlite', file: s.store.location } : { kind: 'postgres', url: s.store.location });
      try {
        await other.db.updateTable('tools').set({ tagline: 'A brand new tagline' }).where('slug', '=', 'cursor').execute();
      } finally {
        await other.close();
      }
      let page = '';
      for (let i = 0; i < 40 && !page.includes('A brand new tagline'); i++) {
        await sleep(50);
        page = await (await s.get('/tools/cursor')).text();
      }
      assert.ok(page.includes('A brand new tagline'), 'the page shows the new data');
    });

    test('per-version values are bounded in number and all dropped when the data changes', async () => {
      let loads = 0;
      const load = async () => ++loads;
      await s.site.perVersion('memo-test:first', load);
      await s.site.perVersion('memo-test:first', load);
      assert.equal(loads, 1, 'kept');
      for (let i = 0; i < 5000; i++) await s.site.perVersion(`memo-test:${i}`, load);
      await s.site.perVersion('memo-test:first', load);
      assert.equal(loads, 5002, 'the oldest went when 5,000 newer ones came');
      await s.site.perVersion('memo-test:4999', load);
      assert.equal(loads, 5002);
      await s.store.db.updateTable('tools').set({ tagline: 'Changed for the memo test' }).where('slug', '=', 'aider').execute();
      await s.site.refreshVersion();
      await s.site.perVersion('memo-test:4999', load);
      assert.equal(loads, 5003, 'a data change drops it');
    });

    test('pages that show no vote counts stay cached through votes; the feed, which shows them, does not', async () => {
      const quiet = ['/', '/search?q=agent', '/critics', '/critics/builder', '/categories', '/categories/developer-tools', '/methodology', '/feeds', '/submit', '/signin', '/sitemap.xml', '/robots.txt', '/tools/aider/report'];
      for (const path of [...quiet, '/feed.xml']) await s.get(path);
      const tool = (await findToolBySlug(s.store.db, 'cursor'))!;
      await castVote(s.store.db, tool.id, 'v:cache-test-voter', 'skip');
      await s.site.refreshVersion();
      await sleep(LIST_STALE_MS + 200);
      for (const path of quiet) assert.equal((await s.get(path)).headers.get('x-cache'), 'hit', path);
      assert.equal((await s.get('/feed.xml')).headers.get('x-cache'), 'miss', 'the feed shows community counts');
    });

    test('the touch poll pages through a run of tools stamped by one write without skipping any', async () => {
      const ids = (await s.store.db.selectFrom('tools').select('id').orderBy('id').limit(5).execute()).map((r) => r.id);
      const touch = 1_000_000_000;
      await s.store.db.updateTable('tools').set({ touched: touch }).where('id', 'in', ids).execute();
      const first = await toolsTouchedSince(s.store.db, { touched: touch - 1, id: 0 }, 3);
      const rest = await toolsTouchedSince(s.store.db, first.at(-1)!, 3);
      assert.deepEqual([...first, ...rest].map((r) => r.id), ids);
      await s.store.db.updateTable('tools').set({ touched: 0 }).where('id', 'in', ids).execute();
    });

    test('errors are never cached and never show a stack trace', async () => {
      await (await s.get('/tools/nope-nope')).text();
      // The second request is the one a cached 404 would answer.
      const r = await s.get('/tools/nope-nope');
      assert.equal(r.status, 404);
      assert.notEqual(r.headers.get('x-cache'), 'hit');
      const text = await r.text();
      assert.ok(!/\bat .*\.ts:\d+/.test(text));
    });
  });
}
