import type { Critic } from '../../domain/schemas.js';
import type { ReviewRow } from '../../db/types.js';
import { provenanceText } from '../../domain/provenance.js';

/** Critics in panel order (critics/*.md `order`), as the site loaded them. */
export const criticOrder = (critics: readonly Critic[]): string[] => [...critics].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id)).map((c) => c.id);

/** A critic's display name; a review by a critic whose file was removed still shows, under its id. */
export function criticName(critics: readonly Critic[], id: string): string {
  const c = critics.find((x) => x.id === id);
  return c ? c.name : id.charAt(0).toUpperCase() + id.slice(1);
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "26 Nov 2026" — in UTC, so every visitor (and the page cache) sees the same bytes. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE.format(d);
}

/** Where a revision came from, with its date: see src/domain/provenance.ts. */
export const provenance = (r: ReviewRow): string => provenanceText(r, formatDate(r.createdAt));

/** The first sentence or so of a take, cut at a word boundary; the whole take when it is short already. */
export function excerpt(text: string, max = 170): string {
  const key = `${max}:${text}`;
  let out = excerpts.get(key);
  if (out === undefined) {
    out = cutExcerpt(text, max);
    // Takes change rarely and pages show the same ones again and again: keep the last few thousand.
    if (excerpts.size >= 5000) excerpts.delete(excerpts.keys().next().value!);
    excerpts.set(key, out);
  }
  return out;
}
const excerpts = new Map<string, string>();

function cutExcerpt(text: string, max: number): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.length <= max) return t;
  // The first sentence of at least 40 characters, when it fits (a sticky scan: a lazy regex from ^ backtracks).
  const end = /[.!?](?=\s)/g;
  end.lastIndex = 40;
  const stop = end.exec(t)?.index;
  if (stop !== undefined && stop < max) return t.slice(0, stop + 1);
  const cut = t.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).replace(/[\s,;:.—-]+$/, '') + '…';
}

/** Only http(s) links from tool data become hrefs (the schema enforces it; this keeps old rows honest too). */
export const safeHref = (url: string | null | undefined): string | undefined => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** Text for an HTML attribute inside a snippet people paste into their own pages. */
export const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Shortens to at most `max` characters at a word boundary. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), Math.floor(max / 2))).replace(/[\s,;:.—-]+$/, '') + '…';
}

/** The canonical pair URL: slugs in alphabetical order. */
export const comparePath = (a: string, b: string) => {
  const [x, y] = [a, b].sort();
  return `/compare/${x}-vs-${y}`;
};
