// Sign-in by emailed magic link, and sign-out.
import { type Context } from 'hono';
import type { App } from '../app.js';
import * as metrics from '../../ops/metrics.js';
import { log } from '../../ops/log.js';
import type { Site } from '../site.js';
import { readForm, safePath, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { AccountLine } from '../components/community.js';
import { clientAddress, communityState, getVisitor, signInVisitor, signOutVisitor } from '../identity.js';
import { csrfField, verifyCsrf } from '../csrf.js';
import { AppError } from '../../errors.js';
import { createMailer, type Mailer } from '../../mail/mailer.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { createMagicLink, MAGIC_LINK_TTL_MS, parseEmail, peekMagicLink, signInWithLink } from '../../community/accounts.js';
import { urls } from '../../urls.js';

/** Sign-in by emailed link, and sign-out. */
export function registerSignin(app: App, site: Site): void {
  const db = site.store.db;
  let mailer: Mailer | undefined;
  const mail = () => (mailer ??= createMailer(site.config));
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);

  app.get('/signin', (c) => c.html(signinPage(site, c, { next: safePath(c.req.query('next'), '') })));
  app.post('/signin', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const next = safePath(body.next, '');
    const ip = clientAddress(c, site);
    await limit([['signinIp', ip]], 'Too many sign-in requests.');
    let email: string;
    try {
      email = parseEmail(body.email);
    } catch (err) {
      if (wantsJson(c) || !(err instanceof AppError)) throw err;
      return c.html(signinPage(site, c, { next, email: body.email, message: err.message }), 400, { 'cache-control': 'no-store' });
    }
    await limit([['signinEmail', email]], 'We already sent several links to that address.');
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
      metrics.signins.inc({ step: 'link_sent' });
    } catch (err) {
      log().error({ err }, 'sign-in mail failed');
      throw new AppError('mail_failed', 'We could not send the email just now. Please try again in a few minutes.', 503);
    }
    if (wantsJson(c)) return c.json({ ok: true, sentTo: email }, 202);
    return c.html(
      renderPage(
        site,
        { title: 'Check your email', description: 'We sent you a sign-in link.', path: urls.signIn(), noindex: true },
        <section class="narrow">
          <h1>Check your email</h1>
          <p>
            We sent a sign-in link to <strong>{email}</strong>. It works once, within {minutes} minutes.
          </p>
          <p class="small muted">Nothing there? Check spam, or <a href={urls.signIn()}>ask for another link</a>.</p>
        </section>,
      ),
      200,
      { 'cache-control': 'no-store' },
    );
  });

  // The link opens a confirmation page; the POST from it signs in. Mail scanners that fetch links
  // therefore cannot use up (or use) a link.
  app.get('/signin/verify', async (c) => {
    const token = c.req.query('token');
    const next = safePath(c.req.query('next'), '');
    const email = await peekMagicLink(db, communityState(c).secret, token);
    return c.html(
      renderPage(
        site,
        { title: 'Sign in', description: 'Confirm signing in to Verdict.', path: urls.signIn(), noindex: true },
        <section class="narrow">
          <h1>Sign in to Verdict</h1>
          <p>
            Sign in as <strong>{email}</strong>? Votes and bookmarks you made in this browser move to this account.
          </p>
          <form method="post" action={urls.signInVerify}>
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
  });
  app.post('/signin/verify', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const current = getVisitor(c);
    const { user, merged } = await signInWithLink(db, communityState(c).secret, body.token, current && current.userId === null ? current.id : undefined);
    await signInVisitor(c, site, user.id, user.email);
    metrics.signins.inc({ step: 'signed_in' });
    await site.refreshVersion();
    if (wantsJson(c)) return c.json({ ok: true, email: user.email, merged });
    return c.redirect(safePath(body.next, '') || urls.bookmarks, 303);
  });
  app.post('/signout', verifyCsrf, async (c) => {
    await signOutVisitor(c, site);
    if (wantsJson(c)) return c.json({ ok: true });
    return c.redirect('/', 303);
  });
}

function signinPage(site: Site, c: Context, st: { next: string; email?: string; message?: string }): string {
  const v = getVisitor(c);
  return renderPage(
    site,
    { title: 'Sign in', description: 'Sign in to Verdict by email to keep your votes and bookmarks across devices.', path: urls.signIn(), noindex: true },
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
          <form method="post" action={urls.signIn()} class="card">
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

