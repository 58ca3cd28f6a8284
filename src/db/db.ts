import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../config.js';
import type { DB } from './types.js';
import { migrateToLatest } from './migrate.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<DB>;
/** Repo methods take either the database or a transaction. */
export type DbOrTx = Kysely<DB> | Transaction<DB>;

export interface Store {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

// PostgreSQL's COUNT(*) is bigint, which pg returns as a string; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the database named by config (one SQLite file by default), and migrates it to the latest schema. */
export async function openStore(database: Database, opts: { migrate?: boolean } = {}): Promise<Store> {
  let db: Db;
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    // An idle connection the server drops (restart, failover) must not take the process down; the pool reconnects.
    pool.on('error', (err) => console.error(`PostgreSQL connection lost: ${err.message}`));
    db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    });
  } else {
    if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
    const sqlite = new SQLite(database.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), plugins: [new CamelCasePlugin()] });
  }
  const store: Store = { db, dialect: database.kind, close: () => db.destroy() };
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return store;
}

export const nowIso = () => new Date().toISOString();

/** Runs fn in a new transaction, or in the caller's when given one (so the work commits or rolls back with it). */
export function executeTx<T>(db: DbOrTx, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}

/**
 * Kysely prepares every query anew; preparing costs more than running our small queries. Statements are
 * reusable in better-sqlite3 and Kysely runs one query at a time per connection, so keep them by SQL text.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const statements = new Map<string, SQLite.Statement>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = sqlite.prepare(sql);
      if (statements.size >= max) statements.delete(statements.keys().next().value!);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get: (target, key) => {
      if (key === 'prepare') return prepare;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
