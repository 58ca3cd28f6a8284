// Registers `verdict db backup` and `verdict db restore` on the CLI (the work is in src/db/backup.ts).
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { backupPostgres, backupSqlite, commandLine, pgDumpCommand, pgTarget, restoreSqlite } from '../db/backup.js';
import type { CliContext } from './context.js';

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** `verdict db backup FILE` and `verdict db restore FILE` (src/db/backup.ts). */
export function registerBackup(db: Command, ctx: () => CliContext) {
  db.command('backup')
    .description('Copy the database to FILE while the site runs (SQLite: a consistent snapshot, checked; PostgreSQL: pg_dump)')
    .argument('<file>', 'the backup to write (must not exist)')
    .action(async (file: string) => {
      const c = ctx();
      const database = c.config.database;
      if (database.kind === 'sqlite') {
        const r = backupSqlite(database.file, file);
        c.out({ dialect: 'sqlite', ...r }, () => `Backed up ${database.file} to ${r.file} (${size(r.bytes)}, ${r.tools} tools, ${r.votes} votes, ${r.migrations} migrations) in ${(r.ms / 1000).toFixed(1)} s; checked: it opens and passes SQLite's check.`);
        return;
      }
      const r = await backupPostgres(database.url, file, c.io.env);
      if (r === 'missing') {
        const command = commandLine(pgDumpCommand(database.url, file));
        const password = pgTarget(database.url).password !== undefined;
        c.io.stderr.write(
          `verdict: pg_dump is not on the PATH, so no backup was made. Install the PostgreSQL client (apt-get install postgresql-client) or run, where it is installed:\n\n  ${password ? 'PGPASSWORD=… ' : ''}${command}\n\n` +
            `${password ? '(PGPASSWORD: the password in DATABASE_URL.) ' : ''}Check it with: pg_restore --list ${commandLine([file])}\n`,
        );
        if (c.json) c.out({ dialect: 'postgres', made: false, command }, () => '');
        c.exitCode = 1;
        return;
      }
      c.out({ dialect: 'postgres', ...r }, () => `Backed up the PostgreSQL database to ${r.file} with pg_dump (${size(r.bytes)}, ${r.entries} entries) in ${(r.ms / 1000).toFixed(1)} s; checked: pg_restore reads it.`);
    });

  db.command('restore')
    .description('SQLite: replace the database with a backup (refused while a server or worker has it open; the old file is kept beside it)')
    .argument('<file>', 'a backup made by `verdict db backup`')
    .action(async (file: string) => {
      const c = ctx();
      const database = c.config.database;
      if (database.kind !== 'sqlite') {
        const target = pgTarget(database.url).url;
        throw new AppError(
          'usage',
          `restore works on SQLite files. For PostgreSQL, stop the site and run: pg_restore --clean --if-exists --no-owner --dbname=${commandLine([target])} ${commandLine([file])}`,
        );
      }
      const r = restoreSqlite(database.file, file);
      c.out({ dialect: 'sqlite', file: database.file, from: file, ...r }, () =>
        [
          `Restored ${database.file} from ${file} (${r.tools} tools, ${r.votes} votes, ${r.migrations} migrations).`,
          r.kept ? `The database it replaced is kept as ${r.kept}.` : 'There was no database there before.',
          'Start the site: pending migrations run at start.',
        ].join('\n'),
      );
    });
}
