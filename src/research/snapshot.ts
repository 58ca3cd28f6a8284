// The snapshot of one source and the helpers every source check shares (conditional fetch, page parsing, JSON, failures as snapshots).
import { excerpt } from '../domain/text.js';
import type { EvidenceRow } from '../db/types.js';
import type { Fetcher, FetchRequest, FetchResult } from './fetcher.js';
import { parsePage, type EvidenceKind } from './facts.js';

/**
 * One source's snapshot, and the helpers every source check shares: conditional fetches with the previous
 * snapshot's validators (a 304 carries its facts forward), pages parsed for facts, JSON answers, and failures
 * recorded as snapshots, never thrown.
 */

export const EXCERPT_CHARS = 600;

export interface Snapshot {
  kind: EvidenceKind;
  url: string;
  status: number | null;
  error: string | null;
  facts: Record<string, unknown>;
  excerpt: string;
  etag: string | null;
  lastModified: string | null;
  /** The previous snapshot's content, answered 304 Not Modified. */
  notModified?: boolean;
}

export type Prev = Map<string, EvidenceRow>;
export const prevKey = (kind: string, url: string) => `${kind} ${url}`;

export const failed = (kind: EvidenceKind, url: string, r: Extract<FetchResult, { ok: false }>): Snapshot => ({
  kind,
  url,
  status: r.status ?? null,
  error: r.reason,
  facts: {},
  excerpt: '',
  etag: null,
  lastModified: null,
});

/** Fetches with the previous snapshot's validators; a 304 carries the previous facts forward. */
export async function conditional(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string, req: FetchRequest) {
  const p = prev.get(prevKey(kind, url));
  const res = await fetcher.fetch(url, { ...req, etag: p?.etag, lastModified: p?.lastModified });
  return { res, previous: p };
}

export async function page(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string) {
  const { res, previous } = await conditional(fetcher, prev, kind, url, { accept: ['text/html', 'application/xhtml+xml'] });
  if (!res.ok) return { snapshot: failed(kind, url, res) };
  if (res.notModified && previous) return { snapshot: carried(previous, res) };
  let parsed: ReturnType<typeof parsePage>;
  try {
    parsed = parsePage(res.text, res.url);
  } catch (err) {
    // A body no parser can read is a failed check of this source, recorded like any other, never a crashed run.
    return { snapshot: failed(kind, url, { ok: false, url, code: 'http', status: res.status, reason: `the page could not be read as HTML (${oneLine(err)})` }) };
  }
  const snapshot: Snapshot = {
    kind,
    url,
    status: res.status,
    error: null,
    facts: { ...parsed.facts, ...(res.url !== url ? { finalUrl: res.url } : {}), ...(res.truncated ? { truncated: true } : {}) },
    excerpt: excerpt(parsed.text, EXCERPT_CHARS),
    etag: res.etag,
    lastModified: res.lastModified,
  };
  return { snapshot, parsed };
}

export function carried(previous: EvidenceRow, res: Extract<FetchResult, { ok: true }>): Snapshot {
  return {
    kind: previous.kind,
    url: previous.url,
    status: res.status,
    error: null,
    facts: JSON.parse(previous.facts),
    excerpt: previous.excerpt,
    etag: res.etag ?? previous.etag,
    lastModified: res.lastModified ?? previous.lastModified,
    notModified: true,
  };
}

export async function json(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string, headers: Record<string, string> = {}) {
  const { res, previous } = await conditional(fetcher, prev, kind, url, { accept: ['application/json'], robots: false, headers });
  if (!res.ok) return { fail: failed(kind, url, res) };
  if (res.notModified) return previous ? { same: carried(previous, res) } : { fail: { ...failed(kind, url, { ok: false, url, code: 'http', reason: 'HTTP 304 without a previous snapshot' }) } };
  if (res.truncated) return { fail: failed(kind, url, { ok: false, url, code: 'http', reason: 'answer too large' }) };
  try {
    return { body: JSON.parse(res.text) as Record<string, any>, res };
  } catch {
    return { fail: failed(kind, url, { ok: false, url, code: 'http', reason: 'answer is not valid JSON' }) };
  }
}

const oneLine = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, ' ').slice(0, 200);

/** A source whose check threw (a bug, an answer of a shape never seen): a failed snapshot, and the other sources go on. */
export async function safely(kind: EvidenceKind, url: string, check: () => Promise<Snapshot>): Promise<Snapshot> {
  try {
    return await check();
  } catch (err) {
    return failed(kind, url, { ok: false, url, code: 'http', reason: `could not be checked (${oneLine(err)})` });
  }
}
