import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * Verdict as an operator runs it: `node --import tsx src/server.ts` or `bin/verdict.js …` as its own process, its
 * output kept, its JSON log lines parsed, stopped with a signal and its exit code read.
 */

export const root = resolve(import.meta.dirname, '../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface Proc {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines on stdout so far (other lines skipped). */
  lines(): LogLine[];
  /** Resolves once `test` holds for the log lines (or output), or fails after `ms`. */
  waitFor(test: (lines: LogLine[], output: string) => boolean, ms?: number, what?: string): Promise<void>;
  /** Resolves with the exit code (null if killed by a signal). */
  exited: Promise<number | null>;
  /** Sends the signal (default SIGTERM) and waits for the exit; SIGKILL after `ms`. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
}

/** Spawns `node --import tsx ARGS` in the repository with `env` added to this process's environment. */
export function spawnNode(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let all = '';
  child.stdout!.on('data', (d) => ((stdout += d), (all += d)));
  child.stderr!.on('data', (d) => (all += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = () =>
    stdout.split('\n').flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  const proc: Proc = {
    child,
    output: () => all,
    lines,
    exited,
    async waitFor(test, ms = 30_000, what = 'the expected output') {
      const deadline = Date.now() + ms;
      while (!test(lines(), all)) {
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${what}:\n${all.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms:\n${all.slice(-3000)}`);
        await sleep(25);
      }
    },
    async stop(signal = 'SIGTERM', ms = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
  return proc;
}

export interface ServerProc extends Proc {
  url: string;
  port: number;
}

/** `src/server.ts` on a free loopback port; resolves once it says it is running. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProc> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const p = spawnNode(['src/server.ts'], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  try {
    await p.waitFor((lines) => lines.some((l) => String(l.msg).startsWith('Verdict is running')), 60_000, 'start');
  } catch (err) {
    await p.stop('SIGKILL');
    throw err;
  }
  return { ...p, url: `http://127.0.0.1:${port}`, port };
}

/** A minimal browser over real HTTP: keeps cookies, sends Origin and Sec-Fetch-Site on form posts as browsers do. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
    /** The Origin its form posts carry (PUBLIC_URL's, behind a proxy). */
    readonly origin = base,
  ) {}

  async fetch(path: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.base + path, { redirect: 'manual', ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || attrs.some((a) => /max-age=0\b/i.test(a.trim()))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** The CSRF token of a page (default /submit). */
  async token(page = '/submit'): Promise<string> {
    const html = await (await this.fetch(page)).text();
    const m = html.match(/name="_csrf" value="([^"]+)"/);
    assert.ok(m, `${page} carries a CSRF token`);
    return m[1]!;
  }

  async post(path: string, fields: Record<string, string>, opts: { json?: boolean; token?: string } = {}): Promise<Response> {
    const token = opts.token ?? (await this.token());
    return this.fetch(path, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, 'sec-fetch-site': 'same-origin', ...(opts.json ? { accept: 'application/json' } : {}) },
    });
  }
}
