import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { chooseEncoding, compressVariants } from '../src/web/compression.js';
import { cacheKey } from '../src/web/http.js';
import { CSS } from '../src/web/assets.js';

/** Issue 19 point 2: pages compressed once, when cached; the encoding chosen per request by Accept-Encoding. */

test('Accept-Encoding: br before gzip, q=0 refuses, * covers what is not listed, identity otherwise', () => {
  const both = { br: Buffer.from('b'), gzip: Buffer.from('g') };
  const cases: [string | undefined, 'br' | 'gzip' | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['BR;Q=0.5', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['br;q=garbage, gzip', 'gzip'],
  ];
  for (const [header, want] of cases) assert.equal(chooseEncoding(header, both), want, String(header));
  assert.equal(chooseEncoding('br, gzip', { gzip: Buffer.from('g') }), 'gzip', 'falls back to gzip when no br copy exists');
  assert.equal(chooseEncoding('br', { gzip: Buffer.from('g') }), undefined);
  assert.deepEqual(compressVariants(Buffer.from('tiny'), 'text/html'), {}, 'small bodies are not worth it');
  assert.deepEqual(compressVariants(Buffer.alloc(5000, 1), 'image/png'), {}, 'images are compressed already');
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const decode = (r: Raw) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body);

for (const { dialect, skip } of DIALECTS) {
  describe(`compressed pages (${dialect})`, { skip }, () => {
    let s: TestSite;
    before(async () => (s = await startTestSite(dialect)));
    after(() => s?.close());

    for (const path of ['/tools/smolvlm2', '/compare/cursor-vs-github-copilot', '/', '/search?q=vision']) {
      test(`${path}: the same page in each encoding, its own ETag, at most a quarter of the bytes`, async () => {
        s.site.cache.clear();
        const miss = await get(s.url, path, { 'accept-encoding': 'gzip, deflate, br' });
        assert.equal(miss.headers['x-cache'], 'miss');
        const plain = await get(s.url, path); // a hit, answered by the raw fast path
        assert.equal(plain.headers['x-cache'], 'hit');
        assert.equal(plain.headers['content-encoding'], undefined);
        const br = await get(s.url, path, { 'accept-encoding': 'gzip, deflate, br' });
        const gz = await get(s.url, path, { 'accept-encoding': 'gzip' });
        assert.equal(miss.headers['content-encoding'], 'br', 'the render itself goes out compressed');
        assert.equal(br.headers['content-encoding'], 'br');
        assert.equal(gz.headers['content-encoding'], 'gzip');
        for (const r of [miss, plain, br, gz]) {
          assert.equal(r.status, 200);
          assert.equal(r.headers.vary, 'accept-encoding');
          assert.equal(Number(r.headers['content-length']), r.body.length);
          assert.deepEqual(decode(r), plain.body, 'every encoding carries the same page');
        }
        const etags = new Set([plain, br, gz].map((r) => r.headers.etag));
        assert.equal(etags.size, 3, `ETags differ per encoding: ${[...etags].join(' ')}`);
        assert.equal(miss.headers.etag, br.headers.etag);
        if (path.startsWith('/tools/') || path.startsWith('/compare/')) {
          assert.ok(br.body.length <= plain.body.length / 4, `br ${br.body.length} of ${plain.body.length} bytes`);
          assert.ok(gz.body.length <= plain.body.length / 4, `gzip ${gz.body.length} of ${plain.body.length} bytes`);
        }
        // Revalidation matches each encoding's own ETag only, on both the app and the fast path.
        assert.equal((await get(s.url, path, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) })).status, 304);
        assert.equal((await get(s.url, path, { 'accept-encoding': 'gzip', 'if-none-match': String(br.headers.etag) })).status, 200);
        assert.equal((await get(s.url, path, { 'if-none-match': String(plain.headers.etag) })).status, 304);
        const head = await get(s.url, path, { 'accept-encoding': 'br' }, 'HEAD');
        assert.equal(head.headers['content-encoding'], 'br');
        assert.equal(head.body.length, 0);
        // Compressed once: the bytes served are the ones kept in the cache entry.
        const entry = s.site.cache.get(cacheKey(path), s.site.version())!;
        assert.ok(entry.br?.equals(br.body) && entry.gzip?.equals(gz.body));
      });
    }

    test('static assets are compressed at start', async () => {
      const r = await get(s.url, CSS.path, { 'accept-encoding': 'br' });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], 'br');
      assert.equal(r.headers.vary, 'accept-encoding');
      assert.deepEqual(brotliDecompressSync(r.body), CSS.body);
      assert.ok(r.body.length < CSS.body.length / 3);
      assert.equal((await get(s.url, CSS.path)).headers['content-encoding'], undefined);
    });
  });
}
