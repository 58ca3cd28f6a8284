// The digest subscribe form and the footer block around it.
import { currentCommunity } from '../identity.js';
import { CSRF_FIELD } from '../csrf.js';
import { DIGEST_NAME } from '../../digest/issue.js';

/** The digest subscribe form (footer of every page, /digest, and issue pages) and the footer block around it. */

// Ids must be unique when a page shows the form twice (home body and footer): count per request.
const formCounts = new WeakMap<object, number>();
function nextFormId(): string {
  const state = currentCommunity();
  if (!state) return 'digest-email';
  const n = (formCounts.get(state) ?? 0) + 1;
  formCounts.set(state, n);
  return n === 1 ? 'digest-email' : `digest-email-${n}`;
}

export function SubscribeForm({ email, error, compact }: { email?: string; error?: string; compact?: boolean }) {
  const id = nextFormId();
  // The request's CSRF token: the shared anonymous one on cached public pages, the visitor's own otherwise.
  const csrf = currentCommunity()?.csrf;
  return (
    <form class="digest-form" method="post" action="/digest/subscribe">
      {csrf && <input type="hidden" name={CSRF_FIELD} value={csrf} />}
      <label for={id} class={compact ? 'visually-hidden' : undefined}>
        Email address
      </label>
      <div class="digest-form-row">
        <input
          id={id}
          type="email"
          name="email"
          required
          maxlength={254}
          autocomplete="email"
          placeholder="you@example.com"
          value={email}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button type="submit">Subscribe</button>
      </div>
      {error && (
        <p id={`${id}-error`} class="digest-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function NewsletterBlock() {
  return (
    <section class="newsletter" aria-label={DIGEST_NAME}>
      <h2>{DIGEST_NAME}</h2>
      <p class="small muted">
        The week's new verdicts and notable comparisons, once a week. Confirm by email; unsubscribe in one click. <a href="/digest">Past issues</a>
      </p>
      <SubscribeForm compact />
    </section>
  );
}

