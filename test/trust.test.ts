import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { getSecret, signValue } from '../src/community/secret.js';
import { createVisitor } from '../src/community/visitor.js';
import { findOrCreateUser } from '../src/community/accounts.repo.js';
import { csrfTokenFor } from '../src/web/visitor.js';

/**
 * Issue 16, "Trust fixes". Point 1: a response rendered for a visitor must never reach the shared page cache,
 * whatever the Cookie header looked like (`verdict_v =…` was read as the visitor by Hono's parser but not by
 * the cache's regex, so the signed-in page was stored under the anonymous key and served to everyone).
 */

/** Raw HTTP, so the Cookie header goes out exactly as written (tabs, quotes, odd spacing). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every page type the shared cache stores (HTML, feeds, sitemaps, badges, the suggest API). */
const CACHED_PAGES = [
  '/',
  '/critics',
  '/critics/builder',
  '/methodology',
  '/search?q=vision',
  '/submit',
  '/submit/thanks',
  '/signin',
  '/categories',
  '/categories/developer-tools',
  '/digest',
  '/feeds',
  '/tools/smolvlm2',
  '/tools/cursor',
  '/tools/smolvlm2/report',
  '/tools/smolvlm2/report/thanks',
  '/compare',
  '/compare?tools=cursor',
  '/compare/cursor-vs-github-copilot',
  '/compare?tools=cursor,github-copilot,aider,continue',
  '/feed.xml',
  '/sitemap.xml',
  '/robots.txt',
  '/api/v1/suggest?q=cur',
  '/badge/cursor.svg',
];

const EMAIL = 'victim@example.com';

for (const { dialect, skip } of DIALECTS) {
  describe(`issue 16: personal pages never enter the shared cache (${dialect})`, { skip }, () => {
    let s: TestSite;
    let cookieValue: string;
    let marks: string[];
    before(async () => {
      s = await startTestSite(dialect);
      const secret = await getSecret(s.store.db, s.site.config);
      const user = await findOrCreateUser(s.store.db, EMAIL);
      const visitor = await createVisitor(s.store.db, user);
      cookieValue = signValue(secret, 'visitor-cookie', visitor.id);
      // What only this visitor's render contains: their address and their CSRF token.
      marks = [EMAIL, csrfTokenFor(secret, visitor.id)];
    });
    after(() => s?.close());

    const leaks = (body: string) => marks.filter((m) => body.includes(m));

    test('the reproduction: "verdict_v =<cookie>" renders as the visitor, and the next anonymous reader gets the anonymous page', async () => {
      const signedIn = await get(s.url, '/critics', { cookie: `verdict_v=${cookieValue}` });
      assert.ok(signedIn.body.includes(`Signed in as`), 'a valid cookie signs the reader in');
      for (const path of CACHED_PAGES) {
        s.site.cache.clear();
        const personal = await get(s.url, path, { cookie: `verdict_v =${cookieValue}` });
        assert.equal(personal.status, 200, path);
        if (leaks(personal.body).length) assert.match(String(personal.headers['cache-control']), /private/, `${path}: a personal render is private`);
        const anon = await get(s.url, path);
        assert.deepEqual(leaks(anon.body), [], `${path}: an anonymous reader got the visitor's page (x-cache: ${anon.headers['x-cache']})`);
        assert.doesNotMatch(anon.body, /Signed in as/, path);
      }
    });

    test('property: no Cookie spelling around a valid visitor cookie puts a personal render in the shared cache', async () => {
      const ws = fc.constantFrom('', ' ', '\t', '  ', ' \t');
      const name = fc.constantFrom('verdict_v', 'verdict_v', 'VERDICT_V', 'Verdict_V', 'verdict_v2', 'xverdict_v');
      const value = fc.constantFrom(cookieValue, `"${cookieValue}"`, encodeURIComponent(cookieValue), `${cookieValue}x`);
      const other = fc.constantFrom('theme=dark', `a=verdict_v=${cookieValue}`, '=x', 'verdict_v=', 'verdict_v=forged.sig', '"verdict_v"=1', 'x', `q="verdict_v=${cookieValue}"`);
      const visitorPair = fc.tuple(ws, name, ws, ws, value, ws).map(([a, n, b, c, v, d]) => `${a}${n}${b}=${c}${v}${d}`);
      const header = fc
        .tuple(fc.array(other, { maxLength: 3 }), visitorPair, fc.array(other, { maxLength: 3 }), fc.constantFrom(';', '; ', ' ;', ';\t'))
        .map(([pre, pair, post, sep]) => [...pre, pair, ...post].join(sep));
      await fc.assert(
        fc.asyncProperty(header, fc.constantFrom(...CACHED_PAGES), async (cookie, path) => {
          s.site.cache.clear();
          await get(s.url, path, { cookie });
          const anon = await get(s.url, path);
          assert.deepEqual(leaks(anon.body), [], `${path} with Cookie ${JSON.stringify(cookie)} leaked into the shared cache`);
          // And a hit (served from memory, or the raw fast path) is never a personal page either.
          const again = await get(s.url, path);
          assert.deepEqual(leaks(again.body), []);
        }),
        { seed: 1605, numRuns: 150 },
      );
    });
  });
}
