import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RouteSpec } from './fixture-server.js';

export type { RouteSpec };

/** Starts test/helpers/fixture-server.ts as its own process and returns its origin and control functions. */
export async function startFixtureProcess(host = '127.0.0.1') {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/fixture-server.ts'], {
    env: { PATH: process.env.PATH, FIXTURE_HOST: host },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (l) => resolve((JSON.parse(l) as { origin: string }).origin));
    child.once('exit', (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
  const control = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${origin}/__fixture/${path}`, init);
    if (!res.ok) throw new Error(`fixture control ${path}: HTTP ${res.status}`);
    return res;
  };
  return {
    origin,
    /** Adds or replaces routes (null removes one). */
    async set(routes: Record<string, RouteSpec | null>) {
      await control('routes', { method: 'PUT', body: JSON.stringify(routes) });
    },
    async log(): Promise<{ path: string; headers: Record<string, string>; at: number }[]> {
      return (await control('log')).json() as Promise<{ path: string; headers: Record<string, string>; at: number }[]>;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await exited;
    },
  };
}
export type FixtureProcess = Awaited<ReturnType<typeof startFixtureProcess>>;

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/verdict.js ARGS` as its own process, as an operator would, with `env` (plus PATH) as its environment. */
export function verdictProcess(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/verdict.js', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
