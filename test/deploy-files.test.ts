import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root } from './helpers/process.js';

/**
 * Issue 18.6: the deployment files, each checked by the tool that reads it: systemd's own verifier and its security
 * analysis for the units, `caddy validate` and `caddy adapt` for the Caddyfile. What ties them to the app (the
 * command each runs, the port, the trusted proxy, the body limit) is read from the files and compared with the code.
 * deploy/nginx.conf runs in front of the app in deploy-nginx.test.ts; the Dockerfile is built and run by
 * deploy/podman-build.sh (README, "Running in production"), and compose.yaml is read here.
 *
 * CI installs systemd and caddy (.ci/run) and refuses to skip; elsewhere a missing tool skips its test, saying why.
 */

const read = (p: string) => readFileSync(join(root, p), 'utf8');
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const need = (ok: boolean, what: string) => (ok || process.env.CI === 'true' ? false : `no ${what}: this check cannot run here`);

/** `Key=value` lines of a unit file (repeated keys kept in order). */
const unitKeys = (text: string) =>
  text
    .split('\n')
    .filter((l) => /^\w+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);
const envOf = (keys: (readonly [string, string])[]) =>
  Object.fromEntries(keys.filter(([k]) => k === 'Environment').flatMap(([, v]) => v.split(/\s+/).map((kv) => kv.split('=') as [string, string])));

describe('deploy/*.service (systemd)', { skip: need(has('systemd-analyze', ['--version']), 'systemd-analyze (apt-get install systemd)') }, () => {
  for (const unit of ['verdict.service', 'verdict-worker.service']) {
    test(`${unit}: systemd-analyze verify says nothing, exposure at most 2.0, an unprivileged user restarted on failure`, () => {
      let file = join(root, 'deploy', unit);
      // verify checks that ExecStart's program exists: where Node is not Debian's /usr/bin/node, a copy names this one.
      if (!existsSync('/usr/bin/node')) {
        const dir = mkdtempSync(join(tmpdir(), 'verdict-unit-'));
        writeFileSync(join(dir, unit), read(`deploy/${unit}`).replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
        file = join(dir, unit);
      }
      // verify exits 0 even on unknown keys or bad values; it prints them, so any output is a failure.
      const v = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(v.status, 0);
      assert.equal((v.stdout + v.stderr).trim(), '', 'systemd-analyze verify printed something');
      const s = spawnSync('systemd-analyze', ['security', '--offline=true', file], { encoding: 'utf8' });
      const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(s.stdout)?.[1]);
      assert.ok(exposure <= 2.0, `exposure ${exposure}: ${s.stdout.slice(-400)}`);
      const keys = unitKeys(read(`deploy/${unit}`));
      const get = (k: string) => keys.find(([key]) => key === k)?.[1];
      assert.equal(get('User'), 'verdict');
      assert.equal(get('Restart'), 'on-failure');
      assert.equal(get('NoNewPrivileges'), 'yes');
      assert.equal(get('ProtectSystem'), 'strict');
      assert.equal(get('StateDirectory'), 'verdict', 'the one writable place');
      const env = envOf(keys);
      assert.equal(env.NODE_ENV, 'production');
      assert.match(env.DATABASE_URL!, /^\/var\/lib\/verdict\//, 'the database is in the state directory');
      assert.match(env.OUTBOX_DIR!, /^\/var\/lib\/verdict\//);
      // The command is one this checkout has.
      const exec = get('ExecStart')!.split(/\s+/);
      assert.equal(exec[0], '/usr/bin/node');
      const script = exec.find((a) => /\.(ts|js)$/.test(a))!;
      assert.ok(existsSync(join(root, script)), `${script} exists`);
      if (unit === 'verdict.service') {
        assert.deepEqual([env.HOST, env.TRUST_PROXY, env.WORKER], ['127.0.0.1', 'loopback', 'false'], 'behind a proxy on this host, and trusting only it');
        assert.deepEqual(exec.slice(1), ['--import', 'tsx', 'src/server.ts'], 'what npm start runs');
      } else {
        assert.deepEqual(exec.slice(1), ['bin/verdict.js', 'worker']);
        assert.ok(env.METRICS_PORT, 'the worker serves its own /metrics and /readyz');
      }
    });
  }
});

describe('deploy/Caddyfile', { skip: need(has('caddy', ['version']), 'caddy (apt-get install caddy)') }, () => {
  test('caddy validate accepts it; it proxies to the port and with the body limit the app uses', () => {
    const file = join(root, 'deploy/Caddyfile');
    const v = spawnSync('caddy', ['validate', '--adapter', 'caddyfile', '--config', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(v.status, 0, v.stderr.slice(-1000));
    assert.match(v.stdout + v.stderr, /Valid configuration/);
    const a = spawnSync('caddy', ['adapt', '--adapter', 'caddyfile', '--config', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(a.status, 0, a.stderr);
    const json = a.stdout;
    const port = envOf(unitKeys(read('deploy/verdict.service'))).PORT;
    assert.match(json, new RegExp(`"dial":"127\\.0\\.0\\.1:${port}"`), 'the port verdict.service listens on');
    // The app refuses bodies over 64 KiB (app.tsx: bodyLimit 64 * 1024); Caddy stops them at the same size.
    assert.match(read('src/web/app.tsx'), /bodyLimit\(\{ maxSize: 64 \* 1024/);
    assert.match(json, /"max_size":65536/);
    assert.match(json, /"X-Request-Id":\["\{http\.request\.uuid\}"\]/);
    // Nothing sets X-Forwarded-For or -Proto by hand: Caddy sets both itself, ignoring what the client sent.
    assert.doesNotMatch(read('deploy/Caddyfile'), /header_up\s+X-Forwarded/i);
  });
});

describe('compose.yaml and the Dockerfile', () => {
  test('web, worker and PostgreSQL 16; the web waits for pg_isready, the worker for the web; data in volumes; non-root image with a HEALTHCHECK', () => {
    const c = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>; volumes?: string[] }>;
      volumes: Record<string, unknown>;
    };
    const { db, web, worker } = c.services;
    assert.ok(db && web && worker);
    assert.equal(db.image, 'postgres:16');
    assert.match(db.healthcheck!.test.join(' '), /pg_isready -U verdict -d verdict/);
    assert.deepEqual(web.depends_on, { db: { condition: 'service_healthy' } });
    assert.deepEqual(worker.depends_on, { db: { condition: 'service_healthy' }, web: { condition: 'service_healthy' } });
    for (const s of [web, worker]) {
      assert.match(s.environment!.DATABASE_URL!, /^postgres:\/\/verdict:.*@db:5432\/verdict$/);
      assert.deepEqual(s.volumes, ['verdict-data:/data']);
    }
    assert.equal(web.environment!.WORKER, 'false', 'the worker is its own service');
    assert.deepEqual(worker.command, ['node', 'bin/verdict.js', 'worker']);
    assert.match(worker.healthcheck!.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${worker.environment!.METRICS_PORT}/healthz`));
    assert.deepEqual(Object.keys(c.volumes).sort(), ['pgdata', 'verdict-data']);

    const d = read('Dockerfile');
    assert.match(d, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    assert.equal(d.match(/^FROM \$\{NODE_IMAGE\}/gm)?.length, 2, 'two stages');
    assert.match(d, /^USER node$/m);
    assert.match(d, /^VOLUME \/data$/m);
    assert.match(d, /DATABASE_URL=\/data\/verdict\.db/);
    assert.match(d, /^HEALTHCHECK .*\n?.*\/healthz/m);
    assert.match(d, /^CMD \["node", "--import", "tsx", "src\/server\.ts"\]$/m);
    // Everything the Dockerfile copies exists, and the .dockerignore keeps local data out.
    for (const [, from] of d.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) for (const f of from!.split(' ')) assert.ok(existsSync(join(root, f)), `COPY ${f}`);
    assert.match(read('.dockerignore'), /^data\/\*\.db$/m);
  });
});
