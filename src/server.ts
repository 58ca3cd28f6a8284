// `npm start`: opens the configured database, seeds the demo catalog when empty, serves the site and runs the worker in-process unless turned off.
import { readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { openStore } from './db/db.js';
import { AppError } from './errors.js';
import { loadCritics } from './panel/critics.js';
import { countTools } from './catalog/tools.repo.js';
import { importTools, parseImport } from './catalog/import.js';
import { createSite } from './web/site.js';
import { startServer } from './web/server.js';
import { startWorker } from './worker/worker.js';
import { configureLogging, log } from './ops/log.js';

/** `npm start`: the whole site on the configured database, seeded with the demo catalog when empty. */
async function main() {
  const config = loadConfig();
  configureLogging({ level: config.logLevel, fd: 1 });
  const critics = loadCritics(config.criticsDir);
  const store = await openStore(config.database);
  if (config.seedDemo && (await countTools(store.db)) === 0) {
    const doc = JSON.parse(readFileSync(new URL('../data/demo.json', import.meta.url), 'utf8'));
    const r = await importTools(store.db, parseImport(doc, { threshold: config.shipThreshold, critics: critics.map((c) => c.id) }));
    log().info({ tools: r.created, reviews: r.reviewsAdded }, `Empty database: loaded the demo catalog (${r.created} tools, ${r.reviewsAdded} reviews)`);
  }
  const site = await createSite(store, config, critics);
  const server = await startServer(site, config.port, config.host);
  // Panel reviews, digest sends and the schedule, in this process unless WORKER=false (then run `verdict worker`).
  const worker = config.worker ? startWorker({ db: store.db, config, critics }) : undefined;
  site.ops.workerId = worker?.id;
  log().info(
    { port: config.port, database: config.database.kind, worker: worker?.id ?? false },
    `Verdict is running at ${config.publicUrl} (database: ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'})`,
  );

  /**
   * SIGTERM (systemd, docker stop) or Ctrl-C: /readyz turns 503, no new connections are accepted, requests in flight
   * and running jobs get SHUTDOWN_TIMEOUT_MS to finish (a job still running then is released for another worker), and
   * the database is closed cleanly. A second signal exits at once.
   */
  let stopping = false;
  const stop = async (signal: string) => {
    const t0 = Date.now();
    log().info({ signal, timeoutMs: config.shutdownTimeoutMs }, `${signal}: stopping (requests in flight and running jobs get ${config.shutdownTimeoutMs} ms)`);
    site.ops.stopping = true;
    const [http, jobs] = await Promise.all([server.drain(config.shutdownTimeoutMs), worker?.stop({ timeoutMs: config.shutdownTimeoutMs })]);
    await site.close();
    await store.close();
    log().info({ ms: Date.now() - t0, cut: http.cut, released: jobs?.released ?? 0 }, 'stopped');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err) => {
        log().error({ err }, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  log().fatal({ err }, `verdict: ${err instanceof AppError ? err.message : 'could not start'}`);
  // The one line an operator reads first, on stderr, as before.
  console.error(`verdict: ${err instanceof AppError ? err.message : (err as Error).stack ?? String(err)}`);
  process.exit(1);
});
