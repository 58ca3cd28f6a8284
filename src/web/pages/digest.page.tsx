// The digest on the site: subscribe, confirm, one-click unsubscribe, and the archive of sent issues.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { DigestSubscription, IssueBody, Message, PREVIEW_VERDICTS } from '../components/digest-view.js';
import { mailerFor } from '../mailer.js';
import { SubscribeForm } from '../components/newsletter.js';
import { AppError, notFound } from '../../errors.js';
import { csrfField, verifyCsrf } from '../csrf.js';
import { clientAddress, getVisitor } from '../identity.js';
import { RateLimiter } from '../../community/rate-limit.js';
import { checkConfirm, checkUnsubscribe, confirm, SUBSCRIBE_MESSAGE, subscribe, unsubscribe } from '../../digest/subscribe.service.js';
import { parseIssue, previewIssue } from '../../digest/digest.service.js';
import { findSubscriberByEmail } from '../../digest/subscribers.repo.js';
import { findIssue, listIssues } from '../../digest/issues.repo.js';
import { DIGEST_NAME } from '../../digest/issue.js';
import { isoWeek, weekLabel, weekSchema } from '../../domain/week.js';
import { urls } from '../../urls.js';

/**
 * The weekly digest on the site: the subscribe form (footer of every page, and /digest), double opt-in
 * confirmation, one-click unsubscribe (RFC 8058), and the archive of sent issues.
 */

// Subscribing sends an email to the address typed in: limit it per client address and per email, like sign-in.
// A limiter of our own, so digest sign-ups and sign-in links do not share one budget.
const limiters = new WeakMap<Site, RateLimiter>();
const limiterOf = (site: Site) => {
  let l = limiters.get(site);
  if (!l) limiters.set(site, (l = new RateLimiter(site.store.db, {}, undefined, 'digest:')));
  return l;
};

const NO_STORE = { 'cache-control': 'no-store' };

export function registerDigest(app: App, site: Site): void {
  const deps = () => ({ db: site.store.db, config: site.config, mailer: mailerFor(site) });
  const page = (c: Context, status: number, title: string, body: Child, path: string = urls.digest) =>
    c.html(renderPage(site, { title, description: `${DIGEST_NAME} from Verdict.`, path, noindex: true }, body), status as 200, NO_STORE);

  app.post('/digest/subscribe', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const raw = typeof body.email === 'string' ? body.email : '';
    try {
      await limiterOf(site).take(
        [
          ['signinIp', clientAddress(c, site)],
          ['signinEmail', raw.trim().toLowerCase()],
        ],
        'Too many subscription requests.',
      );
      const r = await subscribe(deps(), body.email);
      const message = SUBSCRIBE_MESSAGE(r.email);
      if (wantsJson(c)) return c.json({ ok: true, message }, 200, NO_STORE);
      return page(
        c,
        200,
        'Check your inbox',
        <Message title="Check your inbox">
          <p>{message}</p>
          <p class="muted small">The link works for 3 days. Nothing arrived? Look in your spam folder, or try again in a few minutes.</p>
          <p>
            <a href="/">Back to the tools</a>
          </p>
        </Message>,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_email') throw err;
      if (wantsJson(c)) return c.json({ error: { code: err.code, message: err.message } }, 400, NO_STORE);
      // An invalid address: show the form again with the message, not a dead end.
      return page(
        c,
        400,
        'Check the email address',
        <Message title="Check the email address">
          <p>Subscribe to {DIGEST_NAME}: the week's new verdicts and notable comparisons, once a week.</p>
          <SubscribeForm email={raw.slice(0, 254)} error={err.message} />
        </Message>,
      );
    }
  });
  app.get('/digest/subscribe', (c) => c.redirect(urls.digest, 303));

  // GET only asks, as for sign-in and unsubscribe: a scanner that fetches the link confirms nobody.
  app.get('/digest/confirm', async (c) => {
    const token = c.req.query('token');
    const row = await checkConfirm(deps(), token);
    const done = row.status === 'confirmed';
    return c.html(
      renderPage(
        site,
        { title: done ? 'Already confirmed' : 'Confirm your subscription', description: `${DIGEST_NAME} from Verdict.`, path: urls.digest, noindex: true },
        <Message title={done ? 'Already confirmed' : `Subscribe to ${DIGEST_NAME}?`}>
          {done ? (
            <p>{row.email} is already subscribed; there is nothing more to do.</p>
          ) : (
            <>
              <p>
                Send {DIGEST_NAME} to <strong>{row.email}</strong> once a week? Every issue has a one-click unsubscribe link.
              </p>
              <form method="post" action={urls.digestConfirmPost}>
                {csrfField(c)}
                <input type="hidden" name="token" value={token} />
                <button type="submit">Confirm subscription</button>
              </form>
            </>
          )}
        </Message>,
      ),
      200,
      // As on /signin/verify: the token in this URL never leaves in a Referer; the form POST still has an Origin.
      { ...NO_STORE, 'referrer-policy': 'same-origin' },
    );
  });
  app.post('/digest/confirm', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const r = await confirm(deps(), body.token);
    if (wantsJson(c)) return c.json({ ok: true, email: r.email, outcome: r.outcome }, 200, NO_STORE);
    return page(
      c,
      200,
      r.outcome === 'confirmed' ? 'You are subscribed' : 'Already confirmed',
      <Message title={r.outcome === 'confirmed' ? 'You are subscribed' : 'Already confirmed'}>
        <p>
          {r.outcome === 'confirmed' ? `Thanks! ${r.email} will get ${DIGEST_NAME} once a week.` : `${r.email} is already subscribed; there is nothing more to do.`}
        </p>
        <p>
          Every email has a one-click unsubscribe link. Meanwhile: <a href={urls.digest}>past issues</a> · <a href={urls.tools()}>all tools</a>
        </p>
      </Message>,
    );
  });

  // GET only asks: link scanners and prefetchers follow GET links, and must not unsubscribe anyone.
  app.get('/digest/unsubscribe', async (c) => {
    const token = c.req.query('token');
    const row = await checkUnsubscribe(deps(), token);
    const done = row.status === 'unsubscribed';
    return page(
      c,
      200,
      done ? 'Unsubscribed' : 'Unsubscribe',
      <Message title={done ? 'You are unsubscribed' : `Unsubscribe from ${DIGEST_NAME}?`}>
        {done ? (
          <p>{row.email} gets no more digests. Changed your mind? Subscribe again from any page.</p>
        ) : (
          <>
            <p>{row.email} will get no more weekly digests. It takes effect at once.</p>
            <form method="post" action={urls.digestUnsubscribe(token ?? '')}>
              <button type="submit">Unsubscribe</button>
            </form>
          </>
        )}
      </Message>,
    );
  });

  // RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` to the header's URL, from their own
  // servers, without cookies or a CSRF token: the signed token in the URL is the authorisation.
  app.post('/digest/unsubscribe', async (c) => {
    let token = c.req.query('token');
    if (!token) {
      const body = await readForm(c);
      if (typeof body.token === 'string') token = body.token;
    }
    const r = await unsubscribe(deps(), token);
    if (wantsJson(c)) return c.json({ ok: true, email: r.email, outcome: r.outcome }, 200, NO_STORE);
    return page(
      c,
      200,
      'Unsubscribed',
      <Message title="You are unsubscribed">
        <p>{r.email} gets no more digests, starting now. Changed your mind? Subscribe again from any page.</p>
        <p>
          <a href="/">Back to the tools</a>
        </p>
      </Message>,
    );
  });

  app.get('/digest', async (c) => {
    const db = site.store.db;
    const week = isoWeek(new Date());
    const email = getVisitor(c)?.email ?? undefined;
    const [issues, preview, subscriber] = await Promise.all([
      listIssues(db),
      // This week's issue as it stands (built from stored figures, bounded like the email), once per data version.
      site.perVersion(`digest-preview:${week}`, () => previewIssue(db, week)),
      // Only a signed-in reader has an address to look up; such pages are rendered for them, never shared.
      email ? findSubscriberByEmail(db, email) : Promise.resolve(undefined),
    ]);
    return c.html(
      renderPage(
        site,
        {
          title: DIGEST_NAME,
          description: `${DIGEST_NAME}: the panel's new verdicts and notable comparisons, every week. Subscribe or read past issues.`,
          path: urls.digest,
          // The page has its own subscribe box (or says you are subscribed): the footer's would repeat it.
          newsletter: false,
        },
        <>
          <h1>{DIGEST_NAME}</h1>
          <p class="lede">Once a week: the tools the panel reviewed, how each came out, and pairs in the same category where the panel disagreed with itself.</p>
          <DigestSubscription status={subscriber?.status} email={email} />
          {!preview.stored && (
            <section class="digest-preview" aria-labelledby="preview-title">
              <h2 id="preview-title">This week so far</h2>
              <p class="muted small">
                {preview.content.dates}: the issue as it stands now, before it is sent. It grows as the panel reviews more tools this week.
              </p>
              <IssueBody content={preview.content} limit={PREVIEW_VERDICTS} level={3} />
            </section>
          )}
          <h2>Past issues</h2>
          {issues.length === 0 ? (
            <p class="muted">No issues sent yet: the first one goes out at the end of this week{preview.content.verdicts.length ? ', with the verdicts above' : ''}.</p>
          ) : (
            <ul class="digest-archive">
              {issues.map((i) => (
                <li>
                  <a href={urls.digestIssue(i.week)}>{i.week}</a> <span class="muted small">· {weekLabel(i.week)}</span>
                  <br />
                  <span class="small">{i.subject}</span>
                </li>
              ))}
            </ul>
          )}
        </>,
      ),
    );
  });

  app.get('/digest/:week', async (c) => {
    const week = c.req.param('week');
    const row = weekSchema.safeParse(week).success ? await findIssue(site.store.db, week) : undefined;
    if (!row) throw notFound(`There is no issue for "${week.slice(0, 20)}". Past issues are listed at /digest.`);
    const content = parseIssue(row);
    return c.html(
      renderPage(
        site,
        { title: `${DIGEST_NAME} · ${content.week}`, description: `${row.subject} (${content.dates}).`, path: urls.digestIssue(content.week), newsletter: false },
        <>
          <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href={urls.digest}>{DIGEST_NAME}</a> › {content.week}
          </nav>
          <h1>
            {DIGEST_NAME} · {content.week}
          </h1>
          <p class="lede">{content.dates}</p>
          <IssueBody content={content} />
          <div class="card digest-subscribe">
            <h2>Get the next issue by email</h2>
            <SubscribeForm />
          </div>
        </>,
      ),
    );
  });
}
