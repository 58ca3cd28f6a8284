// The one careful fetcher for everything read from the internet: private addresses refused, robots.txt, per-host pacing, size and time limits.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import robotsParserModule from 'robots-parser';
import { researchFetches } from '../ops/metrics.js';

// robots-parser is CommonJS whose typings declare an ES default export; under NodeNext the default import is
// the module object as far as the compiler knows, while at run time it is the function.
const robotsParser = robotsParserModule as unknown as (url: string, txt: string) => { isAllowed(url: string, ua?: string): boolean | undefined };

/**
 * The one way Verdict reads the internet. Tool URLs come from the public (/submit), so every page is hostile:
 *  - addresses are checked at connect time, after DNS, on every hop (request-filtering-agent refuses loopback,
 *    private, link-local and metadata ranges); redirects are followed here, by hand, never by the HTTP client;
 *  - one deadline covers the whole fetch, redirects and a slow-dripping body included;
 *  - bodies are streamed and cut at maxBytes (after decompression, so a zip bomb stops too);
 *  - robots.txt is obeyed (cached per origin), and one request at a time goes to a host, with a pause between.
 */

export interface FetcherOptions {
  /** Sent on every request; names Verdict and where to find it. */
  userAgent: string;
  /** Tests only: let fixture servers on loopback (127.0.0.1–127.0.0.9, ::1) through; every other private address stays refused. */
  allowPrivate?: boolean;
  /** Tests only: exact addresses let through while everything else private stays refused. */
  allowAddresses?: string[];
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Pause after each request before the next one to the same host. */
  hostDelayMs?: number;
}

export interface FetchRequest {
  /** Content types accepted (media type only, lower case); default HTML, plain text and JSON. */
  accept?: readonly string[];
  /** From the previous snapshot: the server may answer 304 Not Modified. */
  etag?: string | null;
  lastModified?: string | null;
  /** Extra request headers (API tokens). */
  headers?: Record<string, string>;
  /** robots.txt applies to pages; APIs that publish terms of their own (GitHub, registries) may skip it. */
  robots?: boolean;
  /** POST with this JSON body (a GraphQL API); GET without. A POST is never repeated along a redirect. */
  json?: unknown;
}

/** The rate-limit headers of an answer (lower-case names), for sources that must slow down or stop. */
export type RateHeaders = Partial<Record<'retry-after' | 'x-ratelimit-remaining' | 'x-ratelimit-reset' | 'ratelimit-remaining' | 'ratelimit-reset', string>>;
const RATE_HEADERS = ['retry-after', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit-remaining', 'ratelimit-reset'] as const;

export type FetchFailureCode = 'refused' | 'robots' | 'timeout' | 'redirects' | 'http' | 'type' | 'network' | 'url';

export type FetchResult =
  | {
      ok: true;
      /** Final URL after redirects. */
      url: string;
      status: number;
      notModified: boolean;
      contentType: string;
      text: string;
      /** The body passed maxBytes and was cut there. */
      truncated: boolean;
      etag: string | null;
      lastModified: string | null;
      rate?: RateHeaders;
    }
  | { ok: false; url: string; code: FetchFailureCode; reason: string; status?: number; rate?: RateHeaders };

export const DEFAULT_ACCEPT = ['text/html', 'application/xhtml+xml', 'text/plain', 'application/json'] as const;

type Hop =
  | { kind: 'redirect'; status: number; location: string }
  | Extract<FetchResult, { ok: true }>
  | Extract<FetchResult, { ok: false }>;

/**
 * Whether a request error is request-filtering-agent refusing the address (private, loopback, metadata). Its refusals
 * are plain Errors; Node's own DNS, socket, TLS and parser errors always carry an errno-style `code`. Matched by that
 * shape, not by the library's wording; the message is only shown to people.
 */
const isAddressRefusal = (err: NodeJS.ErrnoException) => typeof err.code !== 'string';

class FetchFailure extends Error {
  constructor(
    readonly code: FetchFailureCode,
    message: string,
    readonly status?: number,
    readonly rate?: RateHeaders,
  ) {
    super(message);
  }
}

export class Fetcher {
  private readonly opts: Required<Omit<FetcherOptions, 'allowAddresses'>> & { allowAddresses: string[] };
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly robots = new Map<string, Promise<{ allowed: (url: string) => boolean } | FetchFailure>>();
  private readonly hostTail = new Map<string, Promise<void>>();
  /** When each host may be asked again (the end of its last request plus the pause). */
  private readonly hostFreeAt = new Map<string, number>();

  constructor(options: FetcherOptions) {
    this.opts = {
      allowPrivate: false,
      allowAddresses: [],
      timeoutMs: 15_000,
      maxBytes: 2_000_000,
      maxRedirects: 5,
      hostDelayMs: 1000,
      ...options,
    };
    // The test-only switch lets loopback through and nothing else: request-filtering-agent's own "private" switch
    // would also let link-local addresses through, cloud metadata (169.254.169.254) among them.
    const allowed = [...(this.opts.allowPrivate ? LOOPBACK : []), ...this.opts.allowAddresses];
    const filter = { allowPrivateIPAddress: false, allowMetaIPAddress: false, allowIPAddressList: allowed };
    // No keep-alive: every hop opens a fresh connection, so every hop passes the address check.
    this.httpAgent = new RequestFilteringHttpAgent({ keepAlive: false, ...filter });
    this.httpsAgent = new RequestFilteringHttpsAgent({ keepAlive: false, ...filter });
  }

  /** One resource, redirects followed; counted by outcome on /metrics (verdict_research_fetches_total). */
  async fetch(url: string, req: FetchRequest = {}): Promise<FetchResult> {
    const r = await this.follow(url, req);
    researchFetches.inc({ outcome: r.ok ? (r.notModified ? 'not_modified' : 'ok') : r.code });
    return r;
  }

  private async follow(url: string, req: FetchRequest): Promise<FetchResult> {
    const deadline = Date.now() + this.opts.timeoutMs;
    const seen = new Set<string>();
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      return { ok: false, url, code: 'url', reason: 'not a valid URL' };
    }
    const first = current;
    for (let hop = 0; ; hop++) {
      const here = current.toString();
      if (current.protocol !== 'http:' && current.protocol !== 'https:') return { ok: false, url: here, code: 'url', reason: `${current.protocol} URLs are not fetched` };
      if (current.username || current.password) return { ok: false, url: here, code: 'url', reason: 'URLs with credentials are not fetched' };
      seen.add(here);
      try {
        if (req.robots !== false) await this.checkRobots(current, deadline);
        const conditional = hop === 0 ? { etag: req.etag, lastModified: req.lastModified } : { etag: null, lastModified: null };
        // Credentials (a GitHub token) go only to the origin they were meant for, never along a redirect elsewhere.
        const headers = current.origin === first.origin ? req.headers : withoutCredentials(req.headers);
        const res = await this.oneAtATime(current.host, () => this.once(current, { ...req, ...conditional, headers }, deadline));
        if ('kind' in res) {
          if (hop >= this.opts.maxRedirects) return { ok: false, url: here, code: 'redirects', reason: `more than ${this.opts.maxRedirects} redirects` };
          let next: URL;
          try {
            next = new URL(res.location, current);
          } catch {
            return { ok: false, url: here, code: 'url', reason: `HTTP ${res.status} to an invalid URL` };
          }
          if (seen.has(next.toString())) return { ok: false, url: here, code: 'redirects', reason: `redirect loop back to ${next}` };
          if (req.json !== undefined) return { ok: false, url: here, code: 'redirects', reason: `HTTP ${res.status}: a POST is not followed` };
          current = next;
          continue;
        }
        return res;
      } catch (err) {
        if (err instanceof FetchFailure) return { ok: false, url: here, code: err.code, reason: err.message, ...(err.status ? { status: err.status } : {}), ...(err.rate ? { rate: err.rate } : {}) };
        throw err;
      }
    }
  }

  /**
   * Serialises requests per host: each waits for the one before it, then for the pause since it ended. The pause
   * is a plain (ref'd) timer taken by the request that must wait, so a process with nothing else to do still waits
   * for its next request, and the last request leaves no timer behind. (It was an unref'd timer held after every
   * request: a CLI waiting for its next request to a host had no work left, and Node exited with 13.)
   */
  private async oneAtATime<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const before = this.hostTail.get(host) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.hostTail.set(host, tail);
    await before;
    try {
      const wait = (this.hostFreeAt.get(host) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      return await fn();
    } finally {
      this.hostFreeAt.set(host, Date.now() + this.opts.hostDelayMs);
      release();
      if (this.hostTail.get(host) === tail) this.hostTail.delete(host);
    }
  }

  private async checkRobots(url: URL, deadline: number): Promise<void> {
    const origin = url.origin;
    let entry = this.robots.get(origin);
    if (!entry) {
      entry = (async () => {
        const robotsUrl = `${origin}/robots.txt`;
        const res = await this.fetch(robotsUrl, { robots: false, accept: ['text/plain', 'text/html'] });
        if (res.ok) {
          const robot = robotsParser(robotsUrl, res.text);
          return { allowed: (u: string) => robot.isAllowed(u, this.opts.userAgent) !== false };
        }
        // RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx, network) allows nothing.
        if (res.code === 'http' && res.status && res.status < 500) return { allowed: () => true };
        if (res.code === 'refused' || res.code === 'url') return new FetchFailure(res.code, res.reason);
        return new FetchFailure('robots', `robots.txt could not be read (${res.reason}), so the site is not fetched`);
      })();
      this.robots.set(origin, entry);
    }
    if (Date.now() > deadline) throw new FetchFailure('timeout', `timed out after ${this.opts.timeoutMs} ms`);
    const r = await entry;
    if (r instanceof FetchFailure) throw r;
    if (!r.allowed(url.toString())) throw new FetchFailure('robots', 'disallowed by robots.txt');
  }

  private once(url: URL, req: FetchRequest, deadline: number): Promise<Hop> {
    const accept = req.accept ?? DEFAULT_ACCEPT;
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: accept.join(', ') + ';q=1, */*;q=0.1',
      'accept-encoding': 'gzip, deflate, br',
      ...req.headers,
    };
    if (req.etag) headers['if-none-match'] = req.etag;
    const payload = req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (req.lastModified) headers['if-modified-since'] = req.lastModified;
    const https_ = url.protocol === 'https:';
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new FetchFailure('timeout', `timed out after ${this.opts.timeoutMs} ms`));

    return new Promise<Hop>((resolve, reject) => {
      let settled = false;
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const request = (https_ ? https : http).request(url, { method: payload ? 'POST' : 'GET', headers, agent: https_ ? this.httpsAgent : this.httpAgent });
      // One timer for connect, headers and the whole body: a server dripping a byte a second cannot hold us.
      const timer = setTimeout(() => {
        done(() => reject(new FetchFailure('timeout', `timed out after ${this.opts.timeoutMs} ms`)));
        request.destroy();
      }, remaining);
      request.on('error', (err: NodeJS.ErrnoException) => {
        const refused = isAddressRefusal(err);
        done(() => reject(new FetchFailure(refused ? 'refused' : 'network', refused ? `refused: ${err.message.replace(/^DNS lookup /, '')}` : `network error: ${err.code ?? err.message}`)));
      });
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const header = (n: string) => {
          const v = res.headers[n];
          return typeof v === 'string' ? v : null;
        };
        if ([301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          const location = header('location');
          return done(() =>
            location ? resolve({ kind: 'redirect', status, location }) : reject(new FetchFailure('http', `HTTP ${status} without a Location`, status)),
          );
        }
        const rate: RateHeaders = {};
        for (const n of RATE_HEADERS) if (header(n) !== null) rate[n] = header(n)!;
        const base = { ok: true as const, url: url.toString(), status, etag: header('etag'), lastModified: header('last-modified'), ...(Object.keys(rate).length ? { rate } : {}) };
        if (status === 304) {
          res.resume();
          return done(() => resolve({ ...base, notModified: true, contentType: '', text: '', truncated: false }));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return done(() => reject(new FetchFailure('http', `HTTP ${status}`, status, Object.keys(rate).length ? rate : undefined)));
        }
        const contentType = header('content-type') ?? '';
        const media = contentType.split(';')[0]!.trim().toLowerCase();
        if (!accept.includes(media)) {
          request.destroy();
          return done(() => reject(new FetchFailure('type', `content type ${media || '(none)'} is not accepted`, status)));
        }
        let body: Readable = res;
        const encoding = (header('content-encoding') ?? '').toLowerCase();
        if (encoding === 'gzip' || encoding === 'x-gzip') body = res.pipe(zlib.createGunzip());
        else if (encoding === 'deflate') body = res.pipe(zlib.createInflate());
        else if (encoding === 'br') body = res.pipe(zlib.createBrotliDecompress());
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () =>
          done(() => resolve({ ...base, notModified: false, contentType, text: decode(Buffer.concat(chunks), contentType), truncated }));
        body.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = this.opts.maxBytes - size;
          if (chunk.length >= room) {
            if (chunk.length > room) truncated = true;
            chunks.push(chunk.subarray(0, room));
            size += room;
            if (truncated) {
              finish();
              request.destroy();
            }
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        body.on('end', finish);
        body.on('error', (err) => done(() => reject(new FetchFailure('network', `could not read the body: ${err.message}`))));
      });
      request.end(payload);
    });
  }
}

/** Exact addresses (the library warns on a CIDR of the other IP family): the loopback addresses tests serve from. */
const LOOPBACK = ['::1', ...Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 1}`)];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const withoutCredentials = (h: Record<string, string> | undefined) =>
  h && Object.fromEntries(Object.entries(h).filter(([k]) => !['authorization', 'cookie'].includes(k.toLowerCase())));

/** Decodes by the declared charset; an unknown or lying one falls back to UTF-8 with replacement characters, never a throw. */
function decode(buf: Buffer, contentType: string): string {
  const label = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(label ?? 'utf-8').decode(buf);
  } catch {
    return new TextDecoder('utf-8').decode(buf);
  }
}

/** `Verdict/0.1 (+https://example.org/about)`: who we are and where to read about it. */
export const userAgentFor = (publicUrl: string) => `VerdictBot/0.1 (+${publicUrl}; AI-tool reviews)`;
