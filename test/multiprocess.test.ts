import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { DatabaseBusyError, executeTx, openStore, type Store } from '../src/db/db.js';
import { RateLimiter } from '../src/community/rate-limit.js';
import { submitTool } from '../src/community/submissions.service.js';

/**
 * Several processes on one database (docs/decisions/013): real `src/server.ts` processes on loopback ports,
 * writing at once; a write lock held elsewhere; rate limits shared through the database.
 */

const root = resolve(import.meta.dirname, '..');
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const SECRET = 'a-shared-secret-for-all-processes-0123456789';
const SLUGS = ['cursor', 'github-copilot', 'claude-code', 'ollama', 'llama-cpp', 'lm-studio', 'aider', 'continue', 'chatgpt', 'claude'];
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

interface Proc {
  url: string;
  stop(): Promise<void>;
}

/** `node --import tsx src/server.ts` on a free loopback port; resolves once it serves. */
async function startProcess(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKER: 'false', PUBLIC_URL: 'http://verdict.test', SECRET, ADMIN_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Verdict is running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      assert.doesNotMatch(output, /SQLITE_BUSY|database is locked/, 'no lock errors logged');
    },
  };
}

/** A browser with one cookie jar for every process (they share SECRET, so one visitor is one visitor on all). */
class Agent {
  cookies = new Map<string, string>();
  constructor(readonly ip: string) {}

  async fetch(base: string, path: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(base + path, { redirect: 'manual', ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  async post(base: string, path: string, fields: Record<string, string>) {
    const html = await (await this.fetch(base, '/submit')).text();
    const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
    assert.ok(token, 'the submit page carries a CSRF token');
    return this.fetch(base, path, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'sec-fetch-site': 'same-origin', accept: 'application/json' },
    });
  }
}

const approve = (base: string, id: number) =>
  fetch(`${base}/admin/submissions/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/json' } });

async function addSubmissions(store: Store, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await submitTool(
      store.db,
      { name: `Race ${tag} ${i}`, url: `https://race-${tag}-${i}.example.com`, tagline: 'A tool made for a race.', category: 'Developer Tools', pricingModel: 'free', pricingEntry: 'Free' },
      null,
    );
    ids.push(s.id);
  }
  return ids;
}

/** Votes from four visitors on both processes and admin approvals on both, all at once: every answer a 200. */
async function votesAndApprovals(a: Proc, b: Proc, store: Store, tag: string) {
  const ids = await addSubmissions(store, 8, tag);
  const agents = [0, 1, 2, 3].map((i) => new Agent(`198.51.100.${i + 1}`));
  // First contact makes each visitor known (one new identity each), then their votes run concurrently.
  for (const [i, ag] of agents.entries()) assert.equal((await ag.post(i % 2 ? b.url : a.url, `/tools/${SLUGS[0]}/vote`, { vote: 'ship' })).status, 200);
  const votes = agents.flatMap((ag, i) =>
    SLUGS.map((slug, j) => ag.post((i + j) % 2 ? b.url : a.url, `/tools/${slug}/vote`, { vote: (i + j) % 3 ? 'ship' : 'skip' }).then((r) => r.status)),
  );
  const approvals = ids.map((id, i) => approve(i % 2 ? b.url : a.url, id).then((r) => r.status));
  const [voteStatuses, approvalStatuses] = await Promise.all([Promise.all(votes), Promise.all(approvals)]);
  assert.deepEqual(voteStatuses, Array(votes.length).fill(200));
  assert.deepEqual(approvalStatuses, Array(ids.length).fill(200));
  const approved = await store.db.selectFrom('submissions').select('id').where('status', '=', 'approved').execute();
  assert.equal(approved.length, ids.length);
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const v = await p;
  return [v, Date.now() - t];
}

describe('SQLite: two server processes on one file', () => {
  let dir: string;
  let file: string;
  let a: Proc;
  let b: Proc;
  let store: Store;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verdict-mp-'));
    file = join(dir, 'verdict.db');
    const env = { DATABASE_URL: file, OUTBOX_DIR: join(dir, 'outbox') };
    a = await startProcess({ ...env, SEED_DEMO: 'true' }); // seeds the empty file
    b = await startProcess({ ...env, SEED_DEMO: 'false' });
    store = await openStore({ kind: 'sqlite', file }, { migrate: false });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('votes and admin approvals from both processes at once: no 500, nothing lost', async () => {
    await votesAndApprovals(a, b, store, 'sqlite');
  });

  test('another connection holding the write lock: votes wait (or get 503 + Retry-After), cached reads stay fast', async () => {
    const voter = new Agent('198.51.100.50');
    assert.equal((await voter.post(a.url, '/tools/aider/vote', { vote: 'ship' })).status, 200);
    await fetch(`${a.url}/tools/cursor`);
    assert.equal((await fetch(`${a.url}/tools/cursor`)).headers.get('x-cache'), 'hit');
    const raw = new SQLite(file);
    try {
      // A short hold: the vote waits on the event loop's timers, then succeeds.
      raw.exec('BEGIN IMMEDIATE');
      setTimeout(() => raw.exec('COMMIT'), 1500);
      const vote = timed(voter.post(a.url, '/tools/aider/vote', { vote: 'skip' }));
      await sleep(300);
      const [page, pageMs] = await timed(fetch(`${a.url}/tools/cursor`));
      assert.equal(page.status, 200);
      assert.ok(pageMs < 300, `a cached page took ${pageMs} ms while a vote waited for the lock`);
      const [res, ms] = await vote;
      assert.equal(res.status, 200);
      assert.ok(ms >= 1000, `the vote waited for the lock (${ms} ms)`);

      // A hold longer than the web's wait budget (5 s): 503 with Retry-After, never 500.
      raw.exec('BEGIN IMMEDIATE');
      const busy = timed(voter.post(b.url, '/tools/aider/vote', { vote: 'ship' }));
      await sleep(2000);
      const [page2, page2Ms] = await timed(fetch(`${b.url}/tools/cursor`));
      assert.equal(page2.status, 200);
      assert.ok(page2Ms < 300, `a page took ${page2Ms} ms while the lock was held`);
      const [busyRes, busyMs] = await busy;
      raw.exec('COMMIT');
      assert.equal(busyRes.status, 503, await busyRes.clone().text());
      assert.match(busyRes.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(((await busyRes.json()) as { error: { code: string } }).error.code, 'busy');
      assert.ok(busyMs < 9000, `gave up after a bounded wait (${busyMs} ms)`);
      assert.equal((await voter.post(b.url, '/tools/aider/vote', { vote: 'ship' })).status, 200, 'answers again once the lock is gone');
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      raw.close();
    }
  });

  test('`verdict import` meeting a lock held longer than the web would wait: it waits and succeeds', async () => {
    const raw = new SQLite(file);
    try {
      raw.exec('BEGIN IMMEDIATE');
      setTimeout(() => raw.exec('COMMIT'), 6500); // past the 5 s that the old synchronous busy_timeout allowed
      const t = Date.now();
      const r = await run(process.execPath, ['--import', 'tsx', 'bin/verdict.js', 'import', 'data/demo.json'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: file },
      });
      assert.match(r.stdout, /\d/);
      assert.ok(Date.now() - t >= 6000, 'the import waited for the lock');
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      raw.close();
    }
  });
});

describe('one database connection: waiting for a lock does not block the process', () => {
  test('SQLite: a write waits asynchronously, reads go on, and a lock held too long is DatabaseBusyError', async () => {
    const s = await freshStore('sqlite');
    const store = await openStore({ kind: 'sqlite', file: s.location }, { migrate: false, busyWaitMs: 600 });
    const raw = new SQLite(s.location);
    try {
      raw.exec('BEGIN IMMEDIATE');
      const write = timed(executeTx(store.db, (tx) => tx.insertInto('appSettings').values({ key: 'k1', value: 'v', createdAt: 'now' }).execute()).catch((e) => e));
      // Event-loop timers and reads on the same connection keep running while the write waits.
      const [, lag] = await timed(sleep(50));
      assert.ok(lag < 150, `timer lag ${lag} ms`);
      const [rows, readMs] = await timed(store.db.selectFrom('appSettings').selectAll().execute());
      assert.ok(Array.isArray(rows) && readMs < 150, `read took ${readMs} ms`);
      const [err, ms] = await write;
      assert.ok(err instanceof DatabaseBusyError, String(err));
      assert.equal(err.status, 503);
      assert.ok(ms >= 550 && ms < 2000, `waited ${ms} ms`);
      // An autocommit write waits for the lock too, and succeeds once it is released.
      setTimeout(() => raw.exec('COMMIT'), 200);
      await store.db.insertInto('appSettings').values({ key: 'k2', value: 'v', createdAt: 'now' }).execute();
      assert.equal((await store.db.selectFrom('appSettings').select('key').where('key', '=', 'k2').execute()).length, 1);
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      raw.close();
      await store.close();
      await s.close();
    }
  });
});

for (const { dialect, skip } of DIALECTS) {
  test(`rate-limit table (${dialect}): 20 concurrent takes from 4 connections at capacity 3 let exactly 3 through`, { skip }, async () => {
    const s = await freshStore(dialect);
    const db = { kind: dialect, file: s.location, url: s.location } as never;
    const stores = await Promise.all([0, 1, 2, 3].map(() => openStore(db, { migrate: false })));
    try {
      const limiters = stores.map((st) => new RateLimiter(st.db, { adminLoginIp: { capacity: 3, refill: 3, perMs: 60_000 } }));
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => limiters[i % 4]!.take([['adminLoginIp', '192.0.2.9']])));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { status: number }).status, 429, String(r.reason));
      // All or nothing: a take refused by one bucket leaves the other untouched, across connections too.
      const two = new RateLimiter(stores[0]!.db, { voteIp: { capacity: 1, refill: 1, perMs: 60_000 }, voteVisitor: { capacity: 5, refill: 5, perMs: 60_000 } });
      await two.take([['voteIp', 'x'], ['voteVisitor', 'v']]);
      await assert.rejects(two.take([['voteIp', 'x'], ['voteVisitor', 'v']]), { status: 429 });
      const row = await stores[1]!.db.selectFrom('rateLimits').select('tat').where('name', '=', 'voteVisitor').executeTakeFirstOrThrow();
      const rowCount = await stores[1]!.db.selectFrom('rateLimits').select('key').execute();
      assert.equal(rowCount.length, 3);
      assert.ok(row.tat - Date.now() <= 12_000 + 50, 'the refused take did not charge the visitor bucket');
      // A NUL in a key (PostgreSQL text refuses it) is stored escaped, not a 500.
      await limiters[0]!.take([['signinEmail', 'a\u0000b@example.org']]);
    } finally {
      await Promise.all(stores.map((st) => st.close()));
      await s.close();
    }
  });
}

const pg = DIALECTS.find((d) => d.dialect === 'postgres')!;
describe('PostgreSQL: two server processes on one database', { skip: pg.skip }, () => {
  let s: TestStore;
  let dir: string;
  let a: Proc;
  let b: Proc;

  before(async () => {
    s = await freshStore('postgres');
    dir = mkdtempSync(join(tmpdir(), 'verdict-mp-'));
    const env = { DATABASE_URL: s.location, OUTBOX_DIR: join(dir, 'outbox') };
    a = await startProcess({ ...env, SEED_DEMO: 'true' });
    b = await startProcess({ ...env, SEED_DEMO: 'false' });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('votes and admin approvals from both processes at once: no 500, nothing lost', async () => {
    await votesAndApprovals(a, b, s, 'pg');
  });

  test('a vote in one process shows on the other within a second (its cached page is invalidated)', async () => {
    // The approvals above leave the worker busy for a moment (research jobs, catalog writes that drop every page):
    // wait until B serves a settled copy from its cache before voting.
    let before = '';
    let cached: Response | undefined;
    for (const t0 = Date.now(); Date.now() - t0 < 5000; await sleep(100)) {
      before = await (await fetch(`${b.url}/tools/whisper`)).text();
      cached = await fetch(`${b.url}/tools/whisper`);
      if (cached.headers.get('x-cache') === 'hit' && (await cached.text()) === before) break;
      cached = undefined;
    }
    assert.ok(cached, 'process B serves the page from its cache');
    const voter = new Agent('198.51.100.60');
    assert.equal((await voter.post(a.url, '/tools/whisper/vote', { vote: 'ship' })).status, 200);
    const t = Date.now();
    let after = before;
    while (after === before && Date.now() - t < 1000) {
      await sleep(50);
      after = await (await fetch(`${b.url}/tools/whisper`)).text();
    }
    assert.notEqual(after, before, 'process B shows the vote made in process A within a second');
  });

  test('a rate limit holds across both processes (admin sign-in: 10 per address, not 10 per process)', async () => {
    const ag = new Agent('198.51.100.70');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await ag.post(i % 2 ? b.url : a.url, '/admin/login', { token: 'wrong-token-wrong-token' })).status);
    assert.deepEqual(statuses, [...Array(10).fill(403), ...Array(4).fill(429)]);
  });
});
