import { loadConfig } from '../../src/config.js';
import { createSite, type Site } from '../../src/web/site.js';
import { startServer } from '../../src/web/server.js';
import { freshStore, type TestStore } from './db.js';
import { CRITICS, seedDemo } from './fixtures.js';
import type { Dialect } from '../../src/db/db.js';

export interface TestSite {
  url: string;
  site: Site;
  store: TestStore;
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The real app over real HTTP on 127.0.0.1, on a fresh database seeded with the demo catalog. */
export async function startTestSite(dialect: Dialect, opts: { seed?: boolean; env?: Record<string, string> } = {}): Promise<TestSite> {
  const store = await freshStore(dialect);
  if (opts.seed !== false) await seedDemo(store.db);
  const config = loadConfig({ PUBLIC_URL: 'http://verdict.test', ...opts.env });
  const site = await createSite(store, config, CRITICS);
  const server = await startServer(site, 0, '127.0.0.1');
  return {
    url: server.url,
    site,
    store,
    get: (path, init) => fetch(server.url + path, { redirect: 'manual', ...init }),
    close: async () => {
      await site.close();
      await server.close();
      await store.close();
    },
  };
}
