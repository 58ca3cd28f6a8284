// What every CLI command is given: its output streams (the process's, or a test's buffer), --json output and exit codes.
import { loadConfig, type Config } from '../config.js';
import { openStore, type Store } from '../db/db.js';
import { loadCritics } from '../panel/critics.js';
import type { Critic } from '../domain/schemas.js';
import { terminalSafe } from '../domain/text.js';

/** Somewhere the CLI writes text: the process's stdout/stderr, or a test's buffer. */
export interface CliStream {
  write(text: string): unknown;
  /** Writes terminal control sequences as they are (progress redraws); `write` escapes them (see guarded). */
  control?(sequence: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The stream with every write made terminal-safe: control characters in text the CLI prints (tool names,
 * submissions, LLM output, error lines) are shown escaped, never obeyed. Only `control` writes them raw.
 * Keeps the stream's drain events, so writeExport's back-pressure still works.
 */
export function guarded(s: CliStream): CliStream {
  const events = s as Partial<Pick<NodeJS.EventEmitter, 'on' | 'once' | 'removeListener'>>;
  return {
    write: (text: string) => s.write(terminalSafe(text)),
    control: (sequence: string) => s.write(sequence),
    get isTTY() {
      return s.isTTY;
    },
    get columns() {
      return s.columns;
    },
    ...(events.once && events.on && events.removeListener
      ? { on: events.on.bind(s), once: events.once.bind(s), removeListener: events.removeListener.bind(s) }
      : {}),
  };
}

/** Writes a control sequence: raw on a guarded stream, through `write` on a plain one. */
export const control = (s: CliStream, sequence: string) => (s.control ? s.control(sequence) : s.write(sequence));

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
    // A store that failed to open was already reported by main(); awaiting it again here rethrew the error
    // past main as an unhandled rejection, which printed a Node stack trace after the one-line message.
    const store = await this._store?.catch(() => undefined);
    await store?.close();
  }
  /** Prints a value as JSON with --json, or the text otherwise. */
  out(value: unknown, text: () => string) {
    this.io.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : text() + '\n');
  }
}
