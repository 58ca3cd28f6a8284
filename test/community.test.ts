import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { DIALECTS, freshStore } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { startFakeLlm, criticOf, type FakeLlm } from './helpers/fake-llm.js';
import { CRITICS, takeJson } from './helpers/fixtures.js';
import { getSecret, hmac } from '../src/community/secret.js';
import { RateLimiter, setLimiter, limiterFor } from '../src/community/rate-limit.js';
import { bookmarkedToolIdsByEmail } from '../src/community/bookmarks.repo.js';
import { normalizeUrl } from '../src/community/submissions.service.js';
import { safePath } from '../src/web/http.js';
import { hasPersonalCookie } from '../src/web/identity.js';
import { drainJobs } from '../src/worker/worker.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { getTool } from '../src/catalog/catalog.service.js';
import { verdict } from './helpers/cli.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** A minimal browser: keeps cookies, sends Origin like a browser does on form posts, and a client address. */
class Agent {
  cookies = new Map<string, string>();
  constructor(
    private readonly s: TestSite,
    readonly ip = '203.0.113.1',
  ) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...(init.headers ?? {}) };
    if (this.cookies.size && !('cookie' in headers)) headers.cookie = this.cookieHeader();
    const res = await this.s.get(path, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** The CSRF token a page would give this browser now. */
  async token(): Promise<string> {
    const html = await (await this.fetch('/submit')).text();
    const m = html.match(/name="_csrf" value="([^"]+)"/);
    assert.ok(m, 'the submit page carries a CSRF token');
    return m[1]!;
  }

  async post(path: string, fields: Record<string, string>, opts: { json?: boolean; token?: string | null; headers?: Record<string, string> } = {}) {
    const token = opts.token === undefined ? await this.token() : opts.token;
    const body = new URLSearchParams({ ...fields, ...(token !== null ? { _csrf: token } : {}) });
    return this.fetch(path, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.s.url,
        'sec-fetch-site': 'same-origin',
        ...(opts.json ? { accept: 'application/json' } : {}),
        ...opts.headers,
      },
    });
  }
}

async function counts(s: TestSite, slug: string) {
  const tool = (await findToolBySlug(s.store.db, slug))!;
  const rows = await s.store.db.selectFrom('votes').select(['vote']).where('toolId', '=', tool.id).execute();
  return { ships: rows.filter((r) => r.vote === 'ship').length, skips: rows.filter((r) => r.vote === 'skip').length };
}

test('safe redirect paths: only same-site paths survive', () => {
  assert.equal(safePath('/tools/x?a=1#c', '/f'), '/tools/x?a=1#c');
  for (const bad of ['//evil.com', '/\\evil.com', 'https://evil.com', 'javascript:alert(1)', '/x\r\nSet-Cookie: a=b', '', undefined, 42, '/%0d%0a'.replace('%0d%0a', '\n')]) {
    assert.equal(safePath(bad, '/f'), '/f', String(bad));
  }
});

test('URL normalisation for duplicate detection', () => {
  assert.equal(normalizeUrl('https://WWW.Example.com/App/'), 'example.com/App');
  assert.equal(normalizeUrl('http://example.com/App'), 'example.com/App');
  assert.equal(normalizeUrl('https://example.com'), 'example.com');
  assert.notEqual(normalizeUrl('https://example.com/a'), normalizeUrl('https://example.com/b'));
});

test('token bucket: bursts to capacity, refills over time, takes all buckets or none', async () => {
  const store = await freshStore('sqlite');
  try {
    let now = 0;
    const l = new RateLimiter(store.db, { voteVisitor: { capacity: 3, refill: 3, perMs: 60_000 }, voteIp: { capacity: 5, refill: 5, perMs: 60_000 } }, () => now);
    for (let i = 0; i < 3; i++) await l.take([['voteIp', 'ip'], ['voteVisitor', 'a']]);
    await assert.rejects(l.take([['voteIp', 'ip'], ['voteVisitor', 'a']]), (e: { status: number; retryAfterSeconds: number }) => e.status === 429 && e.retryAfterSeconds === 20);
    // The refused request used nothing from the IP bucket: another visitor still gets the remaining two.
    await l.take([['voteIp', 'ip'], ['voteVisitor', 'b']]);
    await l.take([['voteIp', 'ip'], ['voteVisitor', 'b']]);
    await assert.rejects(l.take([['voteIp', 'ip'], ['voteVisitor', 'b']]), { status: 429 });
    now += 20_000;
    await l.take([['voteIp', 'ip'], ['voteVisitor', 'a']]);
  } finally {
    await store.close();
  }
});

test('personal cookies are recognised (they bypass the shared page cache)', () => {
  assert.ok(hasPersonalCookie('a=1; verdict_v=abc.def'));
  assert.ok(hasPersonalCookie('verdict_admin=x'));
  assert.ok(!hasPersonalCookie('theme=dark; other_verdict_v=1'));
  assert.ok(!hasPersonalCookie(undefined));
});

for (const { dialect, skip } of DIALECTS) {
  describe(`community: votes, bookmarks, sign-in, submissions (${dialect})`, { skip }, () => {
    let s: TestSite;
    let fake: FakeLlm;
    let outbox: string;
    let ipCounter = 10;
    const agent = () => new Agent(s, `198.51.100.${ipCounter++}`);

    before(async () => {
      outbox = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
      fake = await startFakeLlm(({ body }) => ({ content: takeJson(criticOf(body) === 'skeptic' ? 40 : 82) }));
      // The Agent sends X-Forwarded-For from 127.0.0.1, as a reverse proxy on the same host would.
      s = await startTestSite(dialect, { env: { OUTBOX_DIR: outbox, ADMIN_TOKEN, LLM_BASE_URL: fake.url, LLM_MODEL: 'fake', TRUST_PROXY: 'loopback' } });
    });
    after(async () => {
      await s?.close();
      await fake?.close();
      rmSync(outbox, { recursive: true, force: true });
    });

    test('plain page views get no cookie and stay cached; the first vote gives an identity', async () => {
      const a = agent();
      const first = await a.fetch('/submit');
      const second = await a.fetch('/submit');
      assert.equal(first.headers.getSetCookie().length, 0);
      assert.equal(second.headers.get('x-cache'), 'hit');
      assert.match(second.headers.get('cache-control')!, /public/);
      const html = await second.text();
      assert.match(html, /name="_csrf" value="a\./, 'public pages carry the anonymous token');

      const res = await a.post('/tools/smolvlm2/vote', { vote: 'ship', return_to: '/tools/smolvlm2' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/tools/smolvlm2?done=voted&tool=smolvlm2#vote-smolvlm2', 'back at the form, saying what happened');
      const cookie = res.headers.getSetCookie()[0]!;
      assert.match(cookie, /^verdict_v=[\w-]+\.[\w-]+;/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/, 'plain http in tests; Secure when PUBLIC_URL or the request is https');
      assert.deepEqual(await counts(s, 'smolvlm2'), { ships: 1, skips: 0 });

      // With the cookie, pages are rendered for this visitor, never from or into the shared cache.
      const personal = await a.fetch('/submit');
      assert.notEqual(personal.headers.get('x-cache'), 'hit');
      assert.match(personal.headers.get('cache-control')!, /private/);
      assert.match(await personal.text(), /name="_csrf" value="v\./);
      // Cookie-less visitors still share one cached copy (the vote changed the data version: one miss, then hits).
      await agent().fetch('/submit');
      const publicAgain = await agent().fetch('/submit');
      assert.equal(publicAgain.headers.get('x-cache'), 'hit');
      assert.match(await publicAgain.text(), /name="_csrf" value="a\./);
    });

    test('a vote without JavaScript redirects back to a same-site path only', async () => {
      const a = agent();
      for (const evil of ['//evil.example', 'https://evil.example/x', '/\\evil.example']) {
        const res = await a.post('/tools/cursor/vote', { vote: 'skip', return_to: evil });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), '/tools/cursor?done=voted&tool=cursor#vote-cursor');
      }
      const res = await a.post('/tools/cursor/vote', { vote: 'skip', return_to: '/compare/cursor-vs-smolvlm2?x=1' });
      assert.equal(res.headers.get('location'), '/compare/cursor-vs-smolvlm2?x=1&done=voted&tool=cursor#vote-cursor');
    });

    test('changing a vote replaces it; JSON answers carry the new counts', async () => {
      const a = agent();
      const before = await counts(s, 'karpathy-coding-skills');
      const r1 = await a.post('/tools/karpathy-coding-skills/vote', { vote: 'ship' }, { json: true });
      assert.equal(r1.status, 200);
      const j1 = (await r1.json()) as { ok: boolean; counts: { ships: number; skips: number }; community: { text: string }; csrf: string };
      assert.deepEqual(j1.counts, { ships: before.ships + 1, skips: before.skips });
      assert.match(j1.csrf, /^v\./);
      const r2 = await a.post('/tools/karpathy-coding-skills/vote', { vote: 'skip' }, { json: true, token: j1.csrf });
      const j2 = (await r2.json()) as typeof j1;
      assert.deepEqual(j2.counts, { ships: before.ships, skips: before.skips + 1 });
      assert.match(j2.community.text, /^\d+ votes? so far · \d+ ship \/ \d+ skip$/);
    });

    test('one vote per visitor under 50 concurrent requests', async () => {
      const a = agent();
      const token = (await (await a.post('/tools/whisper/vote', { vote: 'ship' }, { json: true })).json()) as { csrf: string };
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          a.post('/tools/whisper/vote', { vote: i % 2 ? 'ship' : 'skip' }, { json: true, token: token.csrf }).then((r) => r.status),
        ),
      );
      assert.ok(results.every((st) => st === 200 || st === 429), `statuses: ${[...new Set(results)]}`);
      assert.ok(results.filter((st) => st === 200).length >= 25, 'most got through (30/min per visitor)');
      const tool = (await findToolBySlug(s.store.db, 'whisper'))!;
      const mine = await s.store.db.selectFrom('votes').select('vote').where('toolId', '=', tool.id).execute();
      assert.equal(mine.length, 1, 'exactly one vote row');
    });

    test('vote floods get 429 with Retry-After and change nothing', async () => {
      const a = agent();
      let last = '';
      let limited: Response | undefined;
      const token = await a.token();
      await a.post('/tools/smolvlm2/vote', { vote: 'skip' }, { token }); // becomes a visitor
      const vtoken = await a.token();
      for (let i = 0; i < 40 && !limited; i++) {
        const vote = i % 2 ? 'ship' : 'skip';
        const r = await a.post('/tools/smolvlm2/vote', { vote }, { json: true, token: vtoken });
        if (r.status === 429) limited = r;
        else {
          assert.equal(r.status, 200);
          last = vote;
        }
      }
      assert.ok(limited, 'the visitor limit kicks in');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      const body = (await limited.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'rate_limited');
      assert.match(body.error.message, /too fast.*Try again in \d+ seconds?/);
      const before = await counts(s, 'smolvlm2');
      // Without JavaScript: a page, same status, same header.
      const page = await a.post('/tools/smolvlm2/vote', { vote: last === 'ship' ? 'skip' : 'ship' }, { token: vtoken });
      assert.equal(page.status, 429);
      assert.ok(page.headers.get('retry-after'));
      assert.match(await page.text(), /Slow down/);
      assert.deepEqual(await counts(s, 'smolvlm2'), before, 'refused votes change nothing');
    });

    test('per-address limit: many fresh visitors from one address get 429', async () => {
      setLimiter(s.site, new RateLimiter(s.site.store.db, { voteIp: { capacity: 5, refill: 5, perMs: 60_000 } }));
      try {
        const rows = async () => ({
          visitors: Number((await s.site.store.db.selectFrom('visitors').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
          votes: Number((await s.site.store.db.selectFrom('votes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        });
        const before = await rows();
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const a = new Agent(s, '192.0.2.77');
          statuses.push((await a.post('/tools/cursor/vote', { vote: 'ship' }, { json: true })).status);
        }
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
        // The limits, the new reader's visitor row and the vote are one transaction: a refused reader leaves no row.
        assert.deepEqual(await rows(), { visitors: before.visitors + 5, votes: before.votes + 5 });
      } finally {
        setLimiter(s.site, new RateLimiter(s.site.store.db));
      }
    });

    test('CSRF: missing, forged, cross-site and unproven requests are refused with 403', async () => {
      const a = agent();
      await a.post('/tools/cursor/vote', { vote: 'ship' });
      const anonymous = await agent().token();
      const otherVisitor = agent();
      await otherVisitor.post('/tools/cursor/vote', { vote: 'ship' });
      const othersToken = await otherVisitor.token();
      const before = await counts(s, 'cursor');
      const cases: [string, Promise<Response>, string][] = [
        ['missing token', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, token: null }), 'csrf_missing'],
        ['forged token', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, token: 'v.forged' }), 'csrf_invalid'],
        ['forged anonymous token', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, token: 'a.forged' }), 'csrf_invalid'],
        ["another visitor's token", a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, token: othersToken }), 'csrf_invalid'],
        ['cross-site Origin', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, headers: { origin: 'https://evil.example' } }), 'cross_site'],
        // "Origin: null" is refused unless Sec-Fetch-Site vouches for it (a page with a strict Referrer-Policy).
        ['Origin null', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, headers: { origin: 'null', 'sec-fetch-site': '' } }), 'cross_site'],
        ['Origin null, cross-site', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } }), 'cross_site'],
        ['Sec-Fetch-Site cross-site', a.post('/tools/cursor/vote', { vote: 'skip' }, { json: true, headers: { 'sec-fetch-site': 'cross-site' } }), 'cross_site'],
        [
          'anonymous token without origin proof',
          agent().post('/tools/cursor/vote', { vote: 'skip' }, { json: true, token: anonymous, headers: { origin: '', 'sec-fetch-site': '' } }),
          'csrf_unverified',
        ],
      ];
      for (const [name, p, code] of cases) {
        const r = await p;
        assert.equal(r.status, 403, name);
        assert.equal(((await r.json()) as { error: { code: string } }).error.code, code, name);
      }
      // A cross-site form post (no JS): a friendly page, not a stack trace.
      const page = await a.post('/tools/cursor/vote', { vote: 'skip' }, { headers: { origin: 'https://evil.example' } });
      assert.equal(page.status, 403);
      const html = await page.text();
      assert.match(html, /came from another site/);
      assert.doesNotMatch(html, /at .*\.ts:\d+/);
      assert.deepEqual(await counts(s, 'cursor'), before);
    });

    test('bad input: unknown tool 404, bad vote 400, malformed and oversized bodies', async () => {
      const a = agent();
      const token = await a.token();
      const r404 = await a.post('/tools/no-such-tool/vote', { vote: 'ship' }, { json: true, token });
      assert.equal(r404.status, 404);
      assert.match(((await r404.json()) as { error: { message: string } }).error.message, /no tool "no-such-tool"/);
      assert.equal((await a.post('/tools/cursor/vote', { vote: 'maybe' }, { json: true, token })).status, 400);
      assert.equal((await a.post('/tools/cursor/bookmark', { action: 'explode' }, { json: true, token })).status, 400);
      const malformed = await a.fetch('/tools/cursor/vote', {
        method: 'POST',
        body: '{"vote":',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token, origin: s.url },
      });
      assert.equal(malformed.status, 400);
      const big = await a.fetch('/submit', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: token, name: 'x'.repeat(100_000) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url, accept: 'application/json' },
      });
      assert.equal(big.status, 413);
    });

    test('bookmarks: add, list, export as JSON, compare, remove', async () => {
      const a = agent();
      const empty = await a.fetch('/bookmarks');
      assert.equal(empty.status, 200);
      assert.match(await empty.text(), /No bookmarks yet/);
      for (const slug of ['smolvlm2', 'cursor', 'karpathy-coding-skills']) {
        const r = await a.post(`/tools/${slug}/bookmark`, { action: 'add', return_to: '/bookmarks' });
        assert.equal(r.status, 303);
        assert.equal(r.headers.get('location'), `/bookmarks?done=bookmarked&tool=${slug}#bookmark-${slug}`);
      }
      // Adding twice is harmless.
      const again = (await (await a.post('/tools/cursor/bookmark', { action: 'add' }, { json: true })).json()) as { bookmarked: boolean };
      assert.equal(again.bookmarked, true);
      const page = await (await a.fetch('/bookmarks')).text();
      for (const slug of ['smolvlm2', 'cursor', 'karpathy-coding-skills']) assert.match(page, new RegExp(`name="tools" value="${slug}" form="compare-bookmarks"`));
      assert.equal((page.match(/aria-pressed="true"/g) ?? []).length, 3, 'each card shows its bookmark as pressed');

      const exp = await a.fetch('/bookmarks.json');
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get('content-disposition')!, /attachment; filename="verdict-bookmarks.json"/);
      assert.match(exp.headers.get('cache-control')!, /private/);
      const doc = (await exp.json()) as { count: number; bookmarks: { slug: string; page: string }[] };
      assert.equal(doc.count, 3);
      assert.deepEqual(doc.bookmarks.map((b) => b.slug).sort(), ['cursor', 'karpathy-coding-skills', 'smolvlm2']);
      assert.equal(doc.bookmarks.find((b) => b.slug === 'cursor')!.page, 'http://verdict.test/tools/cursor');

      const two = await a.fetch('/bookmarks/compare?tools=smolvlm2&tools=cursor');
      assert.equal(two.status, 303);
      assert.equal(two.headers.get('location'), '/compare/cursor-vs-smolvlm2');
      const three = await a.fetch('/bookmarks/compare?tools=smolvlm2&tools=cursor&tools=karpathy-coding-skills');
      assert.equal(three.headers.get('location'), '/compare?tools=smolvlm2,cursor,karpathy-coding-skills');
      const one = await a.fetch('/bookmarks/compare?tools=smolvlm2');
      assert.equal(one.headers.get('location'), '/bookmarks?error=pick');
      assert.match(await (await a.fetch('/bookmarks?error=pick')).text(), /Pick two to four bookmarked tools to compare\./);

      const removed = (await (await a.post('/tools/cursor/bookmark', { action: 'remove' }, { json: true })).json()) as { bookmarked: boolean };
      assert.equal(removed.bookmarked, false);
      const after = (await (await a.fetch('/bookmarks.json')).json()) as { count: number };
      assert.equal(after.count, 2);
      // Another browser sees none of it.
      assert.equal(((await (await agent().fetch('/bookmarks.json')).json()) as { count: number }).count, 0);
    });

    describe('submitting a tool', () => {
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' };
      const fields = (name: string) => {
        const host = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
        return { name, url: `https://www.${host}.example/`, tagline: 'Meeting notes that write themselves', category: 'Productivity', pricing_model: 'freemium', pricing_entry: 'Free, $8/month Pro', email: `maker@${host}.example` };
      };
      /** Submits as a fresh visitor; the new submission's id. */
      async function submit(name: string): Promise<number> {
        const r = await agent().post('/submit', fields(name), { json: true });
        assert.equal(r.status, 201);
        return ((await r.json()) as { submission: { id: number } }).submission.id;
      }
      const approve = (id: number) => agent().fetch(`/admin/submissions/${id}/approve`, { method: 'POST', headers: admin });
      const refusal = async (f: Record<string, string>) => {
        const r = await agent().post('/submit', f, { json: true });
        return { status: r.status, message: ((await r.json()) as { error: { message: string } }).error.message };
      };
      const cli = (args: string[]) => verdict(args, { DATABASE_URL: s.store.location });

      test('an invalid submission comes back as the form, with each error and what was typed', async () => {
        const invalid = await agent().post('/submit', { ...fields('Quill Notes'), url: 'ftp://nope', pricing_model: 'cheap', email: 'not-an-email' });
        assert.equal(invalid.status, 400);
        const form = await invalid.text();
        assert.match(form, /Website must be an http\(s\) URL/);
        assert.match(form, /Pricing model must be one of free, freemium, paid, open-source/);
        assert.match(form, /value="Quill Notes"/, 'the form comes back with what was typed');
      });

      test('a valid submission redirects to the thanks page', async () => {
        const ok = await agent().post('/submit', fields('Quill Notes'));
        assert.equal(ok.status, 303);
        assert.equal(ok.headers.get('location'), '/submit/thanks');
      });

      test('a name or URL already submitted is refused with 409', async () => {
        await submit('Inkwell');
        const again = await refusal(fields('Inkwell'));
        assert.equal(again.status, 409);
        assert.match(again.message, /already been submitted/);
        const sameUrl = await refusal({ ...fields('Inkwell Two'), url: 'http://inkwell.example' });
        assert.equal(sameUrl.status, 409);
        assert.match(sameUrl.message, /already been submitted/, 'the URL matches after normalising scheme, www and the trailing slash');
      });

      test('a name or URL already listed is refused with 409, naming the listed tool', async () => {
        const byName = await refusal({ ...fields('SmolVLM2'), url: 'https://new.example' });
        assert.equal(byName.status, 409);
        assert.match(byName.message, /already listed at \/tools\/smolvlm2/);
        const byUrl = await refusal({ ...fields('Totally new'), url: 'https://HuggingFace.co/blog/smolvlm2/' });
        assert.equal(byUrl.status, 409);
        assert.match(byUrl.message, /That URL is already listed as SmolVLM2/);
      });

      test('five concurrent identical submissions store exactly one', async () => {
        const same = fields('Racer');
        const statuses = await Promise.all(Array.from({ length: 5 }, () => agent().post('/submit', same, { json: true }).then((r) => r.status)));
        assert.deepEqual(statuses.sort(), [201, 409, 409, 409, 409]);
      });

      test('the admin list needs the token', async () => {
        const id = await submit('Lantern');
        assert.equal((await agent().fetch('/admin/submissions.json')).status, 401);
        const list = (await (await agent().fetch('/admin/submissions.json?status=pending', { headers: admin })).json()) as { submissions: { id: number }[] };
        assert.ok(list.submissions.some((x) => x.id === id));
      });

      test('approving lists the tool at once, and it can no longer be submitted', async () => {
        const r = await approve(await submit('Beacon Notes'));
        assert.equal(r.status, 200);
        assert.equal(((await r.json()) as { tool: { slug: string } }).tool.slug, 'beacon-notes');
        assert.equal((await s.get('/tools/beacon-notes')).status, 200);
        assert.equal((await refusal({ ...fields('Beacon Again'), url: fields('Beacon Notes').url })).status, 409);
      });

      test('approving queues one research job for the new tool, which queues its first panel review (research before review)', async () => {
        const id = await submit('Compass');
        const approved = (await (await approve(id)).json()) as { tool: { id: number }; job: { id: number } };
        const job = await s.store.db.selectFrom('jobs').selectAll().where('id', '=', approved.job.id).executeTakeFirstOrThrow();
        assert.equal(job.type, 'research.tool');
        assert.deepEqual(JSON.parse(job.payload), { toolId: approved.tool.id, review: true });
        assert.equal(job.idempotencyKey, `research.tool:${approved.tool.id}:${id}`);
      });

      test('approving a submission twice is refused with 409', async () => {
        const id = await submit('Harbor');
        assert.equal((await approve(id)).status, 200);
        assert.equal((await approve(id)).status, 409);
      });

      test('the worker runs the queued panel review and the approved tool gets its verdict', async () => {
        assert.equal((await approve(await submit('Anchor'))).status, 200);
        const drained = await drainJobs({ db: s.store.db, config: s.site.config, critics: CRITICS, log: () => {} }, { llmBackoffMs: 1 });
        assert.ok(drained.outcomes.includes('done'), `outcomes ${drained.outcomes}`);
        assert.equal((await getTool(s.store.db, 'anchor')).summary.text, 'Ship · 6 ship / 1 skip');
      });

      test('the CLI rejects a pending submission with a reason and lists it as rejected', async () => {
        const id = await submit('Drifter');
        const r = await cli(['--json', 'submissions', 'reject', String(id), '--reason', 'duplicate of Quill']);
        assert.equal(r.code, 0, r.stderr);
        const rejected = (JSON.parse(r.stdout) as { submission: { status: string; reason: string } }).submission;
        assert.deepEqual([rejected.status, rejected.reason], ['rejected', 'duplicate of Quill']);
        assert.match((await cli(['submissions', 'list', '--status', 'all'])).stdout, /rejected\s+Drifter/);
      });

      test('the CLI refuses to approve a rejected submission', async () => {
        const id = await submit('Castaway');
        assert.equal((await cli(['submissions', 'reject', String(id)])).code, 0);
        const r = await cli(['submissions', 'approve', String(id)]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^verdict: .*already rejected/);
      });
    });

    test('submission floods get 429', async () => {
      setLimiter(s.site, new RateLimiter(s.site.store.db, { submitIp: { capacity: 2, refill: 2, perMs: 3_600_000 } }));
      try {
        const a = agent();
        const mk = (i: number) => ({ name: `Flood ${i}`, url: `https://flood${i}.example`, tagline: 'x', category: 'Y', pricing_model: 'free', pricing_entry: 'Free' });
        const st = [];
        for (let i = 0; i < 3; i++) st.push((await a.post('/submit', mk(i), { json: true })).status);
        assert.deepEqual(st, [201, 201, 429]);
      } finally {
        setLimiter(s.site, new RateLimiter(s.site.store.db));
      }
    });

    test('admin page: login form, wrong token, cookie session with CSRF-checked decisions', async () => {
      const a = agent();
      const login = await a.fetch('/admin');
      assert.equal(login.status, 401);
      assert.match(await login.text(), /Admin token/);
      assert.equal((await a.post('/admin/login', { token: 'wrong-token-wrong-token' })).status, 403);
      const ok = await a.post('/admin/login', { token: ADMIN_TOKEN });
      assert.equal(ok.status, 303);
      assert.match(ok.headers.getSetCookie().join(), /verdict_admin=.*Path=\/admin.*HttpOnly.*SameSite=Strict/);
      await a.post('/submit', { name: 'Admin Pick', url: 'https://adminpick.example', tagline: 'A pick', category: 'Z', pricing_model: 'paid', pricing_entry: '$5' });
      const page = await (await a.fetch('/admin')).text();
      assert.match(page, /Admin Pick/);
      const id = page.match(/action="\/admin\/submissions\/(\d+)\/reject"/)![1]!;
      const token = page.match(/name="_csrf" value="([^"]+)"/)![1]!;
      // Cookie sessions need the CSRF token (a bearer token does not).
      assert.equal((await a.post(`/admin/submissions/${id}/reject`, { reason: 'no' }, { token: null })).status, 403);
      const r = await a.post(`/admin/submissions/${id}/reject`, { reason: 'Not an AI tool' }, { token });
      assert.equal(r.status, 303);
      assert.match(await (await a.fetch(r.headers.get('location')!)).text(), /rejected/);
      assert.equal((await a.fetch('/admin/submissions/99999/approve', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' } })).status, 404);

      // Issue 16.3: logging out ends the session on the server, so a copy of the old cookie no longer opens /admin.
      const copied = a.cookies.get('verdict_admin')!;
      const other = agent();
      assert.equal((await other.post('/admin/login', { token: ADMIN_TOKEN })).status, 303);
      assert.equal((await other.fetch('/admin')).status, 200);
      // A stranger's logout (anyone can get a CSRF token) ends nobody's session.
      assert.equal((await agent().post('/admin/logout', {})).status, 303);
      assert.equal((await other.fetch('/admin')).status, 200);
      assert.equal((await a.post('/admin/logout', {})).status, 303);
      assert.equal(a.cookies.get('verdict_admin'), undefined, 'the browser drops the cookie');
      const replay = agent();
      replay.cookies.set('verdict_admin', copied);
      assert.equal((await replay.fetch('/admin')).status, 401, 'the old cookie value is refused');
      assert.equal((await other.fetch('/admin')).status, 401, 'logging out ends every admin session (one shared token, one generation)');
      assert.equal((await a.post('/admin/login', { token: ADMIN_TOKEN })).status, 303);
      assert.equal((await a.fetch('/admin')).status, 200, 'a new login works');
    });

    test('sign-in by emailed link: single use, expiry, forgery, and merging votes and bookmarks', async () => {
      const mails = () => readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
      const linkFrom = async (file: string) => {
        const parsed = await simpleParser(readFileSync(join(outbox, file)));
        const m = parsed.text!.match(/http:\/\/verdict\.test(\/signin\/verify\?\S+)/);
        assert.ok(m, 'the mail has a link');
        return { path: m[1]!, to: (parsed.to as { text: string }).text };
      };
      const email = 'reader@example.org';

      const laptop = agent();
      const bad = await laptop.post('/signin', { email: 'not an email' });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /valid email address/);
      assert.equal((await laptop.post('/signin', { email: 'x@' }, { json: true })).status, 400);

      // Device B signs in first and votes skip on cursor.
      const phone = agent();
      const n0 = mails().length;
      const sent = await phone.post('/signin', { email: ' Reader@Example.org ', next: '/tools/cursor' });
      assert.equal(sent.status, 200);
      assert.match(await sent.text(), /Check your email/);
      assert.equal(mails().length, n0 + 1);
      const { path: phoneLink, to } = await linkFrom(mails().at(-1)!);
      assert.equal(to, email);
      const confirm = await phone.fetch(phoneLink.replace('http://verdict.test', ''));
      assert.equal(confirm.status, 200);
      const confirmHtml = await confirm.text();
      assert.match(confirmHtml, /Sign in as <strong>reader@example.org<\/strong>/);
      const token = decodeURIComponent(phoneLink.match(/token=([^&]+)/)![1]!);
      const signedIn = await phone.post('/signin/verify', { token, next: '/tools/cursor' });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.headers.get('location'), '/tools/cursor');
      assert.equal((await phone.post('/signin/verify', { token }, { json: true })).status, 403, 'a link works once');
      const reused = await phone.fetch(phoneLink);
      assert.equal(reused.status, 403);
      assert.match(await reused.text(), /already been used/);
      await phone.post('/tools/cursor/vote', { vote: 'skip' });
      const cursorBefore = await counts(s, 'cursor');

      // Device A, anonymous: votes ship on cursor (later), bookmarks smolvlm2, then signs in.
      await new Promise((r) => setTimeout(r, 5));
      await laptop.post('/tools/cursor/vote', { vote: 'ship' });
      await laptop.post('/tools/smolvlm2/bookmark', { action: 'add' });
      assert.deepEqual(await counts(s, 'cursor'), { ships: cursorBefore.ships + 1, skips: cursorBefore.skips });
      await laptop.post('/signin', { email });
      const laptopLink = (await linkFrom(mails().at(-1)!)).path;
      const laptopToken = decodeURIComponent(laptopLink.match(/token=([^&]+)/)![1]!);
      const merged = await laptop.post('/signin/verify', { token: laptopToken }, { json: true });
      assert.equal(merged.status, 200);
      assert.deepEqual(((await merged.json()) as { merged: { votes: number; bookmarks: number } }).merged, { votes: 1, bookmarks: 1 });

      // Most recent vote won; the two devices count once.
      assert.deepEqual(await counts(s, 'cursor'), { ships: cursorBefore.ships + 1, skips: cursorBefore.skips - 1 });
      const phoneBookmarks = (await (await phone.fetch('/bookmarks.json')).json()) as { account: string; bookmarks: { slug: string }[] };
      assert.equal(phoneBookmarks.account, email);
      assert.deepEqual(phoneBookmarks.bookmarks.map((b) => b.slug), ['smolvlm2'], 'the bookmark followed the account to the other device');
      const ids = await bookmarkedToolIdsByEmail(s.store.db, 'READER@example.org');
      assert.deepEqual(ids, [(await findToolBySlug(s.store.db, 'smolvlm2'))!.id]);

      // Forged and expired links.
      const forged = await agent().fetch(`/signin/verify?token=${laptopToken.slice(0, -3)}abc`);
      assert.equal(forged.status, 403);
      assert.match(await forged.text(), /not valid/);
      const secret = await getSecret(s.store.db, s.site.config);
      const past = Math.floor(Date.now() / 1000 - 60).toString(36);
      const expiredToken = `nonce123.${past}.${hmac(secret, 'magic-link', `nonce123.${past}`)}`;
      const expired = await agent().fetch(`/signin/verify?token=${expiredToken}`);
      assert.equal(expired.status, 403);
      assert.match(await expired.text(), /expired/);
      assert.equal((await agent().fetch('/signin/verify?token=garbage')).status, 400);
      assert.equal((await agent().post('/signin/verify', { token: expiredToken }, { json: true })).status, 403);

      // Signing out: this browser is anonymous again; the account keeps its bookmarks.
      const out = await laptop.post('/signout', {});
      assert.equal(out.status, 303);
      assert.equal(laptop.cookies.has('verdict_v'), false);
      assert.equal(((await (await laptop.fetch('/bookmarks.json')).json()) as { count: number }).count, 0);
      assert.equal(((await (await phone.fetch('/bookmarks.json')).json()) as { count: number }).count, 1);
    });

    test('sign-in requests are rate-limited per address', async () => {
      const a = new Agent(s, '192.0.2.200');
      const st: number[] = [];
      for (let i = 0; i < 12; i++) st.push((await a.post('/signin', { email: `p${i}@example.org` }, { json: true })).status);
      assert.deepEqual(st.slice(0, 10), Array(10).fill(202));
      assert.deepEqual(st.slice(10), [429, 429]);
      await limiterFor(s.site).reset();
    });
  });
}
