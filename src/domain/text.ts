/**
 * The one excerpt function: page titles and descriptions, take excerpts, critic verdict lists, share images.
 * Cuts between user-perceived characters (Intl.Segmenter graphemes), so an emoji, a flag or a letter with
 * its accents is never split in half, and prefers the last whole word.
 */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Punctuation and spaces that look wrong right before the ellipsis. */
const TRAILING = /^[\s,;:.\-–—]+$/;

/**
 * `text` with whitespace collapsed, at most `max` UTF-16 code units long (the ellipsis included), cut at
 * a word boundary when there is one in the second half, else at the last whole grapheme; "…" marks a cut.
 * With `firstSentence`, the first sentence of at least 40 characters is the excerpt when it fits.
 */
export function excerpt(text: string, max: number, opts: { firstSentence?: boolean } = {}): string {
  // A fetched page's text (research evidence) is cut once: keeping it as a memo key would hold whole pages.
  if (text.length > MEMO_TEXT_CHARS) return cut(text, max, opts.firstSentence ?? false);
  const key = `${max}:${opts.firstSentence ? 1 : 0}:${text}`;
  let out = memo.get(key);
  if (out === undefined) {
    out = cut(text, max, opts.firstSentence ?? false);
    // Pages show the same takes and names again and again: keep the last few thousand.
    if (memo.size >= 5000) memo.delete(memo.keys().next().value!);
    memo.set(key, out);
  }
  return out;
}
const memo = new Map<string, string>();
const MEMO_TEXT_CHARS = 4000;

function cut(text: string, max: number, firstSentence: boolean): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  if (firstSentence) {
    // A sticky scan from character 40: a lazy regex from ^ backtracks.
    const end = /[.!?](?=\s)/g;
    end.lastIndex = 40;
    const stop = end.exec(flat)?.index;
    if (stop !== undefined && stop < max) return flat.slice(0, stop + 1);
  }
  const kept: string[] = [];
  let length = 0;
  let lastSpace = -1;
  let spaceLength = 0;
  for (const { segment } of graphemes.segment(flat)) {
    if (length + segment.length > max - 1) break;
    if (segment === ' ') [lastSpace, spaceLength] = [kept.length, length];
    kept.push(segment);
    length += segment.length;
  }
  if (lastSpace >= 0 && spaceLength >= max / 2) kept.length = lastSpace;
  while (kept.length > 0 && TRAILING.test(kept.at(-1)!)) kept.pop();
  return `${kept.join('')}…`;
}

/**
 * Terminal control characters: C0 (ESC, BEL, BS, CR…), DEL and C1 (CSI…). A terminal obeys them, so public
 * text that reaches an operator's terminal could clear it, set its title or write the clipboard (OSC 52).
 * One-line fields refuse them all (domain/schemas.ts); CLI output and log lines escape them (terminalSafe).
 */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Text made safe for a terminal or a log line: every control character but newline and tab becomes a visible
 * `\u001b`-style escape. That is JSON's own escape, so JSON output stays valid JSON with the same value.
 */
export const terminalSafe = (text: string): string =>
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)
    ? text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;

/** A value quoted in an error line: at most about 80 characters, so hostile input cannot flood a terminal or a log. */
export const quote = (value: unknown, max = 80): string => `"${excerpt(String(value), max)}"`;

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** A small count in words for running text ("two to four"), digits from 11 on. */
export const numberWord = (n: number): string => NUMBER_WORDS[n] ?? String(n);
