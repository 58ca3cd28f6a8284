// `verdict db backup` and `verdict db restore` for SQLite (VACUUM INTO, checked) and PostgreSQL (pg_dump and pg_restore).
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { AppError } from '../errors.js';
import { knownMigrations } from './migrate.js';

/**
 * `verdict db backup` and `verdict db restore`. These work on the database file itself, beside any server, so
 * they use their own SQLite connection and never migrate: a backup taken before an upgrade must be of the old
 * schema, whatever version of the code takes it.
 *
 * SQLite backups are `VACUUM INTO`: one read transaction, so the copy is the database as it was at one instant
 * (every write committed before it began, none after), while the site keeps serving and taking votes (WAL
 * readers do not block writers). PostgreSQL backups are pg_dump's custom format.
 */

export interface BackupCheck {
  /** Migrations the file has run (the schema it holds). */
  migrations: number;
  tools: number;
  votes: number;
}

export interface BackupResult extends BackupCheck {
  file: string;
  bytes: number;
  ms: number;
}

const fsyncFile = (file: string) => {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** Opens a copy read-only, runs SQLite's check and reads what it holds; throws an AppError saying what is wrong. */
export function checkSqliteFile(file: string, opts: { full?: boolean } = {}): BackupCheck {
  if (!existsSync(file)) throw new AppError('not_found', `${file}: no such file`, 404);
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new AppError('invalid_backup', `${file} is not a SQLite database: ${(err as Error).message}`);
  }
  try {
    // quick_check after a backup (it reads every page); the full integrity_check before a restore puts it live.
    let result: unknown;
    try {
      result = db.pragma(opts.full ? 'integrity_check' : 'quick_check', { simple: true });
    } catch (err) {
      throw new AppError('invalid_backup', `${file} is not a usable SQLite database: ${(err as Error).message}`);
    }
    if (result !== 'ok') throw new AppError('invalid_backup', `${file} failed SQLite's integrity check: ${String(result)}`);
    const has = (table: string) => db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined;
    if (!has('kysely_migration') || !has('tools')) throw new AppError('invalid_backup', `${file} is a SQLite database, but not a Verdict one (no tools or migrations table)`);
    const count = (table: string) => (has(table) ? Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n) : 0);
    const ran = (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name);
    const known = new Set(knownMigrations());
    const unknown = ran.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new AppError('invalid_backup', `${file} was made by a newer Verdict (migrations this version does not know: ${unknown.slice(0, 3).join(', ')}); restore it with that version`);
    }
    return { migrations: ran.length, tools: count('tools'), votes: count('votes') };
  } finally {
    db.close();
  }
}

/** A consistent copy of a live SQLite database at `dest` (which must not exist), checked before it is named. */
export function backupSqlite(source: string, dest: string): BackupResult {
  const t0 = Date.now();
  if (!existsSync(source)) throw new AppError('not_found', `No database at ${source} (DATABASE_URL)`, 404);
  if (existsSync(dest)) throw new AppError('exists', `${dest} already exists: choose a new file name (a backup never overwrites one)`);
  mkdirSync(dirname(resolve(dest)), { recursive: true });
  // Written beside the destination and renamed once checked: FILE is complete or absent, never half a backup.
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  try {
    // The web's writes wait for nothing: VACUUM INTO reads a snapshot. A long write transaction elsewhere does not
    // block it either (WAL); only a checkpoint in progress can make it wait, briefly.
    db.pragma('busy_timeout = 10000');
    db.prepare('vacuum into ?').run(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new AppError('backup_failed', `Backup of ${source} failed: ${(err as Error).message}`, 500);
  } finally {
    db.close();
  }
  try {
    fsyncFile(partial);
    const check = checkSqliteFile(partial);
    renameSync(partial, dest);
    fsyncFile(dirname(resolve(dest)));
    return { file: dest, bytes: statSync(dest).size, ms: Date.now() - t0, ...check };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/**
 * Whether another connection has the database open: switching a WAL database out of WAL needs every other
 * connection gone, so SQLite refuses it with SQLITE_BUSY while a server, a worker or another command has it open.
 * When it succeeds the file is left in rollback-journal mode, a single self-contained file (openStore turns WAL back on).
 */
function claimExclusive(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    let mode: unknown;
    try {
      mode = db.pragma('journal_mode = delete', { simple: true });
    } catch (err) {
      if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) mode = 'busy';
      else throw err;
    }
    if (mode !== 'delete') {
      throw new AppError(
        'in_use',
        `${file} is in use by another process (a running server, worker or command): stop it first (systemctl stop verdict verdict-worker, or docker compose stop), then restore`,
        409,
      );
    }
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the live SQLite database: checks the backup whole, refuses while any other process has
 * the database open, keeps the current file beside it as `FILE.before-restore-<time>`, then copies the backup in
 * (beside, synced, renamed). The next start migrates it if it is older than the code.
 */
export function restoreSqlite(target: string, backup: string, now = new Date()): BackupCheck & { kept: string | undefined } {
  if (resolve(target) === resolve(backup)) throw new AppError('usage', `${backup} is the live database itself`);
  const check = checkSqliteFile(backup, { full: true });
  let kept: string | undefined;
  if (existsSync(target)) {
    claimExclusive(target);
    kept = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, kept);
    for (const side of ['-wal', '-shm', '-journal']) rmSync(target + side, { force: true });
  } else {
    mkdirSync(dirname(resolve(target)), { recursive: true });
  }
  const incoming = `${target}.restoring`;
  copyFileSync(backup, incoming);
  fsyncFile(incoming);
  renameSync(incoming, target);
  fsyncFile(dirname(resolve(target)));
  return { ...check, kept };
}

/** The connection's parts, with the password split off (it goes in PGPASSWORD, never on a command line or in output). */
export function pgTarget(url: string): { url: string; password: string | undefined } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { url: u.toString(), password };
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The pg_dump command for a backup, as an operator would type it (no password: PGPASSWORD). */
export function pgDumpCommand(url: string, file: string): string[] {
  return ['pg_dump', '--format=custom', '--no-owner', `--file=${file}`, `--dbname=${pgTarget(url).url}`];
}
export const commandLine = (argv: string[]) => argv.map(shellQuote).join(' ');

/** Runs a program to completion; `missing` when it is not on the PATH. */
export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string } | 'missing'> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolveRun('missing') : reject(err)));
    child.once('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * pg_dump of the database to `dest`, then `pg_restore --list` of the file as its check. 'missing' when pg_dump is
 * not on the PATH (the caller prints the command instead).
 */
export async function backupPostgres(url: string, dest: string, env: NodeJS.ProcessEnv): Promise<{ file: string; bytes: number; ms: number; entries: number } | 'missing'> {
  const t0 = Date.now();
  if (existsSync(dest)) throw new AppError('exists', `${dest} already exists: choose a new file name (a backup never overwrites one)`);
  mkdirSync(dirname(resolve(dest)), { recursive: true });
  const { password } = pgTarget(url);
  const childEnv = { ...env, ...(password ? { PGPASSWORD: password } : {}) };
  const partial = `${dest}.partial`;
  const dump = await run(pgDumpCommand(url, partial), childEnv);
  if (dump === 'missing') return 'missing';
  if (dump.code !== 0) {
    rmSync(partial, { force: true });
    throw new AppError('backup_failed', `pg_dump failed (exit ${dump.code}): ${dump.stderr.trim().split('\n').slice(-3).join(' ')}`, 500);
  }
  const list = await run(['pg_restore', '--list', partial], childEnv);
  if (list === 'missing' || list.code !== 0) {
    rmSync(partial, { force: true });
    throw new AppError('backup_failed', list === 'missing' ? 'pg_restore is not on the PATH, so the dump could not be checked' : `pg_restore could not read the dump: ${list.stderr.trim()}`, 500);
  }
  const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
  const tableData = (name: string) => new RegExp(`TABLE DATA public ${name} `).test(list.stdout);
  if (!tableData('tools') || !tableData('kysely_migration')) {
    rmSync(partial, { force: true });
    throw new AppError('backup_failed', 'The dump does not hold the tools and migrations tables: is DATABASE_URL the Verdict database?', 500);
  }
  renameSync(partial, dest);
  return { file: dest, bytes: statSync(dest).size, ms: Date.now() - t0, entries };
}
