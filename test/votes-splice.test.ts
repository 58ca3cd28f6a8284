import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS } from './helpers/db.js';
import { CRITICS } from './helpers/fixtures.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { loadConfig } from '../src/config.js';
import { createSite, type Site } from '../src/web/site.js';
import { startServer, type RunningServer } from '../src/web/server.js';
import { castVote } from '../src/community/votes.repo.js';
import { addReview } from '../src/catalog/reviews.repo.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { summarizeVotes } from '../src/domain/summary.js';

/**
 * Issue 19, point 3: a vote costs no render. Pages declared `shows: 'votes'` (tool, compare) keep their cached copy
 * through votes: the counts are spliced in from the tools' stored figures (docs/decisions/029), in every encoding,
 * with new ETags, in this process and in another one on the same database; a review still re-renders.
 */

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Decoded as the content-encoding says. */
  text: string;
  encoding?: string;
}

/** A GET over node:http (fetch would ask for and decode encodings itself). */
function raw(base: string, path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const text = (enc === 'br' ? brotliDecompressSync(body) : enc === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, text, encoding: enc });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const ENCODINGS = [undefined, 'br', 'gzip'] as const;

for (const { dialect, skip } of DIALECTS) {
  describe(`votes splice into cached pages, no render (${dialect})`, { skip }, () => {
    let s: TestSite;
    // A second web process on the same database: its own site, cache and touch poll.
    let other: Site;
    let otherServer: RunningServer;
    before(async () => {
      s = await startTestSite(dialect);
      other = await createSite(s.store, loadConfig({ PUBLIC_URL: 'http://verdict.test' }), CRITICS);
      otherServer = await startServer(other, 0, '127.0.0.1');
    });
    after(async () => {
      await other?.close();
      await otherServer?.close();
      await s?.close();
    });

    const tool = '/tools/cursor';
    const pair = '/compare/cursor-vs-github-copilot';
    const three = '/compare?tools=claude-code,cursor,github-copilot';

    test('votes change the counts on the next view of tool and compare pages, in every encoding, without a render', async () => {
      const cursor = (await findToolBySlug(s.store.db, 'cursor'))!;
      const sites = [
        { base: s.url, site: s.site },
        { base: otherServer.url, site: other },
      ];
      const etags = new Map<string, string>();
      for (const { base } of sites)
        for (const path of [tool, pair, three])
          for (const enc of ENCODINGS) {
            await raw(base, path, enc);
            const warm = await raw(base, path, enc);
            assert.equal(warm.headers['x-cache'], 'hit', `${path} ${enc} warm`);
            assert.equal(warm.encoding, enc, `${path} sent as ${enc ?? 'identity'}`);
            etags.set(`${base}${path}${enc}`, String(warm.headers.etag));
          }
      const misses = sites.map((x) => x.site.cache.stats.misses);
      const before = cursor.communityShips + cursor.communitySkips;
      // Twelve distinct readers say skip: past MIN_VOTES, so labels, the crowd-versus-critics line and the compare
      // table's community row all move, not just a number.
      for (let i = 0; i < 12; i++) await castVote(s.store.db, cursor.id, `v:splice-${dialect}-${i}`, 'skip');
      await s.site.refreshVersion(); // as the vote route does; the other process learns by its poll
      const after = (await findToolBySlug(s.store.db, 'cursor'))!;
      const expected = summarizeVotes(after.communityShips, after.communitySkips).text;
      assert.equal(after.communityShips + after.communitySkips, before + 12);
      await sleep(400); // one touch poll (250 ms) for the other process

      for (const { base } of sites)
        for (const path of [tool, pair, three])
          for (const enc of ENCODINGS) {
            // The first view after the votes, in the encoding asked for (compressed again once, when spliced).
            const next = await raw(base, path, enc);
            assert.equal(next.headers['x-cache'], 'hit', `${base}${path} ${enc}: served from the cache, not rendered`);
            assert.equal(next.encoding, enc, `${path}: sent as ${enc ?? 'identity'}`);
            assert.ok(next.text.includes(expected), `${base}${path} ${enc}: shows "${expected}"`);
            assert.notEqual(String(next.headers.etag), etags.get(`${base}${path}${enc}`), `${path} ${enc}: new bytes, new ETag`);
            if (enc) assert.match(String(next.headers.etag), enc === 'br' ? /-br"$/ : /-gz"$/);
          }
      assert.deepEqual(
        sites.map((x) => x.site.cache.stats.misses),
        misses,
        'no page was rendered again',
      );
      assert.ok(sites.every((x) => x.site.cache.stats.spliced > 0));

      // What was spliced is exactly what a render gives now.
      for (const path of [tool, pair, three]) {
        const spliced = (await raw(s.url, path)).text;
        s.site.cache.clear();
        const rendered = await raw(s.url, path);
        assert.equal(rendered.headers['x-cache'], 'miss');
        assert.equal(spliced, rendered.text, `${path}: spliced bytes equal a fresh render`);
      }
      assert.match((await raw(s.url, tool)).text, /Critics and community disagree|class="notice disagree"|pill-skip/);
    });

    test('a review still drops the page: the next view renders it', async () => {
      const cursor = (await findToolBySlug(s.store.db, 'cursor'))!;
      await raw(s.url, tool);
      assert.equal((await raw(s.url, tool)).headers['x-cache'], 'hit');
      await addReview(s.store.db, {
        toolId: cursor.id,
        critic: 'builder',
        kind: 'take',
        score: 42,
        verdict: 'skip',
        take: 'A splice test take that the panel wrote again, long enough to be a take of its own.',
        reason: null,
        origin: 'panel',
        importSource: null,
        author: null,
        runId: null,
        model: 'test-model',
        promptVersion: 'panel-v1+builder.abcd1234',
        inputTokens: 1,
        outputTokens: 1,
        latencyMs: 1,
        createdAt: new Date().toISOString(),
      });
      await s.site.refreshVersion();
      const next = await raw(s.url, tool);
      assert.equal(next.headers['x-cache'], 'miss');
      assert.ok(next.text.includes('A splice test take'));
    });
  });
}
