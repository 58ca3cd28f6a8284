// "Report an error": a tool's report form (optionally about one take), its thanks page, and the reporter's email confirmation.
import { parseRowId } from '../../domain/ids.js';
import type { App } from '../app.js';
import { urls } from '../../urls.js';
import { type Context } from 'hono';
import * as metrics from '../../ops/metrics.js';
import { log } from '../../ops/log.js';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { clientAddress, communityState, getVisitor } from '../identity.js';
import { csrfField, verifyCsrf } from '../csrf.js';
import { criticName } from '../components/tool-helpers.js';
import { AppError } from '../../errors.js';
import { findToolBySlug } from '../../catalog/tools.repo.js';
import { findReviewRef } from '../../catalog/reviews.repo.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { checkReportEmailToken, confirmReporterEmail, parseReport, reportError, ReportInvalid, REPORT_LABELS, sendReportEmailConfirmation } from '../../community/corrections.service.js';
import { mailerFor } from '../mailer.js';
import type { ToolRow } from '../../db/types.js';

/** The public path of a tool's "Report an error" form, optionally about one take. */

/** /tools/:slug/report: readers report an error in a take; an operator decides on /admin or with `verdict reports`. */
export function registerReports(app: App, site: Site): void {
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);
  const toolOr404 = async (c: Context) => {
    const tool = await findToolBySlug(db, c.req.param('slug')!);
    if (!tool) throw new AppError('not_found', `There is no tool "${c.req.param('slug')!.slice(0, 80)}".`, 404);
    return tool;
  };
  const reviewOf = async (tool: ToolRow, raw: string | undefined) => {
    const id = parseRowId(raw);
    if (!id) return undefined;
    const r = await findReviewRef(db, id);
    return r && r.toolId === tool.id ? r : undefined;
  };

  app.get('/tools/:slug/report', async (c) => {
    const tool = await toolOr404(c);
    const review = await reviewOf(tool, c.req.query('review'));
    return c.html(reportPage(site, c, tool, { review }));
  });
  app.get('/tools/:slug/report/thanks', async (c) => {
    const tool = await toolOr404(c);
    return c.html(
      renderPage(
        site,
        { title: 'Thanks for the report', description: 'Your report is waiting for review.', path: urls.toolReportThanks(tool.slug), noindex: true },
        <section class="narrow">
          <h1>Thanks! We will check it</h1>
          <p>
            An editor reads every report. If the page is wrong we correct it and say so in its review history and on the <a href={urls.methodology}>methodology page</a>; if
            you left an email and we do not change it, we tell you why. We only write to a confirmed address: look for our email with a link to confirm it (signed in
            with that address? Then it is confirmed already).
          </p>
          <p>
            <a href={`/tools/${tool.slug}`}>Back to {tool.name}</a>
          </p>
        </section>,
      ),
    );
  });
  app.post('/tools/:slug/report', verifyCsrf, async (c) => {
    const tool = await toolOr404(c);
    const body = await readForm(c);
    const v = getVisitor(c);
    const ip = clientAddress(c, site);
    try {
      const input = parseReport(body);
      // An address that is not the signed-in reader's own gets a confirmation email: limited per address, as sign-in links are.
      const mailsTo = input.email && input.email !== v?.email ? input.email : undefined;
      const checks: [LimitName, string][] = [['reportIp', ip], ...(v ? [['reportVisitor', v.ownerId] as [LimitName, string]] : []), ...(mailsTo ? [['signinEmail', mailsTo] as [LimitName, string]] : [])];
      await limit(checks, 'Too many reports from you.');
      const report = await reportError(db, tool.slug, input, v);
      metrics.reports.inc();
      if (mailsTo) {
        const deps = { db, mailer: mailerFor(site), secret: communityState(c).secret, publicUrl: site.config.publicUrl };
        // The report is kept either way: only hearing back depends on this email.
        await sendReportEmailConfirmation(deps, report).catch((err: Error) => log().error({ err, report: report.id }, 'report: could not send the confirmation email'));
      }
      if (wantsJson(c)) return c.json({ ok: true, report: { id: report.id, status: report.status, createdAt: report.createdAt, emailConfirmed: !!report.emailConfirmedAt } }, 201);
      return c.redirect(urls.toolReportThanks(tool.slug), 303);
    } catch (err) {
      if (!(err instanceof ReportInvalid)) throw err;
      if (wantsJson(c)) return c.json({ error: { code: err.code, message: err.message, fields: err.fields } }, 400);
      const review = await reviewOf(tool, body.review);
      return c.html(reportPage(site, c, tool, { review, values: body, fields: err.fields, message: err.message }), 400, { 'cache-control': 'no-store' });
    }
  });
  // The link in the confirmation email opens a page that asks; its POST confirms (a mail scanner confirms nothing).
  app.get('/reports/confirm', async (c) => {
    const token = c.req.query('token');
    const report = await checkReportEmailToken(db, communityState(c).secret, token);
    const done = !!report.emailConfirmedAt;
    return c.html(
      renderPage(
        site,
        { title: 'Confirm your address', description: 'Confirm your address to hear back about your error report.', path: urls.reportConfirmPost, noindex: true },
        <section class="narrow">
          <h1>{done ? 'Address confirmed' : 'Confirm your address'}</h1>
          {done ? (
            <p>{report.email} is confirmed: if we do not change the page, we will tell you why.</p>
          ) : (
            <>
              <p>
                Hear back about your error report at <strong>{report.email}</strong>? We write only if we do not change the page, to say why.
              </p>
              <form method="post" action={urls.reportConfirmPost}>
                {csrfField(c)}
                <input type="hidden" name="token" value={token} />
                <button type="submit">Confirm my address</button>
              </form>
            </>
          )}
        </section>,
      ),
      200,
      { 'cache-control': 'no-store', 'referrer-policy': 'same-origin' },
    );
  });
  app.post('/reports/confirm', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const report = await confirmReporterEmail(db, communityState(c).secret, body.token);
    if (wantsJson(c)) return c.json({ ok: true, report: { id: report.id, emailConfirmed: true } }, 200, { 'cache-control': 'no-store' });
    return c.html(
      renderPage(
        site,
        { title: 'Address confirmed', description: 'Your address is confirmed.', path: urls.reportConfirmPost, noindex: true },
        <section class="narrow">
          <h1>Address confirmed</h1>
          <p>Thanks. An editor reads every report; if we do not change the page, we will email {report.email} to say why.</p>
          <p>
            <a href={urls.home}>Back to the tools</a>
          </p>
        </section>,
      ),
      200,
      { 'cache-control': 'no-store' },
    );
  });
}

interface ReportState {
  review?: { id: number; critic: string };
  values?: Record<string, string | undefined>;
  fields?: Record<string, string>;
  message?: string;
}

function reportPage(site: Site, c: Context, tool: ToolRow, st: ReportState): string {
  const v = st.values ?? {};
  const f = st.fields ?? {};
  const described = (name: string, hint?: boolean) => [hint ? `report-${name}-hint` : '', f[name] ? `report-${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  const error = (name: string) =>
    f[name] && (
      <span class="field-error" id={`report-${name}-error`}>
        {REPORT_LABELS[name]} {f[name]}
      </span>
    );
  const about = st.review ? `${criticName(site.critics, st.review.critic)}'s take on ${tool.name}` : tool.name;
  return renderPage(
    site,
    { title: `Report an error: ${tool.name}`, description: `Tell us what is wrong on the ${tool.name} page.`, path: urls.toolReport(tool.slug, st.review?.id), noindex: true },
    <section class="narrow report-page">
      <h1>Report an error</h1>
      <p>
        About <a href={`/tools/${tool.slug}`}>{about}</a>. Tell us what is wrong; an editor checks every report, and accepted corrections are listed on the tool's page.
      </p>
      {st.message && (
        <div class="notice notice-error" role="alert">
          <p>{st.message}</p>
        </div>
      )}
      <form method="post" action={urls.toolReport(tool.slug)} class="card submit-form">
        {csrfField(c)}
        {st.review && <input type="hidden" name="review" value={String(st.review.id)} />}
        <div class={`field${f.what ? ' has-error' : ''}`}>
          <label for="report-what">What is wrong</label>
          <span class="small muted" id="report-what-hint">
            Be specific: which claim, and what is true instead.
          </span>
          <textarea id="report-what" name="what" required minlength={10} maxlength={2000} rows={6} aria-invalid={f.what ? 'true' : undefined} aria-describedby={described('what', true)}>
            {v.what ?? ''}
          </textarea>
          {error('what')}
        </div>
        <div class={`field${f.sourceUrl ? ' has-error' : ''}`}>
          <label for="report-sourceUrl">Source (optional)</label>
          <input id="report-sourceUrl" type="url" name="source_url" maxlength={500} placeholder="https://" value={v.source_url ?? v.sourceUrl ?? ''} aria-invalid={f.sourceUrl ? 'true' : undefined} aria-describedby={described('sourceUrl')} />
          {error('sourceUrl')}
        </div>
        <div class={`field${f.email ? ' has-error' : ''}`}>
          <label for="report-email">Your email (optional)</label>
          <span class="small muted" id="report-email-hint">
            Only to tell you if we do not change the page, and why. We email a link to confirm it first.
          </span>
          <input id="report-email" type="email" name="email" maxlength={254} value={v.email ?? ''} aria-invalid={f.email ? 'true' : undefined} aria-describedby={described('email', true)} />
          {error('email')}
        </div>
        <button type="submit">Send report</button>
      </form>
    </section>,
  );
}
