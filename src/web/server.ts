import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.js';
import { etagMatches } from './cache.js';
import { cacheKey } from './http.js';
import type { Site } from './site.js';
import { hasPersonalCookie } from '../community/visitor.js';

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
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && !hasPersonalCookie(req.headers.cookie)) {
      const hit = site.cache.get(cacheKey(req.url ?? '/'), site.version());
      if (hit) {
        for (const [k, v] of hit.headers) res.setHeader(k, v);
        res.setHeader('x-cache', 'hit');
        if (etagMatches(req.headers['if-none-match'], hit.etag)) {
          res.statusCode = 304;
          res.end();
        } else {
          res.statusCode = hit.status;
          res.setHeader('content-length', hit.body.length);
          res.end(hit.body);
        }
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
