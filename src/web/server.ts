// Serves the app over node:http: the raw page-cache fast path before Hono, request ids and logging, and graceful stop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.js';
import { accelExpires, ACCEL_EXPIRES_HEADER, etagMatches, type CachedPage } from './cache.js';
import { chooseEncoding, variantEtag, type Encoding } from './compression.js';
import { cacheKey } from './http.js';
import { REQUEST_ID_HEADER, requestDone, requestIdFor, requestKind, track, trackedRoute, UNMATCHED, type RequestKind } from './request-log.js';
import type { Site } from './site.js';
import { hasPersonalCookie, HSTS, requestIsHttps } from './identity.js';

export interface RunningServer {
  url: string;
  server: Server;
  /** Stops at once, cutting open connections (tests). */
  close(): Promise<void>;
  /**
   * Stops gracefully: no new connections; requests in flight finish, and every connection closes after its current
   * response (`Connection: close`); whatever is still running after `timeoutMs` is cut. Resolves once every
   * connection is closed, with the number of requests that had to be cut.
   */
  drain(timeoutMs: number): Promise<{ cut: number }>;
}

/**
 * Serves the app over node:http. Cache hits for plain GETs are answered here, before Hono builds a
 * Request object: the same bytes and headers the app stored, at a fraction of the cost. Both paths give the
 * request an id (X-Request-Id), and count and log it once it is answered (request-log.ts).
 */
export function startServer(site: Site, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const app = createApp(site);
  const listener = getRequestListener(app.fetch);
  // Per cached page and encoding, made once: its header lists, flattened (writeHead with a flat array is the cheapest
  // way out; the last slot holds this request's id, written just before each writeHead, which copies the list at
  // once; the slot before it holds X-Accel-Expires, this second's), and the metric series and log line parts of its
  // hits (request-log.ts).
  type Raw = { ok: string[]; notModified: string[]; etag: string; body: Buffer; okKind: RequestKind; notModifiedKind: RequestKind };
  const rawHeaders = new WeakMap<CachedPage, Partial<Record<Encoding | 'identity', Raw>>>();
  const rawOf = (hit: CachedPage, encoding: Encoding | undefined): Raw => {
    let all = rawHeaders.get(hit);
    if (!all) rawHeaders.set(hit, (all = {}));
    let h = all[encoding ?? 'identity'];
    if (!h) {
      const etag = variantEtag(hit.etag, encoding);
      const body = encoding ? hit[encoding]! : hit.body;
      const base = [...hit.headers.filter(([k]) => !encoding || k !== 'etag').flat(), ...(encoding ? ['etag', etag, 'content-encoding', encoding] : []), 'x-cache', 'hit'];
      const route = hit.route ?? UNMATCHED;
      h = all[encoding ?? 'identity'] = {
        ok: [...base, 'content-length', String(body.length), ACCEL_EXPIRES_HEADER, '', REQUEST_ID_HEADER, ''],
        notModified: [...base, ACCEL_EXPIRES_HEADER, '', REQUEST_ID_HEADER, ''],
        etag,
        body,
        okKind: requestKind('GET', route, hit.status, 'hit'),
        notModifiedKind: requestKind('GET', route, 304, 'hit'),
      };
    }
    return h;
  };
  let draining = false;
  /** Requests being answered by the app (cache hits are answered synchronously). */
  let inflight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const id = requestIdFor(site.config, req.headers[REQUEST_ID_HEADER], req.socket.remoteAddress);
    if (draining) res.setHeader('connection', 'close');
    if (req.method === 'GET' && !hasPersonalCookie(req.headers.cookie)) {
      const hit = site.cache.get(cacheKey(req.url ?? '/'), site.version());
      if (hit) {
        site.cache.stats.hits++;
        const proto = req.headers['x-forwarded-proto'];
        // As app.tsx does: HSTS only when this request is https (a trusted proxy says so).
        if (requestIsHttps(site.config, 'http:', req.socket.remoteAddress ?? 'unknown', typeof proto === 'string' ? proto : undefined)) res.setHeader('strict-transport-security', HSTS);
        const raw = rawOf(hit, chooseEncoding(req.headers['accept-encoding'], hit));
        if (etagMatches(req.headers['if-none-match'], raw.etag)) {
          raw.notModified[raw.notModified.length - 1] = id;
          raw.notModified[raw.notModified.length - 3] = accelExpires();
          res.writeHead(304, raw.notModified).end();
          requestDone(raw.notModifiedKind, id, (performance.now() - start) / 1000);
        } else {
          raw.ok[raw.ok.length - 1] = id;
          raw.ok[raw.ok.length - 3] = accelExpires();
          res.writeHead(hit.status, raw.ok).end(raw.body);
          requestDone(raw.okKind, id, (performance.now() - start) / 1000);
        }
        return;
      }
    }
    res.setHeader(REQUEST_ID_HEADER, id);
    track(req, id);
    inflight++;
    res.once('close', () => {
      inflight--;
      const cache = res.getHeader('x-cache');
      const kind = requestKind(req.method ?? 'GET', trackedRoute(req) ?? UNMATCHED, res.statusCode, typeof cache === 'string' ? cache : undefined);
      requestDone(kind, id, (performance.now() - start) / 1000, !res.writableFinished);
    });
    void listener(req, res);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
        drain: (timeoutMs) =>
          new Promise((r) => {
            draining = true;
            let cut = 0;
            // A keep-alive connection between two requests is closed at once; one answering a request is closed
            // when its response ends (the response says Connection: close, or the next sweep finds it idle).
            const sweep = setInterval(() => server.closeIdleConnections(), 25);
            const deadline = setTimeout(() => {
              cut = inflight;
              server.closeAllConnections();
            }, timeoutMs);
            server.close(() => {
              clearInterval(sweep);
              clearTimeout(deadline);
              r({ cut });
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
