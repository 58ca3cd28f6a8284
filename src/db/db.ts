// Opens the database (SQLite or PostgreSQL) as one Kysely store, and the shared transaction, busy and unique-violation helpers.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CamelCasePlugin,
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Database } from '../config.js';
import { AppError } from '../errors.js';
import type { DB } from './types.js';
import { migrateToLatest } from './migrate.js';
import { log } from '../ops/log.js';
import { dbBusyErrors, dbBusyRetries } from '../ops/metrics.js';

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

/** Answered 503 with Retry-After: the database stayed busy (another writer held its lock) for the whole wait budget. */
export class DatabaseBusyError extends AppError {
  readonly retryAfterSeconds = 2;
  constructor() {
    super('busy', 'The site is busy writing something else. Please try again in a moment.', 503);
  }
}

/**
 * Lock conflicts that a retry resolves: SQLite's SQLITE_BUSY family, PostgreSQL's serialization failure,
 * deadlock and lock-not-available. They become a 503 with Retry-After, never a 500.
 */
export function asBusyError(err: unknown): DatabaseBusyError | undefined {
  if (err instanceof DatabaseBusyError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return code.startsWith('SQLITE_BUSY') || code === '40001' || code === '40P01' || code === '55P03' ? new DatabaseBusyError() : undefined;
}

/** A unique constraint refused the write, told by the driver's error code (SQLite's or PostgreSQL's 23505), never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface StoreOptions {
  migrate?: boolean;
  /**
   * SQLite: how long a write waits, asynchronously, for another process's write lock before giving up with
   * DatabaseBusyError. A few seconds for the web; the CLI passes much more so a long import waits its turn.
   */
  busyWaitMs?: number;
}

/** Opens the database named by config (one SQLite file by default), and migrates it to the latest schema. */
export async function openStore(database: Database, opts: StoreOptions = {}): Promise<Store> {
  let db: Db;
  if (database.kind === 'postgres') {
    // A host that never answers fails within seconds, not never (pg's default connection timeout is none).
    const pool = new pg.Pool({ connectionString: database.url, max: 10, connectionTimeoutMillis: 10_000 });
    // Connect once up front, so a server that refuses, or a database that does not exist, is one clear error.
    try {
      (await pool.connect()).release();
    } catch (err) {
      await pool.end();
      throw new AppError('database', `Cannot connect to PostgreSQL at ${whereIs(database.url)}: ${(err as Error).message}`);
    }
    // An idle connection the server drops (restart, failover) must not take the process down; the pool reconnects.
    pool.on('error', (err) => log().error({ err }, 'PostgreSQL connection lost'));
    db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    });
  } else {
    const sqlite = openSqlite(database.file);
    db = new Kysely<DB>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite, opts.busyWaitMs ?? 5000),
      plugins: [new CamelCasePlugin()],
    });
  }
  const store: Store = { db, dialect: database.kind, close: () => db.destroy() };
  if (opts.migrate !== false) {
    try {
      const r = await migrateToLatest(db);
      // The stored figures' columns just arrived (an upgrade from before 20261130_001): fill them from the one
      // place their maths lives, instead of a copy of it in the migration (docs/decisions/011).
      if (r.results?.some((m) => m.migrationName === '20261130_001_figures' && m.status === 'Success')) {
        const { rebuildFigures } = await import('../catalog/figures.repo.js');
        await rebuildFigures(db);
      }
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return store;
}

/** host:port/database of a PostgreSQL URL, for messages: never its user or password. */
function whereIs(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Opens (creating it and its folder when missing) a SQLite file with our settings. Every way this can fail
 * (a folder that cannot be made, a path that is a folder, a file that is not a database) is one clear AppError.
 */
function openSqlite(file: string): SQLite.Database {
  const fail = (why: string) => new AppError('database', `Cannot open the SQLite database ${file}: ${why}`);
  if (file !== ':memory:') makeFolder(dirname(file), fail);
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // No busy wait inside SQLite: it would block the event loop. ImmediateSqliteDriver waits asynchronously instead.
    sqlite.pragma('busy_timeout = 0');
    sqlite.pragma('synchronous = NORMAL');
    return sqlite;
  } catch (err) {
    sqlite?.close();
    const code = (err as { code?: string }).code;
    throw fail(code === 'SQLITE_CANTOPEN' && existsSync(file) && statSync(file).isDirectory() ? 'it is a folder' : (err as Error).message);
  }
}

/**
 * Makes a folder and its missing parents one level at a time. Node's recursive mkdirSync never returns under
 * /proc (it retries the ENOENT forever), so `DATABASE_URL=/proc/x/y.db` hung instead of failing.
 */
function makeFolder(dir: string, fail: (why: string) => Error): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(`cannot create the folder ${d} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
}

export const nowIso = () => new Date().toISOString();

/**
 * Runs fn in a new transaction, or in the caller's when given one (so the work commits or rolls back with it).
 * On SQLite a new transaction begins IMMEDIATE, waiting asynchronously for another writer (ImmediateSqliteDriver).
 */
export function executeTx<T>(db: DbOrTx, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isBusy = (err: unknown) => String((err as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly busyWaitMs: number,
  ) {
    super(config);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config, this.sqlite, this.busyWaitMs);
  }
}

/**
 * Kysely's SQLite driver with two changes. Transactions begin IMMEDIATE: they take the write lock up front, so a
 * transaction that reads and then writes cannot fail half-way with SQLITE_BUSY(_SNAPSHOT); every transaction we
 * run writes. And a statement refused with SQLITE_BUSY outside a transaction (the BEGIN itself, or an
 * autocommit write) had no effect, so it is retried after a jittered, growing sleep on the event loop, with the
 * connection released meanwhile so this process's reads go on (WAL readers do not need the lock).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly busyWaitMs: number,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return { executeQuery: (q) => this.run(connection, q), streamQuery: (q, n) => connection.streamQuery(q, n) };
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  private async run<R>(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.busyWaitMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
      try {
        return await connection.executeQuery<R>(query);
      } catch (err) {
        if (!isBusy(err) || this.sqlite.inTransaction) throw err;
        if (Date.now() >= deadline) {
          dbBusyErrors.inc();
          throw new DatabaseBusyError();
        }
        dbBusyRetries.inc();
      }
      // Let this process's other queries use the connection while we wait for the other process's lock.
      await super.releaseConnection();
      await sleep(pause / 2 + Math.random() * pause);
      await super.acquireConnection();
    }
  }
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
