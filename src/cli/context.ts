import { loadConfig, type Config } from '../config.js';
import { openStore, type Store } from '../db/db.js';
import { loadCritics } from '../panel/critics.js';
import type { Critic } from '../domain/schemas.js';

/** Somewhere the CLI writes text: the process's stdout/stderr, or a test's buffer. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The outside world of one CLI run, so tests can run `main` in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: CliStream;
  stderr: CliStream;
}

export const processIo = (): CliIo => ({ env: process.env, stdout: process.stdout, stderr: process.stderr });

/** What commands need, opened lazily so `--help` and usage errors touch nothing. */
export class CliContext {
  private _config?: Config;
  private _store?: Promise<Store>;
  private _critics?: Critic[];
  /** A command that finishes but reports failures sets this to 1. */
  exitCode = 0;

  constructor(readonly json: boolean, readonly io: CliIo = processIo()) {}

  get config(): Config {
    return (this._config ??= loadConfig(this.io.env));
  }
  store(opts: { migrate?: boolean } = {}): Promise<Store> {
    return (this._store ??= openStore(this.config.database, { busyWaitMs: 15 * 60_000, ...opts })); // a long import waits its turn
  }
  get critics(): Critic[] {
    return (this._critics ??= loadCritics(this.config.criticsDir));
  }
  async close() {
    if (this._store) await (await this._store).close();
  }
  /** Prints a value as JSON with --json, or the text otherwise. */
  out(value: unknown, text: () => string) {
    this.io.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : text() + '\n');
  }
}
