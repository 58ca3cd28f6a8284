import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { cacheable } from '../http.js';
import { renderPage } from '../layout.js';
import { errorResponse } from '../errors.js';
import { setToolCardActions, ToolCard } from '../components/verdict.js';
import { AccountLine, BookmarkButton, CommunityActions } from '../components/community.js';
import { setToolCommunityActions } from './tool.page.js';
import { AppError, notFound } from '../../errors.js';
import { withPanels } from '../../catalog/catalog.service.js';
import { findToolBySlug } from '../../catalog/tools.repo.js';
import { MAX_COMPARE } from '../../domain/compare.js';
import { PRICING_MODELS } from '../../domain/schemas.js';
import { PRICING_LABELS } from '../../domain/pricing.js';
import { summarizeVotes } from '../../domain/summary.js';
import type { SubmissionRow } from '../../db/types.js';
import { createMailer, type Mailer } from '../../mail/mailer.js';
import { ADMIN_COOKIE, clientAddress, communityContext, communityState, ensureVisitor, getVisitor, signInVisitor, signOutVisitor } from '../../community/visitor.js';
import { checkCsrf, csrfField, verifyCsrf } from '../../community/csrf.js';
import { safeEqual, signValue, unsignValue } from '../../community/secret.js';
import { limiterFor, RateLimitError, type LimitName } from '../../community/rate-limit.js';
import { castVote, voteCounts, votesOf } from '../../community/votes.repo.js';
import { addBookmark, bookmarkedToolIds, bookmarkedTools, removeBookmark } from '../../community/bookmarks.repo.js';
import { createMagicLink, MAGIC_LINK_TTL_MS, parseEmail, peekMagicLink, signInWithLink } from '../../community/accounts.js';
import {
  approveSubmission,
  listSubmissions,
  parseSubmission,
  rejectSubmission,
  submitTool,
  SubmissionInvalid,
  SUBMISSION_LABELS,
} from '../../community/submissions.service.js';

/**
 * Community routes: votes and bookmarks (POST, 303 back, or JSON for the script), /bookmarks with export
 * and compare, /submit, sign-in by emailed link, and the operator's /admin page.
 * Registered first in routes.ts: its context middleware (secret, visitor, CSRF token, the visitor's own
 * votes and bookmarks) serves every route after it.
 */
export function registerCommunity(app: App, site: Site): void {
  const db = site.store.db;
  let mailer: Mailer | undefined;
  const mail = () => (mailer ??= createMailer(site.config));

  app.use(
    '*',
    communityContext(site, async (ownerId) => ({ votes: await votesOf(db, ownerId), bookmarks: new Set(await bookmarkedToolIds(db, ownerId)) })),
  );
  setToolCardActions((item) => <BookmarkButton tool={item.tool} compact />);
  // The tool page shows the community line itself; the buttons go beside it (the script updates that line).
  setToolCommunityActions((item) => <CommunityActions tool={item.tool} />);

  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);

  // ── Votes ────────────────────────────────────────────────────────────────
  app.post('/tools/:slug/vote', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const body = await readBody(c);
      const vote = body.vote;
      if (vote !== 'ship' && vote !== 'skip') throw new AppError('invalid_vote', 'A vote is either "ship" or "skip".', 400);
      const tool = await toolOr404(site, c.req.param('slug'));
      const ip = clientAddress(c);
      const known = getVisitor(c);
      limit(known ? [['voteIp', ip], ['voteVisitor', known.ownerId]] : [['voteIp', ip], ['newVisitorIp', ip]], 'You are voting too fast.');
      const visitor = await ensureVisitor(c, site);
      await castVote(db, tool.id, visitor.ownerId, vote);
      await site.refreshVersion();
      const counts = (await voteCounts(db, [tool.id])).get(tool.id)!;
      if (wantsJson(c)) {
        return c.json({ ok: true, tool: tool.slug, vote, counts, community: summarizeVotes(counts.ships, counts.skips), csrf: communityState(c).csrf });
      }
      return c.redirect(safePath(body.return_to, `/tools/${tool.slug}`), 303);
    }),
  );

  // ── Bookmarks ────────────────────────────────────────────────────────────
  app.post('/tools/:slug/bookmark', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const body = await readBody(c);
      const action = body.action ?? 'add';
      if (action !== 'add' && action !== 'remove') throw new AppError('invalid_action', 'A bookmark action is either "add" or "remove".', 400);
      const tool = await toolOr404(site, c.req.param('slug'));
      const ip = clientAddress(c);
      const known = getVisitor(c);
      limit(known ? [['bookmarkIp', ip], ['bookmarkVisitor', known.ownerId]] : [['bookmarkIp', ip], ['newVisitorIp', ip]], 'You are bookmarking too fast.');
      const visitor = await ensureVisitor(c, site);
      if (action === 'add') await addBookmark(db, visitor.ownerId, tool.id);
      else await removeBookmark(db, visitor.ownerId, tool.id);
      if (wantsJson(c)) return c.json({ ok: true, tool: tool.slug, bookmarked: action === 'add', csrf: communityState(c).csrf });
      return c.redirect(safePath(body.return_to, `/tools/${tool.slug}`), 303);
    }),
  );

  app.get('/bookmarks', async (c) => {
    const v = getVisitor(c);
    const rows = v ? await bookmarkedTools(db, v.ownerId) : [];
    const items = await withPanels(db, rows);
    const error = c.req.query('error');
    return c.html(
      renderPage(
        site,
        { title: 'Your bookmarks', description: 'Tools you bookmarked on Verdict.', path: '/bookmarks', noindex: true, nav: 'bookmarks' },
        <section class="bookmarks-page">
          <h1>Your bookmarks</h1>
          <AccountLine next="/bookmarks" />
          {error === 'pick' && (
            <p class="notice" role="alert">
              Pick between two and {MAX_COMPARE} bookmarked tools to compare.
            </p>
          )}
          {items.length === 0 ? (
            <div class="card empty-state">
              <p>No bookmarks yet. Use the Bookmark button on any tool to keep it here, then compare your shortlist side by side.</p>
              <p>
                <a class="btn" href="/">Browse tools</a>
              </p>
            </div>
          ) : (
            <>
              <form id="compare-bookmarks" class="bookmarks-toolbar" method="get" action="/bookmarks/compare">
                <p class="small muted">
                  {items.length} {items.length === 1 ? 'tool' : 'tools'}. Tick two to {MAX_COMPARE}, then compare them side by side.
                </p>
                <button type="submit">Compare selected</button>
                <a class="btn btn-quiet" href="/bookmarks.json" download="verdict-bookmarks.json">
                  Export JSON
                </a>
              </form>
              <ul class="grid tool-grid" aria-label="Bookmarked tools">
                {items.map((item) => (
                  <li>
                    <ToolCard
                      item={item}
                      actions={
                        <span class="bookmark-actions">
                          <label class="compare-pick">
                            <input type="checkbox" name="tools" value={item.tool.slug} form="compare-bookmarks" /> Compare
                            <span class="visually-hidden"> {item.tool.name}</span>
                          </label>
                          <BookmarkButton tool={item.tool} compact />
                        </span>
                      }
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>,
      ),
      200,
      { 'cache-control': 'private, no-store' },
    );
  });

  app.get('/bookmarks.json', async (c) => {
    const v = getVisitor(c);
    const rows = v ? await bookmarkedTools(db, v.ownerId) : [];
    const base = site.config.publicUrl;
    const doc = {
      exportedAt: new Date().toISOString(),
      account: v?.email ?? null,
      count: rows.length,
      bookmarks: rows.map((t) => ({
        slug: t.slug,
        name: t.name,
        tagline: t.tagline,
        category: t.category,
        url: t.url,
        page: `${base}/tools/${t.slug}`,
        bookmarkedAt: t.bookmarkedAt,
      })),
    };
    return c.body(JSON.stringify(doc, null, 2) + '\n', 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="verdict-bookmarks.json"',
      'cache-control': 'private, no-store',
    });
  });

  // The checkbox form sends tools=a&tools=b; the compare pages take one comma-separated list.
  app.get('/bookmarks/compare', (c) => {
    const picked = [...new Set((c.req.queries('tools') ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => /^[a-z0-9-]{1,80}$/.test(s)))];
    if (picked.length < 2 || picked.length > MAX_COMPARE) return c.redirect('/bookmarks?error=pick', 303);
    if (picked.length === 2) return c.redirect(`/compare/${[...picked].sort().join('-vs-')}`, 303);
    return c.redirect(`/compare?tools=${picked.map(encodeURIComponent).join(',')}`, 303);
  });

  // ── Submit a tool ────────────────────────────────────────────────────────
  app.get('/submit', cacheable, (c) => c.html(submitPage(site, c, {})));
  app.get('/submit/thanks', cacheable, (c) =>
    c.html(
      renderPage(
        site,
        { title: 'Thanks for the submission', description: 'Your tool is waiting for review.', path: '/submit/thanks', noindex: true },
        <section class="narrow">
          <h1>Thanks! Your tool is in the queue</h1>
          <p>An editor checks every submission. Once it is approved, the tool gets its own page and the critics review it.</p>
          <p>
            <a href="/">Browse tools</a> · <a href="/submit">Submit another</a>
          </p>
        </section>,
      ),
    ),
  );
  app.post('/submit', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const body = await readBody(c);
      const ip = clientAddress(c);
      const v = getVisitor(c);
      limit(v ? [['submitIp', ip], ['submitVisitor', v.ownerId]] : [['submitIp', ip]], 'Too many submissions from you.');
      try {
        const input = parseSubmission(body);
        const s = await submitTool(db, input, v?.ownerId ?? null);
        if (wantsJson(c)) return c.json({ ok: true, submission: publicSubmission(s) }, 201);
        return c.redirect('/submit/thanks', 303);
      } catch (err) {
        if (wantsJson(c) || !(err instanceof AppError) || (err.status !== 400 && err.status !== 409)) {
          if (err instanceof SubmissionInvalid && wantsJson(c)) return c.json({ error: { code: err.code, message: err.message, fields: err.fields } }, 400);
          throw err;
        }
        // People get the form back with what they typed and what to fix.
        const fields = err instanceof SubmissionInvalid ? err.fields : {};
        return c.html(submitPage(site, c, { values: body, fields, message: err.message }), err.status as 400, { 'cache-control': 'no-store' });
      }
    }),
  );

  // ── Sign-in by emailed link ──────────────────────────────────────────────
  app.get('/signin', cacheable, (c) => c.html(signinPage(site, c, { next: safePath(c.req.query('next'), '') })));
  app.post('/signin', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const body = await readBody(c);
      const next = safePath(body.next, '');
      const ip = clientAddress(c);
      limit([['signinIp', ip]], 'Too many sign-in requests.');
      let email: string;
      try {
        email = parseEmail(body.email);
      } catch (err) {
        if (wantsJson(c) || !(err instanceof AppError)) throw err;
        return c.html(signinPage(site, c, { next, email: body.email, message: err.message }), 400, { 'cache-control': 'no-store' });
      }
      limit([['signinEmail', email]], 'We already sent several links to that address.');
      const secret = communityState(c).secret;
      const { token } = await createMagicLink(db, secret, email);
      const link = `${site.config.publicUrl}/signin/verify?token=${encodeURIComponent(token)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
      const minutes = Math.round(MAGIC_LINK_TTL_MS / 60_000);
      try {
        await mail().send({
          to: email,
          subject: 'Your Verdict sign-in link',
          text: `Sign in to Verdict as ${email} by opening this link:\n\n${link}\n\nIt works once, within ${minutes} minutes. If you did not ask for it, ignore this email: nothing happens without the link.\n`,
        });
      } catch (err) {
        console.error('sign-in mail failed:', (err as Error).message);
        throw new AppError('mail_failed', 'We could not send the email just now. Please try again in a few minutes.', 503);
      }
      if (wantsJson(c)) return c.json({ ok: true, sentTo: email }, 202);
      return c.html(
        renderPage(
          site,
          { title: 'Check your email', description: 'We sent you a sign-in link.', path: '/signin', noindex: true },
          <section class="narrow">
            <h1>Check your email</h1>
            <p>
              We sent a sign-in link to <strong>{email}</strong>. It works once, within {minutes} minutes.
            </p>
            <p class="small muted">Nothing there? Check spam, or <a href="/signin">ask for another link</a>.</p>
          </section>,
        ),
        200,
        { 'cache-control': 'no-store' },
      );
    }),
  );

  // The link opens a confirmation page; the POST from it signs in. Mail scanners that fetch links
  // therefore cannot use up (or use) a link.
  app.get('/signin/verify', (c) =>
    guard(c, site, async () => {
      const token = c.req.query('token');
      const next = safePath(c.req.query('next'), '');
      const email = await peekMagicLink(db, communityState(c).secret, token);
      return c.html(
        renderPage(
          site,
          { title: 'Sign in', description: 'Confirm signing in to Verdict.', path: '/signin', noindex: true },
          <section class="narrow">
            <h1>Sign in to Verdict</h1>
            <p>
              Sign in as <strong>{email}</strong>? Votes and bookmarks you made in this browser move to this account.
            </p>
            <form method="post" action="/signin/verify">
              {csrfField(c)}
              <input type="hidden" name="token" value={token} />
              <input type="hidden" name="next" value={next} />
              <button type="submit">Sign in</button>
            </form>
          </section>,
        ),
        200,
        // same-origin: the token in this URL never leaves the site in a Referer, yet the browser still sends
        // a real Origin with the form POST (under no-referrer it sends "Origin: null", which reads as cross-site).
        { 'cache-control': 'no-store', 'referrer-policy': 'same-origin' },
      );
    }),
  );
  app.post('/signin/verify', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const body = await readBody(c);
      const current = getVisitor(c);
      const { user, merged } = await signInWithLink(db, communityState(c).secret, body.token, current && current.userId === null ? current.id : undefined);
      await signInVisitor(c, site, user.id, user.email);
      await site.refreshVersion();
      if (wantsJson(c)) return c.json({ ok: true, email: user.email, merged });
      return c.redirect(safePath(body.next, '') || '/bookmarks', 303);
    }),
  );
  app.post('/signout', verifyCsrf, async (c) => {
    await signOutVisitor(c, site);
    if (wantsJson(c)) return c.json({ ok: true });
    return c.redirect('/', 303);
  });

  // ── Admin: submissions ───────────────────────────────────────────────────
  const adminOff = () => new AppError('not_found', 'The admin page is off. Set ADMIN_TOKEN to turn it on.', 404);
  const adminPurpose = () => `admin|${createHash('sha256').update(site.config.adminToken ?? '').digest('hex')}`;
  const ADMIN_SESSION_S = 12 * 3600;
  /** 'bearer' (Authorization header: no CSRF possible), 'cookie' (the login form's), or undefined. */
  const adminAuth = (c: Context): 'bearer' | 'cookie' | undefined => {
    const token = site.config.adminToken;
    if (!token) throw adminOff();
    const auth = c.req.header('authorization');
    if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7).trim(), token)) return 'bearer';
    const issued = unsignValue(communityState(c).secret, adminPurpose(), getCookie(c, ADMIN_COOKIE));
    if (issued && Date.now() / 1000 - parseInt(issued, 36) < ADMIN_SESSION_S) return 'cookie';
    return undefined;
  };
  const requireAdmin = async (c: Context) => {
    const how = adminAuth(c);
    if (!how) throw new AppError('unauthorized', 'Sign in to the admin page first (or send Authorization: Bearer ADMIN_TOKEN).', 401);
    if (how === 'cookie') await checkCsrf(c);
  };

  app.get('/admin', (c) =>
    guard(c, site, async () => {
      const how = adminAuth(c);
      if (!how) return c.html(adminLoginPage(site, c), 401, { 'cache-control': 'no-store' });
      const [pending, recent] = await Promise.all([listSubmissions(db, { status: 'pending' }), listSubmissions(db, { limit: 30 })]);
      return c.html(adminPage(site, c, pending, recent.filter((s) => s.status !== 'pending'), c.req.query('done')), 200, { 'cache-control': 'no-store' });
    }),
  );
  app.post('/admin/login', verifyCsrf, (c) =>
    guard(c, site, async () => {
      const token = site.config.adminToken;
      if (!token) throw adminOff();
      limit([['adminLoginIp', clientAddress(c)]], 'Too many sign-in attempts.');
      const body = await readBody(c);
      if (!safeEqual(body.token ?? '', token)) return c.html(adminLoginPage(site, c, 'That is not the admin token.'), 403, { 'cache-control': 'no-store' });
      const https = site.config.publicUrl.startsWith('https:') || c.req.url.startsWith('https:');
      setCookie(c, ADMIN_COOKIE, signValue(communityState(c).secret, adminPurpose(), Math.floor(Date.now() / 1000).toString(36)), {
        path: '/admin',
        httpOnly: true,
        sameSite: 'Strict',
        secure: https,
        maxAge: ADMIN_SESSION_S,
      });
      return c.redirect('/admin', 303);
    }),
  );
  app.post('/admin/logout', verifyCsrf, (c) => {
    deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
    return c.redirect('/admin', 303);
  });
  app.get('/admin/submissions.json', (c) =>
    guard(c, site, async () => {
      if (!adminAuth(c)) throw new AppError('unauthorized', 'Send Authorization: Bearer ADMIN_TOKEN.', 401);
      const status = c.req.query('status');
      const rows = await listSubmissions(db, { status: status === 'pending' || status === 'approved' || status === 'rejected' ? status : undefined });
      return c.json({ submissions: rows.map(adminSubmission) }, 200, { 'cache-control': 'no-store' });
    }),
  );
  app.post('/admin/submissions/:id/:decision{approve|reject}', (c) =>
    guard(c, site, async () => {
      await requireAdmin(c);
      const id = Number(c.req.param('id'));
      if (!Number.isInteger(id) || id <= 0) throw notFound(`There is no submission "${c.req.param('id')}".`);
      const body = await readBody(c);
      if (c.req.param('decision') === 'approve') {
        const r = await approveSubmission(db, id);
        await site.refreshVersion();
        if (wantsJson(c)) return c.json({ ok: true, submission: adminSubmission(r.submission), tool: { id: r.toolId, slug: r.slug }, job: { id: r.jobId } });
        return c.redirect(`/admin?done=approved-${id}`, 303);
      }
      const s = await rejectSubmission(db, id, body.reason);
      if (wantsJson(c)) return c.json({ ok: true, submission: adminSubmission(s) });
      return c.redirect(`/admin?done=rejected-${id}`, 303);
    }),
  );
}

// ── helpers ────────────────────────────────────────────────────────────────

const wantsJson = (c: Context) => (c.req.header('accept') ?? '').startsWith('application/json');

/** Runs a handler; errors become the usual page or JSON, and 429s carry Retry-After. */
async function guard(c: Context, site: Site, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    const res = errorResponse(c, site, err);
    if (err instanceof RateLimitError) res.headers.set('retry-after', String(err.retryAfterSeconds));
    return res;
  }
}

/** A form or JSON body as string fields. Malformed bodies are a 400, never a stack trace. */
async function readBody(c: Context): Promise<Record<string, string | undefined>> {
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

async function toolOr404(site: Site, slug: string) {
  const tool = await findToolBySlug(site.store.db, slug);
  if (!tool) throw notFound(`There is no tool "${slug.slice(0, 80)}" in the catalog.`);
  return tool;
}

/**
 * A same-site path to go back to, or the fallback. Only "/something" (not "//host" or "/\host", no
 * control characters) survives: a form field can never send people to another site.
 */
export function safePath(input: unknown, fallback: string): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2000) return fallback;
  if (!input.startsWith('/') || input.startsWith('//') || input.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(input)) return fallback;
  try {
    const u = new URL(input, 'http://same.invalid');
    if (u.origin !== 'http://same.invalid') return fallback;
    return u.pathname + u.search + u.hash;
  } catch {
    return fallback;
  }
}

const publicSubmission = (s: SubmissionRow) => ({ id: s.id, name: s.name, slug: s.slug, url: s.url, status: s.status, createdAt: s.createdAt });
const adminSubmission = (s: SubmissionRow) => ({
  id: s.id,
  name: s.name,
  slug: s.slug,
  url: s.url,
  tagline: s.tagline,
  category: s.category,
  pricing: { model: s.pricingModel, entry: s.pricingEntry },
  email: s.email,
  status: s.status,
  reason: s.reason,
  toolId: s.toolId,
  createdAt: s.createdAt,
  decidedAt: s.decidedAt,
});

// ── pages ──────────────────────────────────────────────────────────────────

interface SubmitState {
  values?: Record<string, string | undefined>;
  fields?: Record<string, string>;
  message?: string;
}

function submitPage(site: Site, c: Context, st: SubmitState): string {
  const v = st.values ?? {};
  const f = st.fields ?? {};
  const field = (name: string, label: string, input: unknown, hint?: string) => (
    <div class={`field${f[name] ? ' has-error' : ''}`}>
      <label for={`submit-${name}`}>{label}</label>
      {hint && (
        <span class="small muted" id={`submit-${name}-hint`}>
          {hint}
        </span>
      )}
      {input}
      {f[name] && (
        <span class="field-error" id={`submit-${name}-error`}>
          {SUBMISSION_LABELS[name] ?? label} {f[name]}
        </span>
      )}
    </div>
  );
  const described = (name: string, hint?: boolean) => [hint ? `submit-${name}-hint` : '', f[name] ? `submit-${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  const model = v.pricingModel ?? v.pricing_model ?? '';
  return renderPage(
    site,
    { title: 'Submit a tool', description: 'Suggest an AI tool for the Verdict panel to review.', path: '/submit' },
    <section class="narrow submit-page">
      <h1>Submit a tool</h1>
      <p>Know an AI tool the panel should review? Tell us about it. An editor checks each submission before the critics weigh in.</p>
      {st.message && (
        <div class="notice notice-error" role="alert">
          <p>{st.message}</p>
        </div>
      )}
      <form method="post" action="/submit" class="card submit-form">
        {csrfField(c)}
        {field('name', 'Name', <input id="submit-name" type="text" name="name" required maxlength={120} value={v.name ?? ''} aria-invalid={f.name ? 'true' : undefined} aria-describedby={described('name')} />)}
        {field('url', 'Website', <input id="submit-url" type="url" name="url" required maxlength={500} placeholder="https://" value={v.url ?? ''} aria-invalid={f.url ? 'true' : undefined} aria-describedby={described('url')} />)}
        {field(
          'tagline',
          'Tagline',
          <input id="submit-tagline" type="text" name="tagline" required maxlength={200} value={v.tagline ?? ''} aria-invalid={f.tagline ? 'true' : undefined} aria-describedby={described('tagline', true)} />,
          'One line: what it does, for whom.',
        )}
        {field(
          'category',
          'Category',
          <input id="submit-category" type="text" name="category" required maxlength={60} placeholder="e.g. Developer Tools" value={v.category ?? ''} aria-invalid={f.category ? 'true' : undefined} aria-describedby={described('category')} />,
        )}
        <div class="field-row">
          {field(
            'pricingModel',
            'Pricing model',
            <select id="submit-pricingModel" name="pricing_model" required aria-invalid={f.pricingModel ? 'true' : undefined} aria-describedby={described('pricingModel')}>
              <option value="">Choose…</option>
              {PRICING_MODELS.map((m) => (
                <option value={m} selected={m === model}>
                  {PRICING_LABELS[m] ?? m}
                </option>
              ))}
            </select>,
          )}
          {field(
            'pricingEntry',
            'Entry price',
            <input id="submit-pricingEntry" type="text" name="pricing_entry" required maxlength={60} placeholder="e.g. Free, $10/month" value={v.pricingEntry ?? v.pricing_entry ?? ''} aria-invalid={f.pricingEntry ? 'true' : undefined} aria-describedby={described('pricingEntry')} />,
          )}
        </div>
        {field(
          'email',
          'Your email (optional)',
          <input id="submit-email" type="email" name="email" maxlength={254} value={v.email ?? ''} aria-invalid={f.email ? 'true' : undefined} aria-describedby={described('email', true)} />,
          'Only to tell you when it is reviewed.',
        )}
        <button type="submit">Submit for review</button>
      </form>
    </section>,
  );
}

function signinPage(site: Site, c: Context, st: { next: string; email?: string; message?: string }): string {
  const v = getVisitor(c);
  return renderPage(
    site,
    { title: 'Sign in', description: 'Sign in to Verdict by email to keep your votes and bookmarks across devices.', path: '/signin', noindex: true },
    <section class="narrow signin-page">
      <h1>Sign in</h1>
      {v?.email ? (
        <AccountLine />
      ) : (
        <>
          <p>No password: we email you a link that signs you in. Your votes and bookmarks then follow you to any device where you sign in.</p>
          {st.message && (
            <p class="notice notice-error" role="alert">
              {st.message}
            </p>
          )}
          <form method="post" action="/signin" class="card">
            {csrfField(c)}
            <input type="hidden" name="next" value={st.next} />
            <div class="field">
              <label for="signin-email">Email address</label>
              <input id="signin-email" type="email" name="email" required maxlength={254} autocomplete="email" value={st.email ?? ''} aria-invalid={st.message ? 'true' : undefined} />
            </div>
            <button type="submit">Email me a sign-in link</button>
          </form>
        </>
      )}
    </section>,
  );
}

function adminLoginPage(site: Site, c: Context, message?: string): string {
  return renderPage(
    site,
    { title: 'Admin', description: 'Verdict operator page.', path: '/admin', noindex: true },
    <section class="narrow">
      <h1>Admin</h1>
      {message && (
        <p class="notice notice-error" role="alert">
          {message}
        </p>
      )}
      <form method="post" action="/admin/login" class="card">
        {csrfField(c)}
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input id="admin-token" type="password" name="token" required autocomplete="current-password" />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </section>,
  );
}

function adminPage(site: Site, c: Context, pending: SubmissionRow[], decided: SubmissionRow[], done?: string): string {
  const m = done?.match(/^(approved|rejected)-(\d+)$/);
  return renderPage(
    site,
    { title: 'Submissions', description: 'Review submitted tools.', path: '/admin', noindex: true },
    <section class="admin-page">
      <h1>Submissions</h1>
      <form method="post" action="/admin/logout" class="admin-logout">
        {csrfField(c)}
        <button type="submit" class="btn-quiet">
          Sign out of admin
        </button>
      </form>
      {m && (
        <p class="notice" role="status">
          Submission #{m[2]} {m[1]}.{m[1] === 'approved' ? ' The tool is listed and its panel review is queued.' : ''}
        </p>
      )}
      <h2>Waiting for review ({pending.length})</h2>
      {pending.length === 0 ? (
        <p class="muted">Nothing waiting.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Tool</th>
                <th scope="col">Category · pricing</th>
                <th scope="col">Submitted</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((s) => (
                <tr>
                  <td>{s.id}</td>
                  <th scope="row">
                    <strong>{s.name}</strong> <span class="small muted">({s.slug})</span>
                    <br />
                    <span class="small">{s.tagline}</span>
                    <br />
                    <a class="small" href={s.url} rel="noopener nofollow ugc">
                      {s.url}
                    </a>
                  </th>
                  <td>
                    {s.category}
                    <br />
                    <span class="small muted">
                      {PRICING_LABELS[s.pricingModel] ?? s.pricingModel} · {s.pricingEntry}
                    </span>
                  </td>
                  <td class="small">
                    {s.createdAt.slice(0, 16).replace('T', ' ')}
                    {s.email && (
                      <>
                        <br />
                        {s.email}
                      </>
                    )}
                  </td>
                  <td>
                    <form method="post" action={`/admin/submissions/${s.id}/approve`} class="inline-form">
                      {csrfField(c)}
                      <button type="submit">Approve</button>
                    </form>
                    <form method="post" action={`/admin/submissions/${s.id}/reject`} class="inline-form reject-form">
                      {csrfField(c)}
                      <label class="visually-hidden" for={`reason-${s.id}`}>
                        Reason for rejecting {s.name}
                      </label>
                      <input id={`reason-${s.id}`} type="text" name="reason" maxlength={500} placeholder="Reason (optional)" />
                      <button type="submit" class="btn-quiet">
                        Reject
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Recently decided</h2>
      {decided.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul class="decided-list">
          {decided.map((s) => (
            <li>
              #{s.id} {s.name}: {s.status}
              {s.status === 'approved' && s.toolId ? (
                <>
                  {' '}
                  (<a href={`/tools/${s.slug}`}>page</a>)
                </>
              ) : null}
              {s.reason ? ` (${s.reason})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>,
  );
}
