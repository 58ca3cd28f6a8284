import { execFile } from 'node:child_process';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `verdict ARGS` in this process, with `env` as its whole environment, capturing what it writes. */
export async function verdict(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { env, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/**
 * Runs `verdict ARGS` as its own process (bin/verdict.js), as an operator does: an unref'd timer, an unhandled
 * rejection or a stack trace printed by Node shows only here.
 */
export function verdictProcess(args: string[], env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/verdict.js', ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: opts.timeoutMs ?? 60_000, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : (err as { killed?: boolean }).killed ? -1 : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}
