import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITIC_IDS, DEMO, toolDoc, words } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { linkedComparePaths, COMPARE_NEIGHBOURS } from '../src/web/sitemap.js';
import { escapeXml } from '../src/web/xml.js';

const BASE = 'http://verdict.test';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'url', 'link'].includes(name) });

/** Parses XML strictly: well-formed or the test fails with the parser's reason. */
function parseXml(text: string) {
  const valid = XMLValidator.validate(text);
  assert.equal(valid, true, JSON.stringify(valid));
  return parser.parse(text);
}

interface AtomEntry {
  title: string;
  id: string;
  updated: string;
  summary: { '#text': string };
  link: { '@href': string; '@rel': string }[];
  category: { '@term': string; '@label': string };
}

test('escapeXml escapes markup characters and strips characters XML 1.0 forbids', () => {
  assert.equal(escapeXml(`<&"'>`), '&lt;&amp;&quot;&apos;&gt;');
  assert.equal(escapeXml('a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh'), 'abcdefgh');
  assert.equal(escapeXml('lone \uD800 surrogate \uDFFF'), 'lone  surrogate ');
  assert.equal(escapeXml('tab\tnew\nline\rok · café 🚀 日本'), 'tab\tnew\nline\rok · café 🚀 日本');
  assert.equal(escapeXml('&amp;'), '&amp;amp;', 'escapes already-escaped text again (it is text, not markup)');
  const doc = `<a t="${escapeXml(`"'<>&\u0001`)}">${escapeXml('<script>alert("x")</script>\u0002')}</a>`;
  assert.equal(XMLValidator.validate(doc), true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(doc);
  assert.equal(parsed.a['#text'], '<script>alert("x")</script>');
  assert.equal(parsed.a['@t'], `"'<>&`);
});

test('compare pairs in the sitemap: canonical, deduplicated, within a category, at most the neighbours a tool page shows', () => {
  const at = (s: string) => `2026-01-0${s}T00:00:00.000Z`;
  const tools = [
    { id: 1, slug: 'zed', categorySlug: 'a', createdAt: at('1') },
    { id: 2, slug: 'alpha', categorySlug: 'a', createdAt: at('2') },
    { id: 3, slug: 'mid', categorySlug: 'a', createdAt: at('2') },
    { id: 4, slug: 'solo', categorySlug: 'b', createdAt: at('3') },
  ];
  assert.deepEqual(linkedComparePaths(tools), ['/compare/alpha-vs-mid', '/compare/alpha-vs-zed', '/compare/mid-vs-zed']);
  const many = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, slug: `t${String(i).padStart(2, '0')}`, categorySlug: 'c', createdAt: at('1') }));
  const pairs = linkedComparePaths(many);
  // Each tool links to the 6 newest others: the 7 newest pair among themselves, and each older tool with the 6 newest.
  const newest = 7;
  assert.equal(pairs.length, (newest * (newest - 1)) / 2 + (20 - newest) * COMPARE_NEIGHBOURS);
  assert.ok(pairs.every((p) => { const [a, b] = p.slice('/compare/'.length).split('-vs-'); return a! < b!; }));
});

for (const { dialect, skip } of DIALECTS) {
  describe(`feeds, sitemap and robots (${dialect})`, { skip }, () => {
    let s: TestSite;
    before(async () => (s = await startTestSite(dialect)));
    after(() => s?.close());

    const entriesOf = async () => {
      const res = await s.get('/feed.xml');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
      const text = await res.text();
      const xml = parseXml(text);
      return { res, text, feed: xml.feed, entries: (xml.feed.entry ?? []) as AtomEntry[] };
    };

    test('the Atom feed lists new verdicts, newest first, with absolute links', async () => {
      const { res, feed, entries } = await entriesOf();
      assert.ok(res.headers.get('etag'), 'cacheable');
      assert.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
      assert.equal(feed.id, `${BASE}/`);
      assert.ok(feed.title && feed.updated && feed.author?.name);
      assert.ok(feed.link.some((l: { '@rel': string; '@href': string }) => l['@rel'] === 'self' && l['@href'] === `${BASE}/feed.xml`));
      assert.equal(entries.length, DEMO.tools.length, 'every reviewed demo tool (fewer than 50)');
      const smol = entries.find((e) => e.link[0]!['@href'] === `${BASE}/tools/smolvlm2`)!;
      assert.equal(smol.title, 'SmolVLM2: Ship · 4 ship / 0 skip (100% ship)');
      assert.match(smol.summary['#text'], /^Panel: Ship · 4 ship \/ 0 skip \(100% ship\)\. Community: No community votes yet\./);
      const karpathy = entries.find((e) => e.link[0]!['@href'] === `${BASE}/tools/karpathy-coding-skills`)!;
      assert.match(karpathy.title, /: Ship · 3 ship \/ 1 skip \(75% ship\)$/);
      assert.equal(karpathy.category['@term'], 'developer-tools');
      for (const e of entries) {
        assert.match(e.link[0]!['@href'], /^http:\/\/verdict\.test\/tools\/[a-z0-9-]+$/);
        assert.ok(!Number.isNaN(Date.parse(e.updated)), e.updated);
        assert.ok(e.id.startsWith(`${BASE}/tools/`));
      }
      assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'ids are unique');
      const times = entries.map((e) => e.updated);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      assert.equal(feed.updated, times[0]);
    });

    test('a newly reviewed tool leads the feed; hostile names are escaped', async () => {
      const name = `<script>alert("x")</script> & 'Co' \u0001`;
      const tagline = `Tagline with <b>markup</b> & "quotes"`;
      await importTools(
        s.store.db,
        parseImport(
          { tools: [toolDoc('hostile-tool', { name: 'Hostile', tagline, reviews: [{ critic: CRITIC_IDS[0], score: 80, verdict: 'ship', take: words(30) }] })] },
          { threshold: 60, critics: CRITIC_IDS },
        ),
      );
      // Imports refuse control characters in names now (issue 16); a row stored before that rule still has them.
      await s.store.db.updateTable('tools').set({ name }).where('slug', '=', 'hostile-tool').execute();
      await s.site.refreshVersion();
      const { text, entries } = await entriesOf();
      assert.ok(!text.includes('<script>'), 'no raw markup from tool data');
      assert.ok(!text.includes('\u0001'), 'no illegal characters');
      const first = entries[0]!;
      assert.equal(first.link[0]!['@href'], `${BASE}/tools/hostile-tool`);
      assert.equal(first.title, `<script>alert("x")</script> & 'Co' : Ship · 1 ship / 0 skip (100% ship)`);
      assert.match(first.summary['#text'], /^Panel: Ship · 1 ship \/ 0 skip \(100% ship\)\. Community: No community votes yet\. Tagline with <b>markup<\/b> & "quotes"$/);
    });

    test('the sitemap lists every tool, critic, category and linked compare page, with absolute URLs', async () => {
      const res = await s.get('/sitemap.xml');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/xml; charset=utf-8');
      assert.ok(res.headers.get('etag'));
      // An index of child sitemaps (the protocol's 50,000-URL limit per file); their URLs together are the site.
      const index = parseXml(await res.text());
      assert.equal(index.sitemapindex['@xmlns'], 'http://www.sitemaps.org/schemas/sitemap/0.9');
      const children: { loc: string; lastmod?: string }[] = [index.sitemapindex.sitemap].flat();
      assert.equal(children.length, 2, 'the pages and one page of tools');
      const urls: { loc: string; lastmod?: string }[] = [];
      for (const child of children) {
        assert.ok(child.loc.startsWith(`${BASE}/sitemaps/`) && !Number.isNaN(Date.parse(child.lastmod!)), child.loc);
        const part = await s.get(child.loc.slice(BASE.length));
        assert.equal(part.status, 200, child.loc);
        const xml = parseXml(await part.text());
        assert.equal(xml.urlset['@xmlns'], 'http://www.sitemaps.org/schemas/sitemap/0.9');
        urls.push(...[xml.urlset.url].flat());
      }
      const locs: string[] = urls.map((u) => u.loc);
      assert.equal(new Set(locs).size, locs.length, 'no duplicates');
      assert.ok(locs.every((l) => l.startsWith(`${BASE}/`)), 'absolute');
      for (const path of ['/', '/compare', '/critics', '/categories', '/tools']) assert.ok(locs.includes(BASE + path), path);
      for (const t of DEMO.tools) assert.ok(locs.includes(`${BASE}/tools/${t.slug}`), String(t.slug));
      for (const c of CRITIC_IDS) assert.ok(locs.includes(`${BASE}/critics/${c}`), c);
      for (const c of ['developer-tools', 'audio-and-voice', 'writing-and-productivity']) assert.ok(locs.includes(`${BASE}/categories/${c}`), c);
      const category = new Map(DEMO.tools.map((t) => [t.slug as string, t.category as string]));
      const pairs = locs.filter((l) => l.startsWith(`${BASE}/compare/`)).map((l) => l.slice(`${BASE}/compare/`.length));
      assert.ok(pairs.length > 20);
      for (const p of ['elevenlabs-vs-suno', 'elevenlabs-vs-whisper', 'suno-vs-whisper', 'chatgpt-vs-claude']) assert.ok(pairs.includes(p), p);
      for (const p of pairs) {
        const [a, b] = p.split('-vs-') as [string, string];
        assert.ok(a < b, `canonical order: ${p}`);
        if (category.has(a) && category.has(b)) assert.equal(category.get(a), category.get(b), `same category: ${p}`);
      }
      const tool = urls.find((u) => u.loc === `${BASE}/tools/smolvlm2`)!;
      assert.ok(!Number.isNaN(Date.parse(tool.lastmod!)));
      assert.equal((await s.get('/sitemaps/tools-999999.xml')).status, 404, 'no such page of tools');
    });

    test('robots.txt allows crawling and points at the sitemap', async () => {
      const res = await s.get('/robots.txt');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.ok(res.headers.get('etag'));
      const lines = (await res.text()).split('\n');
      assert.ok(lines.includes('User-agent: *'));
      assert.ok(lines.includes('Allow: /'));
      assert.ok(lines.includes(`Sitemap: ${BASE}/sitemap.xml`));
    });
  });
}
