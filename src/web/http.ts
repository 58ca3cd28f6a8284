// Shared HTTP middleware: the page cache (reading the freshness declaration), input checks, form and JSON helpers.
import type { Context, MiddlewareHandler } from 'hono';
import { accelExpires, ACCEL_EXPIRES_HEADER, etagMatches, etagOf, type CachedPage } from './cache.js';
import { chooseEncoding, compressVariants, variantEtag } from './compression.js';
import type { Site } from './site.js';
import { hasPersonalCookie } from './identity.js';
import { AppError } from '../errors.js';
import { isStorableText } from '../domain/schemas.js';
import { routePath } from 'hono/route';
import { cachedRoute, paramsOf } from './freshness.js';
import { log } from '../ops/log.js';
import { surrogateKeys } from './cdn.js';
import { markedSlots, placeSlots, type PlacedSlot } from './vote-slots.js';

/** Public pages: browsers revalidate with the ETag each time; a CDN or proxy may keep them a minute. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=0, s-maxage=60, stale-while-revalidate=30';

/**
 * Cache key of a request: its path plus the query parameters its page reads (its declaration in freshness.ts), in
 * that order, so `/?r=1` and `/?r=2` are one entry and made-up parameters cannot force a fresh render.
 */
export const cacheKey = (url: string) => {
  // Plain paths without a query are their own key; anything a URL parser might rewrite (dots, escapes, a full URL) is parsed.
  if (/^\/[\w\-/]*$/.test(url) && !url.includes('//')) return url;
  // Parsing a URL and its query costs a few microseconds, a tenth of a cache hit (/compare?tools=…, /search?q=…):
  // the keys of recent request targets are remembered, bounded (made-up targets only cost the parse again).
  if (url.length > 300) return parsedKey(url);
  let key = parsedKeys.get(url);
  if (key === undefined) {
    key = parsedKey(url);
    if (parsedKeys.size >= PARSED_KEYS) parsedKeys.clear();
    parsedKeys.set(url, key);
  }
  return key;
};

const PARSED_KEYS = 2000;
const parsedKeys = new Map<string, string>();

function parsedKey(url: string): string {
  // A request target ("//x", "///") is appended to an origin, as the server does; resolved against a base it would
  // name another host ("//x/a" -> "/a") or throw ("///"), and a throw here is outside Hono's error handler.
  let u: URL;
  try {
    u = url.startsWith('/') ? new URL(`http://x${url}`) : new URL(url);
  } catch {
    return url;
  }
  if (!u.search) return u.pathname;
  const names = paramsOf(u.pathname);
  const kept = new URLSearchParams();
  for (const name of names) for (const v of u.searchParams.getAll(name)) kept.append(name, v);
  const q = kept.toString();
  return q ? `${u.pathname}?${q}` : u.pathname;
}

export type AppEnv = { Variables: { tools?: readonly number[] } };

/**
 * Names the tools whose vote counts a page shows, so a vote on one of them (and only those) drops it. A route
 * declared `shows: 'votes'` or `'tools'` in freshness.ts must call it before answering 200, or its answer is not cached.
 */
export const showsTools = (c: Context<AppEnv>, ids: readonly number[]) => c.set('tools', ids);

/**
 * The outermost middleware: serves GETs from the in-memory page cache while the data version is unchanged;
 * after a route declared in freshness.ts renders a 200 for nobody in particular, stores its final bytes and
 * headers (security headers included) with an ETag, and what makes it stale. Answers If-None-Match with 304.
 */
export function pageCache(site: Site): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    // A visitor with a community cookie sees their own votes and bookmarks: never serve them the shared page.
    const cookie = hasPersonalCookie(c.req.header('cookie'));
    const key = cacheKey(c.req.url);
    const version = site.version();
    const since = site.touchCursor();
    if (!cookie) {
      const hit = site.cache.get(key, version);
      if (hit) {
        site.cache.stats.hits++;
        return fromCache(c, hit);
      }
    }
    await next();
    // A render with vote slots (vote-slots.tsx): the markers come out here, stored or not.
    const slots = markedSlots(c);
    let marked: { body: Buffer; placed: PlacedSlot[] } | undefined;
    if (slots?.length) {
      marked = placeSlots(await c.res.text(), slots);
      const old = c.res;
      old.headers.delete('content-length');
      c.res = undefined;
      c.res = new Response(new Uint8Array(marked.body), { status: old.status, headers: old.headers });
    }
    const res = c.res;
    // Only what freshness.ts declares is cached: the handler that answered decides, by its route pattern.
    const route = cachedRoute(routePath(c));
    if (!route) return;
    // Rendered for one person (markPersonal: a visitor or admin was loaded), or asked for by one: never stored or shared.
    if (cookie || c.get('personal')) {
      if (!/no-store/.test(res.headers.get('cache-control') ?? '')) res.headers.set('cache-control', 'private, no-cache');
      return;
    }
    site.cache.stats.misses++;
    if (res.status !== 200 || res.headers.has('set-cookie')) return;
    const named = route.shows === 'tools' || route.shows === 'votes';
    const tools = route.shows === 'catalog' ? [] : named ? c.get('tools') : undefined;
    if (named && !tools) {
      log().error({ route: route.path }, 'page cache: a route declared to show tools named none (showsTools); not cached');
      return;
    }
    if (!res.headers.has('cache-control')) res.headers.set('cache-control', PUBLIC_CACHE_CONTROL);
    // What the page shows, for a CDN's purge by tag (src/web/cdn.ts): stored with the page, so hits, misses and every
    // encoding carry the same tags; personal answers returned above and carry none.
    const tags = surrogateKeys(route.shows, tools);
    res.headers.set('surrogate-key', tags.join(' '));
    res.headers.set('cache-tag', tags.join(','));
    const body = marked?.body ?? Buffer.from(await res.arrayBuffer());
    const etag = etagOf(body);
    const headers: [string, string][] = [...res.headers.entries()].filter(([k]) => k !== 'content-length' && k !== 'etag' && k !== 'vary');
    // Compressed once, here; every reader of this entry gets the variant their Accept-Encoding asks for.
    headers.push(['etag', etag], ['vary', 'accept-encoding']);
    const page: CachedPage = { status: 200, body, etag, headers, version, since, tools, storedAt: Date.now(), route: route.path, ...(route.shows === 'votes' ? { slots: marked?.placed ?? [] } : {}), ...compressVariants(body, res.headers.get('content-type') ?? undefined) };
    site.cache.set(key, page);
    c.res = undefined;
    c.res = fromCache(c, page, false);
  };
}

/** A cached page as a Response, in the encoding this request accepts, with that encoding's ETag (304 when it matches). */
function fromCache(c: Context, page: CachedPage, hit = true): Response {
  const encoding = chooseEncoding(c.req.header('accept-encoding'), page);
  const etag = variantEtag(page.etag, encoding);
  const h = new Headers(page.headers);
  h.set('x-cache', hit ? 'hit' : 'miss');
  h.set(ACCEL_EXPIRES_HEADER, accelExpires());
  if (encoding) {
    h.set('etag', etag);
    h.set('content-encoding', encoding);
  }
  if (etagMatches(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers: h });
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(encoding ? page[encoding]! : page.body), { status: page.status, headers: h });
}

/** Walks with a list, not recursion: a JSON body nested thousands deep must not overflow the stack (a 500). */
function anyUnstorable(root: unknown): boolean {
  const todo = [root];
  while (todo.length) {
    const v = todo.pop();
    if (typeof v === 'string') {
      if (!isStorableText(v)) return true;
    } else if (Array.isArray(v)) for (const x of v) todo.push(x);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!isStorableText(k)) return true;
        todo.push(x);
      }
    }
  }
  return false;
}

/**
 * Refuses, in one place and the same way on both databases, input that PostgreSQL cannot store or compare
 * (NUL, unpaired surrogates): 404 for such a path, 400 for such a query value or form/JSON field. Runs after
 * the body limit; the bodies it reads stay cached for the route.
 */
export const rejectUnstorableInput: MiddlewareHandler = async (c, next) => {
  if (!isStorableText(c.req.path)) throw new AppError('not_found', 'There is no page at that address.', 404);
  const bad = () => new AppError('bad_request', 'That request contains characters we cannot accept (such as NUL).', 400);
  if (anyUnstorable(c.req.queries())) throw bad();
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const type = c.req.header('content-type') ?? '';
    let body: unknown;
    try {
      if (type.startsWith('application/json')) body = await c.req.json();
      else if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) body = await c.req.parseBody();
    } catch {
      // Malformed bodies are the route's to refuse (readForm answers 400).
    }
    if (anyUnstorable(body)) throw bad();
  }
  await next();
};

/** The one rule for answering with JSON rather than a page: the API, or a client that asks for JSON. */
export const wantsJson = (c: Context) => c.req.path.startsWith('/api/') || (c.req.header('accept') ?? '').startsWith('application/json');

/** A form or JSON body as string fields. Malformed bodies are a 400, never a stack trace. */
export async function readForm(c: Context): Promise<Record<string, string | undefined>> {
  const type = c.req.header('content-type') ?? '';
  let raw: Record<string, unknown>;
  try {
    if (type.startsWith('application/json')) {
      const j: unknown = await c.req.json();
      if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('not an object');
      raw = j as Record<string, unknown>;
    } else if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      raw = await c.req.parseBody();
    } else if (!type && !(await c.req.text())) {
      raw = {};
    } else {
      throw new AppError('unsupported_body', 'Send the form as application/x-www-form-urlencoded (or JSON).', 415);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('bad_request', 'That request body could not be read. Reload the page and try again.', 400);
  }
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}


/**
 * A same-site path to go back to, or the fallback. Only "/something" (not "//host" or "/\host", no
 * control characters) survives: a form field can never send people to another site. The check runs on
 * the normalised result too, since the URL parser collapses dot segments (`/.//evil.example` -> `//evil.example`).
 */
export function safePath(input: unknown, fallback: string): string {
  const local = (p: string) => p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\') && !/[\u0000-\u001f\u007f\\]/.test(p);
  if (typeof input !== 'string' || input.length === 0 || input.length > 2000 || !local(input)) return fallback;
  try {
    const u = new URL(input, 'http://same.invalid');
    const out = u.pathname + u.search + u.hash;
    if (u.origin !== 'http://same.invalid' || !local(out)) return fallback;
    return out;
  } catch {
    return fallback;
  }
}
