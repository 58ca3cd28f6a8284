// Tests that the one excerpt function cuts at words and between graphemes, never splitting an emoji.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { excerpt } from './text.js';

/** No unpaired UTF-16 surrogate (String#isWellFormed is not in this project's TypeScript lib). */
const wellFormed = (s: string) => !/\p{Surrogate}/u.test(s);

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Offsets between graphemes: where a cut leaves every character whole. */
const boundaries = (s: string) => new Set([...[...graphemes.segment(s)].map((g) => g.index), s.length]);

test('excerpt keeps short text, cuts long text at a word, and never splits an emoji', () => {
  assert.equal(excerpt('  Short\n take. ', 20), 'Short take.');
  assert.equal(excerpt('one two three four', 12), 'one two…');
  assert.equal(excerpt('a😀aa', 4), 'a😀…');
  assert.equal(excerpt('👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 14), '👨‍👩‍👧‍👦…');
  const take = `${'A first sentence that is long enough to stand alone'}. Then much more text follows here, and it goes on and on.`;
  assert.equal(excerpt(take, 80, { firstSentence: true }), 'A first sentence that is long enough to stand alone.');
  assert.equal(excerpt(take, 80), 'A first sentence that is long enough to stand alone. Then much more text…');
});

test('excerpt: within the limit, a prefix of the text, cut between graphemes, no lone surrogate', () => {
  const text = fc
    .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme-composite' }), fc.constantFrom(' ', '. ', ', ', '\n', '😀', '🇫🇷', 'é')), { maxLength: 40 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 120 }), fc.boolean(), (input, max, firstSentence) => {
      const out = excerpt(input, max, { firstSentence });
      const flat = input.replace(/\s+/g, ' ').trim();
      assert.ok(out.length <= max, `${out.length} > ${max}`);
      assert.ok(wellFormed(out), 'lone surrogate');
      if (out === flat) return;
      const body = out.endsWith('…') && !flat.startsWith(out) ? out.slice(0, -1) : out;
      assert.ok(flat.startsWith(body), 'a prefix of the text');
      assert.ok(boundaries(flat).has(body.length), 'cut between graphemes');
    }),
    { numRuns: 2000 },
  );
});
