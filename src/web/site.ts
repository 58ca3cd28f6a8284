// The Site: everything the web layer needs (store, config, critics, page cache, data versions and touches), built once per process.
import type { Config } from '../config.js';
import type { Store } from '../db/db.js';
import { claimCdnPurge, readVersions, toolsTouchedSince } from '../db/data-version.repo.js';
import type { Critic } from '../domain/schemas.js';
import { etagOf, PageCache, type CachedPage } from './cache.js';
import { compressVariants } from './compression.js';
import { respliceSlots } from './vote-slots.js';
import { reportPageCache } from '../ops/metrics.js';
import { CATALOG_TAG, CdnPurger, targetsOf, voteTags } from './cdn.js';
import { log } from '../ops/log.js';
import type { StoredVotes } from '../community/votes.repo.js';

/** Everything the web layer needs, built once per process. */
export interface Site {
  store: Store;
  config: Config;
  critics: Critic[];
  cache: PageCache;
  /** The data version last read from the database; rendered pages are valid for one version. */
  version(): number;
  /** The highest per-tool touch (vote write) this process has seen; take it before reading what you render. */
  touchCursor(): number;
  /**
   * Whether something read at `since` is still current (docs/decisions/017): with `tools`, none of them was
   * touched after `since`; without (a page that did not say which tools it shows), no touch at all since, or
   * it is younger than LIST_STALE_MS.
   */
  untouched(since: number, tools: readonly number[] | undefined, storedAt: number): boolean;
  /** Re-reads the versions now (call after a write, so this process sees it at once). */
  refreshVersion(): Promise<number>;
  /**
   * Takes in a vote this process just wrote, with the counts and touch its transaction stored: when that touch is the
   * very next one, the cursor moves on to it without reading the database; otherwise the versions are read again.
   */
  noteVote(toolId: number, stored: StoredVotes): Promise<void>;
  /**
   * A value derived from the data, loaded once per data version (shared by concurrent callers). A value that
   * shows community figures names its tools with `toolsOf`, so a vote on one of them reloads it.
   */
  perVersion<T>(key: string, load: () => Promise<T>, toolsOf?: (value: T) => readonly number[]): Promise<T>;
  /** Stops polling; resolves once no poll is in flight, so the database can be closed after it. */
  close(): Promise<void>;
  /**
   * Operating state for /readyz: the worker this process runs, if any (its heartbeat must be recent), and whether
   * the process is stopping (then it reports not ready, so a load balancer sends new requests elsewhere).
   */
  ops: { workerId?: string; stopping: boolean };
  /** Purges pages at the CDN after writes, when one is configured (src/web/cdn.ts). */
  cdn: CdnPurger | undefined;
}

const VERSION_POLL_MS = 250;
/** How long a page that did not name its tools may show vote counts older than the latest vote. */
export const LIST_STALE_MS = 1000;
const TOUCH_PAGE = 1000;
/** perVersion values kept per process, the oldest dropped first. */
const MEMO_ENTRIES = 5000;

export async function createSite(store: Store, config: Config, critics: Critic[], opts: { cacheBytes?: number } = {}): Promise<Site> {
  let version = 0;
  let cursor = 0;
  // Tools touched since the data version last changed, with their touch and stored vote counts at that touch (a
  // catalog change drops every page anyway).
  const touches = new Map<number, StoredVotes>();
  // perVersion's values, oldest first; every one of them is stale once the data version moves.
  const memo = new Map<string, { version: number; since: number; tools?: readonly number[]; at: number; value: Promise<unknown> }>();
  // The CDN is told what this process's cache just dropped, whoever wrote it (this process, another, the worker, the
  // CLI): the first process to see a change claims its purge in the database, so N web processes purge it once.
  const targets = config.cdn ? targetsOf(config.cdn) : [];
  const cdn = targets.length ? new CdnPurger(store.db, targets) : undefined;
  const purge = (claims: ['data' | 'touch', number][], tags: () => string[]) => {
    if (!cdn) return;
    void (async () => {
      let won = false;
      for (const [kind, value] of claims) if (await claimCdnPurge(store.db, kind, value)) won = true;
      if (won) cdn.add(tags());
    })().catch((err) => log().warn({ err }, 'cdn purge: could not claim a change (the next poll tries again)'));
  };
  const read = async () => {
    const v = await readVersions(store.db);
    if (v.data !== version) {
      version = v.data;
      touches.clear();
      memo.clear();
      cursor = v.touch;
      // Every page went, votes before this read included: purge `catalog`, and the touches up to here with it.
      purge([['data', v.data], ['touch', v.touch]], () => [CATALOG_TAG]);
      return version;
    }
    // Only the tools touched since the last poll: one index range, usually empty or a few rows.
    if (v.touch > cursor) {
      let from = { touched: cursor, id: 0 };
      const touched = new Set<number>();
      for (;;) {
        const rows = await toolsTouchedSince(store.db, from, TOUCH_PAGE);
        for (const r of rows) {
          // Never back: noteVote may have put in a newer touch of this tool while these rows were read.
          if ((touches.get(r.id)?.touched ?? -1) <= r.touched) touches.set(r.id, r);
          // The keyset starts at (cursor, 0): tools stamped with the cursor itself were seen last time.
          if (r.touched > cursor) touched.add(r.id);
        }
        if (rows.length > 0) from = rows.at(-1)!;
        if (rows.length < TOUCH_PAGE) break;
      }
      cursor = Math.max(cursor, v.touch, from.touched);
      purge([['touch', cursor]], () => voteTags(touched));
    }
    return version;
  };
  // Touches are numbered in commit order (every vote transaction bumps the counter first, under its lock), so when
  // this vote's touch is the cursor's next, every touch up to it has been seen.
  const noteVote = async (toolId: number, stored: StoredVotes) => {
    if (stored.touched !== cursor + 1) return void (await read());
    touches.set(toolId, stored);
    cursor = stored.touched;
    purge([['touch', cursor]], () => voteTags([toolId]));
  };
  const untouched = (since: number, tools: readonly number[] | undefined, storedAt: number) =>
    tools ? tools.every((id) => (touches.get(id)?.touched ?? 0) <= since) : cursor === since || Date.now() - storedAt < LIST_STALE_MS;
  await read();
  // Writes by other processes (the CLI, a worker, another web process) show up within one poll.
  let polling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    polling = read().catch(() => {});
  }, VERSION_POLL_MS);
  timer.unref();
  const perVersion = <T,>(key: string, load: () => Promise<T>, toolsOf?: (value: T) => readonly number[]): Promise<T> => {
    const hit = memo.get(key);
    // Values without toolsOf do not depend on votes: the data version alone governs them.
    if (hit && hit.version === version && (!hit.tools || untouched(hit.since, hit.tools, hit.at))) return hit.value as Promise<T>;
    const entry: { version: number; since: number; tools?: readonly number[]; at: number; value: Promise<unknown> } = {
      version,
      since: cursor,
      at: Date.now(),
      value: Promise.resolve(),
    };
    const value = load();
    entry.value = value;
    if (toolsOf) {
      entry.tools = [];
      void value.then((v) => (entry.tools = toolsOf(v)), () => {});
    }
    // Bounded: per-tool values (one per tool ever compared) would otherwise pile up at catalog size.
    memo.delete(key);
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(key, entry);
    value.catch(() => memo.get(key) === entry && memo.delete(key));
    return value;
  };
  const cache = new PageCache(opts.cacheBytes ?? 64 * 1024 * 1024, (page) => {
    if (untouched(page.since ?? 0, page.tools, page.storedAt ?? 0)) return page;
    // A page with vote slots stays: the counts of its tools as stored by the votes are spliced in (decision 029).
    return page.slots ? resplice(page) : undefined;
  });
  const resplice = (page: CachedPage): CachedPage => {
    const since = cursor;
    const next = respliceSlots(page.body, page.slots!, (id) => touches.get(id));
    if (!next) return { ...page, since };
    const etag = etagOf(next.body);
    // Brotli and gzip made again here, once per change and never per request, synchronously at a quicker level:
    // 0.8 ms in all for a 37 KB page, where zlib's thread pool cost 1.0-1.3 ms of CPU for the same (hand-off and
    // chunking) and left a moment when readers got the identity body (docs/decisions/029).
    return {
      ...page,
      body: next.body,
      slots: next.placed,
      etag,
      headers: page.headers.map(([k, v]) => (k === 'etag' ? [k, etag] : [k, v])),
      since,
      br: undefined,
      gzip: undefined,
      ...compressVariants(next.body, page.headers.find(([k]) => k === 'content-type')?.[1], true),
    };
  };
  const unreport = reportPageCache(() => ({ ...cache.stats, ...cache.size }));
  return {
    store,
    perVersion,
    config,
    critics,
    cache,
    version: () => version,
    touchCursor: () => cursor,
    untouched,
    refreshVersion: read,
    noteVote,
    close: async () => {
      clearInterval(timer);
      unreport();
      await polling;
      await cdn?.close();
    },
    ops: { stopping: false },
    cdn,
  };
}
