// The vote slots: the parts of a cached page that votes change, rendered from stored counts and re-spliced after a vote instead of re-rendering the page.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { tryGetContext } from 'hono/context-storage';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

/**
 * The parts of a cached page that votes change (docs/decisions/029). A page declared `shows: 'votes'` in freshness.ts
 * renders every figure that depends on vote counts through <VoteSlot>: a pure function of the counts of the tools it
 * names. The page cache stores the page with the byte range of each slot; after a vote on one of those tools it
 * re-renders just these fragments from the stored counts and splices them in (src/web/site.ts), instead of
 * throwing the page away. Outside a request (or on an uncached answer) the markers are removed and nothing changes.
 */

export interface Counts {
  ships: number;
  skips: number;
}

export interface VoteSlotSpec {
  /** The tools whose counts the fragment shows, and their counts as rendered. */
  tools: readonly number[];
  counts: readonly Counts[];
  /** The fragment for these counts (same order as `tools`); pure: it must not read the request. */
  render: (counts: readonly Counts[]) => Child;
}

/** Where a slot sits in a stored body (byte offsets), and how to redraw it. */
export interface PlacedSlot extends VoteSlotSpec {
  start: number;
  end: number;
}

type SlotEnv = { Variables: { voteSlots?: VoteSlotSpec[] } };

// Per process and random: no page text (escaped or raw) can forge a marker.
const NONCE = randomBytes(9).toString('base64url');
const open = (n: number) => `<!--vs${NONCE}:${n}-->`;
const CLOSE = `<!--/vs${NONCE}-->`;
const MARKED = new RegExp(`<!--vs${NONCE}:(\\d+)-->([\\s\\S]*?)<!--/vs${NONCE}-->`, 'g');

/** A fragment that shows vote counts: rendered now, and marked so the page cache can redraw it after a vote. */
export function VoteSlot(spec: VoteSlotSpec) {
  const content = spec.render(spec.counts);
  const c = tryGetContext<SlotEnv>();
  if (!c) return <>{content}</>;
  let slots = c.get('voteSlots');
  if (!slots) c.set('voteSlots', (slots = []));
  const n = slots.push({ tools: spec.tools, counts: spec.counts, render: spec.render }) - 1;
  return (
    <>
      {raw(open(n))}
      {content}
      {raw(CLOSE)}
    </>
  );
}

/** The slots this request's render marked (none for most pages). */
export const markedSlots = (c: Context): VoteSlotSpec[] | undefined => (c as unknown as Context<SlotEnv>).get('voteSlots');

/** The page without its markers, and where each slot's fragment sits in it. */
export function placeSlots(html: string, slots: readonly VoteSlotSpec[]): { body: Buffer; placed: PlacedSlot[] } {
  const pieces: Buffer[] = [];
  const placed: PlacedSlot[] = [];
  let last = 0;
  let at = 0;
  for (const m of html.matchAll(MARKED)) {
    const before = Buffer.from(html.slice(last, m.index));
    const fragment = Buffer.from(m[2]!);
    pieces.push(before, fragment);
    at += before.length;
    placed.push({ ...slots[Number(m[1])]!, start: at, end: at + fragment.length });
    at += fragment.length;
    last = m.index + m[0].length;
  }
  pieces.push(Buffer.from(html.slice(last)));
  return { body: Buffer.concat(pieces), placed };
}

/**
 * Redraws the slots with the counts `countsOf` knows (the others keep theirs) and splices them into `body`. Returns
 * undefined when no byte changed. A few small renders and one copy of the page: tens of microseconds.
 */
export function respliceSlots(body: Buffer, placed: readonly PlacedSlot[], countsOf: (toolId: number) => Counts | undefined): { body: Buffer; placed: PlacedSlot[] } | undefined {
  const pieces: Buffer[] = [];
  const next: PlacedSlot[] = [];
  let changed = false;
  let last = 0;
  let at = 0;
  for (const p of placed) {
    const counts = p.tools.map((id, i) => countsOf(id) ?? p.counts[i]!);
    const old = body.subarray(p.start, p.end);
    const same = counts.every((x, i) => x.ships === p.counts[i]!.ships && x.skips === p.counts[i]!.skips);
    const fragment = same ? old : Buffer.from(String(<>{p.render(counts)}</>));
    if (!fragment.equals(old)) changed = true;
    const before = body.subarray(last, p.start);
    pieces.push(before, fragment);
    at += before.length;
    next.push({ ...p, counts, start: at, end: at + fragment.length });
    at += fragment.length;
    last = p.end;
  }
  if (!changed) return undefined;
  pieces.push(body.subarray(last));
  return { body: Buffer.concat(pieces), placed: next };
}

/** Removes the markers of a page that is not stored (a personal render, an error). */
export const unmark = (html: string) => html.replace(MARKED, '$2');
