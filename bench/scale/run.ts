/**
 * npm run bench:scale [-- --tools N] [--votes V] [--dialects sqlite,postgres] [--samples S] [--seed S]
 *
 * The figures of issue 8 point 6, measured at size on this machine, for SQLite and PostgreSQL:
 *  1. writes a deterministic catalog of N tools (bench/scale/generate.ts) and imports it with `verdict import`;
 *  2. inserts V deterministic votes (generateVotes; default 10 per tool, so 1,000,000 at the default
 *     100,000 tools) in multi-row batches, then `verdict db rebuild-figures` so the stored counts match;
 *  3. times uncached tool, compare and search renders in-process (bench/scale/measure.ts);
 *  4. starts the server (time to first 200), weighs each kind of page, browses a few hundred pages (RSS),
 *     and runs wrk (64 connections, 10 s) on a warm compare page without writes and while votes arrive at
 *     20/s over many tools from fresh visitors;
 *  5. issue 19 point 3 (bench/votes.ts): the warm tool and compare pages while distinct readers vote 20/s on the very
 *     tools they show (req/s and p99 against the same page without votes), and the server CPU a vote costs: the
 *     vote request itself, and what it adds to the next view of a page showing the tool (a splice, decision 029);
 * then prints one table. PostgreSQL is the tests' throwaway server (test/helpers/postgres.sh) with a fresh
 * database per run, dropped at the end. Loopback only. Needs wrk (installed from Debian if missing).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../../src/db/db.js';
import { parseDatabaseUrl } from '../../src/config.js';
import { loadCritics } from '../../src/panel/critics.js';
import { generateVotes, rng, toolSlug, writeCatalog } from './generate.js';
import type { Series, VocabSeries } from './measure.js';
import { pageUnderVotes, startVoting, voteCost, wrk, type PageUnderVotes, type VoteCost, type Wrk } from '../votes.js';

const { values } = parseArgs({
  options: {
    tools: { type: 'string', default: '100000' },
    votes: { type: 'string' },
    seed: { type: 'string', default: '1' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    samples: { type: 'string', default: '300' },
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '18281' },
  },
});
const TOOLS = Number(values.tools);
const VOTES = values.votes ? Number(values.votes) : TOOLS * 10;
const SEED = Number(values.seed);
const DIALECTS = values.dialects!.split(',').map((s) => s.trim()) as ('sqlite' | 'postgres')[];
const DURATION = Number(values.duration);
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const VOTE_RATE = 20;
const LOAD_START = loadavg()[0]!;
const BROWSE_PAGES = 300;
if (!Number.isInteger(TOOLS) || TOOLS < 10 || !Number.isInteger(VOTES) || VOTES < 0) throw new Error('usage: npm run bench:scale -- --tools N (>= 10) [--votes V]');
for (const d of DIALECTS) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`unknown dialect ${d}`);

const log = (s: string) => process.stderr.write(`bench:scale: ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function ensureWrk() {
  if (spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0) return;
  log('installing wrk from Debian');
  const r = spawnSync('sh', ['-c', 'apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('wrk is required: apt-get install wrk');
}

/** Peak resident memory of a child, sampled (VmHWM survives until the process exits). */
function watchPeak(child: ChildProcess): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // exited
    }
  }, 100);
  return () => (clearInterval(timer), peak);
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Runs a command to completion; returns wall time, peak memory and stdout. Throws with its stderr on failure. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; peak: number; stdout: string }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const peak = watchPeak(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const out = { ms: performance.now() - t0, peak: peak(), stdout };
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  return out;
}

/** Multi-row inserts straight into the votes table, a few thousand rows per transaction; returns the count. */
async function insertVotes(databaseUrl: string, r: Partial<Result>): Promise<number> {
  const store = await openStore(parseDatabaseUrl(databaseUrl));
  try {
    r.reviews = Number((await store.db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const ids = new Map((await store.db.selectFrom('tools').select(['id', 'slug']).execute()).map((r) => [r.slug, r.id]));
    const now = new Date().toISOString();
    const voters = Math.max(1, Math.ceil(VOTES / Math.min(10, TOOLS)));
    let batch: { toolId: number; voterId: string; vote: 'ship' | 'skip'; createdAt: string; updatedAt: string }[] = [];
    let n = 0;
    const flush = async () => {
      const rows = batch;
      batch = [];
      // 1,000 rows × 5 columns stays under both dialects' bind limits.
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('votes').values(rows.slice(i, i + 1000)).execute();
      });
    };
    for (const v of generateVotes({ tools: TOOLS, voters, votes: VOTES, seed: SEED })) {
      const toolId = ids.get(v.toolSlug);
      if (toolId === undefined) throw new Error(`vote for unknown tool ${v.toolSlug}`);
      batch.push({ toolId, voterId: v.ownerId, vote: v.vote, createdAt: now, updatedAt: now });
      n++;
      if (batch.length === 10_000) await flush();
    }
    if (batch.length) await flush();
    return n;
  } finally {
    await store.close();
  }
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(BASE + path, { headers, redirect: 'manual' });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

interface Result {
  importMs: number;
  importPeak: number;
  votes: number;
  votesMs: number;
  rebuildMs: number;
  measured: { tools: number; tool: Series; compare: Series; search: Series; common: VocabSeries; heldOut: VocabSeries; figureSorts: Series };
  startMs: number;
  rss: number;
  browsed: number;
  browseFailures: number;
  sizes: Record<string, number>;
  quiet: Wrk;
  voting: Wrk;
  voteLoop: { sent: number; ok: number; failed: number; firstError?: string };
  ownVotes: { tool: PageUnderVotes; compare: PageUnderVotes };
  voteCost: VoteCost;
  reviews: number;
  quietCache: string;
  error?: string;
}

async function serverFigures(databaseUrl: string, r: Partial<Result>) {
  const t0 = performance.now();
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    // TRUST_PROXY=loopback: the bench stands in for a reverse proxy on this host, so each simulated reader's
    // X-Forwarded-For address meets the per-address limits as a real reader's would.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(PORT), WORKER: 'false', SEED_DEMO: 'false', NODE_ENV: 'production', PUBLIC_URL: BASE, TRUST_PROXY: 'loopback' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      if (performance.now() - t0 > 60_000) throw new Error('server did not answer within 60 s');
      const ok = await fetch(BASE + '/')
        .then(async (res) => (await res.arrayBuffer(), res.status === 200))
        .catch(() => false);
      if (ok) break;
      await sleep(20);
    }
    r.startMs = performance.now() - t0;

    const at = (f: number) => toolSlug(Math.min(TOOLS - 1, Math.floor(f * TOOLS)));
    const pair = (a: string, b: string) => (a < b ? `/compare/${a}-vs-${b}` : `/compare/${b}-vs-${a}`);
    const compare = pair(at(0.4), at(0.6));
    const firstCategory = /href="(\/categories\/[^"?#]+)"/.exec((await get('/categories')).body)?.[1] ?? '/categories';
    const critic = loadCritics('critics')[0]!.id;
    const pages: Record<string, string> = {
      home: '/',
      tool: `/tools/${at(0.5)}`,
      compare,
      search: '/search?q=vision&sort=ship',
      category: firstCategory,
      critic: `/critics/${critic}`,
    };
    r.sizes = {};
    for (const [name, path] of Object.entries(pages)) {
      const res = await get(path);
      r.sizes[name] = res.status === 200 ? Buffer.byteLength(res.body) : -res.status;
    }

    // A few hundred distinct pages, four at a time, as readers would spread over the site; then RSS.
    const browse: string[] = [];
    for (let k = 0; browse.length < BROWSE_PAGES; k++) {
      const f = (k + 0.5) / (BROWSE_PAGES / 3);
      browse.push(`/tools/${at(f % 1)}`, pair(at((f + 0.01) % 1), at((f + 0.02) % 1)), `/search?q=${['vision', 'coding', 'lens', 'forge'][k % 4]}&page=${1 + (k % 5)}`);
    }
    let failures = 0;
    let i = 0;
    // Bounded: at a size where pages are slow, stop after two minutes and say how many were browsed.
    for (const deadline = performance.now() + 120_000; i < browse.length && performance.now() < deadline; i += 4) {
      const rs = await Promise.all(browse.slice(i, i + 4).map((p) => get(p).catch(() => ({ status: 0 }))));
      failures += rs.filter((x) => x.status !== 200).length;
    }
    r.browsed = Math.min(i, browse.length);
    r.browseFailures = failures;
    r.rss = rssOf(server.pid!);

    await get(compare);
    r.quiet = await wrk(BASE + compare, DURATION);
    // Still a cache hit after the run means no write invalidated it meanwhile: the run measured the cache.
    r.quietCache = (await get(compare)).headers.get('x-cache') ?? '?';
    // The anonymous token a public page carries; any cached page has the same one.
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await get(pages.tool!)).body)?.[1];
    if (!csrf) throw new Error('no _csrf field on the tool page');
    // Fresh readers (no cookie, each its own X-Forwarded-For address, honoured from a loopback peer as from a reverse
    // proxy) voting by form post on tools spread over the catalog.
    const rand = rng(SEED ^ 0x5eed);
    const voting = startVoting(BASE, csrf, VOTE_RATE, () => toolSlug(Math.floor(rand() * TOOLS)), rand);
    await sleep(1000);
    r.voting = await wrk(BASE + compare, DURATION);
    r.voteLoop = await voting.stop();
    // Votes on the tools the measured page shows (each one used to cost that page a render), as browsers ask (br).
    const br = { 'accept-encoding': 'gzip, deflate, br' };
    r.ownVotes = { tool: await pageUnderVotes(BASE, pages.tool!, DURATION, VOTE_RATE, br), compare: await pageUnderVotes(BASE, compare, DURATION, VOTE_RATE, br) };
    r.voteCost = await voteCost(BASE, server.pid!, compare, at(0.9));
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => (server.exitCode !== null ? res(null) : server.once('exit', res)));
  }
}

async function benchDialect(dialect: 'sqlite' | 'postgres', catalog: string, work: string, r: Partial<Result>): Promise<void> {
  let databaseUrl: string;
  let dropDb: (() => Promise<void>) | undefined;
  if (dialect === 'sqlite') databaseUrl = join(work, 'scale.db');
  else {
    const url = execFileSync('bash', ['test/helpers/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
    const name = `verdict_scale_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    databaseUrl = url.replace(/\/[^/]*$/, `/${name}`);
    dropDb = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  try {
    log(`${dialect}: verdict import`);
    const imp = await run(process.execPath, ['bin/verdict.js', 'import', catalog], { DATABASE_URL: databaseUrl });
    r.importMs = imp.ms;
    r.importPeak = imp.peak;
    log(`${dialect}: imported in ${secs(imp.ms)}; inserting ${VOTES} votes`);
    let t = performance.now();
    r.votes = await insertVotes(databaseUrl, r);
    r.votesMs = performance.now() - t;
    log(`${dialect}: votes in ${secs(r.votesMs)}; verdict db rebuild-figures`);
    r.rebuildMs = (await run(process.execPath, ['bin/verdict.js', 'db', 'rebuild-figures'], { DATABASE_URL: databaseUrl })).ms;
    log(`${dialect}: figures rebuilt in ${secs(r.rebuildMs)}; uncached renders`);
    const m = await run(process.execPath, ['--import', 'tsx', 'bench/scale/measure.ts'], { DATABASE_URL: databaseUrl, SCALE_SAMPLES: values.samples });
    r.measured = JSON.parse(m.stdout.trim().split('\n').pop()!);
    log(`${dialect}: server figures`);
    t = performance.now();
    await serverFigures(databaseUrl, r);
    log(`${dialect}: server figures in ${secs(performance.now() - t)}`);
  } finally {
    await dropDb?.();
  }
}

// ── Table ──────────────────────────────────────────────────────────────────
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const atLeast = (x: number) => (x >= 2000 ? `>=${ms(x)}` : ms(x));
const mark = (ok: boolean) => (ok ? 'ok' : 'FAIL');
const kb = (b: number) => (b < 0 ? `HTTP ${-b}` : `${(b / 1024).toFixed(b < 10_240 ? 1 : 0)} KB`);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const lat = (s: Series, target: number) =>
  `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)} (n=${s.n})${s.failed ? ` (${s.failed} failed: ${s.firstFailure})` : ''} ${mark(s.p95 < target && !s.failed)}`;

function table(results: Partial<Record<'sqlite' | 'postgres', Result>>) {
  const cols = DIALECTS;
  const measured = cols.map((c) => results[c]?.measured).find((m) => m?.common);
  const pct = (x: number) => `${(100 * x).toFixed(x >= 0.1 ? 0 : 1)}%`;
  /** "12 common words, 37-65% of the catalog" from the first dialect measured (both count the same matches). */
  function vocabLabel(k: 'common' | 'heldOut') {
    const w = measured?.[k]?.words ?? [];
    const shares = w.map((x) => x.share).sort((a, b) => a - b);
    const name = k === 'common' ? 'common words' : 'held-out words';
    return shares.length ? `${w.length} ${name}, ${pct(shares[0]!)}-${pct(shares.at(-1)!)} of tools` : name;
  }
  const rows: [string, string, (r: Result) => string][] = [
    ['import (wall, peak RSS)', '<60 s SQLite, <120 s PG; <500 MB', (r) => `${secs(r.importMs)}, ${mb(r.importPeak)}`],
    ['votes insert + rebuild-figures', '', (r) => `${r.votes} in ${secs(r.votesMs)} + ${secs(r.rebuildMs)}`],
    ['uncached tool page, ms p50/p95/max', '<20', (r) => lat(r.measured.tool, 20)],
    ['uncached compare page, ms p50/p95/max', '<20', (r) => lat(r.measured.compare, 20)],
    ['search (q × filter × sort), ms p50/p95/max', 'p95 <50', (r) => lat(r.measured.search, 50)],
    [`relevance, ${vocabLabel('common')}, ms p50/p95/max`, 'p95 <50', (r) => lat(r.measured.common, 50)],
    [`relevance, ${vocabLabel('heldOut')}, ms p50/p95/max`, 'p95 <50', (r) => lat(r.measured.heldOut, 50)],
    ['common words by ship/score/newest, ms p50/p95/max', '', (r) => `${ms(r.measured.figureSorts.p50)} / ${ms(r.measured.figureSorts.p95)} / ${ms(r.measured.figureSorts.max)} (n=${r.measured.figureSorts.n})`],
    ['server start to first 200', '<3 s', (r) => `${secs(r.startMs)} ${mark(r.startMs < 3000)}`],
    ['server RSS after browsing', '<300 MB', (r) => `${mb(r.rss)} after ${r.browsed} pages${r.browseFailures ? ` (${r.browseFailures} not 200)` : ''} ${mark(r.rss < 300 * 1024 * 1024)}`],
    ['warm compare, no writes (req/s, p99)', '', (r) => `${r.quiet.rps.toFixed(0)} req/s, p99 ${atLeast(r.quiet.p99)} ms${r.quiet.errors ? `, ${r.quiet.errors} errors` : ''} (x-cache ${r.quietCache} after)`],
    [
      `warm compare, ${VOTE_RATE} votes/s (req/s, p99)`,
      '>=70% of no writes; p99 <30 ms',
      (r) =>
        `${r.voting.rps.toFixed(0)} req/s (${((100 * r.voting.rps) / r.quiet.rps).toFixed(0)}%), p99 ${atLeast(r.voting.p99)} ms${r.voting.errors ? `, ${r.voting.errors} errors` : ''} ${mark(r.voting.rps >= 0.7 * r.quiet.rps && r.voting.p99 < 30)}`,
    ],
    ['votes cast during that run', `${VOTE_RATE}/s`, (r) => `${r.voteLoop.ok} ok of ${r.voteLoop.sent}${r.voteLoop.failed ? `, ${r.voteLoop.failed} failed (${r.voteLoop.firstError})` : ''}`],
    ...(['tool', 'compare'] as const).map(
      (p) =>
        [
          `warm ${p} (br), ${VOTE_RATE} votes/s on its own tools by distinct readers`,
          '>=0.9 of its req/s; p99 <=2x',
          (r: Result) => {
            const o = r.ownVotes[p];
            const ratio = o.voting.rps / o.quiet.rps;
            const p99 = o.voting.p99 / o.quiet.p99;
            return `${o.voting.rps.toFixed(0)} of ${o.quiet.rps.toFixed(0)} req/s (${ratio.toFixed(2)}), p99 ${atLeast(o.voting.p99)} vs ${ms(o.quiet.p99)} ms (${p99.toFixed(1)}x); ${o.votes.ok}/${o.votes.sent} votes ${mark(ratio >= 0.9 && p99 <= 2 && !o.votes.failed)}`;
          },
        ] as [string, string, (r: Result) => string],
    ),
    [
      'server CPU per vote: the request; its cost to the next view of a page showing the tool',
      'page <1 ms',
      (r) => `${r.voteCost.request.toFixed(2)} ms; ${r.voteCost.page.toFixed(2)} ms ${mark(r.voteCost.page < 1)} (${r.voteCost.rounds} rounds)`,
    ],
    ...(['home', 'tool', 'compare', 'search', 'category', 'critic'] as const).map(
      (p) => [`${p} page size`, '<100 KB', (r: Result) => `${kb(r.sizes[p]!)} ${mark(r.sizes[p]! >= 0 && r.sizes[p]! < 100 * 1024)}`] as [string, string, (r: Result) => string],
    ),
  ];
  const cell = (r: Result | undefined, f: (r: Result) => string) => {
    if (!r) return 'not run';
    try {
      return f(r);
    } catch {
      return 'n/a';
    }
  };
  const head = ['figure', 'target', ...cols.map((c) => (c === 'sqlite' ? 'SQLite' : 'PostgreSQL'))];
  const body = rows.map(([name, target, f]) => [name, target, ...cols.map((c) => cell(results[c], f))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nVerdict at scale: ${TOOLS.toLocaleString('en')} tools, ${(results[cols[0]!]?.reviews ?? NaN).toLocaleString('en')} reviews, ${VOTES.toLocaleString('en')} votes (seed ${SEED}); ${cpus().length} cores; ${new Date().toISOString().slice(0, 10)}`);
  // Other work on the machine inflates every figure; say how busy it was.
  console.log(`Load average (1 min): ${LOAD_START.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end.`);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const b of body) console.log(line(b));
  for (const c of cols) if (results[c]?.error) console.log(`${c} stopped early: ${results[c]!.error}`);
  // Each word's share of the catalog, so a reader can tell which of them match a third of it.
  for (const k of ['common', 'heldOut'] as const) {
    const w = measured?.[k]?.words;
    if (w) console.log(`${k === 'common' ? 'Common' : 'Held-out'} words, share of the catalog: ${w.map((x) => `${x.q} ${pct(x.share)}`).join(', ')}`);
  }
}

// ── Main ───────────────────────────────────────────────────────────────────
ensureWrk();
const work = mkdtempSync(join(tmpdir(), 'verdict-scale-'));
const results: Partial<Record<'sqlite' | 'postgres', Result>> = {};
try {
  const catalog = join(work, `catalog-${TOOLS}.json`);
  log(`writing a catalog of ${TOOLS} tools (seed ${SEED})`);
  const out = createWriteStream(catalog);
  await writeCatalog(out, TOOLS, { seed: SEED, critics: loadCritics('critics').map((c) => c.id) });
  out.end();
  await finished(out);
  for (const d of DIALECTS) {
    try {
      await benchDialect(d, catalog, work, (results[d] = {} as Result));
    } catch (err) {
      // Keep what was measured; the table shows n/a for the rest, and the error below it.
      results[d]!.error = (err as Error).message;
      log(`${d} failed: ${(err as Error).message}`);
    }
  }
  table(results);
} finally {
  rmSync(work, { recursive: true, force: true });
}
