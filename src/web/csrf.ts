// CSRF protection for every state-changing request: Sec-Fetch-Site/Origin checks and signed per-visitor tokens.
import type { Context, MiddlewareHandler } from 'hono';
import { jsx } from 'hono/jsx';
import { AppError } from '../errors.js';
import { communityState, csrfTokenFor } from './identity.js';
import { safeEqual } from '../community/secret.js';

/**
 * CSRF protection for every state-changing request, in two layers:
 *  1. Browsers say where a request comes from. `Sec-Fetch-Site` other than same-origin/none, or an `Origin`
 *     that is neither this request's origin nor PUBLIC_URL's, is refused outright.
 *  2. Every form carries a token (`_csrf` field, or `X-CSRF-Token` header for fetch):
 *     - `v.<hmac of the visitor id>` on pages rendered for a visitor who has a cookie: unforgeable without
 *       reading our page as that visitor;
 *     - `a.<hmac>` on public cached pages (same bytes for everyone, so it cannot be personal): accepted only
 *       when the browser also proved the request same-origin (Origin, Sec-Fetch-Site or Referer).
 *     Missing or forged tokens are refused. Visitor cookies are SameSite=Lax, so cross-site POSTs carry none.
 * Refusals are 403 with a page or `{"error":{code,message}}`; nothing is changed.
 * Not hono/csrf: it skips JSON bodies, passes when either header is fine, and has no token (decision 007).
 */

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The hidden form field every POST form renders: `<form method="post">{csrfField(c)}…</form>`. */
export function csrfField(c: Context) {
  return jsx('input', { type: 'hidden', name: CSRF_FIELD, value: csrfToken(c) });
}

/** The token itself (for a `data-csrf` attribute or a JSON response). */
export const csrfToken = (c: Context) => communityState(c).csrf;

const forbidden = (code: string, message: string) => new AppError(code, message, 403);

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/** Checks origin headers and the token; throws a 403 AppError, or returns when the request may proceed. */
export async function checkCsrf(c: Context, publicUrl = communityState(c).publicUrl): Promise<void> {
  if (SAFE.has(c.req.method)) return;
  const state = communityState(c);
  const allowed = new Set([new URL(c.req.url).origin, originOf(publicUrl)]);
  const fetchSite = c.req.header('sec-fetch-site');
  // A page served with a strict Referrer-Policy makes the browser send "Origin: null" even for its own forms;
  // Sec-Fetch-Site then says where the request really came from, so trust that rather than refuse it.
  const rawOrigin = c.req.header('origin');
  const origin = rawOrigin === 'null' && fetchSite === 'same-origin' ? undefined : rawOrigin;
  if ((fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') || (origin && !allowed.has(origin))) {
    throw forbidden('cross_site', 'This request came from another site, so it was refused. Use the form on this site instead.');
  }
  const referer = originOf(c.req.header('referer'));
  const provenSameOrigin = fetchSite === 'same-origin' || (!!origin && allowed.has(origin)) || (!origin && !!referer && allowed.has(referer));

  let token = c.req.header(CSRF_HEADER);
  if (!token) {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      let body: Record<string, unknown>;
      try {
        body = await c.req.parseBody();
      } catch {
        throw new AppError('bad_request', 'That form could not be read. Reload the page and try again.', 400);
      }
      const v = body[CSRF_FIELD];
      if (typeof v === 'string') token = v;
    }
  }
  if (!token) throw forbidden('csrf_missing', 'This form is missing its security token. Reload the page and try again.');

  if (token.startsWith('v.') && state.visitor && safeEqual(token, csrfTokenFor(state.secret, state.visitor.id))) return;
  if (token.startsWith('a.') && safeEqual(token, csrfTokenFor(state.secret, undefined))) {
    if (provenSameOrigin) return;
    throw forbidden('csrf_unverified', 'Your browser did not say this request came from this site, so it was refused. Reload the page and try again.');
  }
  throw forbidden('csrf_invalid', 'This form’s security token is not valid (it may be from an old page or another browser). Reload the page and try again.');
}

/** Middleware form of checkCsrf for POST routes: `app.post('/x', verifyCsrf, handler)`. Needs communityContext (src/web/app.tsx). */
export const verifyCsrf: MiddlewareHandler = async (c, next) => {
  await checkCsrf(c, communityState(c).publicUrl);
  await next();
};
