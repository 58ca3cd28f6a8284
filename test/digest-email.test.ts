import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { configureLogging } from '../src/ops/log.js';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './helpers/smtp.js';
import { getSecret } from '../src/community/secret.js';
import { confirmToken } from '../src/digest/tokens.js';
import { sendIssue } from '../src/digest/digest.service.js';
import { createDeliveries, insertIssueOnce } from '../src/digest/issues.repo.js';
import { isoWeek, previousWeek } from '../src/domain/week.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { claimJob } from '../src/queue/jobs.repo.js';
import { enqueue } from '../src/queue/queue.js';
import { drainJobs } from '../src/worker/worker.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { insertReview } from '../src/catalog/reviews.repo.js';
import { nowIso, type Db } from '../src/db/db.js';
import { CRITICS } from './helpers/fixtures.js';

const PUBLIC = 'http://verdict.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WEEK = isoWeek(new Date());

/** A header as written on the wire (unfolded), e.g. List-Unsubscribe — mailparser turns List-* into objects. */
function rawHeader(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.toString('utf8').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  return line?.slice(name.length + 1).trim();
}

const linkIn = (text: string, path: string) => {
  const m = new RegExp(`${PUBLIC.replace(/\./g, '\\.')}${path.replace(/\?/g, '\\?')}\\S+`).exec(text);
  assert.ok(m, `no ${path} link in:\n${text}`);
  return m[0];
};

async function csrfOf(t: TestSite): Promise<string> {
  const html = await (await t.get('/digest')).text();
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the subscribe form carries a CSRF token');
  return m[1]!;
}

async function subscribeForm(t: TestSite, email: string, csrf: string) {
  return t.get('/digest/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
    body: new URLSearchParams({ email, _csrf: csrf }).toString(),
  });
}

/** Submits the confirmation page's form (its CSRF token and the link's token), as the button does. */
async function postConfirm(t: TestSite, page: string) {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)![1]!.replace(/&amp;/g, '&');
  return t.get('/digest/confirm', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
    body: new URLSearchParams({ _csrf: field('_csrf'), token: field('token') }).toString(),
  });
}

/** Follows an emailed link (written for PUBLIC_URL) on the test server. */
const follow = (t: TestSite, url: string, init?: RequestInit) => t.get(url.replace(PUBLIC, ''), init);

const subscriber = (db: Db, email: string) => db.selectFrom('digestSubscribers').selectAll().where('email', '=', email).executeTakeFirst();

async function addConfirmed(db: Db, emails: string[]) {
  const now = nowIso();
  for (const email of emails) {
    await db.insertInto('digestSubscribers').values({ email, status: 'confirmed', confirmSentAt: now, confirmedAt: now, unsubscribedAt: null, createdAt: now, updatedAt: now }).execute();
  }
}

for (const { dialect, skip } of DIALECTS) {
  describe(`weekly digest by email over real SMTP (${dialect})`, { skip }, () => {
    let smtp: TestSmtp;
    let t: TestSite;
    let csrf: string;
    let mailer: Mailer;
    before(async () => {
      smtp = await startSmtp();
      t = await startTestSite(dialect, { env: { SMTP_URL: smtp.url, MAIL_FROM: 'Verdict <digest@verdict.test>' } });
      csrf = await csrfOf(t);
      mailer = createMailer(t.site.config);
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });
    const deps = () => ({ db: t.store.db, config: t.site.config, mailer });

    test('every page has the subscribe form; subscribing sends a confirmation email whose signed link works', async () => {
      const home = await (await t.get('/')).text();
      assert.match(home, /<form class="digest-form" method="post" action="\/digest\/subscribe">/);
      assert.match(home, /type="email" name="email"/);

      const res = await subscribeForm(t, 'Ann@Example.com', csrf);
      assert.equal(res.status, 200);
      const page = await res.text();
      assert.match(page, /Check your inbox/);
      assert.equal(res.headers.get('cache-control'), 'no-store');

      const [mail] = await smtp.waitFor(1);
      assert.equal(mail!.to, 'ann@example.com');
      assert.match(mail!.subject, /Confirm your subscription to Weekly AI Tool Verdicts/);
      assert.match(rawHeader(mail!, 'List-Unsubscribe')!, /^<http:\/\/verdict\.test\/digest\/unsubscribe\?token=[^>]+>, <mailto:digest@verdict\.test\?subject=unsubscribe>$/);
      assert.equal(rawHeader(mail!, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      const link = linkIn(mail!.text, '/digest/confirm?token=');
      assert.ok(mail!.html.includes(link.replace(/&/g, '&amp;')), 'the HTML part has the same link');
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'pending');

      // Issue 16.2: opening the link (as a mail scanner does) only asks; the button's POST confirms.
      const asked = await follow(t, link);
      assert.equal(asked.status, 200);
      const askPage = await asked.text();
      assert.match(askPage, /Confirm subscription/);
      assert.equal(asked.headers.get('cache-control'), 'no-store');
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'pending', 'a GET of the link changes nothing');
      const confirmed = await postConfirm(t, askPage);
      assert.equal(confirmed.status, 200);
      assert.match(await confirmed.text(), /You are subscribed/);
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'confirmed');
      const again = await follow(t, link);
      assert.equal(again.status, 200);
      assert.match(await again.text(), /Already confirmed/);
    });

    test('subscribing twice makes one subscription and one email; a confirmed address gets the same answer and no email', async () => {
      smtp.clear();
      const first = await (await subscribeForm(t, 'bob@example.com', csrf)).text();
      const second = await subscribeForm(t, '  BOB@example.com ', csrf);
      assert.equal(second.status, 200);
      const secondText = await second.text();
      const msg = (s: string) => /<section class="digest-message">.*?<\/section>/s.exec(s)?.[0];
      assert.equal(msg(secondText), msg(first), 'the same words either way');
      const ann = await subscribeForm(t, 'ann@example.com', csrf);
      assert.equal(ann.status, 200);
      assert.match(await ann.text(), /Check your inbox/, 'does not reveal that ann is subscribed');
      await smtp.waitFor(1);
      await sleep(300);
      assert.deepEqual(smtp.messages.map((m) => m.to), ['bob@example.com']);
      const rows = await t.store.db.selectFrom('digestSubscribers').select('email').where('email', 'like', '%bob%').execute();
      assert.equal(rows.length, 1);
    });

    test('an invalid address is a clear 400 (page or JSON), nothing stored; a missing CSRF token is refused', async () => {
      const before = (await t.store.db.selectFrom('digestSubscribers').select('id').execute()).length;
      const res = await subscribeForm(t, 'not-an-email', csrf);
      assert.equal(res.status, 400);
      const html = await res.text();
      assert.match(html, /valid email address/);
      assert.match(html, /value="not-an-email"/, 'the form comes back filled in');
      assert.doesNotMatch(html, /at \w+ \(|ZodError|\n\s+at /, 'no stack trace');

      const json = await t.get('/digest/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', origin: t.url, 'x-csrf-token': csrf },
        body: JSON.stringify({ email: 'x@' }),
      });
      assert.equal(json.status, 400);
      const body = (await json.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'invalid_email');
      assert.match(body.error.message, /email address/);

      const noToken = await t.get('/digest/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
        body: 'email=eve%40example.com',
      });
      assert.equal(noToken.status, 403);
      assert.equal((await t.store.db.selectFrom('digestSubscribers').select('id').execute()).length, before);
    });

    test('forged, altered and expired links are a clear 400 page and change nothing', async () => {
      const bob = (await subscriber(t.store.db, 'bob@example.com'))!;
      const ann = (await subscriber(t.store.db, 'ann@example.com'))!;
      const secret = await getSecret(t.store.db, t.site.config);
      const good = confirmToken(secret, bob.id, bob.email);
      const altered = good.slice(0, -3) + (good.endsWith('AAA') ? 'BBB' : 'AAA');
      const otherRow = `${ann.id}${good.slice(String(bob.id).length)}`;
      const expired = confirmToken(secret, bob.id, bob.email, Date.now() - 4 * 24 * 3600 * 1000);
      const forgedKey = confirmToken('x'.repeat(43), bob.id, bob.email);
      for (const [token, pattern] of [
        [altered, /not valid/],
        [otherRow, /not valid/],
        [forgedKey, /not valid/],
        ['', /not valid/],
        ['12345', /not valid/],
        [expired, /expired/],
      ] as const) {
        const res = await t.get(`/digest/confirm?token=${encodeURIComponent(token)}`);
        assert.equal(res.status, 400, token);
        const html = await res.text();
        assert.match(html, pattern);
        assert.doesNotMatch(html, /\n\s+at /);
      }
      assert.equal((await subscriber(t.store.db, 'bob@example.com'))!.status, 'pending');
      const unsub = await t.get(`/digest/unsubscribe?token=${ann.id}.${'A'.repeat(43)}`, { method: 'POST' });
      assert.equal(unsub.status, 400);
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'confirmed');
      // The real link still works afterwards.
      const ask = await t.get(`/digest/confirm?token=${good}`);
      assert.equal(ask.status, 200);
      assert.equal((await subscriber(t.store.db, 'bob@example.com'))!.status, 'pending');
      assert.equal((await postConfirm(t, await ask.text())).status, 200);
      assert.equal((await subscriber(t.store.db, 'bob@example.com'))!.status, 'confirmed');
    });

    test("the week's issue: HTML and text list the new verdicts with label and %, comparisons, and RFC 8058 headers", async () => {
      smtp.clear();
      const r = await sendIssue(deps(), WEEK);
      assert.equal(r.empty, false);
      assert.equal(r.sent, 2);
      const mails = await smtp.waitFor(2);
      assert.deepEqual(mails.map((m) => m.to).sort(), ['ann@example.com', 'bob@example.com']);
      const m = mails.find((x) => x.to === 'ann@example.com')!;
      assert.match(m.subject, new RegExp(`^Weekly AI Tool Verdicts · ${WEEK}: 30 new verdicts$`));
      // Text part
      assert.match(m.text, /NEW VERDICTS THIS WEEK \(30\)/);
      assert.match(m.text, /Karpathy Coding Skills \(new\) — Ship · 3 ship \/ 1 skip · 75% ship/);
      assert.match(m.text, /SmolVLM2 \(new\) — Ship · 4 ship \/ 0 skip · 100% ship/);
      assert.match(m.text, /http:\/\/verdict\.test\/tools\/karpathy-coding-skills/);
      assert.match(m.text, /NOTABLE COMPARISONS/);
      const compare = /http:\/\/verdict\.test\/compare\/([a-z0-9-]+)-vs-([a-z0-9-]+)/.exec(m.text)!;
      assert.ok(compare[1]! < compare[2]!, 'canonical comparison link: slugs in alphabetical order');
      // HTML part
      assert.match(m.html, /<h1[^>]*>Weekly AI Tool Verdicts<\/h1>/);
      assert.match(m.html, /href="http:\/\/verdict\.test\/tools\/karpathy-coding-skills"[^>]*>Karpathy Coding Skills<\/a>/);
      assert.match(m.html, /Ship · 3 ship \/ 1 skip · 75% ship/);
      assert.match(m.html, /href="http:\/\/verdict\.test\/compare\/[a-z0-9-]+-vs-[a-z0-9-]+"/);
      assert.doesNotMatch(m.html, /<script/i);
      // Headers: one-click unsubscribe, and the Message-ID chosen for this delivery
      assert.match(rawHeader(m, 'List-Unsubscribe')!, /^<http:\/\/verdict\.test\/digest\/unsubscribe\?token=\d+\.[\w-]+>, <mailto:digest@verdict\.test\?subject=unsubscribe>$/);
      assert.equal(rawHeader(m, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      const row = await t.store.db
        .selectFrom('digestDeliveries')
        .innerJoin('digestSubscribers', 'digestSubscribers.id', 'digestDeliveries.subscriberId')
        .select(['digestDeliveries.messageId', 'digestDeliveries.status'])
        .where('digestSubscribers.email', '=', 'ann@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'sent');
      assert.equal(m.messageId, row.messageId);
      assert.match(m.text, /Unsubscribe \(one click\): http:\/\/verdict\.test\/digest\/unsubscribe\?token=/);

      // Sending again sends nothing.
      const again = await sendIssue(deps(), WEEK);
      assert.equal(again.sent, 0);
      await sleep(200);
      assert.equal(smtp.messages.length, 2);
    });

    test('the archive shows sent issues at /digest and /digest/:week, cacheably; unknown weeks are 404', async () => {
      const index = await t.get('/digest');
      assert.equal(index.status, 200);
      assert.match(await index.text(), new RegExp(`href="/digest/${WEEK}"`));
      const issue = await t.get(`/digest/${WEEK}`);
      assert.equal(issue.status, 200);
      assert.match(issue.headers.get('cache-control') ?? '', /public/);
      assert.ok(issue.headers.get('etag'));
      const html = await issue.text();
      assert.match(html, /<h1>Weekly AI Tool Verdicts · \d{4}-W\d{2}<\/h1>/);
      assert.match(html, /Karpathy Coding Skills/);
      assert.match(html, /pill pill-ship">Ship · 3 ship \/ 1 skip · 75% ship/);
      assert.equal((await t.get('/digest/2026-W99')).status, 404);
      assert.equal((await t.get('/digest/1999-W01')).status, 404);
      assert.equal((await t.get('/digest/not-a-week')).status, 404);
    });

    test('unsubscribe: GET only asks; the one-click POST (RFC 8058) unsubscribes at once, and the next send skips them', async () => {
      const m = smtp.messages.find((x) => x.to === 'ann@example.com')!;
      const url = /^<([^>]+)>/.exec(rawHeader(m, 'List-Unsubscribe')!)![1]!;
      const ask = await follow(t, url);
      assert.equal(ask.status, 200);
      const askHtml = await ask.text();
      assert.match(askHtml, /Unsubscribe from Weekly AI Tool Verdicts\?/);
      assert.match(askHtml, /<form method="post" action="\/digest\/unsubscribe\?token=/);
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'confirmed', 'a GET (link scanner) changes nothing');

      // What a mail provider sends: a POST from its own servers, no cookie, no CSRF token, no Origin.
      const res = await follow(t, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /You are unsubscribed/);
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'unsubscribed');
      const twice = await follow(t, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(twice.status, 200, 'repeating it is harmless');

      smtp.clear();
      const r = await sendIssue(deps(), previousWeek(WEEK), { allowEmpty: true });
      assert.equal(r.sent, 1);
      await smtp.waitFor(1);
      await sleep(200);
      assert.deepEqual(smtp.messages.map((x) => x.to), ['bob@example.com']);

      // Subscribing again starts over: pending, with a fresh confirmation email.
      smtp.clear();
      await subscribeForm(t, 'ann@example.com', csrf);
      const [mail] = await smtp.waitFor(1);
      assert.match(mail!.subject, /Confirm your subscription/);
      assert.equal((await subscriber(t.store.db, 'ann@example.com'))!.status, 'pending');
    });

    test('a subscriber with an account gets what changed this week about their bookmarked tools', async () => {
      const db = t.store.db;
      const now = nowIso();
      const { id: userId } = await db.insertInto('users').values({ email: 'dana@example.com', createdAt: now, lastSignInAt: now }).returning('id').executeTakeFirstOrThrow();
      const tool = (await findToolBySlug(db, 'karpathy-coding-skills'))!;
      const quiet = (await findToolBySlug(db, 'smolvlm2'))!;
      await db.insertInto('bookmarks').values([
        { ownerId: `u:${userId}`, toolId: tool.id, createdAt: now },
        { ownerId: `u:${userId}`, toolId: quiet.id, createdAt: now },
      ]).execute();
      // Its panel was written two weeks ago; this week two critics change their minds: 3 ship / 1 skip becomes 1 ship / 3 skip.
      await db.updateTable('reviews').set({ createdAt: new Date(Date.now() - 14 * 24 * 3600 * 1000).toISOString() }).where('toolId', '=', tool.id).execute();
      for (const critic of ['builder', 'futurist']) {
        await insertReview(db, { toolId: tool.id, critic, kind: 'take', score: 30, verdict: 'skip', take: 'Changed my mind after a week of use.', reason: null, origin: 'import', importSource: null, author: null, runId: null, model: null, promptVersion: null, inputTokens: null, outputTokens: null, latencyMs: null, createdAt: nowIso() });
      }
      await addConfirmed(db, ['dana@example.com']);
      smtp.clear();
      const r = await sendIssue(deps(), WEEK);
      assert.equal(r.sent, 1, 'only the new subscriber: everyone else already has this issue');
      const [m] = await smtp.waitFor(1);
      assert.equal(m!.to, 'dana@example.com');
      assert.match(m!.text, /YOUR BOOKMARKS/);
      assert.match(m!.text, /- Karpathy Coding Skills: Ship · 3 ship \/ 1 skip · 75% ship → Skip · 1 ship \/ 3 skip · 25% ship · 2 new reviews\n/);
      assert.match(m!.text, /- SmolVLM2: first verdict: Ship · 4 ship \/ 0 skip · 100% ship/);
      assert.match(m!.html, /Your bookmarks/);
      assert.ok(CRITICS.length > 0);
    });
  });

  describe(`digest sends exactly once across crashes and restarts (${dialect})`, { skip }, () => {
    let smtp: TestSmtp;
    let t: TestSite;
    const emails = Array.from({ length: 6 }, (_, i) => `reader${i + 1}@example.com`);
    before(async () => {
      smtp = await startSmtp();
      t = await startTestSite(dialect, { env: { SMTP_URL: smtp.url } });
      await addConfirmed(t.store.db, emails);
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    const perAddress = () => {
      const counts = new Map<string, number>();
      for (const m of smtp.messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
      return counts;
    };

    test('the sender dies after 3 messages (one claimed, unsent); after its lease runs out a restart sends the rest, each once', async () => {
      const real = createMailer(t.site.config);
      let calls = 0;
      // The 4th send never returns and nothing after it happens: the process is as good as dead.
      const dying: Mailer = { send: (m) => (++calls > 3 ? new Promise(() => {}) : real.send(m)) };
      const week = '2026-W10';
      void sendIssue({ db: t.store.db, config: t.site.config, mailer: dying }, week, { allowEmpty: true, workerId: 'dead', leaseMs: 2500 });
      await smtp.waitFor(3);
      // Wait for it to claim the 4th (a loaded machine can take more than a moment), then check nothing else is claimed.
      const sending = () => t.store.db.selectFrom('digestDeliveries').selectAll().where('status', '=', 'sending').execute();
      for (let i = 0; i < 40 && (await sending()).length === 0; i++) await sleep(25);
      await sleep(100);
      const stuck = await sending();
      assert.equal(stuck.length, 1, 'one delivery claimed when it died');

      // Restarted too early: the dead sender's claim still holds, so that delivery waits.
      const early = await sendIssue({ db: t.store.db, config: t.site.config, mailer: real }, week, { workerId: 'restart-1' });
      assert.equal(early.sent, 2);
      assert.equal(early.retryable, 1);
      await sleep(2500);
      const late = await sendIssue({ db: t.store.db, config: t.site.config, mailer: real }, week, { workerId: 'restart-2' });
      assert.equal(late.sent, 1);
      assert.equal(late.retryable, 0);
      await smtp.waitFor(6);
      await sleep(200);
      assert.equal(smtp.messages.length, 6);
      for (const e of emails) assert.equal(perAddress().get(e), 1, e);
      // The retried message carries the Message-ID chosen before the first attempt.
      const retried = smtp.messages.find((m) => m.to === emails[stuck[0]!.subscriberId - 1]) ?? smtp.messages.at(-1)!;
      const row = await t.store.db.selectFrom('digestDeliveries').select('messageId').where('id', '=', stuck[0]!.id).executeTakeFirstOrThrow();
      assert.ok(smtp.messages.some((m) => m.messageId === row.messageId), `a message with ${row.messageId}`);
      assert.ok(retried);
      const issue = await t.store.db.selectFrom('digestIssues').select('sentAt').where('week', '=', week).executeTakeFirstOrThrow();
      assert.ok(issue.sentAt, 'marked sent once every delivery went out');
    });

    test('through the job queue: a worker dies mid-send; another takes the job when its lease expires and finishes, each reader once', async () => {
      smtp.clear();
      const week = '2026-W11';
      await enqueue(t.store.db, { type: 'digest.send', payload: { week, allowEmpty: true }, idempotencyKey: `digest.send:${week}` });
      // Worker A claims the job (short lease) and dies after two messages.
      const jobA = (await claimJob(t.store.db, { workerId: 'A', leaseMs: 2500 }))!;
      assert.equal(jobA.type, 'digest.send');
      const real = createMailer(t.site.config);
      let calls = 0;
      const dying: Mailer = { send: (m) => (++calls > 2 ? new Promise(() => {}) : real.send(m)) };
      void sendIssue({ db: t.store.db, config: t.site.config, mailer: dying }, week, { workerId: 'A', leaseMs: 2500, allowEmpty: true });
      await smtp.waitFor(2);
      // Nothing is due while A's lease holds.
      const none = await drainJobs({ db: t.store.db, config: t.site.config, critics: CRITICS, mailer: real, log: () => {} }, { workerId: 'B' });
      assert.equal(none.ran, 0);
      await sleep(2600);
      const b = await drainJobs({ db: t.store.db, config: t.site.config, critics: CRITICS, mailer: real, log: () => {} }, { workerId: 'B' });
      assert.deepEqual(b.outcomes, ['done']);
      await smtp.waitFor(6);
      await sleep(200);
      for (const e of emails) assert.equal(perAddress().get(e), 1, e);
      const job = await t.store.db.selectFrom('jobs').selectAll().where('id', '=', jobA.id).executeTakeFirstOrThrow();
      assert.equal(job.status, 'done');
      assert.equal(job.attempts, 2);
    });

    test('someone who unsubscribes while an issue is going out is skipped, even with a delivery row already made', async () => {
      smtp.clear();
      const week = '2026-W09';
      const issue = await insertIssueOnce(t.store.db, { week, subject: 'Test issue', content: JSON.stringify({ version: 1, week, dates: 'x', verdicts: [], comparisons: [] }) });
      assert.equal(await createDeliveries(t.store.db, issue, 'verdict.test'), 6);
      await t.store.db.updateTable('digestSubscribers').set({ status: 'unsubscribed' }).where('email', '=', 'reader2@example.com').execute();
      const r = await sendIssue({ db: t.store.db, config: t.site.config, mailer: createMailer(t.site.config) }, week);
      assert.equal(r.sent, 5);
      assert.equal(r.skipped, 1);
      await smtp.waitFor(5);
      await sleep(200);
      assert.equal(perAddress().get('reader2@example.com'), undefined);
      await t.store.db.updateTable('digestSubscribers').set({ status: 'confirmed' }).where('email', '=', 'reader2@example.com').execute();
      smtp.clear();
    });

    test('an SMTP server refusing a message: that delivery fails, the job retries later, and nobody gets two', async () => {
      await smtp.close();
      let refusedOnce = false;
      smtp = await startSmtp({
        onMessage: (m) => {
          if (m.to === 'reader3@example.com' && !refusedOnce) {
            refusedOnce = true;
            return 'mailbox temporarily unavailable';
          }
          return undefined;
        },
      });
      const mailer = createMailer({ ...t.site.config, smtpUrl: smtp.url });
      const week = '2026-W12';
      const first = await sendIssue({ db: t.store.db, config: t.site.config, mailer }, week, { allowEmpty: true });
      assert.equal(first.sent, 5);
      assert.equal(first.failed, 1);
      assert.equal(first.retryable, 1);
      assert.match(first.lastError ?? '', /mailbox temporarily unavailable|550/);
      const second = await sendIssue({ db: t.store.db, config: t.site.config, mailer }, week, { allowEmpty: true });
      assert.equal(second.sent, 1);
      assert.equal(second.retryable, 0);
      await smtp.waitFor(6);
      for (const e of emails) assert.equal(perAddress().get(e), 1, e);
    });

    // Last in this block: it spends this client's subscribe budget.
    test('subscribing too often is a 429 that says when to retry (Retry-After), as page and as JSON', async () => {
      const csrf = await csrfOf(t);
      let res: Response | undefined;
      for (let i = 0; i < 12; i++) {
        res = await subscribeForm(t, 'flood@example', csrf); // invalid on purpose: nothing is mailed or stored
        if (res.status === 429) break;
        assert.equal(res.status, 400);
      }
      assert.equal(res!.status, 429);
      assert.match(res!.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.match(await res!.text(), /Too many subscription requests/);
      const json = await t.get('/digest/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', origin: t.url, 'x-csrf-token': csrf },
        body: JSON.stringify({ email: 'flood@example' }),
      });
      assert.equal(json.status, 429);
      assert.match(json.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'rate_limited');
    });
  });
}

describe('mail without SMTP: .eml files in the outbox', () => {
  test('createMailer writes an RFC 822 file per mail and logs its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
    const outbox = join(dir, 'nested', 'outbox');
    const logged: string[] = [];
    configureLogging({ level: 'info', destination: { write: (s: string) => void logged.push(s) } });
    try {
      const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'Verdict <v@example.com>', outboxDir: outbox });
      const r = await mailer.send({ to: 'a@example.com', subject: 'Hello é', text: 'Plain body', html: '<p>HTML body</p>', headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Message-ID': '<fixed@example.com>' } });
      assert.ok(r.file && r.file.startsWith(outbox) && r.file.endsWith('.eml'));
      assert.deepEqual(readdirSync(outbox), [r.file.slice(outbox.length + 1)]);
      const parsed = await simpleParser(readFileSync(r.file));
      assert.equal(parsed.subject, 'Hello é');
      assert.equal(parsed.messageId, '<fixed@example.com>');
      assert.equal(parsed.text?.trim(), 'Plain body');
      assert.match(String(parsed.html), /HTML body/);
      assert.match(readFileSync(r.file, 'utf8'), /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      assert.equal(logged.length, 1);
      assert.ok(logged[0]!.includes(r.file));
      assert.ok(!logged[0]!.includes('a@example.com'), 'the path, never the address');
    } finally {
      configureLogging({ level: 'warn' });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with nothing configured, subscribing over HTTP writes the confirmation into OUTBOX_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
    const t = await startTestSite('sqlite', { env: { OUTBOX_DIR: dir } });
    try {
      const csrf = await csrfOf(t);
      const res = await subscribeForm(t, 'eml@example.com', csrf);
      assert.equal(res.status, 200);
      const files = readdirSync(dir);
      assert.equal(files.length, 1);
      const parsed = await simpleParser(readFileSync(join(dir, files[0]!)));
      assert.match(parsed.subject ?? '', /Confirm your subscription/);
      const link = linkIn(parsed.text ?? '', '/digest/confirm?token=');
      assert.equal((await follow(t, link)).status, 200);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
