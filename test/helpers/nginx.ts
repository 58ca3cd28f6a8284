import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, root, sleep } from './process.js';

/**
 * deploy/nginx.conf as shipped, in front of an app on `appPort`, with only what must differ on a test machine
 * replaced: the ports, a self-signed certificate for NAME, IPv6 listens and the cache directory. Each replacement
 * must find its text, so a changed file fails rather than being tested half. Used by deploy-nginx.test.ts and the
 * cache tests.
 */
export const NAME = 'verdict.example.org';
export const nginxBin = ['/usr/sbin/nginx', 'nginx'].find((n) => spawnSync(n, ['-v'], { stdio: 'ignore' }).status === 0);
const openssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const missing = !nginxBin ? 'nginx' : !openssl ? 'openssl' : undefined;
/** Skip reason outside CI when nginx or openssl is missing; CI (.ci/run installs both) never skips. */
export const nginxSkip = missing && process.env.CI !== 'true' ? `no ${missing} (apt-get install nginx openssl): the nginx tests cannot run` : false;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RunningNginx {
  dir: string;
  cacheDir: string;
  httpPort: number;
  httpsPort: number;
  /** A request to nginx over TLS for NAME, from 127.0.0.2. */
  https(path: string, opts?: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply>;
  stop(): Promise<void>;
}

export async function startNginx(appPort: number, opts: { workers?: number } = {}): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-nginx-'));
  chmodSync(dir, 0o755); // nginx's workers (nobody, when run as root) create their temp and cache files here
  const cacheDir = join(dir, 'cache');
  mkdirSync(cacheDir);
  chmodSync(cacheDir, 0o777);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
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
  replace('/var/cache/nginx/verdict', cacheDir);
  writeFileSync(join(dir, 'verdict.conf'), site);
  // What Debian's /etc/nginx/nginx.conf gives a site, with every path in this directory.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes ${opts.workers ?? 1};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  types { text/html html; }
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/verdict.conf;
}
`,
  );
  const checked = spawnSync(nginxBin!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
  assert.equal(checked.status, 0, `nginx -t: ${checked.stderr}`);
  const proxy: ChildProcess = spawn(nginxBin!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let proxyErr = '';
  proxy.stderr!.on('data', (d) => (proxyErr += d));
  const ca = readFileSync(cert);
  const https: RunningNginx['https'] = (path, o = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: httpsPort, localAddress: '127.0.0.2', servername: NAME, ca, path, method: o.method ?? 'GET', headers: { host: NAME, ...o.headers }, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(o.body);
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
  return {
    dir,
    cacheDir,
    httpPort,
    httpsPort,
    https,
    stop: async () => {
      if (proxy.exitCode === null) {
        const exited = new Promise((r) => proxy.once('exit', r));
        proxy.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
