import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITIC_IDS, CRITICS, DEMO, toolDoc } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { slugify } from '../src/catalog/tool.js';

interface DemoTool {
  slug: string;
  name: string;
  category: string;
  reviews?: { critic: string; verdict?: string; abstain?: boolean }[];
}
const TOOLS = DEMO.tools as unknown as DemoTool[];

/** What the pages should say, worked out from the demo file rather than from the code under test. */
function expectedCritic(id: string, categorySlug?: string) {
  const reviews = TOOLS.flatMap((t) => (t.reviews ?? []).filter((r) => r.critic === id).map((r) => ({ tool: t, r })));
  const ships = reviews.filter((x) => x.r.verdict === 'ship').length;
  const skips = reviews.filter((x) => x.r.verdict === 'skip').length;
  const abstentions = reviews.filter((x) => x.r.abstain).length;
  const inCategory = reviews.filter((x) => !categorySlug || slugify(x.tool.category) === categorySlug);
  return { ships, skips, abstentions, pct: Math.round((ships / (ships + skips)) * 100), listed: inCategory.map((x) => x.tool.slug) };
}

const count = (html: string, needle: string | RegExp) => (typeof needle === 'string' ? html.split(needle).length - 1 : (html.match(needle) ?? []).length);
const cards = (html: string) => [...html.matchAll(/<article class="card tool-card">[\s\S]*?<a href="\/tools\/([a-z0-9-]+)"/g)].map((m) => m[1]!);
/** hono/jsx escapes text like this. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

for (const { dialect, skip } of DIALECTS) {
  describe(`home, critics, categories and search pages (${dialect})`, { skip }, () => {
    let t: TestSite;
    const page = async (path: string, status = 200) => {
      const res = await t.get(path);
      assert.equal(res.status, status, path);
      const html = await res.text();
      assert.equal(count(html, /<h1[\s>]/g), 1, `${path}: one h1`);
      return { res, html };
    };

    before(async () => {
      t = await startTestSite(dialect);
    });
    after(() => t?.close());

    it('home: hero, latest tool cards with panel labels, compare form, categories, newsletter', async () => {
      const { res, html } = await page('/');
      assert.match(res.headers.get('cache-control') ?? '', /public/);
      assert.match(html, /<h1[^>]*>Which AI tool should you ship with\?<\/h1>/);
      const slugs = cards(html);
      assert.equal(slugs.length, 12);
      assert.equal(slugs[0], TOOLS.at(-1)!.slug, 'newest first');
      assert.match(html, /pill pill-ship">Ship<\/span><span class="visually-hidden">\u00a0·<\/span><\/span> <span class="verdict-parts small"><span class="chip-part verdict-counts">\d ship \/ \d skip<span class="chip-sep">\u00a0·<\/span><\/span> <abbr[^>]*>avg [\d.]+<\/abbr>/);
      assert.match(html, /pill pill-skip">Skip<\/span>/);
      assert.match(html, /<a href="\/tools">See all 30 tools/);
      // The compare form is a search (GET /compare?add=…), never a list of the catalog.
      assert.match(html, /<form class="tool-search" action="\/compare" method="get" data-tool-search=""><label for="compare-1">Find a tool to compare<\/label>/);
      assert.match(html, /<input id="compare-1" type="search" name="add" required=""/);
      assert.equal(count(html, '<option'), 0);
      const pairs = [...html.matchAll(/href="\/compare\/([a-z0-9-]+)-vs-([a-z0-9-]+)"/g)];
      assert.ok(pairs.length >= 2);
      for (const [, a, b] of pairs) assert.ok(a! < b!, `canonical order: ${a} vs ${b}`);
      assert.match(html, /<a class="chip" href="\/categories\/developer-tools">Developer Tools <span class="chip-count">11/);
      assert.equal(count(html, /<section class="newsletter"/g), 1, 'newsletter block once, in the footer (a second copy would repeat its landmark)');
    });

    it('home is served from the page cache with an ETag', async () => {
      const first = await t.get('/');
      await first.arrayBuffer();
      const etag = first.headers.get('etag');
      assert.ok(etag);
      const again = await t.get('/', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
    });

    it('/critics lists every persona with motto, lens and ship rate', async () => {
      const { html } = await page('/critics');
      for (const c of CRITICS) {
        assert.ok(html.includes(`<a href="/critics/${c.id}">${esc(c.name)}</a>`), c.id);
        assert.ok(html.includes(esc(c.motto)), `${c.id} motto`);
        assert.ok(html.includes(esc(c.lens)), `${c.id} lens`);
        const e = expectedCritic(c.id);
        assert.ok(html.includes(`Ships ${e.pct}%`), `${c.id} ships ${e.pct}%`);
      }
    });

    it('/critics states the configured ship threshold, not a fixed 60', async () => {
      assert.match((await page('/critics')).html, /A score of 60 or more is a ship/);
      const other = await startTestSite(dialect, { seed: false, env: { SHIP_THRESHOLD: '75' } });
      try {
        assert.match(await (await other.get('/critics')).text(), /A score of 75 or more is a ship/);
      } finally {
        await other.close();
      }
    });

    it('/critics/builder: persona, ship rate with counts, and its verdicts', async () => {
      const { html } = await page('/critics/builder');
      const builder = CRITICS.find((c) => c.id === 'builder')!;
      for (const text of [builder.motto, builder.lens, builder.abstainsWhen, ...builder.excites, ...builder.tiredOf]) assert.ok(html.includes(esc(text)), text);
      const e = expectedCritic('builder');
      assert.ok(html.includes(`Ships ${e.pct}%`));
      assert.ok(html.includes(`${e.ships} ship / ${e.skips} skip of ${e.ships + e.skips} takes · ${e.abstentions} abstention`));
      assert.match(html, /<svg class="ship-bar"/);
      const listed = [...html.matchAll(/<li class="card verdict-item">[\s\S]*?<a href="\/tools\/([a-z0-9-]+)"/g)].map((m) => m[1]!);
      assert.deepEqual([...listed].sort(), [...e.listed].sort());
      assert.match(html, /<span class="pill pill-ship">Ship<\/span> <span class="score">score \d+/);
      assert.match(html, /<h2 id="verdicts-title">Verdicts <span class="muted count">\(30\)<\/span>/);
    });

    it('/critics/builder?category= narrows the verdicts; an unknown category says so', async () => {
      const { html } = await page('/critics/builder?category=developer-tools');
      const e = expectedCritic('builder', 'developer-tools');
      const listed = [...html.matchAll(/<li class="card verdict-item">[\s\S]*?<a href="\/tools\/([a-z0-9-]+)"/g)].map((m) => m[1]!);
      assert.ok(listed.length > 0 && listed.length < expectedCritic('builder').listed.length);
      assert.deepEqual([...listed].sort(), [...e.listed].sort());
      assert.ok(!listed.includes('whisper'));
      assert.match(html, /<option value="developer-tools" selected="">Developer Tools<\/option>/);
      assert.ok(html.includes(`Ships ${expectedCritic('builder').pct}%`), 'the ship rate stays the overall one');

      const unknown = await page('/critics/builder?category=%3Cb%3Enope');
      assert.equal(count(unknown.html, 'class="card verdict-item"'), 0);
      assert.ok(unknown.html.includes('There is no category “&lt;b&gt;nope”'));
      assert.ok(!unknown.html.includes('<b>nope'));
    });

    it('a critic that abstained shows "No panel take"', async () => {
      const creator = expectedCritic('creator');
      assert.ok(creator.abstentions > 0, 'the demo has abstentions by the creator');
      const { html } = await page('/critics/creator');
      assert.equal(count(html, '<span class="pill pill-none">No panel take</span>'), creator.abstentions);
      assert.ok(html.includes(`${creator.abstentions} abstentions`));
    });

    it('unknown critic is a 404 page naming the panel', async () => {
      const { html, res } = await page('/critics/nobody', 404);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(html.includes('There is no critic “nobody”'));
      for (const id of CRITIC_IDS) assert.ok(html.includes(`href="/critics/${id}"`));
    });

    it('/categories lists every category with its tool count', async () => {
      const { html } = await page('/categories');
      const byCategory = new Map<string, number>();
      for (const tool of TOOLS) byCategory.set(tool.category, (byCategory.get(tool.category) ?? 0) + 1);
      for (const [name, n] of byCategory) {
        assert.ok(html.includes(`href="/categories/${slugify(name)}"><span class="category-name">${esc(name)}</span><span class="muted small">${n} ${n === 1 ? 'tool' : 'tools'}</span>`), name);
      }
    });

    it('/categories/developer-tools shows its tools, newest first', async () => {
      const { html } = await page('/categories/developer-tools');
      assert.match(html, /<h1>Developer Tools<\/h1>/);
      const expected = TOOLS.filter((x) => x.category === 'Developer Tools').map((x) => x.slug).reverse();
      assert.deepEqual(cards(html), expected);
      assert.ok(!html.includes('rel="next"'), 'one page');
    });

    it('unknown category is a 404 listing the categories', async () => {
      const { html } = await page('/categories/devtools', 404);
      assert.ok(html.includes('There is no category “devtools”'));
      assert.ok(html.includes('href="/categories/developer-tools"'));
    });

    it('search: q matches, keeps its value, counts, ranks a name first', async () => {
      const { html, res } = await page('/search?q=vision');
      assert.match(res.headers.get('cache-control') ?? '', /public/);
      assert.equal(cards(html)[0], 'smolvlm2');
      assert.ok(html.includes('2 tools match “vision”'));
      assert.ok(html.includes('<input id="search-q" type="search" name="q" value="vision"'));
      assert.ok(html.includes('<option value="relevance" selected="">'));
      const prefix = await page('/search?q=smolv');
      assert.deepEqual(cards(prefix.html), ['smolvlm2']);
    });

    it('search: category, pricing and panel filters, and sorting', async () => {
      const filtered = await page('/search?q=vision&category=models-and-inference');
      assert.deepEqual(cards(filtered.html), ['hugging-face-transformers']);
      assert.ok(filtered.html.includes('<option value="models-and-inference" selected="">'));

      const open = await page('/tools?pricing=open-source');
      const openSlugs = cards(open.html);
      assert.ok(openSlugs.length > 0);
      const openExpected = (DEMO.tools as { slug: string; pricing: { model: string } }[]).filter((x) => x.pricing.model === 'open-source').map((x) => x.slug);
      assert.deepEqual([...openSlugs].sort(), [...openExpected].sort());

      const skips = await page('/tools?label=skip');
      assert.ok(cards(skips.html).length > 0);
      assert.equal(count(skips.html, 'pill pill-ship'), 0);
      assert.equal(count(skips.html, 'pill pill-skip'), cards(skips.html).length);

      const byShip = await page('/tools?sort=ship');
      // The chips show the split, not a bare percentage (issue 20, point 1): the ship share is computed from it.
      const pcts = [...byShip.html.matchAll(/<span class="chip-part verdict-counts">(\d+) ship \/ (\d+) skip/g)].map((m) => Math.round((100 * Number(m[1])) / (Number(m[1]) + Number(m[2]))));
      assert.equal(pcts.length, 20);
      assert.deepEqual(pcts, [...pcts].sort((a, b) => b - a));
      assert.ok(byShip.html.includes('<option value="ship" selected="">'));
    });

    it('/tools: the whole catalog, paged by 20 with links that keep the filters; /search without words leads there', async () => {
      const first = await page('/tools');
      assert.equal(cards(first.html).length, 20);
      assert.ok(first.html.includes('30 tools'));
      assert.ok(first.html.includes('<a rel="next" href="/tools?page=2">'));
      const second = await page('/tools?page=2');
      assert.equal(cards(second.html).length, 10);
      assert.ok(second.html.includes('<a rel="prev" href="/tools">'));
      assert.equal(new Set([...cards(first.html), ...cards(second.html)]).size, 30);
      const sorted = await page('/tools?sort=score&pricing=freemium');
      const n = cards(sorted.html).length;
      assert.ok(n > 0);
      const scored = await page('/tools?sort=score&label=ship');
      if (scored.html.includes('rel="next"')) assert.ok(scored.html.includes('href="/tools?label=ship&amp;sort=score&amp;page=2"'));
      for (const [from, to] of [['/search', '/tools'], ['/search?q=&category=video&sort=ship&page=2', '/tools?category=video&sort=ship&page=2'], ['/tools?q=vision', '/search?q=vision']]) {
        const res = await t.get(from!);
        assert.equal(res.status, 301, from);
        assert.equal(res.headers.get('location'), to);
      }
    });

    it('search: bad parameters fall back with a notice, never a 500', async () => {
      for (const qs of ['page=-1', 'page=abc', 'page=99999999999', 'sort=loudest', 'label=maybe', 'pricing=cheap', 'category=nope', 'page=1&page=2', 'q=%E2%9C%93&sort=relevance', 'q=%ZZ']) {
        for (const path of ['/search', '/tools']) {
          const res = await t.get(`${path}?${qs}`);
          assert.ok(res.status === 200 || res.status === 400 || res.status === 301, `${path}?${qs}: ${res.status}`);
          await res.arrayBuffer();
        }
      }
      const { html } = await page('/search?page=-1&sort=loudest');
      assert.ok(html.includes('Unknown sort &quot;loudest&quot;') || html.includes('Unknown sort "loudest"'));
      assert.ok(html.includes('this is page 1'));
      assert.equal(cards(html).length, 20);
      const past = await page('/search?q=vision&page=5');
      assert.equal(cards(past.html).length, 0);
      assert.ok(past.html.includes('Back to page 1'));
    });

    it('search: hostile q is harmless and shown as text', async () => {
      for (const q of ['"', '*', 'NEAR(', 'OR', `'; drop table tools; --`, '日本語', 'x'.repeat(3000)]) {
        const res = await t.get(`/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, q);
        await res.arrayBuffer();
      }
      const { html } = await page(`/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
      assert.ok(!html.includes('<script>alert(1)'));
      assert.ok(html.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'));
      assert.ok(html.includes('No tools match “&lt;script&gt;alert(1)&lt;/script&gt;”'));
      assert.match(html, /<meta name="robots" content="noindex"/);
      const none = await page('/search?q=cursr');
      assert.ok(none.html.includes('No tools match “cursr”'));
      assert.ok(none.html.includes('Did you mean <a href="/tools/cursor">Cursor</a>'));
      const everything = await page('/categories');
      assert.ok(everything.html.includes('30 tools'), 'the catalog is intact');
    });

    it('a category with more than 24 tools is paginated', async () => {
      const docs = Array.from({ length: 26 }, (_, i) => toolDoc(`zz-bulk-${String(i).padStart(2, '0')}`, { category: 'Bulk Things' }));
      await importTools(t.store.db, parseImport({ tools: docs }, { threshold: 60, critics: CRITIC_IDS }));
      await t.site.refreshVersion();
      const first = await page('/categories/bulk-things');
      assert.equal(cards(first.html).length, 24);
      assert.ok(first.html.includes('<a rel="next" href="/categories/bulk-things?page=2">'));
      assert.ok(first.html.includes('Page 1 of 2'));
      const second = await page('/categories/bulk-things?page=2');
      assert.equal(cards(second.html).length, 2);
      assert.ok(second.html.includes('No panel takes yet'));
      await page('/categories/bulk-things?page=3', 404);
      assert.equal(cards((await page('/categories/bulk-things?page=abc')).html).length, 24);
      // New tools show up in search and on the home page at once (the page cache follows the data version).
      assert.equal(cards((await page('/')).html)[0], 'zz-bulk-25');
      assert.ok((await page('/search?q=zz')).html.includes('26 tools match “zz”'));
    });
  });
}
