// /submit: readers suggest a tool for the panel, for an operator to approve on /admin.
import { type Context } from 'hono';
import type { App } from '../app.js';
import * as metrics from '../../ops/metrics.js';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { clientAddress, getVisitor } from '../identity.js';
import { csrfField, verifyCsrf } from '../csrf.js';
import { AppError } from '../../errors.js';
import { PRICING_MODELS } from '../../domain/schemas.js';
import { PRICING_LABELS } from '../../domain/pricing.js';
import type { SubmissionRow } from '../../db/types.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { parseSubmission, submitTool, SubmissionInvalid, SUBMISSION_LABELS } from '../../community/submissions.service.js';
import { urls } from '../../urls.js';

/** /submit: people suggest a tool for the panel; an editor approves it on /admin. */
export function registerSubmit(app: App, site: Site): void {
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);

  app.get('/submit', (c) => c.html(submitPage(site, c, {})));
  app.get('/submit/thanks', (c) =>
    c.html(
      renderPage(
        site,
        { title: 'Thanks for the submission', description: 'Your tool is waiting for review.', path: urls.submitThanks, noindex: true },
        <section class="narrow">
          <h1>Thanks! Your tool is in the queue</h1>
          <p>An editor checks every submission. Once it is approved, the tool gets its own page and the critics review it.</p>
          <p>
            <a href={urls.tools()}>Browse tools</a> · <a href={urls.submit}>Submit another</a>
          </p>
        </section>,
      ),
    ),
  );
  app.post('/submit', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const ip = clientAddress(c, site);
    const v = getVisitor(c);
    await limit(v ? [['submitIp', ip], ['submitVisitor', v.ownerId]] : [['submitIp', ip]], 'Too many submissions from you.');
    try {
      const input = parseSubmission(body);
      const s = await submitTool(db, input, v?.ownerId ?? null);
      metrics.submissions.inc();
      if (wantsJson(c)) return c.json({ ok: true, submission: publicSubmission(s) }, 201);
      return c.redirect(urls.submitThanks, 303);
    } catch (err) {
      if (wantsJson(c) || !(err instanceof AppError) || (err.status !== 400 && err.status !== 409)) {
        if (err instanceof SubmissionInvalid && wantsJson(c)) return c.json({ error: { code: err.code, message: err.message, fields: err.fields } }, 400);
        throw err;
      }
      // People get the form back with what they typed and what to fix.
      const fields = err instanceof SubmissionInvalid ? err.fields : {};
      return c.html(submitPage(site, c, { values: body, fields, message: err.message }), err.status as 400, { 'cache-control': 'no-store' });
    }
  });
}

const publicSubmission = (s: SubmissionRow) => ({ id: s.id, name: s.name, slug: s.slug, url: s.url, status: s.status, createdAt: s.createdAt });

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
    { title: 'Submit a tool', description: 'Suggest an AI tool for the Verdict panel to review.', path: urls.submit },
    <section class="narrow submit-page">
      <h1>Submit a tool</h1>
      <p>Know an AI tool the panel should review? Tell us about it. An editor checks each submission before the critics weigh in.</p>
      {st.message && (
        <div class="notice notice-error" role="alert">
          <p>{st.message}</p>
        </div>
      )}
      <form method="post" action={urls.submit} class="card submit-form">
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

