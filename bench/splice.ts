/**
 * node --import tsx bench/splice.ts: in-process cost of what a vote does to a cached tool and compare page
 * (docs/decisions/029): the splice of its vote slots (synchronous, on the event loop) and the recompression of the
 * new body (brotli and gzip, on zlib's thread pool), against a full render of the same page. Demo catalog, SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/db.js';
import { loadConfig } from '../src/config.js';
import { loadCritics } from '../src/panel/critics.js';
import { createSite } from '../src/web/site.js';
import { createApp } from '../src/web/app.js';
import { cacheKey } from '../src/web/http.js';
import { respliceSlots } from '../src/web/vote-slots.js';
import { compressVariants } from '../src/web/compression.js';
import { etagOf } from '../src/web/cache.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'verdict-splice-'));
const config = loadConfig({ DATABASE_URL: join(dir, 'db.sqlite'), PUBLIC_URL: 'http://verdict.test' });
const store = await openStore(config.database);
const critics = loadCritics('critics');
await importTools(store.db, parseImport(JSON.parse(readFileSync('data/demo.json', 'utf8')), { threshold: config.shipThreshold, critics: critics.map((c) => c.id) }));
const site = await createSite(store, config, critics);
const app = createApp(site);
const time = (n: number, f: () => void) => {
  for (let i = 0; i < 50; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t) * 1000) / n;
};
for (const path of ['/tools/cursor', '/compare/cursor-vs-github-copilot', '/compare?tools=claude-code,cursor,github-copilot']) {
  await (await app.request(path)).arrayBuffer();
  const page = site.cache.get(cacheKey(path), site.version())!;
  const ids = new Set(page.slots!.flatMap((s) => s.tools));
  let k = 0;
  const splice = time(2000, () => {
    k++;
    const next = respliceSlots(page.body, page.slots!, (id) => (ids.has(id) ? { ships: 10 + (k % 7), skips: 3 + (k % 5) } : undefined))!;
    etagOf(next.body);
  });
  const type = 'text/html; charset=UTF-8';
  const compress = time(200, () => compressVariants(page.body, type));
  // The re-splice's own levels (quick), as the event loop pays them after a vote.
  const recompress = time(200, () => compressVariants(page.body, type, true));
  let t0 = performance.now();
  site.cache.clear();
  t0 = performance.now();
  for (let i = 0; i < 100; i++) {
    site.cache.clear();
    await (await app.request(path)).arrayBuffer();
  }
  const render = ((performance.now() - t0) * 1000) / 100;
  console.log(
    `${path}: ${page.body.length} bytes, ${page.slots!.length} slots; splice + ETag ${splice.toFixed(0)} µs; brotli+gzip at first store ${compress.toFixed(0)} µs, after a splice ${recompress.toFixed(0)} µs (brotli 3, gzip 2); full render (cache miss) ${render.toFixed(0)} µs; load ${loadavg()[0]!.toFixed(1)}`,
  );
}
await site.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
