// Request ids, one log line and the HTTP metrics per request, for both the cache's fast path and the Hono app.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Config } from '../config.js';
import { logRequest, prepareRequestLine, type PreparedLine } from '../ops/log.js';
import { httpSeriesFor, type HttpSeries } from '../ops/metrics.js';
import { trustOf } from './identity.js';

/**
 * One line per request and the HTTP metrics, for both ways a request is answered: the raw page-cache fast path in
 * server.ts and the Hono app. Each request has an id: the peer's X-Request-Id when the peer is a trusted proxy
 * (TRUST_PROXY) and the value looks like an id, else a new one (this process's random prefix and a counter); it is
 * returned as X-Request-Id and logged with the request and its errors. Routes are Hono's matched patterns (`/tools/:slug`), never the raw path: the raw path
 * may carry a token (`/signin/verify?token=…`) and would give a metric series per slug.
 */

export const REQUEST_ID_HEADER = 'x-request-id';
/** Label of requests no route matched (404s of made-up paths): one series, whatever the path. */
export const UNMATCHED = 'unmatched';
/** Ids kept from a trusted proxy. log.ts writes ids into JSON lines as they are: nothing here needs escaping. */
const ID_SHAPE = /^[\w.:+/=-]{1,128}$/;

/**
 * A new request id: 12 random hex digits drawn when the process starts, then a counter. Unique across processes
 * and restarts (48 random bits), and a fraction of a UUID's cost on a path that answers in microseconds.
 */
const ID_PREFIX = `${randomBytes(6).toString('hex')}-`;
let idCounter = 0;
export const newRequestId = (): string => ID_PREFIX + ++idCounter;

/** The request id to use: the trusted peer's own, or a new one. */
export function requestIdFor(config: Config, incoming: string | string[] | undefined, peer: string | undefined): string {
  if (typeof incoming === 'string' && ID_SHAPE.test(incoming) && trustOf(config)(peer ?? '', 0)) return incoming;
  return newRequestId();
}

/** What the Hono app learns about a request and server.ts logs when it ends. */
interface Tracked {
  id: string;
  route?: string;
}
const tracked = new WeakMap<IncomingMessage, Tracked>();

export const track = (req: IncomingMessage, id: string) => tracked.set(req, { id });
export const trackedRoute = (req: IncomingMessage) => tracked.get(req)?.route;

const incomingOf = (c: Context): IncomingMessage | undefined => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** This request's id (undefined outside node:http, e.g. `app.request` in unit tests). */
export const requestId = (c: Context): string | undefined => {
  const req = incomingOf(c);
  return req && tracked.get(req)?.id;
};

/**
 * The route pattern that answered: the handler that ran last when it is a route (not `app.use` middleware);
 * else, when a middleware answered first (a 413 from the body limit, say), the route the request was headed for.
 */
export function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  const at = routes[c.req.routeIndex];
  if (at && at.method !== 'ALL') return at.path;
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return UNMATCHED;
}

/** The outermost middleware: records the matched route for server.ts's request line. */
export const recordRoute: MiddlewareHandler = async (c, next) => {
  try {
    await next();
  } finally {
    const req = incomingOf(c);
    const t = req && tracked.get(req);
    if (t) t.route = routeOf(c);
  }
};

/** What every request of one method, route, status and cache outcome shares: its metric series and log line parts. */
export interface RequestKind {
  series: HttpSeries;
  line: PreparedLine;
}
const kinds = new Map<string, RequestKind>();
/** The kind of (method, route pattern, status, X-Cache): the same object every time, so callers may keep it. */
export function requestKind(method: string, route: string, status: number, cache: string | undefined): RequestKind {
  const key = `${method} ${status} ${cache ?? ''} ${route}`;
  let k = kinds.get(key);
  if (!k) kinds.set(key, (k = { series: httpSeriesFor(method, route, status), line: prepareRequestLine({ method, route, status, cache }) }));
  return k;
}

/** Counts, times and logs one answered request. */
export function requestDone(kind: RequestKind, id: string, seconds: number, aborted = false): void {
  kind.series.observe(seconds);
  logRequest(kind.line, id, Math.round(seconds * 1e5) / 100, aborted);
}
