// The interface every discovery source implements, and the small helpers sources share to read listings safely.
import type { DiscoveryConfig, DiscoverySourceId, ResearchConfig } from '../config.js';
import type { Fetcher, FetchRequest, FetchResult, RateHeaders } from '../research/fetcher.js';
import type { IdentityHints } from './identity.js';

/**
 * One interface for every discovery source: a small module that reads one public listing through the careful
 * fetcher and turns each entry into a DiscoveredItem. Sources know nothing of the catalog or the queue.
 */
export interface DiscoverySource {
  id: DiscoverySourceId;
  /** As a person reads it: "Show HN", "GitHub". */
  label: string;
  /** True when the listing has only AI things in it (searched by AI topics); others need a clear AI word. */
  aiListing: boolean;
  /** Pause between two requests of this source (its published rate limit), on top of the fetcher's per-host one. */
  minIntervalMs?(config: SourceContext): number;
  list(ctx: SourceContext): Promise<DiscoveredItem[]>;
}

export interface SourceContext {
  discovery: DiscoveryConfig;
  research: ResearchConfig;
  http: SourceHttp;
  now: Date;
}

/** One entry of a listing, as the source saw it. */
export interface DiscoveredItem {
  source: DiscoverySourceId;
  /** The entry's id at the source (HN objectID, repo full name, package name). */
  sourceId: string;
  name: string;
  /** The tool's homepage (or its repository or model page when it has no other). */
  url: string;
  repo?: string;
  description: string;
  tags: string[];
  /** The source's own measure of interest: points, stars, likes, weekly downloads, votes; null when it has none. */
  signal: { value: number | null; metric: string };
  /** Where a person can see the entry at the source. */
  link: string;
  license?: string;
  hints: IdentityHints;
}

/** What the queue keeps of each source that listed a candidate. */
export interface FoundBy {
  source: DiscoverySourceId;
  label: string;
  /** "143 points", or empty when the source gives no measure. */
  signal: string;
  link: string;
  seenAt: string;
}

/** A source must stop for this run (rate limited for longer than we wait, or refused): the run goes on without it. */
export class SourceStopped extends Error {}

/**
 * The careful fetcher, with what a guest of a public API owes it: a pause between requests, and on 429 (or 403 with
 * no requests left, as GitHub answers) waiting out Retry-After / X-RateLimit-Reset once when it is short, else
 * stopping this source for the run. Never a retry loop.
 */
export class SourceHttp {
  private last = 0;
  /** Requests left in the current window, as the API last said. */
  private remaining: number | undefined;
  private resetAt = 0;

  constructor(
    private readonly fetcher: Fetcher,
    private readonly opts: {
      maxWaitMs: number;
      minIntervalMs?: number;
      sleep?: (ms: number) => Promise<void>;
      /** Each listing URL's last ETag / Last-Modified: sent again, and updated from the answers (conditional requests). */
      validators?: Map<string, { etag: string | null; lastModified: string | null }>;
    },
  ) {}

  private sleep(ms: number) {
    return (this.opts.sleep ?? ((m: number) => new Promise<void>((r) => setTimeout(r, m))))(ms);
  }

  async get(url: string, req: FetchRequest & { accept: readonly string[] }): Promise<Extract<FetchResult, { ok: true }>> {
    for (let attempt = 0; ; attempt++) {
      if (this.remaining === 0) {
        const wait = this.resetAt - Date.now();
        if (wait > this.opts.maxWaitMs) throw new SourceStopped(`rate limit used up; it resets in ${Math.ceil(wait / 1000)} s`);
        if (wait > 0) await this.sleep(wait);
        this.remaining = undefined;
      }
      // The published pace, unless the API tells us its own budget (X-RateLimit-Remaining), which we then follow.
      const gap = this.remaining === undefined ? (this.opts.minIntervalMs ?? 0) - (Date.now() - this.last) : 0;
      if (gap > 0) await this.sleep(gap);
      this.last = Date.now();
      const v = req.json === undefined ? this.opts.validators?.get(url) : undefined;
      const res = await this.fetcher.fetch(url, { robots: false, ...req, etag: v?.etag, lastModified: v?.lastModified });
      this.note(res.rate);
      if (res.ok) {
        if (!res.notModified && !res.truncated && (res.etag || res.lastModified) && req.json === undefined) this.opts.validators?.set(url, { etag: res.etag, lastModified: res.lastModified });
        return res;
      }
      const limited = res.status === 429 || (res.status === 403 && this.remaining === 0);
      if (!limited) throw new Error(res.reason);
      const wait = waitFor(res.rate);
      if (attempt > 0 || wait === undefined || wait > this.opts.maxWaitMs) {
        throw new SourceStopped(`rate limited (HTTP ${res.status}${wait !== undefined ? `, retry in ${Math.ceil(wait / 1000)} s` : ''}): stopped for this run`);
      }
      await this.sleep(wait);
      this.remaining = undefined;
      this.lastWait = wait;
    }
  }

  /** The last Retry-After waited out, for tests and logs. */
  lastWait = 0;

  /** The parsed answer; `{}` when the listing is unchanged since the last run (304): its items were seen then. */
  async json(url: string, req: FetchRequest = {}): Promise<unknown> {
    const res = await this.get(url, { ...req, accept: ['application/json'] });
    if (res.notModified) return {};
    if (res.truncated) throw new Error('answer too large');
    try {
      return JSON.parse(res.text);
    } catch {
      throw new Error('answer is not valid JSON');
    }
  }

  private note(rate: RateHeaders | undefined) {
    const left = Number(rate?.['x-ratelimit-remaining'] ?? rate?.['ratelimit-remaining']);
    if (!Number.isFinite(left)) return;
    this.remaining = left;
    this.resetAt = resetTime(rate) ?? Date.now() + 60_000;
  }
}

/** Milliseconds to wait from Retry-After (seconds or a date) or a reset header, when the answer gives one. */
function waitFor(rate: RateHeaders | undefined): number | undefined {
  const ra = rate?.['retry-after'];
  if (ra !== undefined) {
    const s = Number(ra);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const reset = resetTime(rate);
  return reset === undefined ? undefined : Math.max(0, reset - Date.now());
}

/** X-RateLimit-Reset is epoch seconds (GitHub); RateLimit-Reset is seconds from now (the IETF draft). */
function resetTime(rate: RateHeaders | undefined): number | undefined {
  const x = Number(rate?.['x-ratelimit-reset']);
  if (Number.isFinite(x) && x > 0) return x > 1e9 ? x * 1000 : Date.now() + x * 1000;
  const r = Number(rate?.['ratelimit-reset']);
  if (Number.isFinite(r) && r >= 0) return Date.now() + r * 1000;
  return undefined;
}

/** Plain values out of untrusted JSON. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
export const isHttp = (u: string | undefined): u is string => !!u && /^https?:\/\//i.test(u);
