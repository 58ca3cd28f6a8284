import { createHash, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http.js';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { ADMIN_COOKIE, clientAddress, communityState, isHttps, markPersonal } from '../visitor.js';
import { checkCsrf, csrfField, verifyCsrf } from '../csrf.js';
import { AppError, notFound } from '../../errors.js';
import { parseRowId } from '../../domain/ids.js';
import { PRICING_LABELS } from '../../domain/pricing.js';
import type { SubmissionRow } from '../../db/types.js';
import { safeEqual, signValue, unsignValue } from '../../community/secret.js';
import { findSetting, insertSettingOnce, putSetting } from '../../community/secrets.repo.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { approveSubmission, listSubmissions, rejectSubmission } from '../../community/submissions.service.js';
import { acceptReport, listReports, rejectReport } from '../../community/corrections.service.js';
import type { ReportWithTool } from '../../community/corrections.repo.js';
import { createMailer, type Mailer } from '../../mail/mailer.js';
import { AdminReports } from '../components/admin-reports.js';
import { urls, withQuery } from '../../urls.js';
import { ageText, loadStatus, type Status } from '../../status/status.service.js';
import { foundByText, parseFoundBy } from '../../discovery/found-by.js';

/** The operator's /admin page and JSON: approve or reject submitted tools (ADMIN_TOKEN; off when unset). */
export function adminApp(site: Site): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: true });
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);
  let mailer: Mailer | undefined;

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
    const r = await rejectReport(db, (mailer ??= createMailer(site.config)), id, body.reason ?? '', { publicUrl: site.config.publicUrl });
    if (wantsJson(c)) return c.json({ ok: true, report: r.report, emailed: r.emailed });
    return c.redirect(`/admin?done=report-rejected-${id}`, 303);
  });
  return app;
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


function adminLoginPage(site: Site, c: Context, message?: string): string {
  return renderPage(
    site,
    { title: 'Admin', description: 'Verdict operator page.', path: urls.admin, noindex: true },
    <section class="narrow">
      <h1>Admin</h1>
      {message && (
        <p class="notice notice-error" role="alert">
          {message}
        </p>
      )}
      <form method="post" action={urls.adminLogin} class="card">
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

function adminPage(site: Site, c: Context, pending: SubmissionRow[], decided: SubmissionRow[], done?: string, reports: ReportWithTool[] = [], status?: Status): string {
  const m = done?.match(/^(approved|rejected)-(\d+)$/);
  const rm = done?.match(/^report-(accepted|rejected)-(\d+)$/);
  return renderPage(
    site,
    { title: 'Submissions', description: 'Review submitted tools.', path: urls.admin, noindex: true },
    <section class="admin-page">
      <h1>Submissions</h1>
      <form method="post" action={urls.adminLogout} class="admin-logout">
        {csrfField(c)}
        <button type="submit" class="btn-quiet">
          Sign out of admin
        </button>
      </form>
      {m && (
        <p class="notice" role="status">
          Submission #{m[2]} {m[1]}.{m[1] === 'approved' ? ' The tool is listed; its research is queued, then its panel review.' : ''}
        </p>
      )}
      {rm && (
        <p class="notice" role="status">
          Report #{rm[2]} {rm[1]}.{rm[1] === 'accepted' ? ' The correction is on the tool page.' : ''}
        </p>
      )}
      {status && <AutopilotPanel status={status} />}
      <AdminReports c={c} pending={reports} />
      <h2>Waiting for review ({pending.length})</h2>
      {pending.length === 0 ? (
        <p class="muted">Nothing waiting.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Submissions waiting for review">
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
                    <br />
                    <span class="small muted">{s.origin === 'discovery' ? `Found by ${foundByText(parseFoundBy(s.foundBy))}` : 'Submitted by a reader'}</span>
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
                    <form method="post" action={urls.adminDecision(s.id, 'approve')} class="inline-form">
                      {csrfField(c)}
                      <button type="submit">Approve</button>
                    </form>
                    <form method="post" action={urls.adminDecision(s.id, 'reject')} class="inline-form reject-form">
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
                  (<a href={urls.tool(s.slug)}>page</a>)
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

/** The operator's view of the daily loop, the same figures as `verdict status`; a stage failing its last three runs is red. */
function AutopilotPanel({ status }: { status: Status }) {
  const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');
  const b = status.tokens;
  return (
    <section aria-labelledby="autopilot-title">
      <h2 id="autopilot-title">Autopilot</h2>
      {status.warnings.map((w) => (
        <p class="notice notice-error" role="alert">
          {w}
        </p>
      ))}
      {/* Focusable, so a keyboard can scroll it on a phone (axe: scrollable-region-focusable). */}
      <div class="table-scroll" tabindex={0} role="region" aria-label="Autopilot stages">
        <table class="status-table">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Last run (UTC)</th>
              <th scope="col">In → out</th>
              <th scope="col">Failures, 24 h</th>
              <th scope="col">Queue</th>
              <th scope="col">Next run (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {status.stages.map((st) => (
              <tr class={st.warning ? 'stage-warning' : undefined}>
                <th scope="row">{st.label}</th>
                <td>{st.lastRun ? `${when(st.lastRun.at)} ${st.lastRun.ok ? 'ok' : 'failed'}` : 'never'}</td>
                <td>{st.lastRun ? `${st.lastRun.itemsIn} → ${st.lastRun.itemsOut}` : '—'}</td>
                <td>{st.failures24h}</td>
                <td>{st.queue.jobs ? `${st.queue.jobs}, oldest ${ageText(st.queue.oldestAgeS)}` : '0'}</td>
                <td>{when(st.nextRun)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="small">
        Candidates waiting: {status.candidates.discovery} discovered, {status.candidates.reader} from readers
        {status.candidates.oldestAgeS !== null ? ` (oldest ${ageText(status.candidates.oldestAgeS)})` : ''}. Tokens today: {b.spent.toLocaleString('en-US')}
        {b.budget !== undefined ? ` of ${b.budget.toLocaleString('en-US')} (LLM_DAILY_TOKEN_BUDGET)${b.exhausted ? ': spent, LLM calls wait for tomorrow' : ''}` : ' (no daily budget)'}. Worker
        heartbeat: {status.worker.heartbeat ? when(status.worker.heartbeat) : 'not reported'}.
      </p>
    </section>
  );
}
