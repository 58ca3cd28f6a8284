import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.js';
import { etagMatches, type CachedPage } from './cache.js';
import { chooseEncoding, variantEtag, type Encoding } from './compression.js';
import { cacheKey } from './http.js';
import type { Site } from './site.js';
import { hasPersonalCookie, HSTS, requestIsHttps } from './visitor.js';

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves the app over node:http. Cache hits for plain GETs are answered here, before Hono builds a
 * Request object: the same bytes and headers the app stored, at a fraction of the cost.
 */
export function startServer(site: Site, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const app = createApp(site);
  const listener = getRequestListener(app.fetch);
  // Header lists of cached pages, one per encoding, flattened once: writeHead with a flat array is the cheapest way out.
  type Raw = { ok: string[]; notModified: string[]; etag: string; body: Buffer };
  const rawHeaders = new WeakMap<CachedPage, Partial<Record<Encoding | 'identity', Raw>>>();
  const rawOf = (hit: CachedPage, encoding: Encoding | undefined): Raw => {
    let all = rawHeaders.get(hit);
    if (!all) rawHeaders.set(hit, (all = {}));
    let h = all[encoding ?? 'identity'];
    if (!h) {
      const etag = variantEtag(hit.etag, encoding);
      const body = encoding ? hit[encoding]! : hit.body;
      const base = [...hit.headers.filter(([k]) => !encoding || k !== 'etag').flat(), ...(encoding ? ['etag', etag, 'content-encoding', encoding] : []), 'x-cache', 'hit'];
      h = all[encoding ?? 'identity'] = { ok: [...base, 'content-length', String(body.length)], notModified: base, etag, body };
    }
    return h;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && !hasPersonalCookie(req.headers.cookie)) {
      const hit = site.cache.get(cacheKey(req.url ?? '/'), site.version());
      if (hit) {
        const proto = req.headers['x-forwarded-proto'];
        // As app.tsx does: HSTS only when this request is https (a trusted proxy says so).
        if (requestIsHttps(site.config, 'http:', req.socket.remoteAddress ?? 'unknown', typeof proto === 'string' ? proto : undefined)) res.setHeader('strict-transport-security', HSTS);
        const raw = rawOf(hit, chooseEncoding(req.headers['accept-encoding'], hit));
        if (etagMatches(req.headers['if-none-match'], raw.etag)) res.writeHead(304, raw.notModified).end();
        else res.writeHead(hit.status, raw.ok).end(raw.body);
        return;
      }
    }
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
      });
    });
  });
}
