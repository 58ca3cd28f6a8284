import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fixture web in a process of its own (spawned by test/helpers/fixture-process.ts): vendor sites and public APIs
 * on loopback, in a process that is not the one under test, so that nothing it does (its sockets, its timers)
 * keeps the tested command's event loop alive. The test sets routes over a control path:
 *   PUT /__fixture/routes  {path: RouteSpec, …} adds or replaces routes (a null spec removes one)
 *   GET /__fixture/log     every request seen, oldest first
 * A route is matched by its exact path with query, then by its path alone.
 */
export interface RouteSpec {
  status?: number;
  type?: string;
  headers?: Record<string, string>;
  /** A string, or a value sent as JSON. */
  body?: unknown;
  /** Answer 302 (or `status`) to this location. */
  redirect?: string;
  /** Send this many bytes of text ("x" lines) as fast as the client reads them. */
  bytes?: number;
  /** Send one byte every this many ms, forever. */
  dripMs?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Served to the first request only (a 429 before the answer, say); the rest get this spec. */
  first?: RouteSpec;
}

const routes = new Map<string, RouteSpec>();
const log: { path: string; headers: http.IncomingHttpHeaders; at: number }[] = [];

function serve(spec: RouteSpec, req: http.IncomingMessage, res: http.ServerResponse) {
  const headers = { 'content-type': spec.type ?? 'text/html; charset=utf-8', ...spec.headers };
  if (spec.redirect) return res.writeHead(spec.status ?? 302, { location: spec.redirect, ...spec.headers }).end();
  if (spec.dripMs) {
    res.writeHead(spec.status ?? 200, headers);
    const t = setInterval(() => res.write('.'), spec.dripMs);
    res.on('close', () => clearInterval(t));
    return;
  }
  if (spec.bytes) {
    res.writeHead(spec.status ?? 200, headers);
    const line = Buffer.from('x'.repeat(1023) + '\n');
    let sent = 0;
    const write = () => {
      while (sent < spec.bytes! && !res.destroyed) {
        const chunk = spec.bytes! - sent >= line.length ? line : line.subarray(0, spec.bytes! - sent);
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
      res.end();
    };
    res.on('close', () => (sent = spec.bytes!));
    return write();
  }
  const etag = spec.headers?.etag;
  if (etag && req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
  const body = spec.body === undefined ? '' : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  res.writeHead(spec.status ?? 200, headers).end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/__fixture/')) {
    if (req.method === 'GET' && url === '/__fixture/log') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log));
    if (req.method === 'PUT' && url === '/__fixture/routes') {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        for (const [path, spec] of Object.entries(JSON.parse(raw) as Record<string, RouteSpec | null>)) {
          if (spec === null) routes.delete(path);
          else routes.set(path, spec);
        }
        res.writeHead(204).end();
      });
      return;
    }
    return res.writeHead(404).end();
  }
  log.push({ path: url, headers: req.headers, at: Date.now() });
  const key = routes.has(url) ? url : url.split('?')[0]!;
  let spec = routes.get(key);
  if (!spec) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  if (spec.first) {
    routes.set(key, { ...spec, first: undefined });
    spec = spec.first;
  }
  if (spec.delayMs) setTimeout(() => serve(spec, req, res), spec.delayMs);
  else serve(spec, req, res);
});

server.listen(0, process.env.FIXTURE_HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ origin: `http://${address}:${port}` }) + '\n');
});
// The test's end (or its crash) closes our stdin: stop then, so no fixture process outlives its test.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
