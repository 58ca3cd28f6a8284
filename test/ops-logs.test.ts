import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { DIALECTS, freshStore } from './helpers/db.js';
import { Browser, freePort, root, startServerProcess } from './helpers/process.js';

/**
 * Issue 18: "no secret, token, cookie, email address or magic link is ever logged". A real server process at
 * LOG_LEVEL=debug (everything it would ever write), and a reader's full journey: pages, an anonymous vote and
 * bookmark, a sign-in by emailed link, a signed-in vote, a digest subscription confirmed by its link, the admin
 * signing in with the admin token, a metrics scrape and a sign-out. Then every byte it wrote to stdout and stderr
 * is searched for each secret value the journey saw.
 */

const SECRET = 'journey-signing-secret-0123456789abcdef';
const ADMIN_TOKEN = 'journey-admin-token-0123456789';
const METRICS_TOKEN = 'journey-metrics-token-0123456789';
const EMAIL = 'journey.person@example.org';

for (const { dialect, skip } of DIALECTS) {
  describe(`logs of a sign-in and vote journey (${dialect})`, { skip }, () => {
    test('hold a line per request and no secret, token, cookie, email address or magic link', async () => {
      const store = await freshStore(dialect);
      const outbox = mkdtempSync(join(tmpdir(), 'verdict-journey-'));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const server = await startServerProcess({
        PORT: String(port),
        DATABASE_URL: store.location,
        PUBLIC_URL: base,
        SECRET,
        ADMIN_TOKEN,
        METRICS_TOKEN,
        OUTBOX_DIR: outbox,
        TRUST_PROXY: 'loopback',
        WORKER: 'false',
        LOG_LEVEL: 'debug',
      });
      const seen = new Set<string>([SECRET, ADMIN_TOKEN, METRICS_TOKEN, EMAIL, 'journey.person']);
      try {
        const b = new Browser(base, { 'x-forwarded-for': '198.51.100.20' });
        const mailTo = async (n: number) => {
          for (let i = 0; i < 100 && readdirSync(outbox).length < n; i++) await new Promise((r) => setTimeout(r, 50));
          const files = readdirSync(outbox).sort();
          assert.equal(files.length, n);
          return (await simpleParser(readFileSync(join(outbox, files.at(-1)!)))).text ?? '';
        };
        const remember = (res: Response) => {
          for (const c of res.headers.getSetCookie()) seen.add(c.split(';')[0]!.split('=').slice(1).join('='));
          return res;
        };
        const tokenOf = async (page: string) => {
          const t = await b.token(page);
          seen.add(t);
          return t;
        };

        assert.equal((await b.fetch('/')).status, 200);
        assert.equal((await b.fetch('/tools/smolvlm2')).status, 200);
        assert.equal(remember(await b.post('/tools/smolvlm2/vote', { vote: 'ship' }, { token: await tokenOf('/tools/smolvlm2') })).status, 303);
        assert.equal(remember(await b.post('/tools/smolvlm2/bookmark', { action: 'add' }, { token: await tokenOf('/tools/smolvlm2') })).status, 303);

        // Sign in by emailed link.
        const asked = await b.post('/signin', { email: EMAIL, next: '/bookmarks' }, { token: await tokenOf('/signin') });
        assert.equal(asked.status, 200);
        const text = await mailTo(1);
        const link = /http:\/\/\S+\/signin\/verify\?token=\S+/.exec(text)?.[0];
        assert.ok(link, 'the email holds the magic link');
        const token = new URL(link).searchParams.get('token')!;
        seen.add(link);
        seen.add(token);
        seen.add(encodeURIComponent(token));
        const confirm = await b.fetch(link.slice(base.length));
        assert.equal(confirm.status, 200);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await confirm.text())![1]!;
        seen.add(csrf);
        const signedIn = remember(await b.post('/signin/verify', { token, next: '/bookmarks' }, { token: csrf }));
        assert.equal(signedIn.status, 303);
        assert.equal((await b.fetch('/bookmarks')).status, 200);
        assert.equal(remember(await b.post('/tools/cursor/vote', { vote: 'skip' }, { token: await tokenOf('/tools/cursor') })).status, 303);

        // A digest subscription and its confirmation link.
        const sub = await b.post('/digest/subscribe', { email: EMAIL }, { token: await tokenOf('/digest'), json: true });
        assert.equal(sub.status, 200);
        const confirmLink = /http:\/\/\S+\/digest\/confirm\?token=\S+/.exec(await mailTo(2))?.[0];
        assert.ok(confirmLink);
        seen.add(confirmLink);
        seen.add(new URL(confirmLink).searchParams.get('token')!);
        assert.equal((await b.fetch(confirmLink.slice(base.length))).status, 200);

        // The admin signs in with the token; a monitor scrapes /metrics.
        const admin = new Browser(base, { 'x-forwarded-for': '198.51.100.21' });
        assert.equal(remember(await admin.post('/admin/login', { token: ADMIN_TOKEN }, { token: await admin.token('/admin') })).status, 303);
        assert.equal((await admin.fetch('/admin')).status, 200);
        assert.equal((await fetch(`${base}/admin/submissions.json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200);
        const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        assert.match(metrics, /verdict_signins_total\{step="link_sent"\} 1/);
        assert.match(metrics, /verdict_signins_total\{step="signed_in"\} 1/);
        assert.equal(remember(await b.post('/signout', {}, { token: await tokenOf('/bookmarks') })).status, 303);
        for (const v of [...b.cookies.values(), ...admin.cookies.values()]) seen.add(v);
      } finally {
        assert.equal(await server.stop(), 0);
        rmSync(outbox, { recursive: true, force: true });
        await store.close();
      }

      const output = server.output();
      const lines = server.lines();
      // Not vacuous: the journey is there, request by request, by route pattern.
      const routes = lines.filter((l) => l.msg === 'request').map((l) => `${l.method} ${l.route} ${l.status}`);
      for (const r of ['POST /signin 200', 'GET /signin/verify 200', 'POST /signin/verify 303', 'POST /tools/:slug/vote 303', 'GET /digest/confirm 200', 'POST /admin/login 303', 'GET /metrics 200', 'POST /signout 303']) {
        assert.ok(routes.includes(r), `logged: ${r}`);
      }
      assert.ok(lines.some((l) => String(l.msg).startsWith('mail: wrote')), 'the outbox writes are logged (by file)');
      for (const value of seen) {
        if (value.length < 8) continue;
        assert.ok(!output.includes(value), `the logs hold a secret value: ${value.slice(0, 12)}…`);
      }
      assert.doesNotMatch(output, /[\w.+-]+@[\w-]+\.[\w.]+/, 'no email address');
      assert.doesNotMatch(output, /verdict_(v|admin)=/, 'no cookie');
      assert.doesNotMatch(output, /token=(?!\[redacted\])/i, 'no token in a URL');
      assert.doesNotMatch(output, /\/verify\?|\/confirm\?/, 'no magic link');
    });
  });
}

const jsonLines = (out: string) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the request line written without pino (stdout a pipe, as under journald or docker)', () => {
  /** A process that logs through the batched path, then dies by SIGKILL (no exit handler runs). */
  const run = (body: string, setup = "{ fd: 1, level: 'info' }") => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-logline-'));
    const file = join(dir, 'script.ts');
    writeFileSync(file, `import { configureLogging, log, logRequest } from ${JSON.stringify(join(root, 'src/ops/log.ts'))};\nconfigureLogging(${setup});\n${body}\n`);
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(r.stderr, '');
      return r.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('is the line pino writes for the same fields: same keys in the same order, same values', () => {
    const fields = { reqId: 'a1b2-c3', method: 'GET', route: '/tools/:slug', status: 200, ms: 0.37, cache: 'hit' };
    const [fast, slow, end] = jsonLines(run(`logRequest(${JSON.stringify(fields)});\nlog().info(${JSON.stringify(fields)}, 'request');\nlog().warn('end');\nprocess.kill(process.pid, 'SIGKILL');`));
    assert.ok(fast && slow && end, 'three lines, the batched one first, none lost to the SIGKILL after the warning');
    assert.deepEqual(Object.keys(fast), Object.keys(slow));
    assert.deepEqual({ ...fast, time: 0 }, { ...slow, time: 0 });
    assert.equal(typeof fast.time, 'number');
    assert.equal(end.msg, 'end');
  });

  test('log lines are terminal-safe, as JSON and on a terminal (issue 16.4): control characters show escaped', () => {
    // A title-setting OSC, a screen clear, and a C1 CSI (U+009B), which JSON itself leaves raw.
    const hostile = 'Evil\u001b]0;owned\u0007 \u001b[2J\u009b31m';
    const body = `log().warn({ tool: ${JSON.stringify(hostile)} }, ${JSON.stringify(`msg ${hostile}`)});`;
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    const json = run(body);
    assert.doesNotMatch(json, raw);
    assert.deepEqual(jsonLines(json).map((l) => [l.tool, l.msg]), [[hostile, `msg ${hostile}`]], 'the JSON still holds the very text');
    const pretty = run(body, "{ fd: 1, level: 'info', pretty: true }");
    assert.match(pretty, /Evil\\u001b\]0;owned\\u0007/, 'shown escaped');
    assert.doesNotMatch(pretty.replace(/\u001b\[[0-9;]*m/g, ''), raw, 'nothing but pino-pretty\'s own colours');
  });

  test('keeps optional fields out when unset and marks aborted requests', () => {
    const [plain, aborted] = jsonLines(run(
      `logRequest({ reqId: 'x', method: 'POST', route: 'unmatched', status: 404, ms: 1 });\nlogRequest({ reqId: 'y', method: 'GET', route: '/', status: 200, ms: 2, aborted: true });\nprocess.exit(0);`,
    ));
    assert.deepEqual(Object.keys(plain!), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'route', 'status', 'ms', 'msg']);
    assert.equal(aborted!.aborted, true);
  });
});
