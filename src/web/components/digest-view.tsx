/** The digest's pieces on the site: an issue's verdicts and comparisons, the subscribe box of /digest, a message page. */
import type { Child } from 'hono/jsx';
import { SubscribeForm } from './newsletter.js';
import { confirm, subscribe, unsubscribe } from '../../digest/subscribe.service.js';
import { DIGEST_NAME, verdictCount, type IssueContent } from '../../digest/issue.js';
import { verdictText } from '../../digest/emails.js';
import { urls } from '../../urls.js';
import { shipShareText } from '../../domain/summary.js';

/** An issue's verdicts and comparisons; `limit` lists only the first few verdicts (the /digest preview). */
export function IssueBody({ content, limit, level = 2 }: { content: IssueContent; limit?: number; level?: 2 | 3 }) {
  const shown = limit === undefined ? content.verdicts : content.verdicts.slice(0, limit);
  const H = level === 2 ? 'h2' : 'h3';
  const Item = level === 2 ? 'h3' : 'h4';
  return (
    <>
      <section aria-labelledby={`verdicts-title-${content.week}`}>
        <H id={`verdicts-title-${content.week}`}>New verdicts this week ({verdictCount(content)})</H>
        {shown.length === 0 ? (
          <p class="muted">No new verdicts this week{limit === undefined ? '' : ' so far'}.</p>
        ) : (
          <ul class="digest-verdicts">
            {shown.map((t) => (
              <li class="card">
                <Item>
                  <a href={urls.tool(t.slug)}>{t.name}</a>
                  {t.firstPanel && <span class="muted small"> · new</span>}
                </Item>
                <p class="small muted">
                  {t.tagline} · <a href={urls.category(t.categorySlug)}>{t.category}</a>
                </p>
                <span class={`pill pill-${t.label ? t.label.toLowerCase() : 'none'}`}>{verdictText(t)}</span>
              </li>
            ))}
          </ul>
        )}
        {verdictCount(content) > shown.length && (
          <p class="muted">
            And {verdictCount(content) - shown.length} more: <a href={urls.tools()}>all tools</a>
          </p>
        )}
      </section>
      {content.comparisons.length > 0 && (
        <section aria-labelledby={`comparisons-title-${content.week}`}>
          <H id={`comparisons-title-${content.week}`}>Notable comparisons</H>
          <p class="muted">Same category, opposite verdicts from the panel.</p>
          <ul class="digest-comparisons">
            {content.comparisons.map((p) => (
              <li>
                <a href={p.path}>
                  {p.ship.name} vs {p.skip.name}
                </a>{' '}
                <span class="muted small">({p.category})</span>
                <br />
                <span class="pill pill-ship">
                  {p.ship.name}: Ship · {shipShareText(p.ship.shipPct!)}
                </span>{' '}
                <span class="pill pill-skip">
                  {p.skip.name}: Skip · {shipShareText(p.skip.shipPct!)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Verdicts the /digest preview lists before "and N more". */
export const PREVIEW_VERDICTS = 12;

/**
 * The subscribe box of /digest, shown once: a confirmed subscriber (signed in with that address) is told so instead
 * of being offered Subscribe again; a pending one is reminded to confirm.
 */
export function DigestSubscription({ status, email }: { status?: 'pending' | 'confirmed' | 'unsubscribed'; email?: string }) {
  if (status === 'confirmed')
    return (
      <div class="card digest-subscribe">
        <h2>You are subscribed</h2>
        <p class="small">
          {email} gets {DIGEST_NAME} once a week. Every issue has a one-click unsubscribe link.
        </p>
      </div>
    );
  return (
    <div class="card digest-subscribe">
      <h2>Subscribe</h2>
      <p class="small muted">
        {status === 'pending'
          ? `We sent a confirmation link to ${email}: open it to start getting the digest, or ask for a new link here.`
          : 'We email a link to confirm. Every issue has a one-click unsubscribe link.'}
      </p>
      <SubscribeForm email={status === 'pending' ? email : undefined} />
    </div>
  );
}

export function Message({ title, children }: { title: string; children?: Child }) {
  return (
    <section class="digest-message">
      <h1>{title}</h1>
      {children}
    </section>
  );
}
