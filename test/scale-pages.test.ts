import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITIC_IDS } from './helpers/fixtures.js';
import { generateTool, toolSlug } from '../bench/scale/generate.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { castVote } from '../src/community/votes.repo.js';
import { alternativesTo, findToolBySlug } from '../src/catalog/tools.repo.js';
import { MIN_SHARED_TAGS } from '../src/domain/compare.js';
import { withPanels } from '../src/catalog/catalog.service.js';
import { TOOL_COLUMNS } from '../src/db/types.js';
import { buildIssueContent, issueSubject, MAX_COMPARISONS, MAX_VERDICTS, notableComparisons, pairUp, verdictOrder, type IssueTool } from '../src/digest/issue.js';
import { isoWeek } from '../src/domain/week.js';
import { readDataVersion } from '../src/db/data-version.repo.js';
import { toolsByLatestReview } from '../src/catalog/reviews.repo.js';
import { renderSitemapIndex, renderToolsSitemap, renderPagesSitemap } from '../src/web/sitemap.js';

/** Big enough that a list of every tool is obvious (tens of KB of names), small enough to import in seconds. */
const TOOLS = 2000;
const SEED = 8;
const MAX_PAGE_BYTES = 100 * 1024;
/** A page shows a bounded slice: far fewer distinct tools than the catalog holds. */
const MAX_TOOLS_ON_A_PAGE = 80;
const SLUG = /\b[a-z]+-[a-z]+-\d+\b/g;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['url', 'sitemap'].includes(name) });
function parseXml(text: string) {
  const valid = XMLValidator.validate(text);
  assert.equal(valid, true, JSON.stringify(valid));
  return parser.parse(text);
}

for (const { dialect, skip } of DIALECTS) {
  describe(`pages at catalog scale (${dialect})`, { skip }, () => {
    let s: TestSite;
    const get = async (path: string) => {
      const res = await s.get(path);
      return { res, status: res.status, body: await res.text(), cache: res.headers.get('x-cache') };
    };

    before(async () => {
      s = await startTestSite(dialect, { seed: false });
      const doc = { tools: Array.from({ length: TOOLS }, (_, i) => generateTool(i, { seed: SEED, critics: CRITIC_IDS })) };
      await importTools(s.store.db, parseImport(doc, { threshold: s.site.config.shipThreshold, critics: CRITIC_IDS }));
      await s.site.refreshVersion();
    });
    after(() => s?.close());

    test('no page grows with the catalog', async () => {
      const [a, b] = [toolSlug(5), toolSlug(1234)];
      const category = (await findToolBySlug(s.store.db, a))!.categorySlug;
      const paths = [
        '/',
        `/tools/${a}`,
        `/compare/${[a, b].sort().join('-vs-')}`,
        `/compare?tools=${a},${b},${toolSlug(77)}`,
        '/compare',
        `/compare?tools=${a}`,
        '/compare?add=quantum',
        `/compare?tools=${a}&add=lens`,
        '/tools',
        '/tools?sort=ship&label=ship&page=50',
        `/tools?category=${category}&sort=score&page=3`,
        '/search?q=quantum&sort=ship',
        '/digest',
        '/search?q=qantum',
        '/feed.xml',
        `/categories/${category}`,
        `/critics/${CRITIC_IDS[0]}`,
        `/tools/${a}x`,
        `/compare/${a}-vs-nothing-like-it`,
      ];
      for (const path of paths) {
        const { status, body } = await get(path);
        assert.ok(status === 200 || status === 404, `${path}: ${status}`);
        assert.ok(Buffer.byteLength(body) < MAX_PAGE_BYTES, `${path}: ${Buffer.byteLength(body)} bytes`);
        const shown = new Set(body.match(SLUG) ?? []);
        assert.ok(shown.size <= MAX_TOOLS_ON_A_PAGE, `${path} names ${shown.size} tools`);
        assert.ok((body.match(/<option/g) ?? []).length < MAX_TOOLS_ON_A_PAGE, `${path}: no pick list of tools`);
      }
    });

    test('/tools and search list and count their first 1,000 matches, and say so', async () => {
      // The catalog list counts from the stored category counts, and pages through the same bounded search.
      const first = await get('/tools');
      assert.match(first.body, /<h2 id="results-title"[^>]*>2,000 tools<\/h2>/);
      assert.match(first.body, /Page 1 of 50\b/);
      const last = await get('/tools?page=50');
      assert.match(last.body, /Only the first 1,000 tools in this order are listed/);
      assert.equal((last.body.match(/class="card tool-card"/g) ?? []).length, 20, 'page 50 is full');
      assert.match((await get('/tools?page=51')).body, /There are only 50 pages/);
      // "team" (and, as the last word, "teams") is in most of the catalog. A one-letter word is no longer a prefix
      // (search.repo.ts, MIN_PREFIX_CHARS), so "s" stopped matching most of it.
      assert.match((await get('/search?q=team')).body, /More than 1,000 tools match “team”/);
      const few = await get('/search?q=quantum+lens');
      assert.doesNotMatch(few.body, /More than|Only the first/);
      const api = JSON.parse((await get('/api/v1/tools?q=team&per_page=100&page=10')).body) as { data: unknown[]; total: number; more?: boolean };
      assert.deepEqual([api.data.length, api.total, api.more], [100, 1000, true]);
      const past = JSON.parse((await get('/api/v1/tools?q=team&per_page=100&page=11')).body) as { data: unknown[] };
      assert.equal(past.data.length, 0);
      const exact = JSON.parse((await get('/api/v1/tools?q=quantum+lens')).body) as { total: number; more?: boolean };
      assert.ok(exact.total > 0 && exact.total < 1000 && exact.more === undefined, JSON.stringify(exact.total));
    });

    test('did you mean, and the suggest feed, come from a bounded search', async () => {
      const slug = toolSlug(42);
      const typo = await get(`/tools/${slug}x`);
      assert.equal(typo.status, 404);
      assert.ok(typo.body.includes(`href="/tools/${slug}"`), 'the close slug is offered');
      const suggest = await get('/api/v1/suggest?q=quantum%20le');
      assert.equal(suggest.status, 200);
      assert.match(suggest.res.headers.get('cache-control') ?? '', /^public/);
      const { tools } = JSON.parse(suggest.body) as { tools: { slug: string; name: string; category: string }[] };
      assert.ok(tools.length > 0 && tools.length <= 8, `${tools.length} suggestions`);
      assert.ok(tools.every((t) => t.slug.startsWith('quantum-')), tools.map((t) => t.slug).join(' '));
      assert.match(tools[0]!.slug, /^quantum-lens-/, 'a match in the name first');
      assert.equal((await get('/api/v1/suggest?q=quantum%20le')).cache, 'hit');
      assert.deepEqual(JSON.parse((await get('/api/v1/suggest?q=')).body), { tools: [] });
    });

    test('alternatives from the index are the closest same-job tools a recomputation over the catalog finds', async () => {
      const all = await s.store.db.selectFrom('tools').select(['id', 'tags', 'bestFor', 'categorySlug', 'panelMeanScore']).execute();
      const use = (t: { bestFor: string | null }) => t.bestFor?.trim().toLowerCase() || null;
      let compared = 0;
      for (const tool of all.filter((_, i) => i % 97 === 0)) {
        const tags = new Set(JSON.parse(tool.tags) as string[]);
        // What alternativesTo orders by (all but the name): shared tags plus a shared use-case, same category, mean score.
        const key = (t: (typeof all)[number]) => {
          const shared = (JSON.parse(t.tags) as string[]).filter((x) => tags.has(x)).length;
          const sameUse = use(tool) !== null && use(t) === use(tool) ? 1 : 0;
          return sameUse || shared >= MIN_SHARED_TAGS ? [shared + sameUse, t.categorySlug === tool.categorySlug ? 1 : 0, t.panelMeanScore ?? -1] : null;
        };
        const expected = all.filter((t) => t.id !== tool.id).map(key).filter((k) => k !== null).sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]! || b[2]! - a[2]!);
        const got = (await alternativesTo(s.store.db, tool, 4)).map((t) => key(all.find((x) => x.id === t.id)!));
        assert.deepEqual(got, expected.slice(0, 4), `alternatives to tool ${tool.id}`);
        if (got.length > 0) compared++;
      }
      assert.ok(compared >= 10, `${compared} tools had alternatives`);
    });

    test('the weekly digest lists a bounded slice, and its comparisons equal pairing every tool of the catalog', async () => {
      const db = s.store.db;
      // Every tool's panel from its reviews (not the stored figures the digest reads), as the digest shows it.
      const everyTool: IssueTool[] = (await withPanels(db, await db.selectFrom('tools').select(TOOL_COLUMNS).execute())).map(({ tool, summary }) => ({
        slug: tool.slug,
        name: tool.name,
        tagline: tool.tagline,
        category: tool.category,
        categorySlug: tool.categorySlug,
        label: summary.label,
        shipPct: summary.shipPct,
        meanScore: summary.meanScore,
        text: summary.text,
        firstPanel: true,
      }));
      assert.equal(everyTool.length, TOOLS);
      const decided = (vs: readonly IssueTool[]) => vs.filter((v) => v.label === 'Ship' || v.label === 'Skip');

      // The import reviewed every tool this week: the issue lists the first MAX_VERDICTS and counts them all.
      const content = await buildIssueContent(db, isoWeek(new Date()));
      assert.equal(content.totalVerdicts, TOOLS);
      assert.match(issueSubject(content), new RegExp(`: ${TOOLS} new verdicts$`));
      const expected = [...everyTool].sort(verdictOrder).slice(0, MAX_VERDICTS);
      assert.deepEqual(content.verdicts, expected);
      assert.deepEqual(content.comparisons, pairUp(decided(expected), everyTool));
      assert.equal(content.comparisons.length, MAX_COMPARISONS);

      // Weeks with other verdicts (Skip ones too, and mixed categories): the same as pairing with every tool.
      for (const step of [7, 37, 101]) {
        const verdicts = everyTool.filter((_, i) => i % step === 0).sort(verdictOrder);
        assert.ok(decided(verdicts).some((v) => v.label === 'Skip'));
        const got = await notableComparisons(db, verdicts);
        assert.deepEqual(got, pairUp(decided(verdicts), everyTool), `every ${step}th tool`);
        assert.ok(got.length > 0);
      }
    });

    test("a vote re-splices the voted tool's pages, without a render, and leaves every other cached page as it was", async () => {
      const [x, y, z] = [toolSlug(10), toolSlug(11), toolSlug(12)];
      const pair = (p: string, q: string) => `/compare/${[p, q].sort().join('-vs-')}`;
      const watched = [`/tools/${x}`, `/tools/${y}`, pair(x, z), pair(y, z), '/', '/search?q=swift'];
      for (const path of watched) await get(path);
      for (const path of watched) assert.equal((await get(path)).cache, 'hit', `${path} cached before the vote`);
      const version = await readDataVersion(s.store.db);
      const tool = (await findToolBySlug(s.store.db, x))!;
      // Written straight to the database, as another process would: this site learns of it by polling.
      await castVote(s.store.db, tool.id, 'v:scale-test-voter', 'ship');
      assert.equal(await readDataVersion(s.store.db), version, 'a vote is not a catalog change');
      await new Promise((r) => setTimeout(r, 700));
      const misses = s.site.cache.stats.misses;
      const voted = await get(`/tools/${x}`);
      assert.equal(voted.cache, 'hit', 'the voted tool is kept (docs/decisions/029)');
      assert.ok(voted.body.includes('1 vote so far · 1 ship / 0 skip'), 'with the new count');
      const compared = await get(pair(x, z));
      assert.equal(compared.cache, 'hit', 'a comparison that shows it too');
      assert.ok(compared.body.includes('1 vote so far · 1 ship / 0 skip'), 'with the new count');
      assert.equal(s.site.cache.stats.misses, misses, 'no render');
      for (const path of [`/tools/${y}`, pair(y, z), '/', '/search?q=swift']) assert.equal((await get(path)).cache, 'hit', `${path} untouched`);
      // A catalog change (a new review) still shows at once, everywhere.
      const changed = generateTool(11, { seed: SEED + 1, critics: CRITIC_IDS });
      await importTools(s.store.db, parseImport({ tools: [{ ...changed, slug: y, name: (await findToolBySlug(s.store.db, y))!.name }] }, { threshold: s.site.config.shipThreshold, critics: CRITIC_IDS }));
      await s.site.refreshVersion();
      for (const path of [`/tools/${y}`, '/']) assert.equal((await get(path)).cache, 'miss', `${path} after a catalog change`);
    });

    test('the feed walks back through many revisions to its 50 most recently reviewed tools', async () => {
      const db = s.store.db;
      // 1,200 new revisions of one tool: the newest tools are now more than two pages of reviews back.
      const busy = (await findToolBySlug(db, toolSlug(3)))!;
      const base = await db.selectFrom('reviews').selectAll().where('toolId', '=', busy.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      const { id: _, ...revision } = base;
      for (let i = 0; i < 4; i++) await db.insertInto('reviews').values(Array.from({ length: 300 }, () => revision)).execute();
      const expected = await db
        .selectFrom('reviews')
        .select(['toolId', (eb) => eb.fn.max('id').as('lastId')])
        .groupBy('toolId')
        .orderBy((eb) => eb.fn.max('id'), 'desc')
        .limit(50)
        .execute();
      const got = await toolsByLatestReview(db, 50);
      assert.deepEqual(got.map((r) => [r.tool.id, r.reviewId]), expected.map((r) => [r.toolId, Number(r.lastId)]));
      assert.equal(got[0]!.tool.id, busy.id);
    });

    test('the sitemap is an index of children within the limit, paged by id', async () => {
      const limit = 700;
      const index = parseXml(await renderSitemapIndex(s.site, limit));
      const children: { loc: string; lastmod: string }[] = index.sitemapindex.sitemap;
      assert.equal(children.length, 1 + Math.ceil(TOOLS / limit));
      assert.ok(children.every((c) => !Number.isNaN(Date.parse(c.lastmod))), 'each child has a lastmod');
      const seen = new Set<string>();
      for (const child of children.slice(1)) {
        const from = Number(/tools-(\d+)\.xml$/.exec(child.loc)![1]);
        const urls: { loc: string; lastmod: string }[] = parseXml((await renderToolsSitemap(s.site, from, limit))!).urlset.url;
        assert.ok(urls.length <= limit && urls.length > 0, `${urls.length} URLs`);
        assert.equal(child.lastmod, urls.map((u) => u.lastmod).sort().at(-1), 'lastmod is the newest tool in it');
        for (const u of urls) seen.add(u.loc);
      }
      assert.equal(seen.size, TOOLS, 'every tool once');
      const pages = parseXml(await renderPagesSitemap(s.site)).urlset.url;
      assert.ok(pages.length < 1000, `${pages.length} fixed pages`);
      // Served: the real index at the protocol's limit holds one page of tools here.
      const served = parseXml(await (await s.get('/sitemap.xml')).text());
      assert.equal(served.sitemapindex.sitemap.length, 2);
    });
  });
}
