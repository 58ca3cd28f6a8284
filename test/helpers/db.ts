import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Dialect, type Store } from '../../src/db/db.js';
import { configureLogging } from '../../src/ops/log.js';
import type { LogLevel } from '../../src/config.js';

// In-process servers would log a line per request into the test runner's output: warnings and errors only, unless
// LOG_LEVEL says otherwise. Tests that read logs capture them (configureLogging({destination})) or spawn processes.
configureLogging({ level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn' });

const pgUrl = process.env.TEST_DATABASE_URL;

/** The dialects database tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export const DIALECTS: { dialect: Dialect; skip: string | false }[] = [
  { dialect: 'sqlite', skip: false },
  { dialect: 'postgres', skip: pgUrl ? false : 'PostgreSQL tests skipped: TEST_DATABASE_URL is not set (.ci/run sets it)' },
];

export interface TestStore extends Store {
  /** The DATABASE_URL-style location of this database, for child processes. */
  location: string;
}

/** A fresh, migrated, empty database of the given dialect; close() also deletes it. */
export async function freshStore(dialect: Dialect): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-test-'));
    const file = join(dir, 'test.db');
    const store = await openStore({ kind: 'sqlite', file });
    return {
      ...store,
      location: file,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `verdict_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ kind: 'postgres', url: url.toString() });
  return {
    ...store,
    location: url.toString(),
    close: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
