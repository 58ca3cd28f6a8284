/**
 * What a vote costs a running server (issue 19, point 3). Used by `npm run bench:scale`, and on its own:
 *
 *   node --import tsx bench/votes.ts --base http://127.0.0.1:PORT --pid PID [--duration 10] PATH...
 *
 * The server must trust X-Forwarded-For from loopback (TRUST_PROXY=loopback) with PUBLIC_URL = base: each vote comes
 * from a fresh reader (no cookie, its own address), as a browser form post with the page's CSRF token.
 * For each page (e.g. /tools/x, /compare/a-vs-b):
 *  - wrk (64 connections) on the warm page without writes, then while distinct readers vote 20/s on the tools the
 *    page shows (the worst case for that page): req/s ratio (goal >= 0.9) and p99 ratio (goal <= 2);
 *  - server CPU (utime+stime from /proc) over N rounds of: a GET of the page alone; a vote on a tool the page does
 *    not show, then a GET; a vote on a tool it shows, then a GET. The differences are what a vote request costs,
 *    and what it costs the page (a render before decision 029; a splice and one recompression after).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

export interface Wrk {
  rps: number;
  p99: number;
  errors: number;
}

/** wrk -t1 -c64 --latency: req/s, p99 (ms), and non-2xx/socket errors. */
export async function wrk(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Wrk> {
  const args = ['-t1', '-c64', `-d${seconds}s`, '--latency', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}`))));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const m = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
  const p99 = m ? Number(m[1]) * { us: 1e-3, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'] : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const done = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const timeouts = Number(sock?.[4] ?? 0);
  // wrk leaves requests slower than its 2 s timeout out of the latency histogram; when they are over 1%,
  // the true p99 is at least 2 s, whatever the histogram of the rest says.
  const p99Floor = timeouts > 0.01 * (done + timeouts) ? 2000 : 0;
  return { rps, p99: Math.max(p99, p99Floor), errors: non2xx + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0) };
}

let reader = 0;

/** One vote from a fresh reader (its own address, no cookie), as a browser form post. */
export async function voteOnce(base: string, csrf: string, slug: string, vote: 'ship' | 'skip'): Promise<number> {
  const i = ++reader + 100_000 * (process.pid % 100);
  const res = await fetch(`${base}/tools/${slug}/vote`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      origin: base,
      'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    },
    body: new URLSearchParams({ vote, _csrf: csrf }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Votes at `rate`/s, each from a fresh reader, on the slug `pick` names; stop() says how many went through. */
export function startVoting(base: string, csrf: string, rate: number, pick: (i: number) => string, rand: () => number = Math.random) {
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const slug = pick(sent++);
    const p = voteOnce(base, csrf, slug, rand() < 0.6 ? 'ship' : 'skip')
      .then((status) => {
        if (status === 303 || status === 200) ok++;
        else {
          failed++;
          firstError ??= `${status} on ${slug}`;
        }
      })
      .catch((err) => {
        failed++;
        firstError ??= String(err);
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1000 / rate);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inflight);
      return { sent, ok, failed, firstError };
    },
  };
}

/** The anonymous CSRF token every public page carries. */
export async function csrfOf(base: string, path: string): Promise<string> {
  const html = await (await fetch(base + path)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no _csrf field on ${path}`);
  return csrf;
}

/** The tools a tool or compare page shows, by slug, read from its address. */
export function slugsOf(path: string): string[] {
  const u = new URL(path, 'http://x');
  if (u.pathname.startsWith('/tools/')) return [u.pathname.slice('/tools/'.length)];
  if (u.pathname.startsWith('/compare/')) return u.pathname.slice('/compare/'.length).split('-vs-');
  return (u.searchParams.get('tools') ?? '').split(',').filter(Boolean);
}

/** CPU seconds (user + system) a process has used. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export interface VoteCost {
  /** Server CPU ms of a vote request itself (visitor, limits, the write, the version read). */
  request: number;
  /** Server CPU ms a vote adds to the next view of a page showing the tool (render, or splice + recompress). */
  page: number;
  rounds: number;
}

/** See the header: three loops of `rounds`, CPU differences per round. `elsewhere` is a tool the page does not show. */
export async function voteCost(base: string, pid: number, path: string, elsewhere: string, rounds = 200): Promise<VoteCost> {
  const csrf = await csrfOf(base, path);
  const slugs = slugsOf(path);
  const view = async () => void (await (await fetch(base + path, { headers: { 'accept-encoding': 'br, gzip' } })).arrayBuffer());
  const loop = async (vote?: (i: number) => string) => {
    await view();
    const t = cpuOf(pid);
    for (let i = 0; i < rounds; i++) {
      if (vote) {
        const status = await voteOnce(base, csrf, vote(i), i % 2 ? 'ship' : 'skip');
        if (status !== 303) throw new Error(`vote answered ${status}`);
      }
      // A reader a moment later; the same pause in every loop, so the page's view costs the same in each whatever an
      // idle moment does to the CPU's caches, and the differences are the vote's.
      await new Promise((r) => setTimeout(r, 5));
      await view();
    }
    return ((cpuOf(pid) - t) * 1000) / rounds;
  };
  const alone = await loop();
  const other = await loop(() => elsewhere);
  const own = await loop((i) => slugs[i % slugs.length]!);
  return { request: other - alone, page: own - other, rounds };
}

export interface PageUnderVotes {
  path: string;
  quiet: Wrk;
  voting: Wrk;
  votes: { sent: number; ok: number; failed: number; firstError?: string };
}

/** wrk on the warm page, then again while distinct readers vote `rate`/s on the tools it shows. */
export async function pageUnderVotes(base: string, path: string, seconds: number, rate = 20, headers: Record<string, string> = {}): Promise<PageUnderVotes> {
  const csrf = await csrfOf(base, path);
  const slugs = slugsOf(path);
  await fetch(base + path, { headers }).then((r) => r.arrayBuffer());
  const quiet = await wrk(base + path, seconds, headers);
  const voting = startVoting(base, csrf, rate, (i) => slugs[i % slugs.length]!);
  await new Promise((r) => setTimeout(r, 500));
  const during = await wrk(base + path, seconds, headers);
  return { path, quiet, voting: during, votes: await voting.stop() };
}

export const underVotesText = (r: PageUnderVotes) =>
  `${r.voting.rps.toFixed(0)} of ${r.quiet.rps.toFixed(0)} req/s (${(r.voting.rps / r.quiet.rps).toFixed(2)}, goal >=0.9), p99 ${r.voting.p99.toFixed(1)} vs ${r.quiet.p99.toFixed(1)} ms (${(r.voting.p99 / r.quiet.p99).toFixed(1)}x, goal <=2x); ${r.votes.ok}/${r.votes.sent} votes ok${r.voting.errors ? `, ${r.voting.errors} errors` : ''}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: 'string' }, pid: { type: 'string' }, duration: { type: 'string', default: '10' }, elsewhere: { type: 'string' }, br: { type: 'boolean', default: false } },
  });
  const base = values.base!;
  const headers: Record<string, string> = values.br ? { 'accept-encoding': 'br' } : {};
  for (const path of positionals) {
    const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
    if (values.pid) {
      const cost = await voteCost(base, Number(values.pid), path, values.elsewhere ?? 'ollama');
      console.log(`${path}: vote request ${cost.request.toFixed(2)} ms CPU; cost to the page's next view ${cost.page.toFixed(2)} ms CPU (${cost.rounds} rounds; load ${load()})`);
    }
    const r = await pageUnderVotes(base, path, Number(values.duration), 20, headers);
    console.log(`${path}${values.br ? ' (br)' : ''}: ${underVotesText(r)} (load ${load()})`);
  }
}
