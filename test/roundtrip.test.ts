import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { freshStore, type TestStore } from './helpers/db.js';
import { CRITIC_IDS } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { writeExport } from '../src/catalog/export.js';
import { isStorableText } from '../src/domain/schemas.js';
import { CONTROL_CHARS } from '../src/domain/text.js';

/**
 * Issue 9, "Keep it fixed": any storable text (unicode, quotes, `<`, emoji, RTL marks; not NUL, which is refused
 * by design, nor control characters in one-line fields, refused since issue 16) survives import then export unchanged. Fast-check with a fixed seed; one SQLite database.
 */

const PIECES = ['"', "'", '<', '>', '&', '</script>', '\\', '😀', '👩🏽‍💻', '\u200F', '\u202E', '\u200D', 'é', 'e\u0301', '日本', 'ا', '\t', '{', '}', '%00', '\\u0000'];
const chunk = fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
const textOf = (max: number, oneLine: boolean) =>
  fc
    .array(chunk, { minLength: 1, maxLength: 8 })
    .map((cs) => cs.join('').trim().slice(0, max).trim())
    .filter((s) => s.length > 0 && isStorableText(s) && (!oneLine || !CONTROL_CHARS.test(s)));

const toolArb = (slug: string) =>
  fc.record({
    name: textOf(120, true),
    tagline: textOf(200, true),
    description: textOf(5000, false),
    category: textOf(60, true),
    entry: textOf(60, true),
    take: textOf(500, false),
    reason: textOf(300, true),
    score: fc.integer({ min: 0, max: 100 }),
  }).map((t) => ({
    slug,
    name: t.name,
    tagline: t.tagline,
    description: t.description,
    category: t.category,
    pricing: { model: 'free', entry: t.entry },
    url: `https://example.com/${slug}`,
    reviews: [
      { critic: CRITIC_IDS[0]!, score: t.score, verdict: t.score >= 60 ? 'ship' : 'skip', take: `${t.take} ${'word '.repeat(20)}`.trim() },
      { critic: CRITIC_IDS[1]!, abstain: true, reason: t.reason },
    ],
  }));

let store: TestStore;
before(async () => {
  store = await freshStore('sqlite');
});
after(async () => {
  await store?.close();
});

test('any storable text round-trips through import and export', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer().chain(() => toolArb(`rt-${++n}`)), async (doc) => {
      const [parsed] = parseImport({ tools: [doc] }, { threshold: 60, critics: CRITIC_IDS });
      await importTools(store.db, [parsed!]);
      let out = '';
      await writeExport(store.db, { write: (s: string) => (out += s) });
      const exported = (JSON.parse(out) as { tools: { slug: string; reviews: { critic: string }[] }[] }).tools.find((t) => t.slug === doc.slug);
      assert.ok(exported, doc.slug);
      const byCritic = (rs: { critic: string }[]) => [...rs].sort((a, b) => a.critic.localeCompare(b.critic));
      const { reviews, ...fields } = exported;
      const { reviews: inReviews, ...inFields } = doc;
      for (const [k, v] of Object.entries(inFields)) assert.deepEqual((fields as Record<string, unknown>)[k], v, `${doc.slug}.${k}`);
      assert.deepEqual(byCritic(reviews), byCritic(inReviews));
    }),
    { seed: 9_2026, numRuns: 60 },
  );
});
