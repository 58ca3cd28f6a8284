import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { tryGetContext } from 'hono/context-storage';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Site } from './site.js';
import { getSecret, hmac, signValue, unsignValue } from '../community/secret.js';
import { createVisitor, keepVisitor, loadVisitor, signOut, type Visitor } from '../community/visitor.js';
import { votesOf } from '../community/votes.repo.js';
import { bookmarkedToolIds } from '../community/bookmarks.repo.js';

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
  }
}

/** True when a Cookie header carries a personal cookie: such requests bypass the shared page cache. */
export const hasPersonalCookie = (cookieHeader: string | null | undefined): boolean =>
  !!cookieHeader && /(?:^|;\s*)verdict_(?:v|admin)=/.test(cookieHeader);

export const csrfTokenFor = (secret: string, visitorId: string | undefined) =>
  visitorId ? `v.${hmac(secret, CSRF_PURPOSE, `v:${visitorId}`)}` : `a.${hmac(secret, CSRF_PURPOSE, 'anonymous')}`;

const isHttps = (c: Context, site: Site) =>
  site.config.publicUrl.startsWith('https:') || c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https';

export const cookieOptions = (c: Context, site: Site) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c, site), maxAge: COOKIE_MAX_AGE }) as const;

/**
 * The client's address for rate limits: the socket peer; when that peer is a loopback or private address
 * (a reverse proxy on the same host or network), the right-most X-Forwarded-For entry, which that proxy appended.
 */
export function clientAddress(c: Context): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // not served over node:http (app.request in unit tests)
  }
  const trustedProxy = /^(::1|127\.|::ffff:127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|fc|fd|unknown)/i.test(peer);
  const xff = c.req.header('x-forwarded-for');
  if (trustedProxy && xff) {
    const last = xff.split(',').map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  return peer;
}

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
      const page = c.req.method === 'GET' || c.req.method === 'HEAD';
      const personal = visitor && page ? { votes: await votesOf(db, visitor.ownerId), bookmarks: new Set(await bookmarkedToolIds(db, visitor.ownerId)) } : undefined;
      const url = new URL(c.req.url);
      c.set('community', { secret, publicUrl: site.config.publicUrl, visitor, csrf: csrfTokenFor(secret, visitor?.id), path: url.pathname + url.search, personal });
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
  setCookie(c, VISITOR_COOKIE, signValue(state.secret, COOKIE_PURPOSE, visitor.id), cookieOptions(c, site));
  state.visitor = visitor;
  state.csrf = csrfTokenFor(state.secret, visitor.id);
  return visitor;
}

/**
 * The visitor of this request, creating an anonymous one (and its cookie) on first interaction.
 * Call only from state-changing routes, after `verifyCsrf`.
 */
export async function ensureVisitor(c: Context, site: Site): Promise<Visitor> {
  const known = communityState(c).visitor;
  if (known) {
    await keepVisitor(site.store.db, known);
    return known;
  }
  return adopt(c, site, await createVisitor(site.store.db));
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
