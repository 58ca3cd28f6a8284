import { randomBytes } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { nowIso } from '../db/db.js';
import type { Site } from '../web/site.js';
import { getSecret, hmac, signValue, unsignValue } from './secret.js';

/**
 * Visitors: an anonymous identity given on first interaction (a vote, a bookmark, a submission, a sign-in
 * request) — never on a plain page view, so public pages stay cookie-free and cacheable.
 * The cookie holds a random visitor id, signed; the `visitors` row links it to an account once signed in,
 * so signing out (unlinking) revokes it server-side.
 */

export const VISITOR_COOKIE = 'verdict_v';
export const ADMIN_COOKIE = 'verdict_admin';
const COOKIE_PURPOSE = 'visitor-cookie';
const CSRF_PURPOSE = 'csrf';
const COOKIE_MAX_AGE = 400 * 24 * 3600; // browsers cap cookie lifetimes at 400 days

export interface Visitor {
  /** Random id from the cookie. */
  id: string;
  /** The account this browser is signed in to, if any. */
  userId: number | null;
  email: string | null;
  /** Who votes and bookmarks belong to: `u:<user id>` when signed in, else `v:<visitor id>`. */
  ownerId: string;
}

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

export const ownerIdFor = (visitorId: string, userId: number | null) => (userId !== null ? `u:${userId}` : `v:${visitorId}`);
export const visitorOwnerId = (visitorId: string) => `v:${visitorId}`;
export const userOwnerId = (userId: number) => `u:${userId}`;

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

async function loadVisitorRow(site: Site, id: string): Promise<Visitor> {
  const row = await site.store.db
    .selectFrom('visitors')
    .leftJoin('users', 'users.id', 'visitors.userId')
    .select(['visitors.userId', 'users.email'])
    .where('visitors.id', '=', id)
    .executeTakeFirst();
  const userId = row?.userId ?? null;
  return { id, userId, email: row?.email ?? null, ownerId: ownerIdFor(id, userId) };
}

const als = new AsyncLocalStorage<CommunityState>();

/**
 * The community state of the request being rendered, for components deep in a page (vote and bookmark
 * buttons) that have no Context at hand. Undefined outside a request (e.g. rendering an email).
 */
export const currentCommunity = (): CommunityState | undefined => als.getStore();

/**
 * Reads the secret and, when the request carries a visitor cookie, the visitor (and, for page views, their
 * votes and bookmarks via `preload`). Registered once for every route (first in routes.ts), so
 * `csrfField(c)`, `verifyCsrf`, `getVisitor(c)` and the community components work everywhere. Cheap for
 * cookie-less requests: the secret is memoised, and there is no database read.
 */
export function communityContext(site: Site, preload?: (ownerId: string) => Promise<Personal>): MiddlewareHandler {
  void getSecret(site.store.db, site.config).catch(() => {}); // warm up before the first request
  return async (c, next) => {
    let state = c.get('community');
    if (!state) {
      const secret = await getSecret(site.store.db, site.config);
      const id = unsignValue(secret, COOKIE_PURPOSE, getCookie(c, VISITOR_COOKIE));
      const visitor = id ? await loadVisitorRow(site, id) : undefined;
      const personal = visitor && preload && (c.req.method === 'GET' || c.req.method === 'HEAD') ? await preload(visitor.ownerId) : undefined;
      const url = new URL(c.req.url);
      state = { secret, publicUrl: site.config.publicUrl, visitor, csrf: csrfTokenFor(secret, visitor?.id), path: url.pathname + url.search, personal };
      c.set('community', state);
    }
    await als.run(state, next);
  };
}

export function communityState(c: Context): CommunityState {
  const s = c.get('community');
  if (!s) throw new Error('community state missing: registerCommunity must be the first line in src/web/routes.ts');
  return s;
}

/** The visitor of this request, if the browser has interacted before (has a valid visitor cookie). Never creates one. */
export const getVisitor = (c: Context): Visitor | undefined => c.get('community')?.visitor;

/**
 * The visitor of this request, creating an anonymous one (and its cookie) on first interaction.
 * Call only from state-changing routes, after `verifyCsrf`.
 */
export async function ensureVisitor(c: Context, site: Site): Promise<Visitor> {
  const state = communityState(c);
  if (state.visitor) {
    // A valid cookie whose row is gone (database restored) gets its row back.
    await site.store.db
      .insertInto('visitors')
      .values({ id: state.visitor.id, userId: null, createdAt: nowIso(), lastSeenAt: nowIso() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return state.visitor;
  }
  const id = randomBytes(18).toString('base64url');
  const now = nowIso();
  await site.store.db.insertInto('visitors').values({ id, userId: null, createdAt: now, lastSeenAt: now }).execute();
  setVisitorCookie(c, site, state.secret, id);
  const visitor: Visitor = { id, userId: null, email: null, ownerId: visitorOwnerId(id) };
  state.visitor = visitor;
  state.csrf = csrfTokenFor(state.secret, id);
  return visitor;
}

function setVisitorCookie(c: Context, site: Site, secret: string, id: string) {
  setCookie(c, VISITOR_COOKIE, signValue(secret, COOKIE_PURPOSE, id), cookieOptions(c, site));
}

/**
 * Signs this browser in to an account (after a magic link): a fresh visitor id linked to the account, in a
 * new cookie. Rotating the id means a visitor cookie planted before sign-in never gains the account.
 */
export async function signInVisitor(c: Context, site: Site, userId: number, email: string): Promise<Visitor> {
  const state = communityState(c);
  const id = randomBytes(18).toString('base64url');
  const now = nowIso();
  await site.store.db.insertInto('visitors').values({ id, userId, createdAt: now, lastSeenAt: now }).execute();
  setVisitorCookie(c, site, state.secret, id);
  const visitor: Visitor = { id, userId, email, ownerId: userOwnerId(userId) };
  state.visitor = visitor;
  state.csrf = csrfTokenFor(state.secret, id);
  return visitor;
}

/**
 * Signs out: the old visitor row stops pointing at the account (revoking that cookie everywhere it was
 * copied), and the cookie is dropped; the next interaction starts a fresh anonymous visitor.
 */
export async function signOutVisitor(c: Context, site: Site): Promise<void> {
  const state = communityState(c);
  if (state.visitor) await site.store.db.updateTable('visitors').set({ userId: null }).where('id', '=', state.visitor.id).execute();
  deleteCookie(c, VISITOR_COOKIE, { path: '/', secure: isHttps(c, site) });
  state.visitor = undefined;
  state.csrf = csrfTokenFor(state.secret, undefined);
}
