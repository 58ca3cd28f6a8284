// Small helpers for tool views: critic order and names, dates, safe links and attribute escaping.
import type { Critic } from '../../domain/schemas.js';

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


/** Only http(s) links from tool data become hrefs (the schema enforces it; this keeps old rows honest too). */
export const safeHref = (url: string | null | undefined): string | undefined => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** Text for an HTML attribute inside a snippet people paste into their own pages. */
export const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
