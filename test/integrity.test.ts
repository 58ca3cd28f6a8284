import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { startFakeLlm, criticOf, contradictsFirst, isBestForRequest, bestForJson } from './helpers/fake-llm.js';
import { CRITICS, seedDemo, takeJson, toolDoc, words } from './helpers/fixtures.js';
import { verdict } from './helpers/cli.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { exportCatalog } from '../src/catalog/export.js';
import { insertReview, latestReviews } from '../src/catalog/reviews.repo.js';
import { nowIso, openStore } from '../src/db/db.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { Migrator, type Kysely, type Migration } from 'kysely';
import { loadConfig } from '../src/config.js';
import { loadCritics } from '../src/panel/critics.js';
import { createSite, type Site } from '../src/web/site.js';
import { startServer } from '../src/web/server.js';
import { createLlmClient } from '../src/panel/llm.js';
import { runPanel } from '../src/panel/runner.js';
import { RateLimiter, setLimiter } from '../src/community/rate-limit.js';
import { hasActiveJob } from '../src/queue/jobs.repo.js';

const DATE = String.raw`\d{1,2} [A-Z][a-z]{2} \d{4}`;
const take = (score: number, extra: Record<string, unknown> = {}) => ({ score, verdict: score >= 60 ? 'ship' : 'skip', take: words(30, 'useful'), ...extra });

for (const { dialect, skip } of DIALECTS) {
  describe(`integrity: provenance (${dialect})`, { skip }, () => {
    let t: TestSite;
    let env: Record<string, string>;
    let runId: number;
    const tmp = mkdtempSync(join(tmpdir(), 'verdict-integrity-'));
    before(async () => {
      t = await startTestSite(dialect);
      env = { DATABASE_URL: t.store.location };
      // One authored review (the only kind that may name a person), one with no author, from a named file.
      const file = join(tmp, 'reviews-2026.json');
      writeFileSync(
        file,
        JSON.stringify({
          tools: [
            toolDoc('prov-tool', {
              reviews: [
                { critic: 'builder', ...take(70), author: 'Ada Lovelace' },
                { critic: 'skeptic', ...take(40) },
                { critic: 'futurist', ...take(65), source: 'The Futurist Quarterly' },
              ],
            }),
          ],
        }),
      );
      const imp = await verdict(['import', file], env);
      assert.equal(imp.code, 0, imp.stderr);
      // A panel run on the same tool: creator answers, guardian contradicts itself once then answers, founder fails every attempt,
      // and the "best for" synthesis (the tool has no catalog one) answers too long a phrase every time.
      const contradicting = contradictsFirst(['guardian']);
      const fake = await startFakeLlm((req) =>
        isBestForRequest(req.body)
          ? { content: bestForJson('word '.repeat(40)) }
          : criticOf(req.body) === 'founder'
          ? { status: 500 }
          : criticOf(req.body) === 'guardian'
            ? contradicting(req)
            : { content: takeJson(80), usage: { prompt_tokens: 111, completion_tokens: 22 } },
      );
      try {
        const llm = createLlmClient({ provider: 'openai-compatible', baseURL: fake.url, apiKey: 'test', model: 'fake-model-9' }, 60);
        const tool = (await findToolBySlug(t.store.db, 'prov-tool'))!;
        const critics = CRITICS.filter((c) => c.id === 'creator' || c.id === 'founder' || c.id === 'guardian');
        const r = await runPanel(t.store.db, llm, [tool], critics, { threshold: 60, concurrency: 2, timeoutMs: 2000, maxAttempts: 2, backoffMs: 1 });
        runId = r.runs[0]!.runId;
      } finally {
        await fake.close();
      }
      await t.site.refreshVersion();
    });
    after(() => t.close());

    test('the tool page says exactly where each take came from, and never "human-written"', async () => {
      const html = await (await t.get('/tools/prov-tool')).text();
      assert.ok(!html.includes('human-written'));
      assert.match(html, new RegExp(`By Ada Lovelace · imported from reviews-2026\\.json on <time datetime="[^"]+">${DATE}</time>`));
      assert.match(html, new RegExp(`Imported from reviews-2026\\.json on <time`));
      assert.match(html, /Imported from The Futurist Quarterly on <time/);
      assert.match(html, new RegExp(`<a href="/runs/${runId}">Panel run #${runId} · fake-model-9 · prompt panel-v\\d+\\+creator\\.[0-9a-f]{8} · <time`));
      const demo = await (await t.get('/tools/whisper')).text();
      assert.match(demo, new RegExp(`Demo review · imported on <time datetime="[^"]+">${DATE}</time>`));
      assert.ok(!demo.includes('human-written'));
    });

    test('the run page shows the tool, model, critics, tokens, latency and the failure with its reason', async () => {
      const res = await t.get(`/runs/${runId}`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<h1>Panel run #\d+<\/h1>/);
      assert.ok(html.includes('<a href="/tools/prov-tool">prov-tool</a>'));
      assert.ok(html.includes('fake-model-9'));
      assert.ok(html.includes('Partly failed'));
      assert.match(html, /<a href="\/critics\/creator">Creator<\/a><\/th><td>80 · Ship<\/td><td>111 \/ 22<\/td><td>\d+\.\d s<\/td>/);
      assert.match(html, /<strong>Founder<\/strong> failed after 2 attempts \(1 retry\): [^<]*5\d\d/);
      // A retry of a critic that answered in the end is shown too, with its reason.
      assert.match(html, /<strong>Guardian<\/strong>, attempt 1, asked again: [^<]*verdict contradicts score/);
      // The "best for" synthesis is no critic: named as what it is, and its failure leaves the status to the critics.
      assert.match(html, /<strong>The &quot;Best for&quot; summary<\/strong>, attempt 1, asked again: invalid output: bestFor: /);
      assert.match(html, /<strong>The &quot;Best for&quot; summary<\/strong> failed after 2 attempts \(1 retry\): invalid output: bestFor: /);
      assert.equal((await t.get('/runs/999999')).status, 404);
    });

    test('the API carries origin, source, author, run and the same label', async () => {
      const body = (await (await t.get('/api/v1/tools/prov-tool/reviews')).json()) as { latest: Record<string, unknown>[] };
      const by = (c: string) => body.latest.find((r) => r.critic === c)!;
      assert.deepEqual(
        { origin: by('builder').origin, author: by('builder').author, importSource: by('builder').importSource, runId: by('builder').runId },
        { origin: 'import', author: 'Ada Lovelace', importSource: 'reviews-2026.json', runId: null },
      );
      assert.equal(by('skeptic').author, null);
      assert.match(by('skeptic').provenance as string, new RegExp(`^Imported from reviews-2026\\.json on ${DATE}$`));
      assert.equal(by('creator').origin, 'panel');
      assert.equal(by('creator').runId, runId);
      assert.equal(by('creator').author, null);
      const openapi = JSON.stringify(await (await t.get('/api/openapi.json')).json());
      assert.ok(openapi.includes('"author"') && openapi.includes('"importSource"') && !openapi.includes('"human"'));
    });

    test('the CLI shows the same labels', async () => {
      const show = await verdict(['tools', 'show', 'prov-tool'], env);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /\(By Ada Lovelace · imported from reviews-2026\.json on \d{4}-\d\d-\d\d\)/);
      assert.match(show.stdout, /\(Imported from reviews-2026\.json on \d{4}-\d\d-\d\d\)/);
      assert.match(show.stdout, new RegExp(`\\(Panel run #${runId} · fake-model-9 · prompt \\S+ · \\d{4}-\\d\\d-\\d\\d\\)`));
      const json = JSON.parse((await verdict(['tools', 'show', 'prov-tool', '--json'], env)).stdout);
      assert.equal(json.reviews.find((r: { critic: string }) => r.critic === 'builder').author, 'Ada Lovelace');
      const named = await verdict(['import', '-', '--help'], env);
      assert.match(named.stdout, /--source <name>/);
    });

    test('export carries author and source, and a re-import into a new catalog keeps them', async () => {
      const doc = await exportCatalog(t.store.db);
      const tool = doc.tools.find((x) => (x as { slug: string }).slug === 'prov-tool') as { reviews: Record<string, unknown>[] };
      const by = (c: string) => tool.reviews.find((r) => r.critic === c)!;
      assert.equal(by('builder').author, 'Ada Lovelace');
      assert.equal(by('builder').source, 'reviews-2026.json');
      assert.equal(by('skeptic').author, undefined);
      assert.equal(by('futurist').source, 'The Futurist Quarterly');
      assert.equal(by('creator').source, `panel run #${runId} (fake-model-9)`);
      assert.equal(by('creator').author, undefined);
      const other = await freshStore(dialect);
      try {
        await importTools(other.db, parseImport(JSON.parse(JSON.stringify({ tools: [tool] })), { threshold: 60, critics: CRITICS.map((c) => c.id) }), { source: 'ignored.json' });
        const id = (await findToolBySlug(other.db, 'prov-tool'))!.id;
        const rows = (await latestReviews(other.db, [id])).get(id)!;
        const row = (c: string) => rows.find((r) => r.critic === c)!;
        assert.deepEqual([row('builder').author, row('builder').importSource], ['Ada Lovelace', 'reviews-2026.json']);
        assert.deepEqual([row('skeptic').author, row('skeptic').importSource], [null, 'reviews-2026.json']);
        assert.ok(rows.every((r) => r.origin === 'import'));
      } finally {
        await other.close();
      }
      assert.ok(readFileSync('data/demo.json', 'utf8').includes('"source": "demo"'));
    });
  });
}

for (const { dialect, skip } of DIALECTS) {
  describe(`integrity: methodology (${dialect})`, { skip }, () => {
    let store: TestStore;
    let server: { url: string; close(): Promise<void> };
    let site: Site;
    before(async () => {
      // A critic file added beside the shipped ones, and a threshold other than the default.
      const dir = mkdtempSync(join(tmpdir(), 'verdict-critics-'));
      for (const f of readdirSync('critics')) copyFileSync(join('critics', f), join(dir, f));
      writeFileSync(
        join(dir, 'auditor.md'),
        [
          '---',
          'name: Auditor',
          'order: 50',
          'motto: "Show me the paper trail."',
          'lens: Checks licences, data retention and audit logs before anything else.',
          'excites:',
          '  - signed audit logs',
          'tired_of:',
          '  - vague privacy pages',
          'abstains_when: The tool stores no data at all, so there is nothing to audit.',
          '---',
          'You are the Auditor. Score from 0 to 100.',
          '',
        ].join('\n'),
      );
      store = await freshStore(dialect);
      await seedDemo(store.db, ['whisper']);
      const tool = (await findToolBySlug(store.db, 'whisper'))!;
      const row = (model: string, createdAt: string) =>
        insertReview(store.db, { toolId: tool.id, critic: 'builder', kind: 'take', score: 70, verdict: 'ship', take: words(30), reason: null, origin: 'panel', importSource: null, author: null, runId: null, model, promptVersion: 'v1', inputTokens: 1, outputTokens: 1, latencyMs: 1, createdAt });
      for (let i = 0; i < 3; i++) await row('model-alpha', nowIso());
      await row('model-beta', nowIso());
      await row('model-from-last-year', new Date(Date.now() - 200 * 86_400_000).toISOString());
      site = await createSite(store, loadConfig({ PUBLIC_URL: 'http://verdict.test', SHIP_THRESHOLD: '72' }), loadCritics(dir));
      server = await startServer(site, 0, '127.0.0.1');
    });
    after(async () => {
      await site.close();
      await server.close();
      await store.close();
    });

    test('the methodology page reflects the live threshold, critic files and the models actually used', async () => {
      const res = await fetch(`${server.url}/methodology`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /public/);
      const html = await res.text();
      assert.ok(html.includes('<strong id="ship-threshold">72</strong> or more is a <em>ship</em>'));
      assert.ok(html.includes('<a href="/critics/auditor">Auditor</a>'));
      assert.ok(html.includes('Checks licences, data retention and audit logs before anything else.'));
      assert.ok(html.includes('The tool stores no data at all, so there is nothing to audit.'));
      assert.ok(html.includes('The tool is not something you install, run or integrate'), "the Builder's abstention rule, from its file");
      assert.match(html, /<code>model-alpha<\/code><\/td><td>3<\/td><td>75%<\/td>/);
      assert.match(html, /<code>model-beta<\/code><\/td><td>1<\/td><td>25%<\/td>/);
      assert.ok(!html.includes('model-from-last-year'), 'only the last 90 days');
      assert.ok(html.includes('Ranking is never for sale'));
    });

    test('every full panel verdict links to it', async () => {
      const html = await (await fetch(`${server.url}/tools/whisper`)).text();
      // The link sits right after the verdict chip, outside it (the chip's text stays the verdict alone).
      assert.match(html, /<span class="verdict verdict-chip">.*?<\/span> <a class="how-we-decide small" href="\/methodology">How we decide<\/a>/s);
    });
  });
}

const ADMIN_TOKEN = 'admin-token-for-integrity-tests-0123';

for (const { dialect, skip } of DIALECTS) {
  describe(`integrity: corrections (${dialect})`, { skip }, () => {
    let t: TestSite;
    let outbox: string;
    let env: Record<string, string>;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' };
    before(async () => {
      outbox = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
      t = await startTestSite(dialect, { env: { ADMIN_TOKEN, OUTBOX_DIR: outbox } });
      env = { DATABASE_URL: t.store.location, OUTBOX_DIR: outbox, PUBLIC_URL: 'http://verdict.test' };
    });
    after(() => t.close());

    const formOf = async (path: string) => {
      const res = await t.get(path, { headers: { 'x-forwarded-for': '198.51.100.7' } });
      assert.equal(res.status, 200, path);
      const html = await res.text();
      return { html, token: html.match(/name="_csrf" value="([^"]+)"/)![1]! };
    };
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}, ip = '198.51.100.7') =>
      t.get(path, {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url, 'sec-fetch-site': 'same-origin', 'x-forwarded-for': ip, ...headers },
      });

    test('every take links to the form; a report goes from the form to admin and the CLI, and the correction shows on the page', async () => {
      const page = await (await t.get('/tools/whisper')).text();
      const links = [...page.matchAll(/<a class="report-link" href="\/tools\/whisper\/report\?review=(\d+)" rel="nofollow">Report an error/g)];
      const cards = [...page.matchAll(/<article class="card scorecard /g)];
      assert.ok(links.length > 0 && links.length === cards.length, 'one "Report an error" per take');
      const reviewId = links[0]![1]!;
      const { html, token } = await formOf(`/tools/whisper/report?review=${reviewId}`);
      assert.ok(html.includes(`<input type="hidden" name="review" value="${reviewId}"/>`));
      assert.match(html, /<form method="post" action="\/tools\/whisper\/report"/);

      const sent = await post('/tools/whisper/report', { _csrf: token, review: reviewId, what: 'The take says Whisper needs a GPU; it runs on a CPU too.', source_url: 'https://github.com/openai/whisper' });
      assert.equal(sent.status, 303);
      assert.equal(sent.headers.get('location'), '/tools/whisper/report/thanks');
      assert.equal((await t.get('/tools/whisper/report/thanks')).status, 200);

      const adminHtml = await (await t.get('/admin', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      assert.ok(adminHtml.includes('The take says Whisper needs a GPU; it runs on a CPU too.'));
      assert.match(adminHtml, /action="\/admin\/reports\/\d+\/accept"/);
      const listed = (await (await t.get('/admin/reports.json?status=pending', { headers: admin })).json()) as { reports: { id: number; critic: string; sourceUrl: string }[] };
      assert.equal(listed.reports.length, 1);
      const id = listed.reports[0]!.id;
      assert.equal(listed.reports[0]!.sourceUrl, 'https://github.com/openai/whisper');

      const cli = await verdict(['reports', 'list'], env);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, new RegExp(`#${id}  pending   Whisper \\(whisper\\) · [a-z]+'s take\\n      The take says Whisper needs a GPU`));
      const accepted = await verdict(['reports', 'accept', String(id), '--changed', 'The take now says it runs on a CPU.', '--why', 'The README documents CPU inference.', '--tool-data', '--json'], env);
      assert.equal(accepted.code, 0, accepted.stderr);
      const out = JSON.parse(accepted.stdout) as { jobId: number; correction: { id: number } };
      const job = await t.store.db.selectFrom('jobs').selectAll().where('id', '=', out.jobId).executeTakeFirstOrThrow();
      const whisper = (await findToolBySlug(t.store.db, 'whisper'))!;
      assert.equal(job.type, 'panel.review');
      assert.deepEqual(JSON.parse(job.payload), { toolId: whisper.id });
      // Research and the daily review look for any waiting review of the tool by this prefix, and find this one.
      assert.match(String(job.idempotencyKey), new RegExp(`^panel\\.review:tool:${whisper.id}:correction:${out.correction.id}$`));
      assert.equal(await hasActiveJob(t.store.db, `panel.review:tool:${whisper.id}:`), true);
      assert.equal((await verdict(['reports', 'accept', String(id), '--changed', 'x again', '--why', 'y again'], env)).code, 1, 'a decided report cannot be decided again');

      await t.site.refreshVersion();
      const after = await (await t.get('/tools/whisper')).text();
      const history = after.slice(after.indexOf('id="history-title"'));
      assert.match(history, /<h3>Corrections<\/h3>/);
      assert.ok(history.includes('<strong>What changed:</strong> The take now says it runs on a CPU.'));
      assert.ok(history.includes('<strong>Why:</strong> The README documents CPU inference.'));
      assert.ok(history.includes('the panel is reviewing the tool again'));
      const method = await (await t.get('/methodology')).text();
      assert.ok(method.includes('1 correction so far'));
      assert.ok(method.includes('<a href="/tools/whisper#corrections">Whisper</a>'));
    });

    test('a rejected report is answered by email only at a confirmed address, and the email quotes nothing the reporter wrote (issue 16.6)', async () => {
      const mailsNow = () => readdirSync(outbox).map((f) => readFileSync(join(outbox, f), 'utf8'));
      const before = mailsNow().length;
      const { token } = await formOf('/tools/cursor/report');
      const SPAM = 'Buy cheap pills at spam.example, best prices!';
      assert.equal((await post('/tools/cursor/report', { _csrf: token, what: SPAM, email: 'victim@example.com' })).status, 303);
      assert.equal((await post('/tools/cursor/report', { _csrf: token, what: 'Cursor is free forever for everyone.', email: 'reader@example.com' })).status, 303);
      assert.equal((await post('/tools/cursor/report', { _csrf: token, what: 'Another claim that is simply not right.' })).status, 303);
      // Each address gets one confirmation email: fixed words and the tool's name, never the report's text.
      const confirmations = mailsNow().slice(before);
      assert.equal(confirmations.length, 2);
      for (const m of confirmations) {
        assert.match(m, /Subject: Confirm your address/);
        assert.ok(!m.includes('spam.example') && !m.includes('free forever'), 'a confirmation email quotes nothing the reporter wrote');
      }
      const pending = (await (await t.get('/admin/reports.json?status=pending', { headers: admin })).json()) as { reports: { id: number; email: string | null; emailConfirmedAt: string | null }[] };
      const victim = pending.reports.find((r) => r.email === 'victim@example.com')!;
      const reader = pending.reports.find((r) => r.email === 'reader@example.com')!;
      const without = pending.reports.find((r) => !r.email)!;
      assert.equal(victim.emailConfirmedAt, null);

      // Rejecting before the address is confirmed emails nobody: the form is not a channel to strangers.
      const token2 = (await formOf('/tools/cursor/report')).token;
      const count = mailsNow().length;
      const spam = await post(`/admin/reports/${victim.id}/reject`, { _csrf: token2, reason: 'Not about the tool.' }, admin);
      assert.equal(((await spam.json()) as { emailed: boolean }).emailed, false);
      assert.equal(mailsNow().length, count, 'no mail to an unconfirmed address');

      // The reader follows their link: the GET only asks, the button's POST confirms.
      const readerMail = confirmations.find((m) => m.includes('reader@example.com'))!;
      const link = /http:\/\/verdict\.test(\/reports\/confirm\?token=[^\s]+)/.exec(readerMail.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![1]!;
      const ask = await t.get(link);
      assert.equal(ask.status, 200);
      const askHtml = await ask.text();
      assert.match(askHtml, /Confirm my address/);
      const still = (await (await t.get('/admin/reports.json?status=pending', { headers: admin })).json()) as { reports: { id: number; emailConfirmedAt: string | null }[] };
      assert.equal(still.reports.find((r) => r.id === reader.id)!.emailConfirmedAt, null, 'a GET of the link changes nothing');
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(askHtml)![1]!.replace(/&amp;/g, '&');
      assert.equal((await post('/reports/confirm', { _csrf: field('_csrf'), token: field('token') })).status, 200);
      assert.equal((await post('/reports/confirm', { _csrf: field('_csrf'), token: field('token').replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')) })).status, 400, 'an altered link is refused');

      const rejected = await post(`/admin/reports/${reader.id}/reject`, { _csrf: token2, reason: 'The pricing page lists paid plans.' }, admin);
      assert.equal(rejected.status, 200);
      assert.equal(((await rejected.json()) as { emailed: boolean }).emailed, true);
      const mail = mailsNow().find((m) => m.includes('reader@example.com') && m.includes('Subject: Your error report on Cursor'))!;
      assert.ok(mail, 'an .eml was written for the reporter');
      assert.ok(mail.includes('The pricing page lists paid plans.'));
      assert.ok(!mail.includes('free forever'), 'the answer does not quote the report');
      const cli = await verdict(['reports', 'reject', String(without.id), '--reason', 'Not an error.', '--json'], env);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(JSON.parse(cli.stdout).emailed, false);
    });

    test('CSRF, bad input, unknown tools and the rate limit', async () => {
      const { token } = await formOf('/tools/cursor/report');
      const good = { what: 'This sentence is definitely wrong somehow.' };
      assert.equal((await post('/tools/cursor/report', good)).status, 403, 'no token');
      assert.equal((await post('/tools/cursor/report', { ...good, _csrf: 'a.forged' })).status, 403, 'forged token');
      assert.equal((await post('/tools/cursor/report', { ...good, _csrf: token }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site');

      const bad = await post('/tools/cursor/report', { _csrf: token, what: 'short', source_url: 'ftp://x', email: 'nope' });
      assert.equal(bad.status, 400);
      const html = await bad.text();
      assert.ok(html.includes('What is wrong must be at least 10 characters'));
      assert.ok(html.includes('Source must be an http(s) URL'));
      assert.match(html, /Email [^<]+/);
      assert.ok(html.includes('value="ftp://x"'), 'what was typed comes back');
      const foreign = await post('/tools/cursor/report', { ...good, _csrf: token, review: '999999' }, { accept: 'application/json' });
      assert.equal(foreign.status, 400);
      assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'invalid_report');
      assert.equal((await t.get('/tools/no-such-tool/report')).status, 404);

      const tight = new RateLimiter(t.store.db, { reportIp: { capacity: 2, refill: 2, perMs: 3_600_000 } });
      await tight.reset();
      setLimiter(t.site, tight);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await post('/tools/cursor/report', { ...good, _csrf: token }, {}, '192.0.2.99')).status);
        assert.deepEqual(statuses, [303, 303, 429]);
      } finally {
        setLimiter(t.site, new RateLimiter(t.store.db));
      }
    });
  });
}

test('migration: existing "human" reviews become imports with no source and no author; panel rows stay panel rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-migrate-prov-'));
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'v.db') }, { migrate: false });
  try {
    const db = store.db as unknown as Kysely<any>;
    const before = Object.fromEntries(Object.entries(await allMigrations()).filter(([name]) => name < '20261130_101'));
    const r = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    assert.equal(r.error, undefined);
    const now = new Date().toISOString();
    const { id: toolId } = await db
      .insertInto('tools')
      .values({ slug: 'old', name: 'Old', tagline: 't', description: 'd', category: 'C', categorySlug: 'c', pricingModel: 'free', pricingEntry: 'Free', url: 'https://example.com', tags: '[]', createdAt: now, updatedAt: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const source of ['human', 'llm']) {
      await db.insertInto('reviews').values({ toolId, critic: source === 'human' ? 'builder' : 'skeptic', kind: 'abstain', reason: 'r', source, model: source === 'llm' ? 'm' : null, createdAt: now }).execute();
    }
    await migrateToLatest(db);
    const rows = await db.selectFrom('reviews').selectAll().orderBy('id').execute();
    assert.deepEqual(rows.map((x) => [x.origin, x.importSource, x.author, 'source' in x]), [
      ['import', null, null, false],
      ['panel', null, null, false],
    ]);
  } finally {
    await store.close();
  }
});

test('migration: tools.researched_at is backfilled with the newest snapshot of each tool; never-checked tools stay null', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-migrate-researched-'));
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'v.db') }, { migrate: false });
  try {
    const db = store.db as unknown as Kysely<any>;
    const before = Object.fromEntries(Object.entries(await allMigrations()).filter(([name]) => name < '20261130_115'));
    const r = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    assert.equal(r.error, undefined);
    const now = new Date().toISOString();
    const ids: number[] = [];
    for (const slug of ['checked', 'never']) {
      const { id } = await db
        .insertInto('tools')
        .values({ slug, name: slug, tagline: 't', description: 'd', category: 'C', categorySlug: 'c', pricingModel: 'free', pricingEntry: 'Free', url: 'https://example.com', tags: '[]', createdAt: now, updatedAt: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(id);
    }
    for (const [kind, fetchedAt] of [['pricing', '2026-03-02T00:00:00.000Z'], ['homepage', '2026-03-05T00:00:00.000Z'], ['pricing', '2026-03-01T00:00:00.000Z']]) {
      await db.insertInto('evidence').values({ toolId: ids[0], kind, url: 'https://example.com', fetchedAt }).execute();
    }
    await migrateToLatest(db);
    const rows = await db.selectFrom('tools').select(['slug', 'researchedAt']).orderBy('id').execute();
    assert.deepEqual(rows, [
      { slug: 'checked', researchedAt: '2026-03-05T00:00:00.000Z' },
      { slug: 'never', researchedAt: null },
    ]);
  } finally {
    await store.close();
  }
});

/** Every registered migration, by name, as src/db/migrate.ts lists them (read back from the migrations folder). */
async function allMigrations(): Promise<Record<string, Migration>> {
  const out: Record<string, Migration> = {};
  for (const f of readdirSync('src/db/migrations').sort()) out[f.replace(/\.ts$/, '')] = await import(`../src/db/migrations/${f}`);
  return out;
}
