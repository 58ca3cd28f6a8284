import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, freshStore, type TestStore } from './helpers/db.js';
import { CRITIC_IDS, seedDemo, toolDoc } from './helpers/fixtures.js';
import { RELEVANCE_CANDIDATES, rankedSearch, searchToolRows } from '../src/catalog/search.repo.js';
import { searchCatalog, SEARCH_MAX_PAGES, SEARCH_PAGE_SIZE } from '../src/catalog/search.service.js';
import { importTools, parseImport } from '../src/catalog/import.js';

/**
 * What relevance search puts first, on a catalog nobody tuned it on (data/demo.json), as a reader would judge it;
 * and how the bounded candidate set (docs/decisions/026) behaves when a word matches more tools than it ranks.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`relevance a reader expects, demo catalog (${dialect})`, { skip }, () => {
    let store: TestStore;
    const top = async (q: string, n: number) => (await searchToolRows(store.db, { q }, { limit: n })).map((t) => t.slug);
    /** Every one of `expected` is among the first `n` results. */
    const amongFirst = async (q: string, n: number, expected: string[]) => {
      const got = await top(q, n);
      for (const slug of expected) assert.ok(got.includes(slug), `"${q}": expected ${slug} in the first ${n}, got ${got.join(', ')}`);
    };

    before(async () => {
      store = await freshStore(dialect);
      await seedDemo(store.db);
    });
    after(() => store?.close());

    it('puts the tool that does the job first', async () => {
      assert.equal((await top('vision', 1))[0], 'smolvlm2');
      assert.equal((await top('music', 1))[0], 'suno');
      assert.equal((await top('workflow automation', 1))[0], 'n8n');
      assert.equal((await top('pair programming', 1))[0], 'aider');
      await amongFirst('speech to text', 2, ['whisper']);
      await amongFirst('transcription', 2, ['whisper', 'descript']);
      await amongFirst('local llm', 3, ['ollama', 'llama-cpp', 'lm-studio']);
      await amongFirst('llm inference', 4, ['llama-cpp', 'vllm', 'ollama', 'lm-studio']);
      await amongFirst('image generation', 2, ['midjourney', 'flux']);
      await amongFirst('text to image', 2, ['midjourney', 'flux']);
      await amongFirst('coding agent', 5, ['claude-code', 'github-copilot', 'cursor']);
      await amongFirst('rag', 2, ['llamaindex', 'langchain']);
      await amongFirst('citations', 2, ['perplexity', 'notebooklm']);
      await amongFirst('app builder', 2, ['bolt-new', 'v0']);
    });

    it('a name beats any number of mentions', async () => {
      assert.equal((await top('whisper', 1))[0], 'whisper');
      assert.deepEqual((await top('claude', 2)).sort(), ['claude', 'claude-code']);
      assert.equal((await top('ollama', 1))[0], 'ollama');
      assert.equal((await top('copilot', 1))[0], 'github-copilot');
    });

    it('ranks every match when there are fewer than the candidates', async () => {
      // "model" appears in most of the demo: all of them are listed and counted, however the tiers split them.
      const { rows, counted } = await rankedSearch(store.db, { q: 'model' }, { limit: 100, offset: 0 });
      assert.ok(counted > 10 && counted < RELEVANCE_CANDIDATES, String(counted));
      assert.equal(rows.length, counted);
      assert.equal(new Set(rows.map((r) => r.slug)).size, counted);
    });
  });

  describe(`relevance over more matches than candidates (${dialect})`, { skip }, () => {
    let store: TestStore;
    const FILLERS = 1400;
    const LEGAL = 30;
    const listed = SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE;

    before(async () => {
      store = await freshStore(dialect);
      // FILLERS tools that mention "widget" once in their description, then LEGAL more in another category, then
      // one tool named for the word: both groups come after the first RELEVANCE_CANDIDATES matches in any order
      // the engine reads its index in.
      const tool = (i: number, extra: Record<string, unknown> = {}) =>
        toolDoc(`zz-filler-${String(i).padStart(4, '0')}`, { name: `Filler ${i}`, tagline: `Helps with chores ${i}`, description: `Filler ${i} also does a widget or two.`, ...extra });
      const docs = [
        ...Array.from({ length: FILLERS }, (_, i) => tool(i)),
        ...Array.from({ length: LEGAL }, (_, i) => tool(FILLERS + i, { category: 'Legal' })),
        toolDoc('widget-studio', { name: 'Widget Studio', tagline: 'Draws widgets', description: 'A studio.' }),
      ];
      for (let i = 0; i < docs.length; i += 500) await importTools(store.db, parseImport({ tools: docs.slice(i, i + 500) }, { threshold: 60, critics: CRITIC_IDS }));
    });
    after(() => store?.close());

    it('lists and counts the first 1,000, pages without repeats, the name match first', async () => {
      const pages = [];
      for (let page = 1; page <= SEARCH_MAX_PAGES; page++) pages.push(await searchCatalog(store.db, { q: 'widget', sort: 'relevance', page }));
      assert.deepEqual([pages[0]!.total, pages[0]!.more, pages[0]!.pages], [listed, true, SEARCH_MAX_PAGES]);
      const slugs = pages.flatMap((p) => p.items.map((i) => i.tool.slug));
      assert.equal(slugs.length, listed, 'every page is full');
      assert.equal(new Set(slugs).size, listed, 'no tool on two pages');
      assert.equal(slugs[0], 'widget-studio', 'the name tier reaches past the first matches the index gives');
      assert.equal((await searchCatalog(store.db, { q: 'widget', sort: 'relevance', page: SEARCH_MAX_PAGES + 1 })).items.length, 0);
      // The same search twice gives the same order (PostgreSQL: no scan that starts wherever another left off).
      assert.deepEqual((await searchToolRows(store.db, { q: 'widget' }, { limit: 60, offset: 500 })).map((t) => t.slug), slugs.slice(500, 560));
    });

    it('applies filters before it bounds the candidates', async () => {
      const legal = await searchCatalog(store.db, { q: 'widget', category: 'legal', sort: 'relevance', page: 1 });
      assert.deepEqual([legal.total, legal.more], [LEGAL, false]);
      assert.ok(legal.items.every((i) => i.tool.categorySlug === 'legal'));
      const free = await rankedSearch(store.db, { q: 'widget', pricingModel: 'paid' }, { limit: 20, offset: 0 });
      assert.deepEqual([free.rows.length, free.counted], [0, 0]);
    });

    it("inside a caller's transaction it ranks the same and leaves the planner settings as they were", async () => {
      const outside = await rankedSearch(store.db, { q: 'widget' }, { limit: 30, offset: 0 });
      await store.db.transaction().execute(async (tx) => {
        const inside = await rankedSearch(tx, { q: 'widget' }, { limit: 30, offset: 0 });
        assert.deepEqual(inside.rows.map((t) => t.slug), outside.rows.map((t) => t.slug));
        if (dialect === 'postgres') {
          const { rows } = await sql<{ s: string }>`select current_setting('enable_seqscan') as s`.execute(tx);
          assert.equal(rows[0]!.s, 'on');
        }
      });
    });

    it('the API and the suggestions rank the same way', async () => {
      const { rows, counted } = await rankedSearch(store.db, { q: 'widg' }, { limit: 3, offset: 0, listed });
      assert.equal(counted, listed + 1, 'counted to one past the listing');
      assert.equal(rows[0]!.slug, 'widget-studio', 'the last word is a prefix');
    });
  });
}
