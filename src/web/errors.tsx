// The one error path: JSON errors for the API and a friendly page for people, never a stack trace.
import type { Context } from 'hono';
import { AppError } from '../errors.js';
import { renderPage } from './layout.js';
import type { Site } from './site.js';
import { wantsJson } from './http.js';
import { urls } from '../urls.js';
import { asBusyError } from '../db/db.js';
import { log } from '../ops/log.js';
import { requestId, routeOf } from './request-log.js';

/**
 * The one error path (app.onError, notFound, bodyLimit): `{"error":{"code","message"}}` for the API, a friendly
 * page for people. Never a stack trace. Every error that carries retryAfterSeconds (429, and 503 when the
 * database stayed locked) says when to retry.
 */
export function errorResponse(c: Context, site: Site, err: unknown): Response {
  const app = err instanceof AppError ? err : asBusyError(err);
  // The stack goes to the log with the request id (the reader gets the id in X-Request-Id, never the stack).
  if (!app) log().error({ err, reqId: requestId(c), method: c.req.method, route: routeOf(c) }, 'request failed');
  const status = app?.status ?? 500;
  const code = app?.code ?? 'internal';
  const message = app ? app.message : 'Something went wrong on our side. Please try again in a moment.';
  const retryAfter = (app as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  const headers: Record<string, string> = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
  if (wantsJson(c)) return c.json({ error: { code, message } }, status as 400, headers);
  return c.html(errorPage(site, status, message), status as 400, { 'cache-control': 'no-store', ...headers });
}

export function errorPage(site: Site, status: number, message: string, extra?: unknown): string {
  const title = status === 404 ? 'Not found' : status === 503 ? 'Busy' : status >= 500 ? 'Something went wrong' : status === 429 ? 'Slow down' : 'That did not work';
  return renderPage(
    site,
    { title, description: message, path: urls.home, noindex: true },
    <section class="error-page">
      <p class="muted small">Error {status}</p>
      <h1>{title}</h1>
      <p>{message}</p>
      {extra}
      <p>
        <a href={urls.tools()}>Browse all tools</a> · <a href={urls.search()}>Search</a> · <a href={urls.critics}>Meet the critics</a>
      </p>
    </section>,
  );
}
