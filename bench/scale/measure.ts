/**
 * In-process part of `npm run bench:scale`: times uncached renders of the tool page, the compare page and
 * search against an already imported catalog (DATABASE_URL), as bench/render.ts does for the demo: the
 * app's whole handling of a request (routing, middleware, data, HTML, ETag) with the page cache emptied
 * before each. Tools are spread evenly over the catalog and each is rendered once, so nothing tool-specific
 * is warm; the process itself is warmed on other tools first. Prints one JSON line.
 *
 *   DATABASE_URL=... SCALE_SAMPLES=300 node --import tsx bench/scale/measure.ts
 */
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/db/db.js';
import { loadCritics } from '../../src/panel/critics.js';
import { createSite } from '../../src/web/site.js';
import { createApp } from '../../src/web/app.js';
import { countTools } from '../../src/catalog/tools.repo.js';
import { listCategories } from '../../src/catalog/categories.repo.js';
import { countSearch } from '../../src/catalog/search.repo.js';
import { toolSlug } from './generate.js';
import { COMMON_WORDS, heldOutWords } from './vocabulary.js';

export interface Series {
  n: number;
  p50: number;
  p95: number;
  max: number;
  /** Requests that did not answer 200 (e.g. a 500), with the first such path. */
  failed: number;
  firstFailure?: string;
  slowest?: string;
}

/** A series over a search vocabulary, with each word's share of the catalog (matches / tools). */
export interface VocabSeries extends Series {
  words: { q: string; share: number }[];
}

const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 300);
/** Each series stops early after this long, so a slow page cannot stall the whole bench. */
const SERIES_BUDGET_MS = Number(process.env.SCALE_SERIES_BUDGET_MS ?? 60_000);

const config = loadConfig({ ...process.env, PUBLIC_URL: 'http://bench.local', WORKER: 'false', SEED_DEMO: 'false' });
const store = await openStore(config.database);
const site = await createSite(store, config, loadCritics(config.criticsDir));
const app = createApp(site);
const tools = await countTools(store.db);
if (tools < 4) throw new Error(`the database holds ${tools} tools; import a catalog first`);

/** Tool at fraction f of the catalog (the generator's slugs are by index). */
const at = (f: number) => toolSlug(Math.min(tools - 1, Math.floor(f * tools)));
const comparePath = (a: string, b: string) => (a < b ? `/compare/${a}-vs-${b}` : `/compare/${b}-vs-${a}`);

async function once(path: string): Promise<{ ms: number; status: number }> {
  site.cache.clear();
  const t0 = process.hrtime.bigint();
  const res = await app.fetch(new Request(`http://bench.local${path}`));
  await res.arrayBuffer();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status };
}

async function series(paths: string[]): Promise<Series> {
  const samples: { ms: number; path: string }[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const deadline = Date.now() + SERIES_BUDGET_MS;
  for (const path of paths) {
    const r = await once(path);
    if (r.status !== 200) {
      failed++;
      firstFailure ??= `${r.status} ${path}`;
    }
    samples.push({ ms: r.ms, path });
    if (Date.now() > deadline) break;
  }
  samples.sort((a, b) => a.ms - b.ms);
  const n = samples.length;
  const q = (p: number) => samples[Math.min(n - 1, Math.floor(p * n))]!.ms;
  return { n, p50: q(0.5), p95: q(0.95), max: samples[n - 1]!.ms, failed, firstFailure, slowest: samples[n - 1]!.path };
}

// Warm the process (JIT, prepared statements, per-version lists) on tools outside the samples.
const warmUntil = Date.now() + 20_000; // bounded: at large sizes a render can take seconds
for (let k = 0; k < 30 && Date.now() < warmUntil; k++) {
  await once(`/tools/${at((k + 0.1) / 30)}`);
  await once(comparePath(at((k + 0.2) / 30), at((k + 0.3) / 30)));
  await once(`/search?q=tool${k}`);
}

const toolPaths = Array.from({ length: SAMPLES }, (_, k) => `/tools/${at((k + 0.5) / SAMPLES)}`);
const comparePaths = Array.from({ length: SAMPLES }, (_, k) => comparePath(at((k + 0.25) / SAMPLES), at((k + 0.75) / SAMPLES)));

// Queries × filters × sorts: common words, a name, a phrase, a word that matches nothing (the "did you mean"
// path) and no query at all (browsing), each with no filter, one filter, and all three.
const categories = (await listCategories(store.db)).map((c) => c.slug);
const queries = ['', 'vision', 'coding', 'quantum', 'lens', 'customer emails', `${at(0.37).split('-').slice(0, 2).join(' ')}`, 'zzyzx'];
const filters: Record<string, string>[] = [
  {},
  { category: categories[0] ?? '' },
  { pricing: 'free' },
  { label: 'ship' },
  { label: 'split' },
  { category: categories[Math.floor(categories.length / 2)] ?? '', pricing: 'paid', label: 'skip' },
];
const sorts = ['relevance', 'newest', 'ship', 'score'];
const searchPaths: string[] = [];
for (const q of queries)
  for (const f of filters)
    for (const sort of sorts) {
      if (sort === 'relevance' && !q) continue;
      // Without words the catalog list lives at /tools (/search answers 301 there).
      searchPaths.push(`${q ? '/search' : '/tools'}?${new URLSearchParams({ ...(q ? { q } : {}), ...f, sort })}`);
    }

// The search vocabulary (bench/scale/vocabulary.ts), sorted by relevance: each word on its first page, a later page,
// in one category and with a panel-verdict filter, the list repeated until there are enough samples for a p95.
// Each word's share of the catalog is counted once, in full, beside its timings.
async function vocabulary(words: string[], minSamples = 150): Promise<VocabSeries> {
  const variants = (q: string): Record<string, string>[] => [{ q }, { q, page: '3' }, { q, category: categories[1] ?? '' }, { q, label: 'ship' }];
  const once = words.flatMap((q) => variants(q).map((v) => `/search?${new URLSearchParams(v)}`));
  const paths = Array.from({ length: Math.ceil(minSamples / once.length) }, () => once).flat();
  const timed = await series(paths);
  const shares = [];
  for (const q of words) shares.push({ q, share: (await countSearch(store.db, { q }, tools)) / tools });
  return { ...timed, words: shares };
}
const figureSorts = await series(COMMON_WORDS.flatMap((q) => ['ship', 'score', 'newest'].map((sort) => `/search?${new URLSearchParams({ q, sort })}`)));

const result = {
  tools,
  tool: await series(toolPaths),
  compare: await series(comparePaths),
  search: await series(searchPaths),
  common: await vocabulary(COMMON_WORDS),
  heldOut: await vocabulary(heldOutWords()),
  figureSorts,
};
await site.close();
await store.close();
console.log(JSON.stringify(result));
