import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Config } from '../config.js';
import { logRequest } from '../ops/log.js';
import { httpDuration, httpRequests } from '../ops/metrics.js';
import { trustOf } from './identity.js';

/**
 * One line per request and the HTTP metrics, for both ways a request is answered: the raw page-cache fast path in
 * server.ts and the Hono app. Each request has an id: the peer's X-Request-Id when the peer is a trusted proxy
 * (TRUST_PROXY) and the value looks like an id, else a fresh UUID; it is returned as X-Request-Id and logged with
 * the request and its errors. Routes are Hono's matched patterns (`/tools/:slug`), never the raw path: the raw path
 * may carry a token (`/signin/verify?token=…`) and would give a metric series per slug.
 */

export const REQUEST_ID_HEADER = 'x-request-id';
/** Label of requests no route matched (404s of made-up paths): one series, whatever the path. */
export const UNMATCHED = 'unmatched';
const ID_SHAPE = /^[\w.:+/=-]{1,128}$/;

/** The request id to use: the trusted peer's own, or a new one. */
export function requestIdFor(config: Config, incoming: string | string[] | undefined, peer: string | undefined): string {
  if (typeof incoming === 'string' && ID_SHAPE.test(incoming) && trustOf(config)(peer ?? '', 0)) return incoming;
  return randomUUID();
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

/** Counts, times and logs one answered request. `cache` is the X-Cache the response carried (hit or miss), if any. */
export function requestDone(id: string, method: string, route: string, status: number, seconds: number, cache: string | undefined, aborted = false): void {
  httpRequests.inc({ method, route, status });
  httpDuration.observe({ method, route }, seconds);
  logRequest({ reqId: id, method, route, status, ms: Math.round(seconds * 1e5) / 100, cache, aborted });
}
