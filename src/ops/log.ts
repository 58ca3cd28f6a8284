// The one logger (pino JSON lines, or readable text on a terminal), request log lines, and scrubbing secrets from free text.
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import { LOG_LEVELS, type LogLevel } from '../config.js';
import { terminalSafe } from '../domain/text.js';

/**
 * The one logger: JSON lines (pino) on a pipe or file, readable text on a terminal. Servers and `verdict worker`
 * write to stdout (journald, `docker logs`); other CLI commands to stderr, so their stdout stays theirs (`--json`).
 *
 * Never log a secret, token, cookie, email address or magic link: log ids, slugs and route patterns. Free text
 * that may carry such things (an error message from SMTP, an LLM provider or the database) goes through `scrub`,
 * which the error serializer applies to every logged error.
 *
 * Every line is terminal-safe, as the CLI's output is (issue 16.4): a tool name or an error text holding control
 * characters shows them escaped on a terminal, in `journalctl` or in `docker logs`, and never drives it.
 */

export type { Logger };

export interface LogSetup {
  level?: LogLevel;
  /** 1 = stdout (default), 2 = stderr. */
  fd?: 1 | 2;
  /** Default: whether that stream is a terminal. */
  pretty?: boolean;
  /** Somewhere else to write the JSON lines (tests read them). */
  destination?: DestinationStream;
}

/**
 * Request lines gathered in memory and written together: at 64 KB, after 100 ms, and on exit. A busy server thus pays
 * one write(2) per few hundred requests, from the main thread (sonic-boom, synchronous, retrying a full pipe), instead
 * of one per request or a thread-pool round trip per write: the request log cost a third of the page-cache fast path's
 * throughput written line by line (docs/decisions/023-operating.md). Every other line (pino's: start, jobs, LLM
 * calls, warnings, errors) is written at once, after the request lines waiting before it, so the order holds and no
 * warning waits. A SIGKILL loses at most the last 100 ms of request lines.
 */
class LineBuffer implements DestinationStream {
  private buf = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly out: ReturnType<typeof pino.destination>;

  constructor(fd: number) {
    this.out = pino.destination({ dest: fd, sync: true });
    process.on('exit', () => this.flush());
  }

  /** A line from pino: out now. */
  write(line: string): void {
    this.buf += line;
    this.flush();
  }

  /** A request line: out with the next batch. */
  buffer(line: string): void {
    this.buf += line;
    if (this.buf.length >= 65_536) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 100).unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    this.out.write(chunk);
  }
}

const streams = new Map<string, DestinationStream>();
let root: Logger | undefined;
/** Set when request lines may bypass pino (JSON to one of our buffers, info enabled): see logRequest. */
let fastLines: { sink: LineBuffer; prefix: string } | undefined;

function streamFor(fd: 1 | 2, pretty: boolean): DestinationStream {
  const key = `${fd}:${pretty}`;
  let s = streams.get(key);
  if (!s) {
    s = pretty ? prettyStream(fd) : new LineBuffer(fd);
    streams.set(key, s);
  }
  return s;
}

/** DEL and C1 controls (CSI is U+009B), which pino leaves raw in JSON strings (it escapes C0 ones): escaped the JSON way. */
const C1 = /[\u007f-\u009f]/;
const jsonTerminalSafe = (line: string) => (C1.test(line) ? line.replace(/[\u007f-\u009f]/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`) : line);

/** Every string in a parsed line, terminal-safe (what a JSON line's escapes stand for would otherwise be printed raw). */
const safeValues = (v: unknown): unknown =>
  typeof v === 'string' ? terminalSafe(v) : Array.isArray(v) ? v.map(safeValues) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safeValues(x)])) : v;

/** pino-pretty for a terminal, fed lines whose strings show control characters escaped. */
function prettyStream(fd: number): DestinationStream {
  const pretty = PinoPretty({ destination: fd, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return { write: (line: string) => void pretty.write(`${JSON.stringify(safeValues(JSON.parse(line)))}\n`) };
}

/** (Re)builds the process's logger; entry points call this once (src/server.ts, the CLI). */
export function configureLogging(setup: LogSetup = {}): Logger {
  const fd = setup.fd ?? 1;
  const pretty = setup.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  const destination = setup.destination ?? streamFor(fd, pretty);
  const base = { pid: process.pid, hostname: hostname() };
  root = pino(
    {
      level: setup.level ?? envLevel() ?? 'info',
      base,
      // `time` in ms since the epoch (pino's default, what log tools expect); a terminal shows it as a clock time.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      hooks: { streamWrite: jsonTerminalSafe },
    },
    destination,
  );
  fastLines =
    destination instanceof LineBuffer && root.isLevelEnabled('info')
      ? { sink: destination, prefix: `,"pid":${base.pid},"hostname":${JSON.stringify(base.hostname)}` }
      : undefined;
  return root;
}

const envLevel = (): LogLevel | undefined => {
  const v = process.env.LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v ?? '') ? (v as LogLevel) : undefined;
};

/** The process's logger (stdout, LOG_LEVEL or info, until an entry point configures it). */
export const log = (): Logger => (root ??= configureLogging());

export interface RequestLine {
  reqId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  cache?: string;
  aborted?: boolean;
}

/** The parts of a request line that are the same for every request of one method, route, status and cache outcome. */
export interface PreparedLine {
  fields: Omit<RequestLine, 'reqId' | 'ms' | 'aborted'>;
  /** `,"method":…,"status":…,"ms":` */
  middle: string;
  /** `,"cache":…,"msg":"request"}\n` */
  tail: string;
}

/** Prepares the fixed parts of a request line once (request-log.ts keeps one per route and status, and per cached page). */
export function prepareRequestLine(fields: PreparedLine['fields']): PreparedLine {
  const f = { method: fields.method, route: fields.route, status: fields.status, ...(fields.cache ? { cache: fields.cache } : {}) };
  return {
    fields: f,
    middle: `,"method":${JSON.stringify(f.method)},"route":${JSON.stringify(f.route)},"status":${JSON.stringify(f.status)},"ms":`,
    tail: `${f.cache ? `,"cache":${JSON.stringify(f.cache)}` : ''},"msg":"request"}\n`,
  };
}

/** The time of the last fast line, as text: requests in the same millisecond share it. */
let lastTime = 0;
let lastTimeText = '0';

/**
 * The one line per request, at info. On the JSON path it is written as the very line pino would write (same keys,
 * same order) without going through pino's serializer, from parts prepared once: it runs for every request,
 * page-cache hits included, and those take tens of microseconds in all. Elsewhere (a terminal, a test's
 * destination), and for an aborted request, it goes through pino. `reqId` is written as it is: requestIdFor
 * (request-log.ts) lets through only ids of letters, digits and `_.:+/=-`.
 */
export function logRequest(line: PreparedLine, reqId: string, ms: number, aborted = false): void {
  const fast = fastLines;
  if (!fast || aborted) {
    log().info({ reqId, method: line.fields.method, route: line.fields.route, status: line.fields.status, ms, ...(line.fields.cache ? { cache: line.fields.cache } : {}), ...(aborted ? { aborted: true } : {}) }, 'request');
    return;
  }
  const now = Date.now();
  if (now !== lastTime) lastTimeText = String((lastTime = now));
  fast.sink.buffer(`{"level":"info","time":${lastTimeText}${fast.prefix},"reqId":"${reqId}"${line.middle}${ms}${line.tail}`);
}

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
