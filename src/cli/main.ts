// The `verdict` command's entry: builds the CLI from every command's register function (plus db migrate and rebuild-figures) and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { AppError } from '../errors.js';
import { migrateToLatest } from '../db/migrate.js';
import { rebuildFigures } from '../catalog/figures.repo.js';
import { CliContext, guarded, processIo, type CliIo } from './context.js';
import { excerpt } from '../domain/text.js';
import { registerCatalog } from './catalog.cli.js';
import { registerReview } from './review.cli.js';
import { registerSubmissions } from './submissions.cli.js';
import { registerReports } from './reports.cli.js';
import { registerJobs } from './jobs.cli.js';
import { registerEval } from './eval.cli.js';
import { registerResearch } from './research.cli.js';
import { registerDiscover } from './discover.cli.js';
import { registerStatus } from './status.cli.js';
import { registerBackup } from './backup.cli.js';
import { configureLogging } from '../ops/log.js';
import { LOG_LEVELS, type LogLevel } from '../config.js';

/**
 * Runs the `verdict` command. Exit status: 0 success, 1 failure, 2 bad usage.
 * `io` defaults to this process's environment and streams; tests pass their own.
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const all = { ...processIo(), ...io };
  const { env } = all;
  // Everything printed goes through the guard: public text never drives the operator's terminal (issue 16.4).
  const stdout = guarded(all.stdout);
  const stderr = guarded(all.stderr);
  // Commands print their own output; the log (LLM calls, fetches) goes to stderr, and only warnings unless LOG_LEVEL
  // asks for more: at info it would garble progress displays. `verdict worker` logs like a server (jobs.cli.ts).
  // Log lines are terminal-safe on their own (ops/log.ts).
  const level = env.LOG_LEVEL?.trim().toLowerCase();
  configureLogging({ fd: 2, level: (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'warn' });
  const output = {
    writeOut: (s: string) => void stdout.write(s),
    writeErr: (s: string) => void stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, 'verdict: ')),
  };
  const program = new Command('verdict')
    .description('Verdict: a panel of AI critics reviews AI tools')
    .option('--json', 'machine-readable output on stdout')
    .option('--verbose', 'show stack traces on errors')
    .exitOverride()
    .configureOutput(output);
  let context: CliContext | undefined;
  const ctx = () => (context ??= new CliContext(Boolean(program.opts().json), { env, stdout, stderr }));
  registerCatalog(program, ctx);
  registerReview(program, ctx);
  registerSubmissions(program, ctx);
  registerReports(program, ctx);
  registerJobs(program, ctx);
  registerEval(program, ctx);
  registerResearch(program, ctx);
  registerDiscover(program, ctx);
  registerStatus(program, ctx);
  const dbCommand = program.command('db').description('Database maintenance');
  dbCommand
    .command('migrate')
    .description('Apply pending migrations')
    .action(async () => {
      const c = ctx();
      const { db } = await c.store({ migrate: false });
      const r = await migrateToLatest(db);
      const applied = (r.results ?? []).map((x) => x.migrationName);
      c.out({ applied }, () => (applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date'));
    });
  dbCommand
    .command('rebuild-figures')
    .description("Recompute every tool's stored panel and community figures, a batch of tools per transaction")
    .action(async () => {
      const c = ctx();
      const { db } = await c.store();
      const r = await rebuildFigures(db);
      c.out(r, () => `Rebuilt the figures of ${r.tools} ${r.tools === 1 ? 'tool' : 'tools'} in ${r.batches} ${r.batches === 1 ? 'batch' : 'batches'}`);
    });
  registerBackup(dbCommand, ctx);
  program.commands.forEach(function quiet(cmd) {
    cmd.exitOverride();
    cmd.configureOutput(output);
    cmd.commands.forEach(quiet);
  });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return context?.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit with code 0; everything else is bad usage.
      return err.exitCode === 0 ? 0 : 2;
    }
    const verbose = argv.includes('--verbose');
    if (err instanceof AppError) {
      stderr.write(`verdict: ${oneLine(err.message)}\n`);
      if (verbose && err.stack) stderr.write(err.stack + '\n');
      return err.code === 'usage' ? 2 : 1;
    }
    stderr.write(`verdict: ${oneLine((err as Error)?.message ?? String(err))}${verbose ? '' : ' (run with --verbose for details)'}\n`);
    if (verbose && (err as Error)?.stack) stderr.write((err as Error).stack + '\n');
    return 1;
  } finally {
    await context?.close();
  }
}

/** An error message as one bounded line: values in messages are quoted short already; this is the backstop. */
const oneLine = (message: string) => excerpt(message, 1000);
