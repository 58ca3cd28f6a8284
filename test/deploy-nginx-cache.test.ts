import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore } from './helpers/db.js';
import { freePort, sleep, startServerProcess } from './helpers/process.js';
import { NAME, nginxSkip, startNginx, type Reply } from './helpers/nginx.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { addReview } from '../src/catalog/reviews.repo.js';

/**
 * Issue 19.5: deploy/nginx.conf's shared cache, as shipped, in front of the app as deploy/verdict.service runs it.
 *  (a) a page is updated within 2 s of a vote (through nginx) and of a review (written in the database, as the
 *      worker or the CLI writes one, by another process as far as the app knows);
 *  (b) no personal page (a voter's, a bookmarks page, a signed-in reader's, a `verdict_v =` cookie with a space) is
 *      stored in or served from the shared cache: nginx says BYPASS, the next anonymous reader gets nothing personal,
 *      and no file in the cache directory holds anything personal;
 *  (c) Surrogate-Key and Cache-Tag through nginx, on a tool, a compare and a catalog page.
 * Needs nginx and openssl: CI installs them (.ci/run) and refuses to skip.
 */

const status = (r: Reply) => String(r.headers['x-cache-status'] ?? '');
/** Answered from nginx's copy: HIT, or STALE/UPDATING when the copy's second just ended and nginx is asking the app. */
const fromCache = (r: Reply) => ['HIT', 'STALE', 'UPDATING'].includes(status(r));
/** The text of the tool page's own community line ("No community votes yet", then "1 vote so far · 1 ship / 0 skip"). */
const summaryOf = (html: string) => /verdict-label">Community<\/span>\s*<div class="verdict-values">\s*<span[^>]*>([^<]*)</.exec(html)?.[1] ?? '';

/** Every file under dir, read whole (nginx's cache files: a header, the response headers, the body). */
function filesUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(readFileSync(p));
  }
  return out;
}

describe('deploy/nginx.conf shared cache in front of the app', { skip: nginxSkip }, () => {
  test('pages update within 2 s of a vote and a review; personal pages never cached; tags through nginx', async () => {
    const store = await freshStore('sqlite');
    const outbox = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
    const appPort = await freePort();
    const app = await startServerProcess({
      PORT: String(appPort),
      DATABASE_URL: store.location,
      PUBLIC_URL: `https://${NAME}`,
      TRUST_PROXY: 'loopback',
      WORKER: 'false',
      SECRET: 'nginx-test-secret-0123456789abcdef',
      OUTBOX_DIR: outbox,
    });
    const nginx = await startNginx(appPort);
    const { https } = nginx;
    try {
      const smol = (await findToolBySlug(store.db, 'smolvlm2'))!;
      const karpathy = (await findToolBySlug(store.db, 'karpathy-coding-skills'))!;

      // Warm: nginx stores the page and then answers it itself.
      const first = await https('/tools/smolvlm2');
      assert.equal(first.status, 200);
      assert.equal(status(first), 'MISS');
      const warm = await https('/tools/smolvlm2');
      assert.ok(fromCache(warm), `the second anonymous view comes from nginx (${status(warm)})`);
      assert.equal(warm.body, first.body);
      assert.notEqual(warm.headers['x-request-id'], first.headers['x-request-id'], 'each reader gets its own request id, not the one that filled the cache');
      assert.match(String(warm.headers['x-request-id']), /^[0-9a-f]{32}$/);
      // The app tells nginx how long (until the current second ends); nginx keeps that to itself.
      assert.match(String((await fetch(`${app.url}/tools/smolvlm2`)).headers.get('x-accel-expires')), /^@\d{10}$/);
      assert.equal(warm.headers['x-accel-expires'], undefined);

      // (c) Tags, on nginx's hits as on the app's answers.
      const tags: [string, string[]][] = [
        ['/tools/smolvlm2', ['catalog', `tool-${smol.id}`]],
        ['/compare/karpathy-coding-skills-vs-smolvlm2', ['catalog', `tool-${karpathy.id}`, `tool-${smol.id}`]],
        ['/tools', ['catalog']],
      ];
      for (const [path, want] of tags) {
        for (let i = 0; i < 2; i++) {
          const r = await https(path, { headers: { 'accept-encoding': 'br' } });
          assert.equal(r.status, 200, path);
          assert.equal(r.headers['content-encoding'], 'br', `${path}: the brotli variant`);
          assert.deepEqual(String(r.headers['surrogate-key']).split(' ').sort(), [...want].sort(), `${path} Surrogate-Key (${status(r)})`);
          assert.deepEqual(String(r.headers['cache-tag']).split(',').sort(), [...want].sort(), `${path} Cache-Tag (${status(r)})`);
          if (i === 1) assert.ok(fromCache(r), `${path}: ${status(r)}`);
        }
      }
      // One copy per encoding: identity and brotli readers of one URL do not get each other's bytes.
      const plain = await https('/tools/smolvlm2');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(fromCache(plain), status(plain));

      // (a) A vote through nginx: the anonymous page shows it within 2 s.
      const before = summaryOf(warm.body);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(warm.body)![1]!;
      const sameSite = { 'content-type': 'application/x-www-form-urlencoded', origin: `https://${NAME}`, 'sec-fetch-site': 'same-origin' };
      const vote = await https('/tools/smolvlm2/vote', { method: 'POST', body: new URLSearchParams({ vote: 'ship', _csrf: csrf }).toString(), headers: sameSite });
      assert.equal(vote.status, 303, vote.body.slice(0, 300));
      const voted = Date.now();
      const cookie = ([] as string[]).concat(vote.headers['set-cookie'] ?? []).find((c) => c.startsWith('verdict_v='))!.split(';')[0]!;
      const seen: string[] = [];
      let after = before;
      while (after === before) {
        assert.ok(Date.now() - voted < 2000, `the vote did not show within 2 s (saw ${seen.join(', ')})`);
        await sleep(50);
        const r = await https('/tools/smolvlm2');
        seen.push(status(r));
        after = summaryOf(r.body);
      }
      const voteMs = Date.now() - voted;
      assert.ok(voteMs < 2000, `the vote showed after ${voteMs} ms`);
      assert.match(after, /1 ship \/ 0 skip/, 'the community line counts the vote');
      assert.match(before, /No community votes yet/);
      console.log(`# vote shown through nginx after ${voteMs} ms (${seen.join(' ')})`);

      // (a) A review written in the database by another process, as the worker writes the panel's.
      const take = 'Checked again through the shared cache: still the smallest model that reads a chart well.';
      await addReview(store.db, { toolId: smol.id, critic: 'builder', kind: 'take', score: 81, verdict: 'ship', take, reason: null, origin: 'panel', importSource: null, author: null, runId: null, model: 'm', promptVersion: 'p', inputTokens: 1, outputTokens: 1, latencyMs: 1, createdAt: new Date().toISOString() });
      const reviewed = Date.now();
      seen.length = 0;
      for (;;) {
        const r = await https('/tools/smolvlm2');
        seen.push(status(r));
        if (r.body.includes(take)) break;
        assert.ok(Date.now() - reviewed < 2000, `the review did not show within 2 s (saw ${seen.join(', ')})`);
        await sleep(50);
      }
      const reviewMs = Date.now() - reviewed;
      assert.ok(reviewMs < 2000, `the review showed after ${reviewMs} ms`);
      console.log(`# review shown through nginx after ${reviewMs} ms (${seen.join(' ')})`);

      // (b) Personal pages. The voter's own view of the tool: their vote pressed, never from or into the cache.
      const mine = await https('/tools/smolvlm2', { headers: { cookie } });
      assert.match(mine.body, /You voted ship\./);
      assert.equal(status(mine), 'BYPASS');
      assert.match(String(mine.headers['cache-control']), /private/);
      assert.equal(mine.headers['surrogate-key'], undefined, 'a personal page carries no tags');
      // A bookmark and the bookmarks page.
      const vCsrf = /name="_csrf" value="([^"]+)"/.exec(mine.body)![1]!;
      const mark = await https('/tools/smolvlm2/bookmark', { method: 'POST', body: new URLSearchParams({ action: 'add', _csrf: vCsrf }).toString(), headers: { ...sameSite, cookie } });
      assert.equal(mark.status, 303, mark.body.slice(0, 300));
      const shelf = await https('/bookmarks', { headers: { cookie } });
      assert.equal(status(shelf), 'BYPASS');
      assert.match(shelf.body, /href="\/tools\/smolvlm2"/);
      // The same cookie as issue 16 found it: a space before "=" still names verdict_v, for the app and for nginx.
      const spaced = await https('/tools/smolvlm2', { headers: { cookie: cookie.replace('verdict_v=', 'verdict_v =') } });
      assert.equal(status(spaced), 'BYPASS');
      assert.match(spaced.body, /You voted ship\./, 'the app read the spaced cookie as the visitor');
      // Signed in, by the emailed link.
      const signinPage = await https('/signin', { headers: { cookie } });
      const sCsrf = /name="_csrf" value="([^"]+)"/.exec(signinPage.body)![1]!;
      const email = 'cache-reader@example.org';
      const asked = await https('/signin', { method: 'POST', body: new URLSearchParams({ email, _csrf: sCsrf }).toString(), headers: { ...sameSite, cookie } });
      assert.equal(asked.status, 200, asked.body.slice(0, 300));
      const mail = readdirSync(outbox).find((f) => f.endsWith('.eml'))!;
      const token = decodeURIComponent(/token=([^&\s]+)/.exec(readFileSync(join(outbox, mail), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='))![1]!);
      const signed = await https('/signin/verify', { method: 'POST', body: new URLSearchParams({ token, _csrf: sCsrf }).toString(), headers: { ...sameSite, cookie } });
      assert.equal(signed.status, 303, signed.body.slice(0, 300));
      const account = ([] as string[]).concat(signed.headers['set-cookie'] ?? []).find((c) => c.startsWith('verdict_v='))!.split(';')[0]!;
      const signedIn = await https('/tools/smolvlm2', { headers: { cookie: `theme=dark; ${account}` } });
      assert.ok(signedIn.body.includes(email), 'the signed-in page names the reader');
      assert.equal(status(signedIn), 'BYPASS');

      // The next anonymous readers get nothing personal, from nginx's cache or the app.
      for (const path of ['/tools/smolvlm2', '/bookmarks', '/', '/signin']) {
        const anon = await https(path);
        assert.notEqual(status(anon), 'BYPASS', path);
        assert.ok(!anon.body.includes('You voted'), `${path}: no one's vote`);
        assert.ok(!anon.body.includes(email), `${path}: no one's email`);
        assert.ok(!anon.body.includes('href="/tools/smolvlm2" aria-pressed="true"'), `${path}: no one's bookmark`);
      }
      // Nothing personal was ever written to the cache directory (the test asked for no compression: plain bytes).
      const stored = filesUnder(nginx.cacheDir);
      assert.ok(stored.length > 0, 'nginx stored the public pages');
      for (const f of stored) {
        const text = f.toString('latin1');
        assert.ok(!text.includes('You voted'), 'a voter page in the cache');
        assert.ok(!text.includes(email), 'a signed-in page in the cache');
        assert.ok(!/set-cookie/i.test(text), 'an answer that set a cookie in the cache');
        assert.ok(!text.includes('verdict_v'), 'a visitor id in the cache');
        assert.ok(!/cache-control: [^\r\n]*(private|no-store)/i.test(text), 'a private answer in the cache');
      }

      // Not cached at all: the operating endpoints, the admin, answers the app calls private.
      for (const path of ['/healthz', '/readyz', '/admin', '/bookmarks']) {
        await https(path);
        const again = await https(path);
        assert.ok(!fromCache(again) && status(again) !== 'REVALIDATED', `${path} came from the cache: ${status(again)}`);
      }
    } finally {
      await nginx.stop();
      assert.equal(await app.stop(), 0);
      await store.close();
      rmSync(outbox, { recursive: true, force: true });
    }
  });
});
