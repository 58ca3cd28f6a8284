// /admin: the operator's moderation of submissions and reports and the autopilot panel, behind ADMIN_TOKEN.
import { createHash, randomBytes } from 'node:crypto';
import type { App } from '../app.js';
import { type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { ADMIN_COOKIE, clientAddress, communityState, isHttps, markPersonal } from '../identity.js';
import { checkCsrf, verifyCsrf } from '../csrf.js';
import { AppError, notFound } from '../../errors.js';
import { parseRowId } from '../../domain/ids.js';
import type { SubmissionRow } from '../../db/types.js';
import { safeEqual, signValue, unsignValue } from '../../community/secret.js';
import { findSetting, insertSettingOnce, putSetting } from '../../community/secrets.repo.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { approveSubmission, listSubmissions, rejectSubmission } from '../../community/submissions.service.js';
import { acceptReport, listReports, rejectReport } from '../../community/corrections.service.js';
import { mailerFor } from '../mailer.js';
import { adminLoginPage, adminPage } from '../components/admin-view.js';
import { urls, withQuery } from '../../urls.js';
import { loadStatus } from '../../status/status.service.js';
import { parseFoundBy } from '../../discovery/found-by.js';

/** The operator's /admin page and JSON: approve or reject submitted tools (ADMIN_TOKEN; off when unset). */
export function registerAdmin(app: App, site: Site): void {
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);

  const adminOff = () => new AppError('not_found', 'The admin page is off. Set ADMIN_TOKEN to turn it on.', 404);
  const adminPurpose = () => `admin|${createHash('sha256').update(site.config.adminToken ?? '').digest('hex')}`;
  const ADMIN_SESSION_S = 12 * 3600;
  const ADMIN_GENERATION = 'admin_session_generation';
  /** 'bearer' (Authorization header: no CSRF possible), 'cookie' (the login form's), or undefined. */
  const adminAuth = async (c: Context): Promise<'bearer' | 'cookie' | undefined> => {
    const token = site.config.adminToken;
    if (!token) throw adminOff();
    const auth = c.req.header('authorization');
    if (auth?.startsWith('Bearer ')) {
      // Wrong tokens share the login form's budget; the check comes first, so a guess made while refused tells nothing.
      const ip = clientAddress(c, site);
      await limiterFor(site).check([['adminLoginIp', ip]], 'Too many wrong admin tokens.');
      if (safeEqual(auth.slice(7).trim(), token)) {
        markPersonal(c);
        return 'bearer';
      }
      await limiterFor(site).take([['adminLoginIp', ip]], 'Too many wrong admin tokens.');
    }
    return (await adminSession(c)) ? 'cookie' : undefined;
  };
  /**
   * The login form's session: a signed `<issued>.<generation>` cookie, valid for 12 hours while the stored
   * generation is unchanged. Logging out replaces the generation, so a copied cookie stops working on the server too.
   */
  const adminSession = async (c: Context): Promise<boolean> => {
    const value = unsignValue(communityState(c).secret, adminPurpose(), getCookie(c, ADMIN_COOKIE));
    const [issued, generation] = value?.split('.') ?? [];
    if (!issued || !generation || !(Date.now() / 1000 - parseInt(issued, 36) < ADMIN_SESSION_S)) return false;
    if (!safeEqual(generation, await adminGeneration())) return false;
    markPersonal(c);
    return true;
  };
  const adminGeneration = async () => (await findSetting(db, ADMIN_GENERATION)) ?? insertSettingOnce(db, ADMIN_GENERATION, randomBytes(12).toString('base64url'));
  const requireAdmin = async (c: Context) => {
    const how = await adminAuth(c);
    if (!how) throw new AppError('unauthorized', 'Sign in to the admin page first (or send Authorization: Bearer ADMIN_TOKEN).', 401);
    if (how === 'cookie') await checkCsrf(c);
  };

  app.get('/admin', async (c) => {
    const how = await adminAuth(c);
    if (!how) return c.html(adminLoginPage(site, c), 401, { 'cache-control': 'no-store' });
    const [pending, recent, reports, status] = await Promise.all([
      listSubmissions(db, { status: 'pending' }),
      listSubmissions(db, { limit: 30 }),
      listReports(db, { status: 'pending' }),
      loadStatus(db, site.config),
    ]);
    return c.html(adminPage(site, c, pending, recent.filter((s) => s.status !== 'pending'), c.req.query('done'), reports, status), 200, { 'cache-control': 'no-store' });
  });
  app.post('/admin/login', verifyCsrf, async (c) => {
    const token = site.config.adminToken;
    if (!token) throw adminOff();
    await limit([['adminLoginIp', clientAddress(c, site)]], 'Too many sign-in attempts.');
    const body = await readForm(c);
    if (!safeEqual(body.token ?? '', token)) return c.html(adminLoginPage(site, c, 'That is not the admin token.'), 403, { 'cache-control': 'no-store' });
    const session = `${Math.floor(Date.now() / 1000).toString(36)}.${await adminGeneration()}`;
    setCookie(c, ADMIN_COOKIE, signValue(communityState(c).secret, adminPurpose(), session), {
      path: urls.admin,
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c, site), // the visitor cookie's rule: PUBLIC_URL or this request is https (X-Forwarded-Proto per TRUST_PROXY)
      maxAge: ADMIN_SESSION_S,
    });
    return c.redirect(urls.admin, 303);
  });
  app.post('/admin/logout', verifyCsrf, async (c) => {
    // Only a live session can end sessions: anyone can get a CSRF token, and must not sign the operator out.
    if (await adminSession(c)) await putSetting(db, ADMIN_GENERATION, randomBytes(12).toString('base64url'));
    deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
    return c.redirect(urls.admin, 303);
  });
  app.get('/admin/submissions.json', async (c) => {
    if (!(await adminAuth(c))) throw new AppError('unauthorized', 'Send Authorization: Bearer ADMIN_TOKEN.', 401);
    const status = c.req.query('status');
    const rows = await listSubmissions(db, { status: status === 'pending' || status === 'approved' || status === 'rejected' ? status : undefined });
    return c.json({ submissions: rows.map(adminSubmission) }, 200, { 'cache-control': 'no-store' });
  });
  app.post('/admin/submissions/:id/:decision{approve|reject}', async (c) => {
    await requireAdmin(c);
    const id = parseRowId(c.req.param('id'));
    if (id === undefined) throw notFound(`There is no submission "${c.req.param('id')}".`);
    const body = await readForm(c);
    if (c.req.param('decision') === 'approve') {
      const r = await approveSubmission(db, id);
      await site.refreshVersion();
      if (wantsJson(c)) return c.json({ ok: true, submission: adminSubmission(r.submission), tool: { id: r.toolId, slug: r.slug }, job: { id: r.jobId } });
      return c.redirect(withQuery(urls.admin, { done: `approved-${id}` }), 303);
    }
    const s = await rejectSubmission(db, id, body.reason);
    if (wantsJson(c)) return c.json({ ok: true, submission: adminSubmission(s) });
    return c.redirect(withQuery(urls.admin, { done: `rejected-${id}` }), 303);
  });
  // The same figures as `verdict status --json`.
  app.get('/admin/status.json', async (c) => {
    if (!(await adminAuth(c))) throw new AppError('unauthorized', 'Send Authorization: Bearer ADMIN_TOKEN.', 401);
    return c.json(await loadStatus(db, site.config), 200, { 'cache-control': 'no-store' });
  });
  app.get('/admin/reports.json', async (c) => {
    if (!(await adminAuth(c))) throw new AppError('unauthorized', 'Send Authorization: Bearer ADMIN_TOKEN.', 401);
    const status = c.req.query('status');
    return c.json({ reports: await listReports(db, { status: status === 'pending' || status === 'accepted' || status === 'rejected' ? status : undefined }) }, 200, { 'cache-control': 'no-store' });
  });
  // Error reports (src/community/corrections.service.ts): accept records a correction; reject answers by email.
  app.post('/admin/reports/:id/:decision{accept|reject}', async (c) => {
    await requireAdmin(c);
    const id = parseRowId(c.req.param('id'));
    if (id === undefined) throw notFound(`There is no report "${c.req.param('id')}".`);
    const body = await readForm(c);
    if (c.req.param('decision') === 'accept') {
      const r = await acceptReport(db, id, { whatChanged: body.what_changed ?? body.whatChanged ?? '', why: body.why ?? '', toolData: !!(body.tool_data ?? body.toolData) });
      await site.refreshVersion();
      if (wantsJson(c)) return c.json({ ok: true, report: r.report, correction: r.correction, job: r.jobId == null ? null : { id: r.jobId } });
      return c.redirect(`/admin?done=report-accepted-${id}`, 303);
    }
    const r = await rejectReport(db, mailerFor(site), id, body.reason ?? '', { publicUrl: site.config.publicUrl });
    if (wantsJson(c)) return c.json({ ok: true, report: r.report, emailed: r.emailed });
    return c.redirect(`/admin?done=report-rejected-${id}`, 303);
  });
}

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
  origin: s.origin,
  foundBy: parseFoundBy(s.foundBy),
  autoReason: s.autoReason,
});
