import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FixtureHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * A stand-in for vendor sites and public APIs, on loopback, started by the test: routes are exact paths
 * (query included), set and changed while the test runs. Every request is logged so tests can see what arrived.
 */
export async function startFixtureWeb(host = '127.0.0.1') {
  const routes = new Map<string, FixtureHandler>();
  const log: { path: string; headers: http.IncomingHttpHeaders; at: number }[] = [];
  const server = http.createServer((req, res) => {
    log.push({ path: req.url ?? '/', headers: req.headers, at: Date.now() });
    const h = routes.get(req.url ?? '/') ?? routes.get((req.url ?? '/').split('?')[0]!);
    if (h) return h(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    log,
    routes,
    route(path: string, h: FixtureHandler) {
      routes.set(path, h);
    },
    /** A fixed answer. */
    page(path: string, body: string | object, type = 'text/html; charset=utf-8', headers: Record<string, string> = {}) {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': type, ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    },
    redirect(path: string, to: string, status = 302) {
      routes.set(path, (_req, res) => res.writeHead(status, { location: to }).end());
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type FixtureWeb = Awaited<ReturnType<typeof startFixtureWeb>>;
