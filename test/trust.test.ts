import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { getSecret, signValue } from '../src/community/secret.js';
import { createVisitor } from '../src/community/visitor.js';
import { findOrCreateUser } from '../src/community/accounts.repo.js';
import { csrfTokenFor } from '../src/web/identity.js';
import { reportError } from '../src/community/corrections.service.js';
import { verdictProcess } from './helpers/cli.js';

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

/** Raw bytes a terminal would obey: C0 but newline and tab, DEL, C1 (as UTF-8 text, U+0080–U+009F). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const HOSTILE = 'Ansi \u001b[2J\u001b[31mRED \u001b]52;c;cHduZWQ=\u0007 \u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\ \u0008\u0008 \u009b31m Tool';

for (const { dialect, skip } of DIALECTS) {
  describe(`issue 16: public text never drives the operator's terminal (${dialect})`, { skip }, () => {
    let s: TestSite;
    let env: Record<string, string>;
    before(async () => {
      s = await startTestSite(dialect);
      env = { DATABASE_URL: s.store.location, PUBLIC_URL: 'http://verdict.test' };
    });
    after(() => s?.close());

    test('one-line fields refuse control characters at the submission form and API, and in imports', async () => {
      const page = await (await fetch(`${s.url}/submit`)).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      const fields = { name: 'Ansi \u001b[2J\u001b[31mRED Tool', url: 'https://ansi.example', tagline: 'A tool', category: 'Developer Tools', pricing_model: 'free', pricing_entry: 'Free' };
      const headers = { 'sec-fetch-site': 'same-origin', origin: s.url, 'x-csrf-token': csrf };
      const json = await fetch(`${s.url}/submit`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(fields) });
      assert.equal(json.status, 400);
      assert.match(await json.text(), /control characters/);
      const form = await fetch(`${s.url}/submit`, { method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, name: 'Bell\u0007 Tool', tagline: 'Back\u0008space' }) });
      assert.equal(form.status, 400);
      assert.equal((await s.store.db.selectFrom('submissions').select('id').execute()).length, 0, 'nothing stored');

      const dir = mkdtempSync(join(tmpdir(), 'verdict-import-'));
      const tool = { slug: 'ansi-tool', name: 'Ansi Tool', tagline: 'Clears \u001b[2J your screen', description: 'A tool.', category: 'Developer Tools', pricing: { model: 'free', entry: 'Free' }, url: 'https://ansi.example' };
      writeFileSync(join(dir, 'a.json'), JSON.stringify({ tools: [tool] }));
      const r = await verdictProcess(['import', join(dir, 'a.json')], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^verdict: tools\[0\] \("ansi-tool"\)\.tagline: must be one line, without control characters\n$/);
      rmSync(dir, { recursive: true, force: true });
    });

    test('CLI output and error lines show control characters escaped, and quote at most about 80 characters of a value', async () => {
      // Text stored before this rule (or multi-line text, which may hold them) still prints escaped.
      const now = new Date().toISOString();
      await s.store.db
        .insertInto('submissions')
        .values({ name: HOSTILE, slug: 'ansi-red-tool', url: 'https://ansi.example', urlKey: 'ansi.example', tagline: HOSTILE, category: 'Developer Tools', pricingModel: 'free', pricingEntry: 'Free', email: null, submitterId: null, status: 'pending', reason: null, toolId: null, createdAt: now, decidedAt: null })
        .execute();
      await s.store.db.updateTable('tools').set({ name: HOSTILE, description: `Line one\n${HOSTILE}` }).where('slug', '=', 'cursor').execute();
      for (const args of [['submissions', 'list'], ['tools', 'show', 'cursor'], ['compare', 'cursor', 'aider'], ['tools', 'list']]) {
        const r = await verdictProcess(args, env);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.doesNotMatch(r.stdout + r.stderr, RAW_CONTROL, `${args.join(' ')} printed a raw control character`);
        if (args[1] !== 'list' || args[0] === 'submissions') assert.ok(r.stdout.includes('\\u001b[2J'), `${args.join(' ')} shows the escape instead`);
        const j = await verdictProcess([...args, '--json'], env);
        assert.doesNotMatch(j.stdout, RAW_CONTROL);
        assert.ok(JSON.stringify(JSON.parse(j.stdout)).includes('\\u001b[2J'), '--json stays valid JSON with the same value');
      }

      const dir = mkdtempSync(join(tmpdir(), 'verdict-import-'));
      const base = { name: 'X', tagline: 'X', description: 'X', category: 'Developer Tools', pricing: { model: 'free', entry: 'Free' }, url: 'https://x.example' };
      writeFileSync(join(dir, 'long.json'), JSON.stringify({ tools: [{ ...base, slug: 'a'.repeat(5_000_000) }] }));
      writeFileSync(join(dir, 'title.json'), JSON.stringify({ tools: [{ ...base, slug: 'x\u001b]0;pwned\u0007\u0000y' }] }));
      const long = await verdictProcess(['import', join(dir, 'long.json')], env);
      assert.equal(long.code, 1);
      assert.ok(long.stderr.length < 400, `the error line is ${long.stderr.length} bytes`);
      assert.match(long.stderr, /tools\[0\] \("a{70,80}…"\)\.slug/);
      const title = await verdictProcess(['import', join(dir, 'title.json')], env);
      assert.equal(title.code, 1);
      assert.doesNotMatch(title.stderr, RAW_CONTROL);
      assert.match(title.stderr, /x\\u001b\]0;pwned\\u0007\\u0000y/);
      const unknown = await verdictProcess(['tools', 'show', `no-such-${'b'.repeat(2000)}\u001b[2J`], env);
      assert.equal(unknown.code, 1);
      assert.ok(unknown.stderr.length < 300);
      assert.doesNotMatch(unknown.stderr, RAW_CONTROL);
      rmSync(dir, { recursive: true, force: true });
    });

    test('an error report from a signed-in reader at their own address is confirmed at once', async () => {
      const user = await findOrCreateUser(s.store.db, 'own@example.com');
      const visitor = await createVisitor(s.store.db, user);
      const own = await reportError(s.store.db, 'cursor', { what: 'Something on this page is wrong.', email: 'own@example.com' }, visitor);
      assert.ok(own.emailConfirmedAt);
      const other = await reportError(s.store.db, 'cursor', { what: 'Something on this page is wrong.', email: 'someone@example.com' }, visitor);
      assert.equal(other.emailConfirmedAt, null);
    });
  });
}

describe('issue 16: the CLI cannot open the database: one line, exit 1, within seconds', () => {
  const notDb = join(mkdtempSync(join(tmpdir(), 'verdict-notdb-')), 'x.db');
  writeFileSync(notDb, 'this is not a database, just text\n'.repeat(100));
  const cases: [string, string, RegExp][] = [
    ['PostgreSQL refuses the connection', 'postgres://postgres:hunter2@127.0.0.1:1/x', /^verdict: Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/x: .*ECONNREFUSED/],
    ['a SQLite path that is a folder', tmpdir(), /^verdict: Cannot open the SQLite database .*: it is a folder$/],
    ['a file that is not a database', notDb, /^verdict: Cannot open the SQLite database .*: file is not a database$/],
    ['a folder that cannot be made (it hung before)', '/proc/nope/x.db', /^verdict: Cannot open the SQLite database \/proc\/nope\/x\.db: cannot create the folder \/proc\/nope/],
  ];
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = '/verdict_no_such_database';
    cases.push(['a PostgreSQL database that does not exist', u.toString(), /^verdict: Cannot connect to PostgreSQL at .*: database "verdict_no_such_database" does not exist$/]);
  }
  for (const [what, url, message] of cases) {
    test(what, async () => {
      const r = await verdictProcess(['tools', 'list'], { DATABASE_URL: url }, { timeoutMs: 15_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line, no stack:\n${r.stderr}`);
      assert.match(r.stderr.trimEnd(), message);
      assert.ok(!r.stderr.includes('hunter2'), 'the password is never printed');
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    });
  }

  test('tools list --category with an unknown category says so, not "No tools yet"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-cat-'));
    const env = { DATABASE_URL: join(dir, 'v.db') };
    assert.equal((await verdictProcess(['import', 'data/demo.json'], env)).code, 0);
    const r = await verdictProcess(['tools', 'list', '--category', 'no-such'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^verdict: No category "no-such"\. Categories: .*developer-tools/);
    const ok = await verdictProcess(['tools', 'list', '--category', 'developer-tools'], env);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^cursor /m);
    rmSync(dir, { recursive: true, force: true });
  });
});
