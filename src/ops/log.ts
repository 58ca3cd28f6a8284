import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import { LOG_LEVELS, type LogLevel } from '../config.js';

/**
 * The one logger: JSON lines (pino) on a pipe or file, readable text on a terminal. Servers and `verdict worker`
 * write to stdout (journald, `docker logs`); other CLI commands to stderr, so their stdout stays theirs (`--json`).
 *
 * Never log a secret, token, cookie, email address or magic link: log ids, slugs and route patterns. Free text
 * that may carry such things (an error message from SMTP, an LLM provider or the database) goes through `scrub`,
 * which the error serializer applies to every logged error.
 */

export type { Logger };

export interface LogSetup {
  level?: LogLevel;
  /** 1 = stdout (default), 2 = stderr. */
  fd?: 1 | 2;
  /** Default: whether that stream is a terminal. */
  pretty?: boolean;
}

const streams = new Map<string, DestinationStream>();
let root: Logger | undefined;

function streamFor(fd: 1 | 2, pretty: boolean): DestinationStream {
  const key = `${fd}:${pretty}`;
  let s = streams.get(key);
  if (!s) {
    s = pretty
      ? PinoPretty({ destination: fd, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : // Asynchronous: a line is queued and written with the others that came while the last write was in flight, so a
        // busy server batches its request lines instead of paying one write(2) each. Flushed on exit by pino.
        pino.destination({ dest: fd, sync: false });
    streams.set(key, s);
  }
  return s;
}

/** (Re)builds the process's logger; entry points call this once (src/server.ts, the CLI). */
export function configureLogging(setup: LogSetup = {}): Logger {
  const fd = setup.fd ?? 1;
  const pretty = setup.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  root = pino(
    {
      level: setup.level ?? envLevel() ?? 'info',
      base: { pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
    },
    streamFor(fd, pretty),
  );
  return root;
}

const envLevel = (): LogLevel | undefined => {
  const v = process.env.LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v ?? '') ? (v as LogLevel) : undefined;
};

/** The process's logger (stdout, LOG_LEVEL or info, until an entry point configures it). */
export const log = (): Logger => (root ??= configureLogging());

/**
 * Masks what must never reach a log from free text: email addresses, tokens in URLs (`?token=…`), bearer tokens,
 * API keys (`sk-…`) and cookie values.
 */
export function scrub(text: string): string {
  return text
    .replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/([?&;](?:token|key|sig|code|secret|password)=)[^&\s"'<>]+/gi, '$1[redacted]')
    .replace(/\b(bearer)\s+[^\s"',]+/gi, '$1 [redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/\b(verdict_(?:v|admin))=[^;\s"']+/g, '$1=[redacted]');
}

/**
 * Errors as {type, message, stack, code}, scrubbed. Not pino's default, which copies every enumerable property:
 * a PostgreSQL error's `detail` can quote the row (`Key (email)=(…) already exists`).
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: scrub(err.message),
    ...(err.stack ? { stack: scrub(err.stack) } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
}
