import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { CRITIC_IDS, DEMO, seedDemo, toolDoc, words } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { exportCatalog } from '../src/catalog/export.js';
import { compareBySlugs, getTool } from '../src/catalog/catalog.service.js';
import { countTools } from '../src/catalog/tools.repo.js';
import { AppError } from '../src/errors.js';
import { decisionRows } from '../src/domain/compare.js';

const parse = (doc: unknown) => parseImport(doc, { threshold: 60, critics: CRITIC_IDS });

test('import validation names the record and the field', () => {
  const bad = (doc: unknown, re: RegExp) => assert.throws(() => parse(doc), (e: AppError) => e instanceof AppError && re.test(e.message));
  bad({ tools: [toolDoc('a'), toolDoc('b', { url: 'ftp://x' })] }, /^tools\[1\] \("b"\)\.url: must be an http\(s\) URL/);
  bad({ tools: [toolDoc('a', { reviews: [{ critic: 'nobody', abstain: true, reason: 'x' }] })] }, /tools\[0\] \("a"\)\.reviews\[0\]\.critic: unknown critic "nobody"/);
  bad({ tools: [toolDoc('a'), toolDoc('a')] }, /tools\[1\] \("a"\)\.slug: duplicate/);
  bad({ tools: [toolDoc('a', { reviews: [{ critic: 'builder', score: 80, verdict: 'skip', take: words(50) }] })] }, /reviews\[0\]\.verdict: verdict contradicts score/);
  bad({ tool: [] }, /tools/);
});

for (const { dialect, skip } of DIALECTS) {
  describe(`catalog storage (${dialect})`, { skip }, () => {
    let store: TestStore;
    before(async () => (store = await freshStore(dialect)));
    after(() => store?.close());

    test('the demo catalog imports, and importing it again changes nothing', async () => {
      const first = await seedDemo(store.db);
      assert.equal(first.created, DEMO.tools.length);
      assert.ok(DEMO.tools.length >= 28);
      assert.ok(first.reviewsAdded > 100);
      const again = await seedDemo(store.db);
      assert.deepEqual(again, { created: 0, updated: 0, unchanged: DEMO.tools.length, reviewsAdded: 0 });
    });

    test('the two worked cases come out exactly', async () => {
      const a = await getTool(store.db, 'karpathy-coding-skills');
      assert.equal(a.summary.text, 'Ship · 3 ship / 1 skip');
      assert.equal(a.summary.shipPct, 75);
      assert.equal(a.tool.category, 'Developer Tools');
      assert.equal(a.tool.pricingModel, 'free');
      const b = await getTool(store.db, 'smolvlm2');
      assert.equal(b.summary.text, 'Ship · 4 ship / 0 skip');
      assert.equal(b.summary.shipPct, 100);
      assert.equal(b.tool.pricingLicense, 'Apache-2.0');
      assert.equal(b.tool.pricingModel, 'open-source');
      const { comparison } = await compareBySlugs(store.db, ['karpathy-coding-skills', 'smolvlm2'], CRITIC_IDS);
      const rows = decisionRows(comparison);
      assert.deepEqual(rows[0]!.values, ['Ship · 3 ship / 1 skip · avg 71.3', 'Ship · 4 ship / 0 skip · avg 83.3']);
      assert.deepEqual(rows.find((r) => r.label === 'Mean score')!.values, ['71.3', '83.3']);
      assert.deepEqual(rows.find((r) => r.label === 'Panel ship %')!.values, ['75%', '100%']);
      assert.deepEqual(rows.find((r) => r.label === 'Best for')!.values, ['Steering a coding agent with house rules', 'Image and video understanding on-device']);
      const abst = comparison.scorecard.filter((r) => r.cells.some((c) => c?.kind === 'abstain')).map((r) => r.critic);
      assert.deepEqual(abst, ['creator', 'founder']);
      assert.equal(comparison.tools[comparison.overall.kind === 'tool' ? comparison.overall.index : -1]?.slug, 'smolvlm2');
    });

    test('imported reviews are imports from their source, with no author unless named; a changed review adds a revision', async () => {
      const before = await getTool(store.db, 'smolvlm2');
      assert.ok(before.reviews.every((r) => r.origin === 'import' && r.importSource === 'demo' && r.author === null && r.model === null));
      const doc = DEMO.tools.find((t) => t.slug === 'smolvlm2')!;
      const changed = { ...doc, tagline: 'New tagline', reviews: [{ critic: 'guardian', score: 61, verdict: 'ship', take: words(50) }] };
      const r = await importTools(store.db, parse({ tools: [changed] }));
      assert.deepEqual(r, { created: 0, updated: 1, unchanged: 0, reviewsAdded: 1 });
      const after = await getTool(store.db, 'smolvlm2');
      assert.equal(after.tool.tagline, 'New tagline');
      assert.equal(after.summary.text, 'Ship · 5 ship / 0 skip');
    });

    test('one bad record means nothing is written', async () => {
      const n = await countTools(store.db);
      const doc = { tools: [toolDoc('brand-new-one'), toolDoc('broken', { pricing: { model: 'free' } })] };
      assert.throws(() => parse(doc), /tools\[1\] \("broken"\)\.pricing\.entry/);
      // and a failure inside the write transaction rolls everything back
      const tools = parse({ tools: [toolDoc('brand-new-two'), toolDoc('brand-new-three')] });
      (tools[1] as { name: unknown }).name = null; // NOT NULL violation on the second insert
      await assert.rejects(importTools(store.db, tools));
      assert.equal(await countTools(store.db), n);
    });

    test('export round-trips through import', async () => {
      const doc = await exportCatalog(store.db);
      assert.equal(doc.tools.length, await countTools(store.db));
      const r = await importTools(store.db, parse(JSON.parse(JSON.stringify(doc))));
      assert.equal(r.reviewsAdded, 0);
      assert.equal(r.created + r.updated, 0);
    });

    test('unknown tools get a helpful error', async () => {
      await assert.rejects(getTool(store.db, 'smolvlm'), /No tool "smolvlm"\. Did you mean: smolvlm2\?/);
      await assert.rejects(compareBySlugs(store.db, ['cursor', 'clude'], CRITIC_IDS), (e: AppError) => e.status === 404 && /claude/.test(e.message));
    });
  });
}
