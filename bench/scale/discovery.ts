/**
 * tsx bench/scale/discovery.ts [--tools 100000] [--items 5000] [--dialects sqlite,postgres] [--seed 1]
 *
 * Discovery at catalog scale (issue 17): a catalog of N tools (bench/scale/generate.ts, imported with
 * `verdict import`), and a JSON Feed of M items on a fixture web in another process (loopback): a fifth are tools
 * already in the catalog (their URLs spelled with www., a trailing slash or utm_ parameters), a fifth not AI tools,
 * a fifth the same new tool listed twice, the rest new AI tools whose homepages answer. Then
 * `verdict discover --source feeds` runs as its own process, twice (the second run finds everything waiting):
 * wall time and peak RSS (/usr/bin/time), and what became of the items. PostgreSQL is the tests' throwaway server
 * (test/helpers/postgres.sh), a fresh database per run, dropped at the end.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadCritics } from '../../src/panel/critics.js';
import { toolSlug, writeCatalog } from './generate.js';
import { startFixtureProcess } from '../../test/helpers/fixture-process.js';

const { values } = parseArgs({
  options: {
    tools: { type: 'string', default: '100000' },
    items: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
  },
});
const TOOLS = Number(values.tools);
const ITEMS = Number(values.items);
const DIALECTS = values.dialects!.split(',').map((s) => s.trim()) as ('sqlite' | 'postgres')[];
const log = (s: string) => process.stderr.write(`bench:discovery: ${s}\n`);

/** Runs a command under /usr/bin/time: wall ms, peak RSS in MB, stdout. */
async function timed(args: string[], env: Record<string, string>): Promise<{ ms: number; peakMb: number; stdout: string }> {
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'PEAK_KB %M', process.execPath, 'bin/verdict.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const ms = performance.now() - t0;
  if (code !== 0 && code !== 1) throw new Error(`verdict ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  const peak = Number(/PEAK_KB (\d+)/.exec(stderr)?.[1] ?? 0);
  return { ms, peakMb: Math.round(peak / 1024), stdout };
}

function feedItems(origin: string) {
  const items: { id: string; url: string; title: string; content_text: string }[] = [];
  const homes: Record<string, { body: string }> = {};
  for (let i = 0; i < ITEMS; i++) {
    const kind = i % 5;
    if (kind === 0) {
      const slug = toolSlug((i * 7919) % TOOLS);
      const spelling = [`https://www.${slug}.example.com/`, `http://${slug}.example.com`, `https://${slug}.example.com/?utm_source=feed&utm_medium=rss`][i % 3];
      items.push({ id: `c${i}`, url: spelling!, title: `${slug} 2.0`, content_text: 'An LLM toolkit, now faster' });
    } else if (kind === 1) {
      items.push({ id: `n${i}`, url: `${origin}/h/${i}`, title: `Garden planner ${i}`, content_text: 'Plan your vegetable beds by season' });
    } else {
      // Items 5k+2 and 5k+3 are two listings of one new tool (the second with tracking parameters); 5k+4 is another.
      const home = kind === 3 ? i - 1 : i;
      const url = kind === 3 ? `${origin}/h/${home}/?utm_source=newsletter&ref=feed` : `${origin}/h/${home}`;
      items.push({ id: `a${i}`, url, title: `Agentic tool ${home}`, content_text: `An AI agent that does job ${home} with an LLM` });
      homes[`/h/${home}`] = { body: `<!doctype html><html><head><title>Agentic tool ${home}</title><meta name="description" content="An AI agent for job ${home}."></head><body><p>An AI agent.</p></body></html>` };
    }
  }
  return { feed: { version: 'https://jsonfeed.org/version/1.1', title: 'bench', items }, homes };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'verdict-bench-discovery-'));
  const web = await startFixtureProcess();
  const rows: string[] = [];
  try {
    const catalog = join(work, 'catalog.json');
    const out = createWriteStream(catalog);
    await writeCatalog(out, TOOLS, { seed: Number(values.seed), critics: loadCritics('critics').map((c) => c.id) });
    out.end();
    await finished(out);
    const { feed, homes } = feedItems(web.origin);
    await web.set({ '/feed.json': { type: 'application/feed+json', body: feed }, ...homes });
    for (const dialect of DIALECTS) {
      let databaseUrl = join(work, 'discovery.db');
      let drop: (() => Promise<void>) | undefined;
      if (dialect === 'postgres') {
        const url = execFileSync('bash', ['test/helpers/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
        const name = `verdict_discovery_${process.pid}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`drop database if exists ${name}`);
        await admin.query(`create database ${name}`);
        await admin.end();
        databaseUrl = url.replace(/\/[^/]*$/, `/${name}`);
        drop = async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        };
      }
      try {
        log(`${dialect}: importing ${TOOLS} tools`);
        await timed(['import', catalog], { DATABASE_URL: databaseUrl });
        const env = {
          DATABASE_URL: databaseUrl,
          DISCOVERY_FEEDS: `${web.origin}/feed.json`,
          DISCOVERY_PER_SOURCE: String(ITEMS),
          RESEARCH_ALLOW_PRIVATE: 'true',
          RESEARCH_HOST_DELAY_MS: '0',
          RESEARCH_MAX_BYTES: '50000000',
          PUBLIC_URL: 'https://verdict.example',
        };
        for (const pass of ['first run', 'second run']) {
          log(`${dialect}: verdict discover (${pass})`);
          const r = await timed(['discover', '--source', 'feeds', '--json'], env);
          const counts = (JSON.parse(r.stdout) as { counts: Record<string, number> }).counts;
          const summary = Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ');
          rows.push(`| ${dialect} | ${pass} | ${(r.ms / 1000).toFixed(1)} s | ${r.peakMb} MB | ${summary} |`);
        }
      } finally {
        await drop?.();
        if (dialect === 'sqlite') rmSync(databaseUrl, { force: true });
      }
    }
  } finally {
    await web.close();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n${TOOLS.toLocaleString('en-US')} tools, ${ITEMS.toLocaleString('en-US')} items, load ${loadavg()[0]!.toFixed(1)}\n`);
  console.log('| dialect | run | wall | peak RSS | items |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
