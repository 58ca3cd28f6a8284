import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { CRITIC_IDS } from './helpers/fixtures.js';
import { importStream, type ImportProgress } from '../src/catalog/import.js';
import { exportCatalog, writeExport } from '../src/catalog/export.js';
import { countTools } from '../src/catalog/tools.repo.js';
import { generateTool, generateVotes, toolSlug, writeCatalog } from '../bench/scale/generate.js';
import type { DbOrTx } from '../src/db/db.js';
import { main } from '../src/cli/main.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = 2000;
const opts = { threshold: 60, critics: CRITIC_IDS };

/** Collects what a stream receives, in small chunks like a pipe would deliver. */
function sink() {
  const chunks: string[] = [];
  const w = new Writable({
    highWaterMark: 1024, // small, so backpressure (and 'drain') happens
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      setImmediate(cb);
    },
  });
  return { w, text: () => chunks.join('') };
}

async function catalogText(n: number, seed = 7): Promise<string> {
  const s = sink();
  await writeCatalog(s.w, n, { seed, critics: CRITIC_IDS });
  return s.text();
}

/** A readable delivering text in 16 KB pieces, so records straddle chunk boundaries. */
const readable = (text: string) => {
  const buf = Buffer.from(text);
  return Readable.from((function* () {
    for (let i = 0; i < buf.length; i += 16_384) yield buf.subarray(i, i + 16_384);
  })());
};

const countReviews = async (db: DbOrTx) => Number((await db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('the generator is deterministic, valid by construction and streamed', async () => {
  const a = await catalogText(300);
  assert.equal(a, await catalogText(300));
  assert.notEqual(a, await catalogText(300, 8));
  const doc = JSON.parse(a) as { tools: ReturnType<typeof generateTool>[] };
  assert.equal(doc.tools.length, 300);
  assert.deepEqual(doc.tools[42], generateTool(42, { seed: 7, critics: CRITIC_IDS }));
  assert.equal(new Set(doc.tools.map((t) => t.slug)).size, 300);
  const reviews = doc.tools.flatMap((t) => t.reviews);
  assert.ok(doc.tools.every((t) => t.reviews.length >= 5 && t.reviews.length <= 7));
  assert.ok(reviews.some((r) => 'abstain' in r), 'some abstentions');
  for (const r of reviews) if ('score' in r) assert.equal(r.verdict, r.score! >= 60 ? 'ship' : 'skip');
  assert.ok(new Set(doc.tools.map((t) => t.category)).size > 5);
  assert.ok(new Set(doc.tools.map((t) => t.pricing.model)).size === 4);
});

test('generated votes are deterministic, one per voter and tool, and name generated tools', () => {
  const rows = [...generateVotes({ tools: 50, voters: 20, votes: 300, seed: 3 })];
  assert.equal(rows.length, 300);
  assert.deepEqual(rows, [...generateVotes({ tools: 50, voters: 20, votes: 300, seed: 3 })]);
  assert.notDeepEqual(rows, [...generateVotes({ tools: 50, voters: 20, votes: 300, seed: 4 })]);
  assert.equal(new Set(rows.map((r) => `${r.toolSlug} ${r.ownerId}`)).size, 300);
  assert.equal(new Set(rows.map((r) => r.ownerId)).size, 20);
  const slugs = new Set(Array.from({ length: 50 }, (_, i) => toolSlug(i)));
  assert.ok(rows.every((r) => slugs.has(r.toolSlug) && /^v:[A-Za-z0-9_-]{24}$/.test(r.ownerId)));
  assert.ok(rows.some((r) => r.vote === 'ship') && rows.some((r) => r.vote === 'skip'));
  assert.throws(() => [...generateVotes({ tools: 5, voters: 1, votes: 6, seed: 1 })], RangeError);
});

for (const { dialect, skip } of DIALECTS) {
  describe(`streaming import and export (${dialect})`, { skip }, () => {
    let store: TestStore;
    let text: string;
    before(async () => {
      store = await freshStore(dialect);
      text = await catalogText(N);
    });
    after(() => store?.close());

    test(`${N} generated tools import in batches, with progress`, async () => {
      const seen: ImportProgress[] = [];
      const r = await importStream(store.db, readable(text), { ...opts, onProgress: (p) => seen.push(p) });
      const reviews = (JSON.parse(text) as { tools: { reviews: unknown[] }[] }).tools.reduce((n, t) => n + t.reviews.length, 0);
      assert.deepEqual(r, { created: N, updated: 0, unchanged: 0, reviewsAdded: reviews });
      assert.equal(await countTools(store.db), N);
      assert.equal(await countReviews(store.db), reviews);
      assert.ok(seen.length >= 4, 'progress after each batch');
      assert.deepEqual(seen.at(-1), { tools: N, bytesRead: Buffer.byteLength(text) });
    });

    test('verdict import on a terminal shows tools done, tools/s and time left; piped, nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'verdict-progress-'));
      const file = join(dir, 'catalog.json');
      writeFileSync(file, text);
      const run = async (isTTY: boolean) => {
        let err = '';
        const db = await freshStore(dialect);
        try {
          const code = await main(['import', file], { env: { DATABASE_URL: db.location }, stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true), isTTY } });
          return { code, err };
        } finally {
          await db.close();
        }
      };
      const tty = await run(true);
      assert.equal(tty.code, 0, tty.err);
      assert.match(tty.err, new RegExp(`\\r\\x1b\\[K${N.toLocaleString('en')} tools · [\\d,]+ tools/s`), 'the last line counts every tool');
      assert.match(tty.err, /tools · [\d,]+ tools\/s · \d+:\d\d left/, 'time left while reading');
      const piped = await run(false);
      assert.equal(piped.code, 0, piped.err);
      assert.doesNotMatch(piped.err, /tools\/s/);
    });

    test('importing the same file again adds nothing', async () => {
      const before = await countReviews(store.db);
      const r = await importStream(store.db, readable(text), opts);
      assert.deepEqual(r, { created: 0, updated: 0, unchanged: N, reviewsAdded: 0 });
      assert.equal(await countReviews(store.db), before);
    });

    test('a bad last record of thousands rolls everything back and is named', async () => {
      const tools = (JSON.parse(await catalogText(N + 1000, 9)) as { tools: { slug: string; reviews: Record<string, unknown>[] }[] }).tools;
      const last = tools.at(-1)!;
      const j = last.reviews.findIndex((r) => 'score' in r);
      last.reviews[j] = { ...last.reviews[j], verdict: (last.reviews[j]!.score as number) >= 60 ? 'skip' : 'ship' };
      const [tools0, reviews0] = [await countTools(store.db), await countReviews(store.db)];
      await assert.rejects(
        importStream(store.db, readable(JSON.stringify({ tools })), opts),
        (e: Error) => e.message.startsWith(`tools[${N + 999}] ("${last.slug}").reviews[${j}].verdict: verdict contradicts score`),
      );
      // Seed 9 makes other reviews for the same slugs and N..N+998 are new tools: none of it may stay.
      assert.equal(await countTools(store.db), tools0);
      assert.equal(await countReviews(store.db), reviews0);
    });

    test('a document that is not the format, or not JSON, says so', async () => {
      await assert.rejects(importStream(store.db, readable('{"tool": []}'), opts), /tools/);
      await assert.rejects(importStream(store.db, readable('{"tools": {"a": {}}}'), opts), /tools: expected an array/);
      await assert.rejects(importStream(store.db, readable('{"tools": [{"slug": "x"'), { ...opts, name: 'cut.json' }), /cut\.json is not valid JSON/);
      assert.deepEqual(await importStream(store.db, readable('{"tools": []}'), opts), { created: 0, updated: 0, unchanged: 0, reviewsAdded: 0 });
    });

    test('export streams the import format and round-trips with zero changes', async () => {
      const s = sink();
      assert.equal(await writeExport(store.db, s.w), N);
      const doc = await exportCatalog(store.db);
      assert.equal(s.text(), JSON.stringify(doc, null, 2) + '\n', 'same bytes as the in-memory export');
      // What went in comes out: the generator writes fields in the export's order, already normalised.
      assert.deepEqual(JSON.parse(s.text()), JSON.parse(text));
      const r = await importStream(store.db, readable(s.text()), opts);
      assert.deepEqual(r, { created: 0, updated: 0, unchanged: N, reviewsAdded: 0 });
    });
  });
}
