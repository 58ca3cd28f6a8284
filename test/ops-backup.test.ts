import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { DIALECTS, freshStore } from './helpers/db.js';
import { DEMO, seedDemo } from './helpers/fixtures.js';
import { Browser, root, spawnNode, startServerProcess, type ServerProc } from './helpers/process.js';
import { openStore } from '../src/db/db.js';

/**
 * Issue 18: `verdict db backup` while the site serves and takes votes; `verdict db restore` (SQLite) refuses while a
 * server holds the database, checks the file and keeps the old one; every vote acknowledged before the backup began
 * is in the restored database. PostgreSQL: pg_dump when it is on the PATH (restored here with pg_restore), else the
 * exact command, without the password.
 */

const SECRET = 'backup-test-secret-0123456789abcdef';
const SLUGS = DEMO.tools.map((t) => t.slug as string);
const run = promisify(execFile);

/** `verdict ARGS` as its own process; resolves with its exit code and output. */
async function verdictProcess(args: string[], env: Record<string, string>) {
  const p = spawnNode(['bin/verdict.js', ...args], env);
  const code = await p.exited;
  return { code, output: p.output() };
}

interface Ack {
  visitor: string;
  slug: string;
  vote: 'ship' | 'skip';
  /** performance.now() when the answer arrived (monotonic: a clock step cannot move an answer past the backup's start). */
  at: number;
}

/** Resolves once the burst has this many acknowledged votes. */
async function acknowledged(acks: Ack[], n: number) {
  for (let i = 0; i < 1200 && acks.length < n; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(acks.length >= n, `only ${acks.length} votes acknowledged`);
}

/**
 * Readers voting as fast as the site answers until `until` resolves: each acknowledged vote with the time of its answer.
 * A reader who has voted on every tool comes back as a new reader (another address, no cookie), so the burst never
 * runs dry before the backup ends, however fast votes are.
 */
async function voteBurst(server: ServerProc, until: Promise<unknown>, acks: Ack[], readers = 24): Promise<Ack[]> {
  let over = false;
  void until.finally(() => (over = true));
  await Promise.all(
    Array.from({ length: readers }, async (_, r) => {
      for (let pass = 0; pass === 0 || !over; pass++) {
        const b = new Browser(server.url, { 'x-forwarded-for': `198.51.${100 + pass}.${r + 1}` });
        let csrf = await b.token('/tools/smolvlm2');
        for (const [i, slug] of SLUGS.entries()) {
          if (over && i > 2) break;
          const vote = (r + i) % 3 ? 'ship' : 'skip';
          const res = await b.post(`/tools/${slug}/vote`, { vote }, { json: true, token: csrf });
          assert.equal(res.status, 200, await res.clone().text());
          const body = (await res.json()) as { csrf: string };
          csrf = body.csrf;
          const cookie = b.cookies.get('verdict_v')!;
          acks.push({ visitor: cookie.slice(0, cookie.lastIndexOf('.')), slug, vote, at: performance.now() });
        }
      }
    }),
  );
  return acks;
}

/** Which acknowledged votes a database holds (by visitor and tool, with the same vote). */
async function missingVotes(rows: { visitor: string; slug: string; vote: string }[], acks: Ack[]) {
  const have = new Set(rows.map((r) => `${r.visitor}|${r.slug}|${r.vote}`));
  return acks.filter((a) => !have.has(`${a.visitor}|${a.slug}|${a.vote}`));
}

/** Anonymous readers' votes (voter_id is `v:<visitor id>`, the id their cookie carries). */
const VOTES_SQL = "select substr(x.voter_id, 3) as visitor, t.slug as slug, x.vote as vote from votes x join tools t on t.id = x.tool_id where x.voter_id like 'v:%'";

describe('backup and restore (sqlite)', () => {
  test('a backup during a vote burst, restored, holds every vote acknowledged before the backup began', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-backup-'));
    const file = join(dir, 'verdict.db');
    const backup = join(dir, 'backups', 'before-upgrade.db');
    const env = { DATABASE_URL: file, PUBLIC_URL: 'http://verdict.test', SECRET, WORKER: 'false', TRUST_PROXY: 'loopback' };
    const seed = await openStore({ kind: 'sqlite', file });
    await seedDemo(seed.db);
    await seed.close();
    let server = await startServerProcess(env);
    try {
      let began = 0;
      let backupDone!: (v: unknown) => void;
      const finished = new Promise((r) => (backupDone = r));
      const acks: Ack[] = [];
      const burst = voteBurst(server, finished, acks);
      // Let the burst get going, then back up while it runs.
      await acknowledged(acks, 60);
      began = performance.now();
      const made = await verdictProcess(['db', 'backup', backup, '--json'], env);
      backupDone(undefined);
      await burst;
      assert.equal(made.code, 0, made.output);
      const report = JSON.parse(made.output.slice(made.output.indexOf('{'))) as { tools: number; votes: number; migrations: number; file: string };
      assert.equal(report.tools, SLUGS.length);
      assert.ok(report.votes > 0 && report.migrations > 0);
      const before = acks.filter((a) => a.at <= began);
      assert.ok(before.length >= 60, `votes acknowledged before the backup: ${before.length}`);
      assert.ok(acks.length > before.length, 'and votes kept coming during it');
      assert.deepEqual(readdirSync(join(dir, 'backups')), ['before-upgrade.db'], 'no partial file left');

      // Never over an existing file; never while the server holds the database.
      const again = await verdictProcess(['db', 'backup', backup], env);
      assert.equal(again.code, 1);
      assert.match(again.output, /already exists/);
      const busy = await verdictProcess(['db', 'restore', backup], env);
      assert.equal(busy.code, 1);
      assert.match(busy.output, /in use by another process/);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200, 'the refused restore changed nothing');

      assert.equal(await server.stop(), 0);
      // Not a backup: refused, the live database untouched.
      writeFileSync(join(dir, 'junk.db'), 'not a database at all');
      const junk = await verdictProcess(['db', 'restore', join(dir, 'junk.db')], env);
      assert.equal(junk.code, 1);
      assert.match(junk.output, /not a (usable )?SQLite database/);
      const other = join(dir, 'other.db');
      new SQLite(other).exec('create table notes (x)');
      assert.match((await verdictProcess(['db', 'restore', other], env)).output, /not a Verdict one/);

      const restored = await verdictProcess(['db', 'restore', backup], env);
      assert.equal(restored.code, 0, restored.output);
      const kept = readdirSync(dir).find((f) => f.startsWith('verdict.db.before-restore-'));
      assert.ok(kept, 'the old database is kept beside it');
      assert.match(restored.output, new RegExp(kept.replace(/[.]/g, '\\.')));
      const db = new SQLite(file, { readonly: true });
      const rows = db.prepare(VOTES_SQL).all() as { visitor: string; slug: string; vote: string }[];
      db.close();
      assert.deepEqual(await missingVotes(rows, before), [], 'every vote acknowledged before the backup began');
      assert.ok(rows.length < acks.length, 'a snapshot: votes after it are not there');
      const old = new SQLite(join(dir, kept), { readonly: true });
      assert.deepEqual(await missingVotes(old.prepare(VOTES_SQL).all() as never, acks), [], 'the kept one has them all');
      old.close();

      // The restored database serves.
      server = await startServerProcess(env);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      assert.equal((await fetch(`${server.url}/tools/smolvlm2`)).status, 200);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const pgSkip = DIALECTS.find((d) => d.dialect === 'postgres')!.skip;
describe('backup (postgres)', { skip: pgSkip }, () => {
  test('pg_dump during a vote burst; pg_restore of it holds every vote acknowledged before', async () => {
    const store = await freshStore('postgres');
    await seedDemo(store.db);
    const dir = mkdtempSync(join(tmpdir(), 'verdict-pgdump-'));
    const dump = join(dir, 'verdict.dump');
    const env = { DATABASE_URL: store.location, PUBLIC_URL: 'http://verdict.test', SECRET, WORKER: 'false', TRUST_PROXY: 'loopback' };
    const server = await startServerProcess(env);
    const copy = `verdict_r_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      let done!: (v: unknown) => void;
      const finished = new Promise((r) => (done = r));
      const acks: Ack[] = [];
      const burst = voteBurst(server, finished, acks);
      await acknowledged(acks, 60);
      const began = performance.now();
      const made = await verdictProcess(['db', 'backup', dump], env);
      done(undefined);
      await burst;
      assert.equal(made.code, 0, made.output);
      assert.match(made.output, /with pg_dump .* checked: pg_restore reads it/);
      await admin.query(`create database ${copy}`);
      const url = new URL(store.location);
      url.pathname = `/${copy}`;
      await run('pg_restore', ['--no-owner', `--dbname=${url}`, dump], { cwd: root });
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const rows = (await c.query(VOTES_SQL)).rows as { visitor: string; slug: string; vote: string }[];
      await c.end();
      const before = acks.filter((a) => a.at <= began);
      assert.ok(before.length >= 60, `votes acknowledged before the backup: ${before.length} of ${acks.length}`);
      assert.deepEqual(await missingVotes(rows, before), []);
    } finally {
      await server.stop();
      await admin.query(`drop database if exists ${copy} with (force)`);
      await admin.end();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without pg_dump on the PATH: no backup, the exact command, never the password; restore points to pg_restore', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.password = 'pw-never-printed-42';
    const env = { DATABASE_URL: url.toString(), PATH: '/nonexistent' };
    const r = await verdictProcess(['db', 'backup', '/tmp/x y.dump'], env);
    assert.equal(r.code, 1);
    assert.match(r.output, /pg_dump is not on the PATH, so no backup was made/);
    assert.ok(r.output.includes(`PGPASSWORD=… pg_dump --format=custom --no-owner '--file=/tmp/x y.dump' --dbname=postgres://postgres@${url.host}${url.pathname}`), r.output);
    assert.ok(!r.output.includes('pw-never-printed-42'));
    assert.ok(!existsSync('/tmp/x y.dump'));
    const restore = await verdictProcess(['db', 'restore', '/tmp/x.dump'], env);
    assert.equal(restore.code, 2);
    assert.match(restore.output, /pg_restore --clean --if-exists --no-owner/);
    assert.ok(!restore.output.includes('pw-never-printed-42'));
  });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`upgrade: migrations that landed out of order (${dialect})`, { skip }, () => {
    test('a database that ran a later migration but lacks an earlier one (130 after 150) runs the missing one at start', async () => {
      // A site upgraded from a release that had main's 150 but not this branch's 130: the schema it would have.
      const store = await freshStore(dialect);
      try {
        const { db } = store;
        await db.deleteFrom('kysely_migration' as any).where('name', '=', '20261205_130_worker_heartbeats').execute();
        await db.schema.dropTable('worker_heartbeats').execute();
        const { migrateToLatest, pendingMigrations } = await import('../src/db/migrate.js');
        assert.deepEqual(await pendingMigrations(db), ['20261205_130_worker_heartbeats']);
        const r = await migrateToLatest(db);
        assert.deepEqual(r.results?.map((m) => [m.migrationName, m.status]), [['20261205_130_worker_heartbeats', 'Success']]);
        assert.deepEqual(await pendingMigrations(db), []);
        assert.deepEqual(await db.selectFrom('workerHeartbeats').selectAll().execute(), [], 'the table is back');
      } finally {
        await store.close();
      }
    });
  });
}
