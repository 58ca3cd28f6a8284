import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { seedDemo, toolDoc } from './helpers/fixtures.js';
import { safePath, cacheKey } from '../src/web/http.js';
import { RateLimiter, setLimiter, type BucketSpec, type LimitName } from '../src/community/rate-limit.js';

/** A limiter with empty buckets: they live in the database, so earlier tests' takes would count otherwise. */
async function freshLimiter(site: TestSite, overrides: Partial<Record<LimitName, BucketSpec>> = {}) {
  const limiter = new RateLimiter(site.store.db, overrides);
  await limiter.reset();
  setLimiter(site.site, limiter);
}
import { parseSubmission, submitTool } from '../src/community/submissions.service.js';
import { loadConfig } from '../src/config.js';
import { reportSchema } from '../src/community/corrections.service.js';
import { forwardedClient } from '../src/web/identity.js';

/** Issue 9 ("Hardening"), points 1, 2, 4, 5, 6, 7, 8 and 9: each reproduction answered the same on both dialects. */

const ADMIN_TOKEN = 'admin-token-for-hardening-0123456789';

function verdict(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/verdict.js', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A form post as a browser on the site sends it: the anonymous CSRF token of a public page, same-origin headers. */
async function formPost(s: TestSite, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const html = await (await s.get('/submit')).text();
  const csrf = html.match(/name="_csrf" value="([^"]+)"/)![1]!;
  return s.get(path, {
    method: 'POST',
    body: new URLSearchParams({ ...fields, _csrf: csrf }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url, 'sec-fetch-site': 'same-origin', ...headers },
  });
}

describe('safePath and cache keys (no database)', () => {
  test('safePath validates the normalised path: dot segments cannot produce //host', () => {
    for (const bad of ['/.//evil.example', '/a/..//x', '/%2e//x', '/%2E//evil.example/p', '//evil.example', '/\\evil.example', '/./\\evil']) {
      const out = safePath(bad, '/fallback');
      assert.ok(!out.startsWith('//') && !out.startsWith('/\\'), `${bad} -> ${out}`);
    }
    assert.equal(safePath('/.//evil.example', '/fallback'), '/fallback');
    assert.equal(safePath('/tools/x?y=1#z', '/f'), '/tools/x?y=1#z');
    assert.equal(safePath('/a/../tools/x', '/f'), '/tools/x');
  });

  test('cache keys keep the parameters a page reads, in a canonical order, and drop the rest', () => {
    assert.equal(cacheKey('/?r=1'), '/');
    assert.equal(cacheKey('/tools/cursor?utm_source=x'), '/tools/cursor');
    assert.equal(cacheKey('/search?r=5&sort=newest&label=ship'), cacheKey('/search?label=ship&sort=newest'));
    assert.notEqual(cacheKey('/search?label=ship'), cacheKey('/search?label=skip'));
    assert.equal(cacheKey('/api/v1/tools?per_page=5&page=2&x=1'), '/api/v1/tools?page=2&per_page=5');
  });

  test('TRUST_PROXY: off by default; hop counts and address lists as Express reads them', () => {
    const off = loadConfig({});
    assert.equal(forwardedClient(off, '127.0.0.1', '198.51.100.7'), '127.0.0.1');
    const loop = loadConfig({ TRUST_PROXY: 'loopback' });
    assert.equal(forwardedClient(loop, '127.0.0.1', '198.51.100.7'), '198.51.100.7');
    assert.equal(forwardedClient(loop, '::ffff:127.0.0.1', '198.51.100.7'), '198.51.100.7', 'IPv4-mapped IPv6 peer');
    assert.equal(forwardedClient(loop, '10.0.0.2', '198.51.100.7'), '10.0.0.2', 'a peer outside the list is the client');
    // A client-supplied left part is ignored: only what trusted proxies appended counts.
    assert.equal(forwardedClient(loop, '127.0.0.1', '6.6.6.6, 198.51.100.7'), '198.51.100.7');
    const hops = loadConfig({ TRUST_PROXY: '2' });
    assert.equal(forwardedClient(hops, '10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1'), '198.51.100.7');
    const cidr = loadConfig({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12' });
    assert.equal(forwardedClient(cidr, '10.1.2.3', '198.51.100.7'), '198.51.100.7');
    assert.throws(() => loadConfig({ TRUST_PROXY: 'not-an-address' }), /Invalid TRUST_PROXY/);
  });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`hardening (${dialect})`, { skip }, () => {
    let s: TestSite;
    let trusting: TestSite;
    before(async () => {
      s = await startTestSite(dialect, { env: { ADMIN_TOKEN } });
      trusting = await startTestSite(dialect, { seed: false, env: { ADMIN_TOKEN, TRUST_PROXY: 'loopback' } });
      await seedDemo(trusting.store.db, ['cursor']);
      await trusting.site.refreshVersion();
    });
    after(async () => {
      await s?.close();
      await trusting?.close();
    });

    test('1. a NUL byte is a 404 in a path and a 400 in a query or a form, never a 500', async () => {
      for (const path of ['/tools/a%00b', '/categories/a%00b', '/compare/a%00b', '/critics/a%00b', '/api/v1/tools/a%00b']) {
        const r = await s.get(path);
        assert.equal(r.status, 404, path);
        assert.doesNotMatch(await r.text(), /\u0000|invalid byte sequence/, path);
      }
      for (const path of ['/critics/builder?category=%00', '/search?q=a%00b', '/api/v1/tools?q=%00', '/digest/unsubscribe?token=1.%00']) {
        assert.equal((await s.get(path)).status, 400, path);
      }
      const vote = await formPost(s, '/tools/a%00b/vote', { vote: 'ship' });
      assert.equal(vote.status, 404);
      const submit = await formPost(s, '/submit', { name: 'Nul\u0000Tool', url: 'https://nul.example', tagline: 'x', category: 'Y', pricing_model: 'free', pricing_entry: 'Free' });
      assert.equal(submit.status, 400);
      const json = await s.get('/digest/unsubscribe', { method: 'POST', body: JSON.stringify({ token: 'a\u0000' }), headers: { 'content-type': 'application/json' } });
      assert.equal(json.status, 400);
      // JSON can carry an unpaired surrogate (a form cannot: browsers send U+FFFD); PostgreSQL's UTF-8 cannot hold one.
      const lone = await s.get('/digest/unsubscribe', { method: 'POST', body: JSON.stringify({ token: 'a\uD800' }), headers: { 'content-type': 'application/json' } });
      assert.equal(lone.status, 400);
      assert.equal((await s.get('/')).status, 200, 'the site still answers');
    });

    test('1. an import with a NUL in a text field fails naming the record and field, on both databases', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'verdict-nul-'));
      const file = join(dir, 'nul.json');
      writeFileSync(file, JSON.stringify({ tools: [toolDoc('fine-tool'), toolDoc('nul-tool', { description: 'has a \u0000 in it' })] }));
      const r = await verdict(['import', file], { DATABASE_URL: s.store.location });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /tools\[1\] \("nul-tool"\)\.description: must not contain NUL/);
      assert.doesNotMatch(r.stderr, /invalid byte sequence/);
    });

    test('2. ids over 2^31 in tokens and URLs are refused before SQL (400/404, never 500)', async () => {
      assert.equal((await s.get('/digest/unsubscribe?token=2147483648.aaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status, 400);
      assert.equal((await s.get('/digest/confirm?token=2147483648.9999999999.aaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status, 400);
      const post = await s.get('/digest/unsubscribe', {
        method: 'POST',
        body: new URLSearchParams({ token: '2147483648.aaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(post.status, 400);
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' };
      for (const id of ['2147483648', '99999999999', '0']) {
        const r = await s.get(`/admin/submissions/${id}/approve`, { method: 'POST', headers: auth });
        assert.equal(r.status, 404, id);
      }
      // The largest valid id is a plain "no such submission".
      assert.equal((await s.get('/admin/submissions/2147483647/reject', { method: 'POST', headers: auth })).status, 404);
      // Pages added since: a panel run, a take to report, a sitemap page, an error report (PostgreSQL answered 500).
      assert.equal((await s.get('/runs/2147483648')).status, 404);
      assert.equal((await s.get('/tools/cursor/report?review=2147483648')).status, 200);
      assert.equal((await s.get('/sitemaps/tools-99999999999.xml')).status, 404);
      assert.equal((await s.get('/admin/reports/2147483648/accept', { method: 'POST', headers: auth })).status, 404);
      const report = (review: string) => reportSchema.safeParse({ what: 'The pricing changed last week.', reviewId: review }).success;
      assert.deepEqual([report('2147483647'), report('2147483648')], [true, false], 'a report names a take by a row id');
      // The error reports' JSON is the admin's: anonymous requests are refused.
      assert.equal((await s.get('/admin/reports.json')).status, 401);
      assert.equal((await s.get('/admin/reports.json', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200);
    });

    test('4. concurrent approvals of one submission: one 200, the rest 409 "already", never 500', async () => {
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' };
      for (let round = 0; round < 4; round++) {
        const sub = await submitTool(
          s.store.db,
          parseSubmission({ name: `Race Tool ${round}`, url: `https://race${round}.example`, tagline: 'Races', category: 'Testing', pricingModel: 'free', pricingEntry: 'Free' }),
          null,
        );
        const answers = await Promise.all(Array.from({ length: 6 }, () => s.get(`/admin/submissions/${sub.id}/approve`, { method: 'POST', headers: auth })));
        const statuses = answers.map((r) => r.status).sort();
        assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409], `round ${round}`);
        for (const r of answers.filter((x) => x.status === 409)) {
          assert.match(((await r.json()) as { error: { message: string } }).error.message, /already approved/);
        }
      }
    });

    test('5. return_to and next cannot redirect off the site through dot segments', async () => {
      for (const target of ['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
        const r = await formPost(s, '/tools/cursor/vote', { vote: 'ship', return_to: target });
        assert.equal(r.status, 303, target);
        assert.equal(r.headers.get('location'), '/tools/cursor?done=voted&tool=cursor#vote-cursor', target);
      }
      const html = await (await s.get('/signin?next=/.//evil.example')).text();
      assert.doesNotMatch(html, /\/\/evil\.example/);
    });

    test('6. without TRUST_PROXY a rotating X-Forwarded-For does not bypass the vote limit; with TRUST_PROXY=loopback it is honoured', async () => {
      const votes = async (site: TestSite) => {
        await freshLimiter(site, { voteIp: { capacity: 3, refill: 3, perMs: 60_000 } });
        try {
          const statuses: number[] = [];
          for (let i = 0; i < 6; i++) {
            statuses.push((await formPost(site, '/tools/cursor/vote', { vote: 'ship' }, { 'x-forwarded-for': `198.51.100.${i + 1}`, accept: 'application/json' })).status);
          }
          return statuses;
        } finally {
          await freshLimiter(site);
        }
      };
      assert.deepEqual(await votes(s), [200, 200, 200, 429, 429, 429]);
      assert.deepEqual(await votes(trusting), [200, 200, 200, 200, 200, 200]);
    });

    test('7. wrong admin bearer tokens get 429 + Retry-After, and then even the right one waits', async () => {
      try {
        const statuses: number[] = [];
        let last: Response | undefined;
        for (let i = 0; i < 12; i++) {
          // A rotating X-Forwarded-For changes nothing: TRUST_PROXY is off on this site.
          last = await s.get('/admin/submissions.json', { headers: { authorization: 'Bearer wrong-token-wrong-token', 'x-forwarded-for': `203.0.113.${i}` } });
          statuses.push(last.status);
        }
        assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
        assert.ok(Number(last!.headers.get('retry-after')) > 0);
        const right = await s.get('/admin/submissions.json', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        assert.equal(right.status, 429, 'no answer tells a refused guess from a right one');
      } finally {
        await freshLimiter(s);
      }
    });

    test('7. Secure admin cookie and HSTS follow https as a trusted proxy reports it', async () => {
      const login = (site: TestSite, headers: Record<string, string>) => formPost(site, '/admin/login', { token: ADMIN_TOKEN }, headers);
      const behindTls = await login(trusting, { 'x-forwarded-proto': 'https' });
      assert.equal(behindTls.status, 303);
      assert.match(behindTls.headers.getSetCookie().join(), /verdict_admin=[^,]*;\s*Secure/i);
      // An untrusted peer cannot claim https (TRUST_PROXY unset): no Secure on plain http.
      const spoofed = await login(s, { 'x-forwarded-proto': 'https' });
      assert.equal(spoofed.status, 303);
      assert.doesNotMatch(spoofed.headers.getSetCookie().join(), /Secure/i);

      // HSTS: never on plain http, also not from the page cache; on https, on misses and hits alike.
      for (let i = 0; i < 2; i++) assert.equal((await s.get('/critics')).headers.get('strict-transport-security'), null);
      assert.equal((await s.get('/critics', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security'), null);
      const first = await trusting.get('/critics', { headers: { 'x-forwarded-proto': 'https' } });
      const second = await trusting.get('/critics', { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(second.headers.get('x-cache'), 'hit');
      for (const r of [first, second]) assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.equal((await trusting.get('/critics')).headers.get('strict-transport-security'), null, 'plain http through the proxy');
    });

    test('8. unknown query parameters are one cache entry; known ones still count', async () => {
      await s.site.refreshVersion();
      await s.get('/?r=1');
      const again = await s.get('/?r=2');
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('x-cache'), 'hit');
      await s.get('/tools?label=ship&r=1');
      assert.equal((await s.get('/tools?r=2&label=ship')).headers.get('x-cache'), 'hit');
      const skip = await s.get('/tools?label=skip&r=3');
      assert.equal(skip.headers.get('x-cache'), 'miss', 'a parameter the page reads is its own entry');
      assert.notEqual(await skip.text(), await (await s.get('/tools?label=ship')).text());
      // /compare's ?takes=all is a page of its own too.
      await s.get('/compare/cursor-vs-v0?r=1');
      assert.equal((await s.get('/compare/cursor-vs-v0?r=2')).headers.get('x-cache'), 'hit');
      assert.equal((await s.get('/compare/cursor-vs-v0?takes=all')).headers.get('x-cache'), 'miss');
    });

    test('9. `verdict digest send` (and the worker commands) refuse to run without PUBLIC_URL, in one line', async () => {
      const r = await verdict(['digest', 'send'], { DATABASE_URL: s.store.location });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^verdict: .*PUBLIC_URL.*\n$/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      for (const args of [['worker', '--no-schedule'], ['jobs', 'run']]) {
        const other = await verdict(args, { DATABASE_URL: s.store.location });
        assert.equal(other.code, 1, args.join(' '));
        assert.match(other.stderr, /^verdict: .*PUBLIC_URL.*\n$/, args.join(' '));
      }
      const ok = await verdict(['digest', 'send'], { DATABASE_URL: s.store.location, PUBLIC_URL: 'https://verdict.example' });
      assert.equal(ok.code, 0, ok.stderr);
    });
  });
}
