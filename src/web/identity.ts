// The request side of community identity: the signed visitor cookie, per-request community state, HTTPS and client address.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { tryGetContext } from 'hono/context-storage';
import { getConnInfo } from '@hono/node-server/conninfo';
import proxyAddr from 'proxy-addr';
import type { IncomingMessage } from 'node:http';
import type { Config, TrustProxy } from '../config.js';
import type { DbOrTx } from '../db/db.js';
import type { Site } from './site.js';
import { getSecret, hmac, signValue, unsignValue } from '../community/secret.js';
import { createVisitor, keepVisitor, loadVisitor, signOut, type Visitor } from '../community/visitor.js';
import { votesByVoter } from '../community/votes.repo.js';
import { bookmarkedToolIds } from '../community/bookmarks.repo.js';
import { cacheKey } from './http.js';

/**
 * The request side of community identity: the signed visitor cookie, the per-request community state
 * (secret, visitor, CSRF token, the visitor's own votes and bookmarks), and the client address for limits.
 * The rules and rows are in src/community/visitor.ts.
 */

export type { Visitor };
export const VISITOR_COOKIE = 'verdict_v';
export const ADMIN_COOKIE = 'verdict_admin';
const COOKIE_PURPOSE = 'visitor-cookie';
const CSRF_PURPOSE = 'csrf';
const COOKIE_MAX_AGE = 400 * 24 * 3600; // browsers cap cookie lifetimes at 400 days

/** Per-request community state, set by `communityContext`. */
export interface CommunityState {
  secret: string;
  /** config.publicUrl: its origin is accepted in Origin headers (behind a proxy the request URL may differ). */
  publicUrl: string;
  visitor: Visitor | undefined;
  /** The CSRF token forms on this response carry (bound to the visitor, or the anonymous one on public pages). */
  csrf: string;
  /** Path and query of this request, for "back to where you were" after a form POST. */
  path: string;
  /** The visitor's own votes and bookmarks, loaded for page views by visitors who have a cookie. */
  personal: Personal | undefined;
}

export interface Personal {
  votes: Map<number, 'ship' | 'skip'>;
  bookmarks: Set<number>;
}

declare module 'hono' {
  interface ContextVariableMap {
    community?: CommunityState;
    /** Set by markPersonal once anything about this visitor was read: the response is theirs alone. */
    personal?: true;
  }
}

/**
 * True when a Cookie header carries a personal cookie: such requests bypass the shared page cache. Read with the
 * parser `getCookie` uses (names trimmed, quotes dropped, the first well-formed value wins), so the guard sees a
 * cookie exactly when the app would read one: `verdict_v =…` counts. The cache's real safeguard is structural
 * (markPersonal); this only keeps a signed-in reader from being served the anonymous page.
 */
export const hasPersonalCookie = (cookieHeader: string | null | undefined): boolean =>
  !!cookieHeader && (parseCookies(cookieHeader, VISITOR_COOKIE)[VISITOR_COOKIE] !== undefined || parseCookies(cookieHeader, ADMIN_COOKIE)[ADMIN_COOKIE] !== undefined);

/**
 * Marks this response as rendered for one person (a visitor or an admin session was loaded): the page cache
 * never stores it and it goes out `private`, whatever the request's Cookie header looked like (src/web/http.ts).
 */
export const markPersonal = (c: Context) => c.set('personal', true);

export const csrfTokenFor = (secret: string, visitorId: string | undefined) =>
  visitorId ? `v.${hmac(secret, CSRF_PURPOSE, `v:${visitorId}`)}` : `a.${hmac(secret, CSRF_PURPOSE, 'anonymous')}`;

const trustFns = new WeakMap<Config, (addr: string, hop: number) => boolean>();
/** The compiled TRUST_PROXY rule of a config (proxy-addr's, as Express uses it). */
export function trustOf(config: Config): (addr: string, hop: number) => boolean {
  let fn = trustFns.get(config);
  if (!fn) trustFns.set(config, (fn = compileTrust(config.trustProxy)));
  return fn;
}
const compileTrust = (t: TrustProxy): ((addr: string, hop: number) => boolean) =>
  t === false ? () => false : t === true ? () => true : typeof t === 'number' ? (_a, hop) => hop < t : proxyAddr.compile(t);

/**
 * The client's address for rate limits, by the TRUST_PROXY rule: by default the socket peer, whatever
 * X-Forwarded-For says; when the peer is a trusted proxy, the address that proxy (and any trusted ones
 * before it) forwarded, read right to left as Express does.
 */
export function forwardedClient(config: Config, peer: string, xff: string | undefined): string {
  const req = { headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress: peer }, connection: { remoteAddress: peer } };
  return proxyAddr(req as unknown as IncomingMessage, trustOf(config));
}

/** Whether this request reached us over https: its own URL, or X-Forwarded-Proto (left-most) from a trusted proxy. */
export function requestIsHttps(config: Config, url: string, peer: string, forwardedProto: string | undefined): boolean {
  if (url.startsWith('https:')) return true;
  return !!forwardedProto && trustOf(config)(peer, 0) && forwardedProto.split(',')[0]!.trim().toLowerCase() === 'https';
}

const peerOf = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served over node:http (app.request in unit tests)
  }
};

/** Whether this request itself came over https (for HSTS, which only counts on https responses). */
export const isHttpsRequest = (c: Context, site: Site) => requestIsHttps(site.config, c.req.url, peerOf(c), c.req.header('x-forwarded-proto'));

/** https for cookies: the site's public address is https, or this request came over https (see requestIsHttps). */
export const isHttps = (c: Context, site: Site) =>
  site.config.publicUrl.startsWith('https:') || isHttpsRequest(c, site);

/** Strict-Transport-Security, sent on https responses only (browsers ignore it over http, and it says nothing true there). */
export const HSTS = 'max-age=15552000; includeSubDomains';

export const cookieOptions = (c: Context, site: Site) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c, site), maxAge: COOKIE_MAX_AGE }) as const;

/** The client's address for rate limits (see forwardedClient and TRUST_PROXY). */
export const clientAddress = (c: Context, site: Site): string => forwardedClient(site.config, peerOf(c), c.req.header('x-forwarded-for'));

/**
 * The community state of the request being rendered, for components deep in a page (vote and bookmark
 * buttons, the subscribe form) that have no Context at hand: read through hono/context-storage.
 * Undefined outside a request (e.g. rendering an email).
 */
export const currentCommunity = (): CommunityState | undefined => tryGetContext()?.get('community');

/**
 * Reads the secret and, when the request carries a visitor cookie, the visitor (and, for page views, their
 * votes and bookmarks). Registered once in app.tsx before every page route, after `contextStorage()`.
 * Cheap for cookie-less requests: the secret is memoised, and there is no database read.
 */
export function communityContext(site: Site): MiddlewareHandler {
  const db = site.store.db;
  void getSecret(db, site.config).catch(() => {}); // warm up before the first request
  return async (c, next) => {
    if (!c.get('community')) {
      const secret = await getSecret(db, site.config);
      const id = unsignValue(secret, COOKIE_PURPOSE, getCookie(c, VISITOR_COOKIE));
      const visitor = id ? await loadVisitor(db, id) : undefined;
      if (visitor) markPersonal(c);
      const page = c.req.method === 'GET' || c.req.method === 'HEAD';
      const [votes, bookmarks] = visitor && page ? await Promise.all([votesByVoter(db, visitor.ownerId), bookmarkedToolIds(db, visitor.ownerId)]) : [];
      const personal = votes && bookmarks ? { votes, bookmarks: new Set(bookmarks) } : undefined;
      c.set('community', { secret, publicUrl: site.config.publicUrl, visitor, csrf: csrfTokenFor(secret, visitor?.id), path: cacheKey(c.req.url), personal });
    }
    await next();
  };
}

export function communityState(c: Context): CommunityState {
  const s = c.get('community');
  if (!s) throw new Error('community state missing: communityContext must run before this route (src/web/app.tsx)');
  return s;
}

/** The visitor of this request, if the browser has interacted before (has a valid visitor cookie). Never creates one. */
export const getVisitor = (c: Context): Visitor | undefined => c.get('community')?.visitor;

/** Makes `visitor` this request's visitor and gives the browser its cookie. */
function adopt(c: Context, site: Site, visitor: Visitor): Visitor {
  const state = communityState(c);
  markPersonal(c);
  setCookie(c, VISITOR_COOKIE, signValue(state.secret, COOKIE_PURPOSE, visitor.id), cookieOptions(c, site));
  state.visitor = visitor;
  state.csrf = csrfTokenFor(state.secret, visitor.id);
  return visitor;
}

/**
 * The visitor of this request, creating an anonymous one (and its cookie) on first interaction.
 * Call only from state-changing routes, after `verifyCsrf`; given a transaction, the row is written in it (a cookie
 * naming a row that was rolled back reads as a fresh anonymous visitor, and its row comes back on the next write).
 */
export async function ensureVisitor(c: Context, site: Site, db: DbOrTx = site.store.db): Promise<Visitor> {
  const known = communityState(c).visitor;
  if (known) {
    await keepVisitor(db, known);
    return known;
  }
  return adopt(c, site, await createVisitor(db));
}

/** Signs this browser in to an account (after a magic link): a fresh visitor id linked to the account, in a new cookie. */
export async function signInVisitor(c: Context, site: Site, userId: number, email: string): Promise<Visitor> {
  return adopt(c, site, await createVisitor(site.store.db, { id: userId, email }));
}

/**
 * Signs out: the old visitor row stops pointing at the account (revoking that cookie everywhere it was
 * copied), and the cookie is dropped; the next interaction starts a fresh anonymous visitor.
 */
export async function signOutVisitor(c: Context, site: Site): Promise<void> {
  const state = communityState(c);
  if (state.visitor) await signOut(site.store.db, state.visitor.id);
  deleteCookie(c, VISITOR_COOKIE, { path: '/', secure: isHttps(c, site) });
  state.visitor = undefined;
  state.csrf = csrfTokenFor(state.secret, undefined);
}
