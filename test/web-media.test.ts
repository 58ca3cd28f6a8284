import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITIC_IDS, toolDoc, words } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { summarize } from '../src/domain/summary.js';
import { badgeFor, badgeSvg } from '../src/web/badge.js';
import { drawable } from '../src/web/og.js';
import { excerpt } from '../src/domain/text.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(buf: Buffer): { width: number; height: number } {
  assert.ok(buf.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  assert.equal(buf.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
function parseSvg(text: string) {
  assert.equal(XMLValidator.validate(text), true, 'well-formed XML');
  return parser.parse(text).svg as { title: string; '@aria-label': string; '@role': string; g: { text: ({ '#text': string } | string)[] }[] };
}
const svgTexts = (svg: ReturnType<typeof parseSvg>) => svg.g.flatMap((g) => g.text ?? []).map((t) => (typeof t === 'string' ? t : t['#text']));

const take = (critic: string, score: number) => ({ critic, score, verdict: score >= 60 ? 'ship' : 'skip', take: words(30) });

test('badge text: label and ship %, or "no takes yet"', () => {
  const t = (score: number) => ({ critic: `c${score}`, kind: 'take' as const, score, verdict: score >= 60 ? ('ship' as const) : ('skip' as const), take: '' });
  assert.equal(badgeFor('X', summarize([t(80), t(70), t(90), t(10)])).right, 'Ship · 75% ship');
  assert.equal(badgeFor('X', summarize([t(80), t(10), t(20), t(30)])).right, 'Skip · 25% ship');
  assert.equal(badgeFor('X', summarize([t(80), t(10)])).right, 'Split · 50% ship');
  const none = badgeFor('X', summarize([{ critic: 'a', kind: 'abstain', reason: 'r' }]));
  assert.equal(none.right, 'no takes yet');
  assert.equal(none.title, 'X on Verdict: No panel takes yet');
  const colours = new Set([summarize([t(80)]), summarize([t(10)]), summarize([t(80), t(10)]), summarize([])].map((p) => badgeFor('X', p).colour));
  assert.equal(colours.size, 4, 'green, red, amber, grey');
  const svg = parseSvg(badgeSvg(badgeFor(`<b>"&'`, summarize([t(80)]))));
  assert.equal(svg.title, `<b>"&' on Verdict: Ship · 1 ship / 0 skip (100% ship)`);
});

test('share-image text is clipped at a word and keeps only what the fonts can draw', () => {
  assert.equal(excerpt('one two three four', 12), 'one two…');
  assert.equal(excerpt('short', 12), 'short');
  assert.equal(drawable('Rocket 🚀 日本 Łódź\u0007 \u202Eevil'), 'Rocket Łódź evil');
});

for (const { dialect, skip } of DIALECTS) {
  describe(`share images and badges (${dialect})`, { skip }, () => {
    let s: TestSite;
    before(async () => {
      s = await startTestSite(dialect);
      await importTools(
        s.store.db,
        parseImport(
          {
            tools: [
              toolDoc('script-tool', { name: '<script>alert(1)</script>', tagline: `"Quotes" & <tags> 'everywhere'`, reviews: [take(CRITIC_IDS[0]!, 80), take(CRITIC_IDS[1]!, 20)] }),
              toolDoc('new-tool', { name: 'New Tool' }),
              // A slug containing "-vs-": compare addresses must still split at the right place.
              toolDoc('vs-code-vs-ai', { name: 'VS Code vs AI', reviews: [take(CRITIC_IDS[0]!, 70)] }),
            ],
          },
          { threshold: 60, critics: CRITIC_IDS },
        ),
      );
      await s.site.refreshVersion();
    });
    after(() => s?.close());

    async function png(path: string) {
      const res = await s.get(path);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, `${path}: ${body.subarray(0, 200).toString()}`);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.deepEqual(pngSize(body), { width: 1200, height: 630 });
      return { res, body };
    }

    test('tool share image: a 1200x630 PNG, rendered once per data version, with ETag and 304', async () => {
      const first = await png('/og/tools/smolvlm2.png');
      const etag = first.res.headers.get('etag');
      assert.ok(etag);
      const cached = s.site.cache.get('/og/tools/smolvlm2.png', s.site.version());
      assert.equal(cached?.etag, etag, 'kept in the page cache for this data version, so it is not rendered again');
      const second = await png('/og/tools/smolvlm2.png');
      assert.equal(second.res.headers.get('etag'), etag);
      assert.ok(second.body.equals(first.body));
      const revalidated = await s.get('/og/tools/smolvlm2.png', { headers: { 'if-none-match': etag! } });
      assert.equal(revalidated.status, 304);
      await png('/og/tools/script-tool.png');
      await png('/og/tools/new-tool.png');
      const other = await png('/og/tools/karpathy-coding-skills.png');
      assert.notEqual(other.res.headers.get('etag'), etag);
    });

    test('compare share image: canonical pair, other order redirects, "-vs-" inside a slug, 404s', async () => {
      const { res } = await png('/og/compare/karpathy-coding-skills-vs-smolvlm2.png');
      const again = await s.get('/og/compare/karpathy-coding-skills-vs-smolvlm2.png', { headers: { 'if-none-match': res.headers.get('etag')! } });
      assert.equal(again.status, 304);
      const reversed = await s.get('/og/compare/smolvlm2-vs-karpathy-coding-skills.png');
      assert.equal(reversed.status, 301);
      assert.equal(reversed.headers.get('location'), '/og/compare/karpathy-coding-skills-vs-smolvlm2.png');
      await png('/og/compare/smolvlm2-vs-vs-code-vs-ai.png');
      const flipped = await s.get('/og/compare/vs-code-vs-ai-vs-smolvlm2.png');
      assert.equal(flipped.status, 301);
      assert.equal(flipped.headers.get('location'), '/og/compare/smolvlm2-vs-vs-code-vs-ai.png');
      for (const path of ['/og/compare/smolvlm2-vs-nope.png', '/og/compare/smolvlm2.png', '/og/compare/smolvlm2-vs-smolvlm2.png', '/og/tools/nope.png', '/og/tools/Bad_Slug.png']) {
        const r = await s.get(path);
        assert.equal(r.status, 404, path);
        await r.arrayBuffer();
      }
    });

    test('badges: honest label and ship %, accessible title, XML, cacheable and embeddable', async () => {
      const get = async (slug: string) => {
        const res = await s.get(`/badge/${slug}.svg`);
        const text = await res.text();
        assert.equal(res.status, 200, text);
        assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
        assert.ok(res.headers.get('etag'));
        return { res, text, svg: parseSvg(text) };
      };
      const karpathy = await get('karpathy-coding-skills');
      assert.ok(svgTexts(karpathy.svg).includes('Ship · 75% ship'));
      assert.ok(svgTexts(karpathy.svg).includes('verdict'));
      assert.equal(karpathy.svg['@role'], 'img');
      assert.equal(karpathy.svg.title, 'Karpathy Coding Skills on Verdict: Ship · 3 ship / 1 skip (75% ship)');
      assert.equal(karpathy.svg['@aria-label'], karpathy.svg.title);
      const smol = await get('smolvlm2');
      assert.ok(svgTexts(smol.svg).includes('Ship · 100% ship'));
      const fresh = await get('new-tool');
      assert.ok(svgTexts(fresh.svg).includes('no takes yet'));
      const split = await get('script-tool');
      assert.ok(svgTexts(split.svg).includes('Split · 50% ship'));
      assert.ok(!split.text.includes('<script>'), 'the name is escaped');
      assert.equal(split.svg.title, '<script>alert(1)</script> on Verdict: Split · 1 ship / 1 skip (50% ship)');
      const revalidated = await s.get('/badge/smolvlm2.svg', { headers: { 'if-none-match': smol.res.headers.get('etag')! } });
      assert.equal(revalidated.status, 304);
    });

    test('images and badges are embeddable by other sites (CORP cross-origin), also when served from the cache', async () => {
      for (const path of ['/og/tools/smolvlm2.png', '/og/compare/karpathy-coding-skills-vs-smolvlm2.png', '/badge/smolvlm2.svg', '/badge/nope.svg']) {
        for (let i = 0; i < 2; i++) {
          const res = await s.get(path);
          await res.arrayBuffer();
          assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin', `${path} (request ${i + 1})`);
        }
      }
      const page = await s.get('/api/v1/tools/smolvlm2');
      await page.arrayBuffer();
      assert.equal(page.headers.get('cross-origin-resource-policy'), 'same-site', 'everything else keeps the default');
    });

    test('badges for unknown tools: 404, still a readable SVG', async () => {
      for (const slug of ['nope', 'Not%20A%20Slug', '%3Cscript%3E']) {
        const res = await s.get(`/badge/${slug}.svg`);
        assert.equal(res.status, 404, slug);
        assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
        const text = await res.text();
        assert.ok(!text.includes('<script>'));
        const svg = parseSvg(text);
        assert.ok(svgTexts(svg).includes('unknown tool'));
      }
    });
  });
}
