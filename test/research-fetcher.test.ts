import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Fetcher, userAgentFor } from '../src/research/fetcher.js';
import { startFixtureWeb, type FixtureWeb } from './helpers/fixture-web.js';

// Two fixture servers, both on loopback: `site` on 127.0.0.2 is the one address a refusing fetcher is told to
// allow (so it can receive the first request and answer with redirects); `victim` on 127.0.0.1 must never be reached.
let site: FixtureWeb;
let victim: FixtureWeb;
const UA = userAgentFor('https://verdict.example');

before(async () => {
  site = await startFixtureWeb('127.0.0.2');
  victim = await startFixtureWeb('127.0.0.1');
  victim.page('/secret', 'internal');
  const victimPort = new URL(victim.origin).port;
  site.page('/robots.txt', 'User-agent: *\nDisallow: /private\n', 'text/plain');
  site.redirect('/to-loopback', `http://127.0.0.1:${victimPort}/secret`);
  site.redirect('/to-localhost', `http://localhost:${victimPort}/secret`);
  site.redirect('/to-private', 'http://10.0.0.1/');
  site.redirect('/to-metadata', 'http://169.254.169.254/latest/meta-data/');
  site.redirect('/to-mapped', `http://[::ffff:127.0.0.1]:${victimPort}/secret`);
  site.redirect('/loop-a', '/loop-b');
  site.redirect('/loop-b', '/loop-a');
  for (let i = 0; i < 10; i++) site.redirect(`/chain${i}`, `/chain${i + 1}`);
  site.page('/chain10', 'end of chain');
  site.page('/private/page', 'should not be fetched');
  site.page('/ok', '<html><title>Hi</title><body>hello</body></html>');
  site.route('/etag', (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
    res.writeHead(200, { 'content-type': 'text/html', etag: '"v1"', 'last-modified': 'Mon, 30 Nov 2026 00:00:00 GMT' }).end('<p>v1</p>');
  });
  site.route('/drip', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const t = setInterval(() => res.write('.'), 50);
    res.on('close', () => clearInterval(t));
  });
  site.route('/huge', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const write = () => {
      while (sent < 50 && res.write(chunk)) sent++;
      if (sent < 50) res.once('drain', write);
      else res.end();
    };
    write();
  });
  site.page('/image', Buffer.alloc(10).toString(), 'image/png');
  site.route('/latin1', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff])));
  site.route('/bogus-charset', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=no-such' }).end('fine'));
});
after(async () => {
  await site.close();
  await victim.close();
});

const refusing = (extra = {}) => new Fetcher({ userAgent: UA, allowAddresses: ['127.0.0.2'], hostDelayMs: 0, timeoutMs: 2000, ...extra });

test('with private addresses not allowed, loopback is refused before any connection', async () => {
  const f = new Fetcher({ userAgent: UA, hostDelayMs: 0 });
  for (const url of [`${victim.origin}/secret`, `http://localhost:${new URL(victim.origin).port}/secret`]) {
    const r = await f.fetch(url);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'refused', url);
  }
  assert.equal(victim.log.length, 0, 'nothing reached the loopback server');
});

test('redirects to loopback, localhost, private, metadata and mapped addresses are refused on the hop', async () => {
  const f = refusing();
  for (const path of ['/to-loopback', '/to-localhost', '/to-private', '/to-metadata', '/to-mapped']) {
    const r = await f.fetch(`${site.origin}${path}`);
    assert.equal(r.ok, false, path);
    if (!r.ok) {
      assert.equal(r.code, 'refused', `${path}: ${r.reason}`);
      assert.match(r.reason, /not allowed/);
    }
  }
  assert.equal(victim.log.length, 0, 'no redirect reached 127.0.0.1');
  // The allowed fixture was reached for each first hop.
  assert.ok(site.log.some((l) => l.path === '/to-metadata'));
});

test('a token goes only to its own origin: a redirect to another host drops it', async () => {
  site.redirect('/api-moved', `${victim.origin}/secret`);
  const f = new Fetcher({ userAgent: UA, allowPrivate: true, hostDelayMs: 0 });
  const r = await f.fetch(`${site.origin}/api-moved`, { robots: false, headers: { authorization: 'Bearer s3cret' } });
  assert.ok(r.ok);
  assert.equal(site.log.at(-1)!.headers.authorization, 'Bearer s3cret');
  assert.equal(victim.log.at(-1)!.headers.authorization, undefined);
});

test('the test-only setting lets loopback through, and the request names Verdict', async () => {
  const f = new Fetcher({ userAgent: UA, allowPrivate: true, hostDelayMs: 0 });
  const r = await f.fetch(`${victim.origin}/secret`);
  assert.ok(r.ok);
  assert.equal(r.ok && r.text, 'internal');
  assert.match(String(victim.log.at(-1)!.headers['user-agent']), /Verdict.*https:\/\/verdict\.example/);
});

test('the test-only setting lets loopback through and nothing else: link-local (cloud metadata) and private stay refused', async () => {
  const f = new Fetcher({ userAgent: UA, allowPrivate: true, hostDelayMs: 0, timeoutMs: 2000 });
  for (const path of ['/to-metadata', '/to-private']) {
    const r = await f.fetch(`${site.origin}${path}`, { robots: false });
    assert.equal(!r.ok && r.code, 'refused', path);
  }
});

test('robots.txt is obeyed and read once per host', async () => {
  const f = refusing();
  const before = site.log.filter((l) => l.path === '/robots.txt').length;
  const r = await f.fetch(`${site.origin}/private/page`);
  assert.equal(!r.ok && r.code, 'robots');
  assert.ok(!site.log.some((l) => l.path === '/private/page'));
  assert.ok((await f.fetch(`${site.origin}/ok`)).ok);
  assert.equal(site.log.filter((l) => l.path === '/robots.txt').length - before, 1);
});

test('re-checks are conditional: ETag sent, 304 reported as not modified', async () => {
  const f = refusing();
  const first = await f.fetch(`${site.origin}/etag`);
  assert.ok(first.ok && !first.notModified);
  assert.equal(first.ok && first.etag, '"v1"');
  const again = await f.fetch(`${site.origin}/etag`, { etag: first.ok ? first.etag : null, lastModified: first.ok ? first.lastModified : null });
  assert.ok(again.ok && again.notModified);
  assert.equal(site.log.at(-1)!.headers['if-none-match'], '"v1"');
  assert.equal(site.log.at(-1)!.headers['if-modified-since'], 'Mon, 30 Nov 2026 00:00:00 GMT');
});

test('a slow-dripping answer ends at the timeout', async () => {
  const f = refusing({ timeoutMs: 400 });
  const t0 = Date.now();
  const r = await f.fetch(`${site.origin}/drip`);
  assert.equal(!r.ok && r.code, 'timeout');
  assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
});

test('a huge answer is cut at the size limit', async () => {
  const f = refusing({ maxBytes: 10_000 });
  const r = await f.fetch(`${site.origin}/huge`);
  assert.ok(r.ok);
  assert.equal(r.ok && r.truncated, true);
  assert.equal(r.ok && r.text.length, 10_000);
});

test('redirect loops and long chains end', async () => {
  const f = refusing({ maxRedirects: 5 });
  const loop = await f.fetch(`${site.origin}/loop-a`);
  assert.equal(!loop.ok && loop.code, 'redirects');
  assert.match(!loop.ok ? loop.reason : '', /loop/);
  const chain = await f.fetch(`${site.origin}/chain0`);
  assert.equal(!chain.ok && chain.code, 'redirects');
  assert.match(!chain.ok ? chain.reason : '', /more than 5/);
});

test('content types outside the list are refused; bad encodings decode without throwing', async () => {
  const f = refusing();
  const img = await f.fetch(`${site.origin}/image`);
  assert.equal(!img.ok && img.code, 'type');
  const bad = await f.fetch(`${site.origin}/latin1`);
  assert.ok(bad.ok && bad.text.startsWith('caf') && bad.text.includes('\uFFFD'));
  const bogus = await f.fetch(`${site.origin}/bogus-charset`);
  assert.equal(bogus.ok && bogus.text, 'fine');
  const notHttp = await f.fetch('file:///etc/passwd');
  assert.equal(!notHttp.ok && notHttp.code, 'url');
});

test('one request at a time per host, with a pause between', async () => {
  const f = refusing({ hostDelayMs: 250 });
  await f.fetch(`${site.origin}/robots.txt`, { robots: false, accept: ['text/plain'] });
  const start = site.log.length;
  await Promise.all([f.fetch(`${site.origin}/ok`, { robots: false }), f.fetch(`${site.origin}/ok`, { robots: false })]);
  const [a, b] = site.log.slice(start);
  assert.ok(a && b);
  assert.ok(b.at - a.at >= 240, `second request ${b.at - a.at} ms after the first`);
});
