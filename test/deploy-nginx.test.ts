import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from './helpers/db.js';
import { freePort, startServerProcess } from './helpers/process.js';
import { NAME, nginxSkip, startNginx, type RunningNginx } from './helpers/nginx.js';

/**
 * Issue 18.6: deploy/nginx.conf, as shipped, in front of the app as deploy/verdict.service runs it (HOST=127.0.0.1,
 * TRUST_PROXY=loopback). Only what must differ on a test machine is replaced: the ports, the certificate (a
 * self-signed one for verdict.example.org) and IPv6 listens. Each replacement must find its text, so a changed
 * file fails here rather than being tested half. The client connects from 127.0.0.2, so the address the app
 * records can only have come from nginx's X-Forwarded-For, never from the socket (nginx's own, 127.0.0.1).
 *
 * Needs nginx and openssl: CI installs them (.ci/run) and refuses to skip; elsewhere the test is skipped, saying why.
 */

describe('deploy/nginx.conf in front of the app (TLS, X-Forwarded-For and -Proto, X-Request-Id)', { skip: nginxSkip }, () => {
  test('pages, a vote, the client address and HTTPS detection work through the proxy', async () => {
    const store = await freshStore('sqlite');
    const appPort = await freePort();
    const app = await startServerProcess({
      PORT: String(appPort),
      DATABASE_URL: store.location,
      PUBLIC_URL: `https://${NAME}`,
      TRUST_PROXY: 'loopback',
      WORKER: 'false',
      SECRET: 'nginx-test-secret-0123456789abcdef',
    });
    let proxy: RunningNginx | undefined;
    try {
      proxy = await startNginx(appPort);
      const { https, httpPort } = proxy;

      // Pages over TLS. HSTS is the app's answer to X-Forwarded-Proto: https from a trusted proxy.
      const home = await https('/');
      assert.equal(home.status, 200);
      assert.match(String(home.headers['content-type']), /text\/html/);
      assert.match(String(home.headers['strict-transport-security']), /max-age=\d+/, 'the app saw https');
      assert.match(String(home.headers['x-request-id']), /^[0-9a-f]{32}$/, "the app kept nginx's $request_id");
      const tool = await https('/tools/smolvlm2');
      assert.equal(tool.status, 200);
      // nginx keeps one copy per encoding (deploy/nginx.conf's cache): a gzip reader is nginx's miss and the app's hit.
      const again = await https('/tools/smolvlm2', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(again.headers['x-cache-status'], 'MISS');
      assert.equal(again.headers['x-cache'], 'hit', 'the second view comes from the page cache (the raw fast path)');
      assert.match(String(again.headers['strict-transport-security']), /max-age/, 'the fast path reads X-Forwarded-Proto the same way');
      assert.ok(!app.lines().some((l) => l.level === 'error'), 'no error logged');

      // The app itself, asked directly over http: no HSTS, so the header above came from what nginx forwarded.
      const direct = await fetch(`${app.url}/`);
      assert.equal(direct.headers.get('strict-transport-security'), null);

      // A vote through the proxy; the client lies about its address and scheme, and nginx overwrites both.
      const csrf = /name="_csrf" value="([^"]+)"/.exec(tool.body)![1]!;
      const vote = await https('/tools/smolvlm2/vote', {
        method: 'POST',
        body: new URLSearchParams({ vote: 'ship', _csrf: csrf }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `https://${NAME}`, 'sec-fetch-site': 'same-origin', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http' },
      });
      assert.equal(vote.status, 303, vote.body.slice(0, 300));
      const cookies = ([] as string[]).concat(vote.headers['set-cookie'] ?? []);
      assert.ok(cookies.some((c) => /^verdict_v=/.test(c) && /;\s*Secure/i.test(c)), `a Secure visitor cookie: ${cookies.join(' | ')}`);
      assert.equal((await store.db.selectFrom('votes').selectAll().execute()).length, 1, 'the vote is stored');
      // The limiter keys its buckets by the client address the app settled on.
      const keys = (await store.db.selectFrom('rateLimits').select(['name', 'key']).execute()).filter((r) => r.name.endsWith('voteIp')).map((r) => r.key);
      assert.deepEqual(keys, ['127.0.0.2'], 'the client address is the one nginx saw, not the socket peer (127.0.0.1) nor the forged 203.0.113.9');
      // Request lines are written in batches (within 100 ms).
      const isVote = (l: { msg: string; route?: unknown }) => l.msg === 'request' && l.route === '/tools/:slug/vote';
      await app.waitFor((lines) => lines.some(isVote), 5000, 'the vote request line');
      const line = app.lines().find(isVote);
      assert.equal(line?.reqId, vote.headers['x-request-id'], 'one id in the response and the log line');

      // Plain http is redirected; an oversized body stops at nginx.
      const plain = await fetch(`http://127.0.0.1:${httpPort}/tools/smolvlm2?x=1`, { headers: { host: NAME }, redirect: 'manual' });
      assert.equal(plain.status, 301);
      assert.equal(plain.headers.get('location'), `https://${NAME}/tools/smolvlm2?x=1`);
      const big = await https('/submit', { method: 'POST', body: Buffer.alloc(100 * 1024, 'a'), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(big.status, 413);
      assert.match(String(big.headers.server), /nginx/, 'refused by nginx, before the app');
    } finally {
      await proxy?.stop();
      assert.equal(await app.stop(), 0);
      await store.close();
    }
  });
});
