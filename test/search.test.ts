import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { CRITIC_IDS, seedDemo, toolDoc } from './helpers/fixtures.js';
import { countSearch, fts5Query, searchTerms, searchToolRows, tsQuery } from '../src/catalog/search.repo.js';
import { parseSearchParams, searchCatalog } from '../src/catalog/search.service.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { TOOL_COLUMNS } from '../src/db/types.js';

const CATEGORIES = ['developer-tools', 'models-and-inference'];

describe('search query building (pure)', () => {
  it('keeps only words, lower-cased, without repeats', () => {
    assert.deepEqual(searchTerms('  Open "weights" OR open* NEAR(a b) '), ['open', 'weights', 'or', 'near', 'a', 'b']);
    assert.deepEqual(searchTerms(`'; drop table tools; --`), ['drop', 'table', 'tools']);
    assert.deepEqual(searchTerms('"*()^:-+'), []);
    assert.deepEqual(searchTerms('Café naïve 日本語'), ['café', 'naïve', '日本語']);
    assert.equal(searchTerms('word '.repeat(1000)).length, 1);
    assert.ok(searchTerms(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ')).length <= 12);
  });
  it('quotes every term and prefix-matches the last', () => {
    assert.equal(fts5Query(['open', 'visi']), '"open" "visi"*');
    assert.equal(tsQuery(['open', 'visi']), "'open' & 'visi':*");
    assert.equal(fts5Query([]), null);
    assert.equal(tsQuery([]), null);
  });
  it('matches a one-letter last word whole: as a prefix it would name most of the catalog', () => {
    assert.equal(fts5Query(['open', 'v']), '"open" "v"');
    assert.equal(tsQuery(['open', 'v']), "'open' & 'v'");
    assert.equal(fts5Query(['vi']), '"vi"*');
    assert.equal(tsQuery(['日']), "'日'");
  });
  it('falls back to defaults for bad parameters, with a notice each', () => {
    const { params, notices } = parseSearchParams({ q: ' vision ', page: '-1', sort: 'loudest', label: 'maybe', pricing: 'cheap', category: 'nope' }, CATEGORIES);
    assert.deepEqual(params, { q: 'vision', sort: 'relevance', page: 1 });
    assert.equal(notices.length, 5);
    assert.deepEqual(parseSearchParams({ page: '1e3' }, CATEGORIES).params.page, 1);
    assert.deepEqual(parseSearchParams({ page: '99999999999' }, CATEGORIES).params.page, 1);
    assert.deepEqual(parseSearchParams({ sort: 'relevance' }, CATEGORIES).params.sort, 'newest');
    assert.deepEqual(parseSearchParams({ q: 'x', sort: 'ship', page: '3', label: 'Ship', pricing: 'free', category: 'developer-tools' }, CATEGORIES), {
      params: { q: 'x', sort: 'ship', page: 3, label: 'ship', pricing: 'free', category: 'developer-tools' },
      notices: [],
    });
  });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`full-text search (${dialect})`, { skip }, () => {
    let store: TestStore;
    const slugs = async (q: string, extra: Record<string, unknown> = {}) => (await searchToolRows(store.db, { q, ...extra })).map((t) => t.slug);

    before(async () => {
      store = await freshStore(dialect);
      await seedDemo(store.db);
    });
    after(() => store?.close());

    it('matches by name, tagline, description and tag', async () => {
      assert.deepEqual(await slugs('SmolVLM2'), ['smolvlm2']);
      assert.deepEqual(await slugs('answer engine'), ['perplexity']); // tagline
      assert.deepEqual(await slugs('PagedAttention'), ['vllm']); // description only
      assert.ok((await slugs('quantization')).includes('llama-cpp')); // tag
      assert.ok((await slugs('on-device')).includes('smolvlm2')); // hyphenated tag
      assert.ok((await slugs('llama.cpp')).includes('llama-cpp'));
    });

    it('prefix-matches the last word only', async () => {
      assert.deepEqual(await slugs('smolv'), ['smolvlm2']);
      assert.ok((await slugs('visi')).includes('smolvlm2'));
      assert.ok((await slugs('language visi')).includes('smolvlm2'));
      assert.deepEqual(await slugs('visi language-zzz'), []);
      assert.deepEqual(await slugs('smolv models'), []); // "smolv" is not the last word, so it must match whole
    });

    it('ranks a name match first', async () => {
      assert.deepEqual((await slugs('ollama'))[0], 'ollama');
      const cpp = await slugs('cpp');
      assert.ok(cpp.length >= 3, `llama.cpp is mentioned by several tools: ${cpp.join(', ')}`);
      assert.equal(cpp[0], 'llama-cpp');
      // Worst case: another tool repeats the word in its tagline, tags and description.
      const doc = parseImport(
        {
          tools: [
            toolDoc('zz-mentions', { name: 'Helper', tagline: 'Zorblax helper for zorblax users', description: 'Zorblax. '.repeat(30), tags: ['zorblax'] }),
            toolDoc('zz-named', { name: 'Zorblax', tagline: 'A plain tool', description: 'Does one thing well.' }),
          ],
        },
        { threshold: 60, critics: CRITIC_IDS },
      );
      await importTools(store.db, doc);
      assert.deepEqual(await slugs('zorblax'), ['zz-named', 'zz-mentions']);
      assert.deepEqual(await slugs('zorbl'), ['zz-named', 'zz-mentions']);
      await store.db.deleteFrom('tools').where('slug', 'in', ['zz-mentions', 'zz-named']).execute();
    });

    it('all words must match', async () => {
      assert.deepEqual(await slugs('vision zebra'), []);
      assert.ok((await slugs('local gguf')).includes('llama-cpp'));
    });

    it('filters by category and pricing and counts the same set', async () => {
      const dev = await slugs('agent', { categorySlug: 'developer-tools' });
      assert.ok(dev.length > 0);
      const all = await searchToolRows(store.db, { q: 'agent' });
      assert.ok(all.length > dev.length);
      assert.ok(all.filter((t) => t.categorySlug === 'developer-tools').length === dev.length);
      assert.equal(await countSearch(store.db, { q: 'agent', categorySlug: 'developer-tools' }, 1000), dev.length);
      const openSource = await searchToolRows(store.db, { q: 'inference', pricingModel: 'open-source' });
      assert.ok(openSource.length > 0 && openSource.every((t) => t.pricingModel === 'open-source'));
      assert.equal(await countSearch(store.db, {}, 1000), 30);
      assert.equal((await searchToolRows(store.db, {}, { order: 'newest', limit: 5 })).length, 5);
    });

    it('survives hostile input without an error', async () => {
      const hostile = [
        '"', '""', '*', '**', 'NEAR(', 'NEAR(vision video', 'OR', 'AND', 'NOT', 'vision OR', '-vision', '^vision', 'name:vision', 'vision:',
        `'; drop table tools; --`, `\\`, `'`, "'vision'", '(', ')', '{name}: x', 'a & b | !c', 'vision <-> video', 'vision:*', '!!', '%', '_',
        'café', '日本語', '🚀', 'e\u0301', '\u0000', 'ﬁle', 'x'.repeat(5000), 'vision '.repeat(2000), Array.from({ length: 300 }, (_, i) => `t${i}`).join(' '),
      ];
      for (const q of hostile) {
        const rows = await searchToolRows(store.db, { q });
        assert.ok(Array.isArray(rows), q);
        assert.equal(await countSearch(store.db, { q }, 1000), rows.length, q);
      }
      assert.ok((await slugs('"vision"')).includes('smolvlm2'));
      assert.deepEqual(await slugs('vision OR'), await slugs('vision or'), 'OR is a word, not an operator');
      assert.equal(await countSearch(store.db, {}, 1000), 30, 'the tools table is still there');
    });

    it('finds a tool by its new text after an update, not by its old', async () => {
      const doc = (tagline: string) => parseImport({ tools: [toolDoc('zz-updated', { tagline, tags: ['gizmo'] })] }, { threshold: 60, critics: CRITIC_IDS });
      await importTools(store.db, doc('Flibbertigibbet widgetry for everyone'));
      assert.deepEqual(await slugs('flibbertigibbet'), ['zz-updated']);
      await importTools(store.db, doc('Quokka gadgetry for everyone'));
      assert.deepEqual(await slugs('flibbertigibbet'), []);
      assert.deepEqual(await slugs('quokka'), ['zz-updated']);
      assert.deepEqual(await slugs('gizmo'), ['zz-updated']);
      await store.db.deleteFrom('tools').where('slug', '=', 'zz-updated').execute();
      assert.deepEqual(await slugs('quokka'), []);
    });

    it('searchCatalog filters by panel label, sorts and paginates', async () => {
      const parse = (q: Record<string, string>) => parseSearchParams(q, CATEGORIES).params;
      const all = await searchCatalog(store.db, parse({}));
      assert.equal(all.total, 30);
      assert.equal(all.items.length, 20);
      assert.equal(all.pages, 2);
      const page2 = await searchCatalog(store.db, parse({ page: '2' }));
      assert.equal(page2.items.length, 10);
      assert.equal(new Set([...all.items, ...page2.items].map((i) => i.tool.slug)).size, 30);

      const ships = await searchCatalog(store.db, parse({ label: 'ship' }));
      assert.ok(ships.total > 0 && ships.items.every((i) => i.summary.label === 'Ship'));
      const skips = await searchCatalog(store.db, parse({ label: 'skip' }));
      assert.ok(skips.items.every((i) => i.summary.label === 'Skip'));

      const byShip = await searchCatalog(store.db, parse({ sort: 'ship' }));
      const pcts = byShip.items.map((i) => i.summary.shipPct ?? -1);
      assert.deepEqual(pcts, [...pcts].sort((a, b) => b - a));
      assert.equal(byShip.total, 30);
      const byScore = await searchCatalog(store.db, parse({ sort: 'score' }));
      const scores = byScore.items.map((i) => i.summary.meanScore ?? -1);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));

      const vision = await searchCatalog(store.db, parse({ q: 'vision' }));
      assert.equal(vision.items[0]?.tool.slug, 'smolvlm2');
      assert.equal((await searchCatalog(store.db, parse({ q: 'vision', page: '9' }))).items.length, 0);
    });

    it('a tool read carries its columns and not the stored search document', async () => {
      const [row] = await searchToolRows(store.db, { q: 'vision' }, { limit: 1 });
      const bySlug = await findToolBySlug(store.db, row!.slug);
      for (const t of [row!, bySlug!]) assert.deepEqual(Object.keys(t).sort(), [...TOOL_COLUMNS].sort());
    });

    it('counts matches only up to a bound', async () => {
      assert.equal(await countSearch(store.db, {}, 7), 8, 'counting stops one past the bound');
      assert.equal(await countSearch(store.db, { q: 'agent' }, 1), 2);
      const exact = await searchCatalog(store.db, { q: '', sort: 'newest', page: 1 }, 1);
      assert.deepEqual([exact.total, exact.more, exact.pages], [30, false, 30], '50 pages of 1 hold all 30');
    });
  });
}
