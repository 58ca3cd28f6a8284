import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore } from './helpers/db.js';
import { freePort, root, sleep, startServerProcess } from './helpers/process.js';

/**
 * Issue 18.6: deploy/nginx.conf, as shipped, in front of the app as deploy/verdict.service runs it (HOST=127.0.0.1,
 * TRUST_PROXY=loopback). Only what must differ on a test machine is replaced: the ports, the certificate (a
 * self-signed one for verdict.example.org) and IPv6 listens. Each replacement must find its text, so a changed
 * file fails here rather than being tested half. The client connects from 127.0.0.2, so the address the app
 * records can only have come from nginx's X-Forwarded-For, never from the socket (nginx's own, 127.0.0.1).
 *
 * Needs nginx and openssl: CI installs them (.ci/run) and refuses to skip; elsewhere the test is skipped, saying why.
 */

const NAME = 'verdict.example.org';
const nginx = ['/usr/sbin/nginx', 'nginx'].find((n) => spawnSync(n, ['-v'], { stdio: 'ignore' }).status === 0);
const openssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const missing = !nginx ? 'nginx' : !openssl ? 'openssl' : undefined;
const skip = missing && process.env.CI !== 'true' ? `no ${missing} (apt-get install nginx openssl): the reverse-proxy test cannot run` : false;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('deploy/nginx.conf in front of the app (TLS, X-Forwarded-For and -Proto, X-Request-Id)', { skip }, () => {
  test('pages, a vote, the client address and HTTPS detection work through the proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-nginx-'));
    chmodSync(dir, 0o755); // nginx's workers (nobody, when the test runs as root) create their temp files here
    const store = await freshStore('sqlite');
    const [appPort, httpPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
    let proxy: ChildProcess | undefined;
    const app = await startServerProcess({
      PORT: String(appPort),
      DATABASE_URL: store.location,
      PUBLIC_URL: `https://${NAME}`,
      TRUST_PROXY: 'loopback',
      WORKER: 'false',
      SECRET: 'nginx-test-secret-0123456789abcdef',
    });
    try {
      // A certificate for the name, as certbot would leave one.
      const cert = join(dir, 'fullchain.pem');
      const key = join(dir, 'privkey.pem');
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`, '-keyout', key, '-out', cert], { encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);

      let site = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8');
      const replace = (from: string, to: string) => {
        assert.ok(site.includes(from), `deploy/nginx.conf still says ${from}`);
        site = site.replaceAll(from, to);
      };
      replace('server 127.0.0.1:3000;', `server 127.0.0.1:${appPort};`);
      replace('listen 80;', `listen 127.0.0.1:${httpPort};`);
      replace('listen [::]:80;', '');
      replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
      replace('listen [::]:443 ssl http2;', '');
      replace(`/etc/letsencrypt/live/${NAME}/fullchain.pem`, cert);
      replace(`/etc/letsencrypt/live/${NAME}/privkey.pem`, key);
      replace('/var/cache/nginx/verdict', join(dir, 'cache'));
      writeFileSync(join(dir, 'verdict.conf'), site);
      // What Debian's /etc/nginx/nginx.conf gives a site, with every path in this directory.
      writeFileSync(
        join(dir, 'nginx.conf'),
        `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/verdict.conf;
}
`,
      );
      const checked = spawnSync(nginx!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
      assert.equal(checked.status, 0, `nginx -t: ${checked.stderr}`);
      proxy = spawn(nginx!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let proxyErr = '';
      proxy.stderr!.on('data', (d) => (proxyErr += d));

      const ca = readFileSync(cert);
      /** A request to nginx over TLS for NAME, from 127.0.0.2. */
      const https = (path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) =>
        new Promise<Reply>((resolve, reject) => {
          const req = request(
            { host: '127.0.0.1', port: httpsPort, localAddress: '127.0.0.2', servername: NAME, ca, path, method: opts.method ?? 'GET', headers: { host: NAME, ...opts.headers } },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (d) => (body += d));
              res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
            },
          );
          req.on('error', reject);
          req.end(opts.body);
        });
      for (let i = 0; ; i++) {
        try {
          await https('/healthz');
          break;
        } catch (err) {
          if (i > 100) throw new Error(`nginx did not answer: ${(err as Error).message}\n${proxyErr}`);
          await sleep(100);
        }
      }

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
      if (proxy && proxy.exitCode === null) {
        const exited = new Promise((r) => proxy!.once('exit', r));
        proxy.kill('SIGQUIT');
        await exited;
      }
      assert.equal(await app.stop(), 0);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
