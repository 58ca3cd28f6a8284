import type { Config } from '../config.js';
import type { Store } from '../db/db.js';
import { readDataVersion } from '../db/data-version.repo.js';
import type { Critic } from '../domain/schemas.js';
import { PageCache } from './cache.js';

/** Everything the web layer needs, built once per process. */
export interface Site {
  store: Store;
  config: Config;
  critics: Critic[];
  cache: PageCache;
  /** The data version last read from the database; rendered pages are valid for one version. */
  version(): number;
  /** Re-reads the data version now (call after a write, so this process sees it at once). */
  refreshVersion(): Promise<number>;
  /** A value derived from the data, loaded once per data version (shared by concurrent callers). */
  perVersion<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Stops polling; resolves once no poll is in flight, so the database can be closed after it. */
  close(): Promise<void>;
}

const VERSION_POLL_MS = 250;

export async function createSite(store: Store, config: Config, critics: Critic[], opts: { cacheBytes?: number } = {}): Promise<Site> {
  let version = 0;
  const read = async () => {
    version = await readDataVersion(store.db);
    return version;
  };
  await read();
  // Writes by other processes (the CLI, a worker, another web process) show up within one poll.
  let polling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    polling = read().catch(() => {});
  }, VERSION_POLL_MS);
  timer.unref();
  const memo = new Map<string, { version: number; value: Promise<unknown> }>();
  const perVersion = <T,>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = memo.get(key);
    if (hit && hit.version === version) return hit.value as Promise<T>;
    const value = load();
    memo.set(key, { version, value });
    value.catch(() => memo.delete(key));
    return value;
  };
  return {
    store,
    perVersion,
    config,
    critics,
    cache: new PageCache(opts.cacheBytes ?? 64 * 1024 * 1024),
    version: () => version,
    refreshVersion: read,
    close: async () => {
      clearInterval(timer);
      await polling;
    },
  };
}
