// The in-memory page cache: rendered responses keyed by path and valid for one data version, with ETags.
import { createHash } from 'node:crypto';
import type { Variants } from './compression.js';
import type { PlacedSlot } from './vote-slots.js';

/** A rendered response kept in memory, valid for one data version. */
export interface CachedPage extends Variants {
  status: number;
  /** The bytes as rendered; `br` and `gzip` (Variants) are the same compressed once, when it was cached. */
  body: Buffer;
  etag: string;
  headers: [string, string][];
  version: number;
  /** The site's touch cursor when rendering began, the tools whose vote counts it shows, when it was stored (docs/decisions/017). */
  since?: number;
  tools?: readonly number[];
  storedAt?: number;
  /** Where its vote slots sit in `body` (routes that show 'votes'): a vote re-splices them instead of dropping the page. */
  slots?: readonly PlacedSlot[];
  /** The route pattern that rendered it (`/tools/:slug`), for the request log and metrics of cache hits. */
  route?: string;
}

/**
 * X-Accel-Expires for a cached page: "@<this second>", so nginx in front (deploy/nginx.conf) keeps the page until this
 * second ends and then revalidates it with its ETag (a 304 from the page cache while nothing changed). nginx counts
 * validity in whole seconds: a relative "1" keeps a page 1-2 s, this keeps it at most 1 s, so a vote or review
 * shows through nginx within ~1 s (docs/decisions/028). nginx never passes the header on to clients.
 */
let accelSecond = 0;
let accelValue = '';
export function accelExpires(): string {
  const s = Math.floor(Date.now() / 1000);
  if (s !== accelSecond) {
    accelSecond = s;
    accelValue = `@${s}`;
  }
  return accelValue;
}
export const ACCEL_EXPIRES_HEADER = 'x-accel-expires';

export const etagOf = (body: Buffer | string) => `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;

/** If-None-Match matches when any listed tag (weak or not) equals ours, or on "*". */
export function etagMatches(ifNoneMatch: string | undefined | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

/** Memory a cached page holds: its bytes and their compressed copies. */
const sizeOf = (p: CachedPage) => p.body.length + (p.br?.length ?? 0) + (p.gzip?.length ?? 0);

/**
 * LRU bounded by bytes. Entries of an older data version, or that `current` rejects (a vote since), are dropped when
 * read; `current` may instead answer a new version of the page (its vote slots re-spliced), which replaces it.
 */
export class PageCache {
  private readonly map = new Map<string, CachedPage>();
  private bytes = 0;
  /** For /metrics, read at scrape time: callers count hits and misses, the cache counts what it drops. */
  readonly stats = { hits: 0, misses: 0, evictedForSize: 0, droppedStale: 0, spliced: 0 };

  constructor(
    private readonly maxBytes: number,
    private readonly current?: (page: CachedPage) => CachedPage | undefined,
  ) {}

  get(key: string, version: number): CachedPage | undefined {
    const page = this.map.get(key);
    if (!page) return undefined;
    this.map.delete(key);
    const now = page.version !== version ? undefined : this.current ? this.current(page) : page;
    if (!now) {
      this.bytes -= sizeOf(page);
      this.stats.droppedStale++;
      return undefined;
    }
    if (now !== page) {
      this.bytes += sizeOf(now) - sizeOf(page);
      this.stats.spliced++;
    }
    this.map.set(key, now); // most recently used goes last
    return now;
  }

  set(key: string, page: CachedPage): void {
    if (sizeOf(page) > this.maxBytes / 4) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.bytes -= sizeOf(old);
    }
    this.map.set(key, page);
    this.bytes += sizeOf(page);
    for (const [k, p] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= sizeOf(p);
      this.stats.evictedForSize++;
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  get size() {
    return { entries: this.map.size, bytes: this.bytes };
  }
}
