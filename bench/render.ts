// Times pages rendered from the database with the page cache bypassed: the cost of a cache miss.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/db.js';
import { loadCritics } from '../src/panel/critics.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { createSite } from '../src/web/site.js';
import { createApp } from '../src/web/app.js';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'verdict-bench-'));
const config = loadConfig({ PUBLIC_URL: 'http://bench.local' });
const critics = loadCritics('critics');
const store = await openStore({ kind: 'sqlite', file: join(dir, 'b.db') });
await importTools(store.db, parseImport(JSON.parse(readFileSync('data/demo.json', 'utf8')), { threshold: 60, critics: critics.map((c) => c.id) }));
const site = await createSite(store, config, critics);
const app = createApp(site);

/** Bumps the data version as a write would, so per-version data must be read from the database again. */
async function dataChanged() {
  await store.db.updateTable('dataVersion').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
  await site.refreshVersion();
}

async function time(path: string, cold: boolean, n = 400) {
  // One GET Request reused: what is timed is the app's work (routing, middleware, data, HTML, ETag), not building a Request.
  const request = new Request(`http://bench.local${path}`);
  for (let i = 0; i < 300; i++) {
    site.cache.clear();
    await (await app.request(path)).arrayBuffer();
  }
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    site.cache.clear();
    if (cold) await dataChanged();
    const t0 = process.hrtime.bigint();
    const res = await app.fetch(request);
    await res.arrayBuffer();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const q = (p: number) => samples[Math.min(n - 1, Math.floor(p * n))]!;
  console.log(`${path.padEnd(44)} ${cold ? 'cold' : 'warm'}  mean ${mean.toFixed(2)} ms  p50 ${q(0.5).toFixed(2)} ms  p99 ${q(0.99).toFixed(2)} ms`);
}

// The app's whole handling of a request (routing, middleware, data, HTML, ETag) with the page cache emptied before each.
// warm: per-version data (each tool's panel, pick lists) already loaded; cold: the data just changed.
console.log(`Uncached renders (page cache emptied before each of 400 requests):`);
for (const p of ['/compare/karpathy-coding-skills-vs-smolvlm2', '/tools/smolvlm2', '/', '/search?q=vision']) for (const cold of [false, true]) await time(p, cold);
await site.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
