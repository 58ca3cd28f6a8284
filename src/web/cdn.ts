// CDN tags (Surrogate-Key, Cache-Tag) of cached pages, and the purger that sends the tags writes made stale to a webhook or Cloudflare.
import type { CdnConfig } from '../config.js';
import { executeTx, type Db } from '../db/db.js';
import { advanceTat } from '../community/rate-limits.repo.js';
import { log } from '../ops/log.js';
import { cdnPurgedTags, cdnPurgeFallbacks, cdnPurges } from '../ops/metrics.js';
import type { Shows } from './freshness.js';

/**
 * A CDN in front of the site (docs/decisions/028-cache-in-front.md): each cached page names what it shows in
 * Surrogate-Key (Fastly and others, space-separated) and Cache-Tag (Cloudflare, comma-separated), and writes purge
 * those tags. Both sides come from the one declaration of what invalidates a page (src/web/freshness.ts):
 *  - every cached page carries `catalog`: any catalog write bumps the data version and drops every page, so a
 *    catalog write purges `catalog`, which is everything;
 *  - a page that shows tools (`showsTools`) carries `tool-<id>` for each, and a vote on a tool purges its tag;
 *  - a page that shows votes of tools it does not name (`any-votes`: feed, badges, share images) carries `votes`,
 *    which every vote purges.
 */
export const CATALOG_TAG = 'catalog';
export const VOTES_TAG = 'votes';
export const toolTag = (id: number) => `tool-${id}`;

/** The tags of a cached page, from its route's `shows` and the tools it named. */
export function surrogateKeys(shows: Shows, tools: readonly number[] | undefined): string[] {
  const tags = [CATALOG_TAG];
  if (shows === 'any-votes') tags.push(VOTES_TAG);
  for (const id of new Set(tools ?? [])) tags.push(toolTag(id));
  return tags;
}

/** The tags a vote on these tools makes stale. */
export const voteTags = (toolIds: Iterable<number>): string[] => [VOTES_TAG, ...[...new Set(toolIds)].map(toolTag)];

/** Cloudflare's free plan: 5 purge requests a minute, 100 tags each. Shared by every process on one database. */
export const PURGE_LIMITS = { perMinute: 5, tagsPerRequest: 100, batchMs: 1000, timeoutMs: 10_000 };
export type PurgeLimits = typeof PURGE_LIMITS;
const BUCKET = 'cdnPurge';

interface Target {
  name: 'webhook' | 'cloudflare';
  url: string;
  headers: Record<string, string>;
}

export const targetsOf = (cdn: CdnConfig): Target[] => [
  ...(cdn.webhookUrl ? [{ name: 'webhook' as const, url: cdn.webhookUrl, headers: {} }] : []),
  ...(cdn.cloudflare
    ? [{ name: 'cloudflare' as const, url: `${cdn.cloudflare.apiUrl}/zones/${cdn.cloudflare.zoneId}/purge_cache`, headers: { authorization: `Bearer ${cdn.cloudflare.apiToken}` } }]
    : []),
];

/**
 * Purges tags at the CDN, off the write path: `add` only records them; a flush `batchMs` later sends what has
 * gathered, in requests of at most `tagsPerRequest` tags, within `perMinute` requests a minute for every process on
 * the database (a token bucket in rate_limits). When the tags pending need more requests than the bucket has left,
 * they are purged as `catalog` in one request (every cached page carries it: everything goes) rather than dropped
 * or delayed past the minute. With no token left, they wait for the next one. A CDN that fails or does not answer
 * is logged and counted (verdict_cdn_purge_requests_total{outcome="failed"}), and its tags are tried again with
 * the next flush; nothing here ever throws into a write.
 */
export class CdnPurger {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly targets: readonly Target[],
    private readonly limits: PurgeLimits = PURGE_LIMITS,
  ) {}

  add(tags: Iterable<string>): void {
    for (const t of tags) this.pending.add(t);
    if (this.pending.size) this.schedule(this.limits.batchMs);
  }

  /** Sends what is pending now (tests, and a stopping process), waiting for a flush already under way. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    if (!this.pending.size) return;
    this.running = this.send().finally(() => (this.running = undefined));
    await this.running;
  }

  /** Sends what is pending, at most `waitMs`; later additions are not sent. */
  async close(waitMs = 2000): Promise<void> {
    this.closed = true;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((r) => (timeout = setTimeout(r, waitMs).unref()))]);
    clearTimeout(timeout);
    if (this.timer) clearTimeout(this.timer);
    if (this.pending.size) log().warn({ tags: this.pending.size }, 'cdn purge: stopped with tags not purged (those pages expire at the CDN on their own)');
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) return this.schedule(ms);
      this.running = this.send().finally(() => (this.running = undefined));
    }, ms);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    const tags = [...this.pending];
    let batches: string[][] = [];
    if (tags.includes(CATALOG_TAG)) batches = [[CATALOG_TAG]];
    else for (let i = 0; i < tags.length; i += this.limits.tagsPerRequest) batches.push(tags.slice(i, i + this.limits.tagsPerRequest));
    let granted: { requests: number; waitMs: number };
    try {
      granted = await this.take(batches.length);
    } catch (err) {
      log().warn({ err }, 'cdn purge: could not read the purge rate limit; trying again shortly');
      return this.schedule(5000);
    }
    if (granted.requests === 0) return this.schedule(granted.waitMs);
    if (granted.requests < batches.length) {
      cdnPurgeFallbacks.inc();
      log().warn({ tags: tags.length, requestsLeft: granted.requests }, 'cdn purge: more tags than the rate limit allows this minute; purging "catalog" (everything) instead');
      batches = [[CATALOG_TAG]];
    }
    this.pending.clear();
    for (const batch of batches) {
      const ok = await Promise.all(this.targets.map((t) => this.post(t, batch)));
      // Failed tags are tried again with the next flush (a later batch, or `catalog`, may include them anyway).
      if (ok.includes(false)) for (const t of batch) this.pending.add(t);
    }
    if (this.pending.size) this.schedule(Math.max(this.limits.batchMs, 60_000 / this.limits.perMinute));
  }

  private async post(target: Target, tags: string[]): Promise<boolean> {
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: JSON.stringify({ tags }),
        signal: AbortSignal.timeout(this.limits.timeoutMs),
      });
      const text = await res.text();
      // Cloudflare answers 200 with {"success":false,...} for some refusals.
      let refused = !res.ok;
      if (!refused && target.name === 'cloudflare') refused = !/"success"\s*:\s*true/.test(text);
      if (refused) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      cdnPurges.inc({ target: target.name, outcome: 'ok' });
      cdnPurgedTags.inc({ target: target.name }, tags.length);
      return true;
    } catch (err) {
      cdnPurges.inc({ target: target.name, outcome: 'failed' });
      log().warn({ target: target.name, tags: tags.length, err: (err as Error).message }, 'cdn purge failed; will try again');
      return false;
    }
  }

  /**
   * Takes `want` requests from the shared bucket if it has them, else one (the `catalog` fallback), else none, with
   * the wait until a token is back. One transaction: concurrent processes queue on the bucket's row.
   */
  private take(want: number): Promise<{ requests: number; waitMs: number }> {
    const interval = 60_000 / this.limits.perMinute;
    const capacity = this.limits.perMinute;
    return executeTx(this.db, async (tx) => {
      const now = Date.now();
      const tat = await advanceTat(tx, BUCKET, 'all', now, 0);
      const free = Math.floor((now + capacity * interval - tat) / interval + 1e-9);
      const requests = free >= want ? want : free >= 1 ? 1 : 0;
      if (requests > 0) await advanceTat(tx, BUCKET, 'all', now, requests * interval);
      return { requests, waitMs: Math.max(this.limits.batchMs, tat - (capacity - 1) * interval - now) };
    });
  }
}
