import { readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { openStore } from './db/db.js';
import { AppError } from './errors.js';
import { loadCritics } from './panel/critics.js';
import { countTools } from './catalog/tools.repo.js';
import { importTools, parseImport } from './catalog/import.js';
import { createSite } from './web/site.js';
import { startServer } from './web/server.js';
import { startWorker } from './jobs/worker.js';

/** `npm start`: the whole site on the configured database, seeded with the demo catalog when empty. */
async function main() {
  const config = loadConfig();
  const critics = loadCritics(config.criticsDir);
  const store = await openStore(config.database);
  if (config.seedDemo && (await countTools(store.db)) === 0) {
    const doc = JSON.parse(readFileSync(new URL('../data/demo.json', import.meta.url), 'utf8'));
    const r = await importTools(store.db, parseImport(doc, { threshold: config.shipThreshold, critics: critics.map((c) => c.id) }));
    console.log(`Empty database: loaded the demo catalog (${r.created} tools, ${r.reviewsAdded} reviews)`);
  }
  const site = await createSite(store, config, critics);
  const server = await startServer(site, config.port, config.host);
  console.log(`Verdict is running at ${config.publicUrl} (database: ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'})`);
  // Panel reviews, digest sends and the schedule, in this process unless WORKER=false (then run `verdict worker`).
  const worker = config.worker ? startWorker({ db: store.db, config, critics }) : undefined;
  const stop = async () => {
    await site.close();
    // Running jobs stop at a safe point; a job that does not stop in time is taken over once its lease expires.
    await Promise.all([server.close(), Promise.race([worker?.stop(), new Promise((r) => setTimeout(r, 10_000).unref())])]);
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`verdict: ${err instanceof AppError ? err.message : (err as Error).stack ?? String(err)}`);
  process.exit(1);
});
