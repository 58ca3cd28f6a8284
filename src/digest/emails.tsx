// The digest's emails (confirmation and weekly issue) as inline-styled HTML and plain text, with unsubscribe headers.
import type { Child } from 'hono/jsx';
import { shipShareText } from '../domain/summary.js';
import type { Config } from '../config.js';
import type { OutgoingMail } from '../mail/mailer.js';
import { DIGEST_NAME, issueSubject, verdictCount, type BookmarkSection, type IssueComparison, type IssueContent, type IssueTool } from './issue.js';
import { absolute, urls } from '../urls.js';
import { palette, verdictTone } from '../palette.js';

/**
 * The digest's emails, each as HTML and plain text. Email clients ignore stylesheets and strip scripts,
 * so the HTML carries its few styles inline (the site's CSP rule against inline styles is about pages).
 * Text is escaped by hono/jsx; tool names and taglines are never passed through raw().
 */

const C = palette.light;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';

/** The address part of MAIL_FROM ("Verdict <verdict@example.com>" → verdict@example.com), for the mailto: unsubscribe. */
export const fromAddress = (mailFrom: string) => (/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom).trim();

/** RFC 2369 + RFC 8058 headers: mail clients show an "Unsubscribe" button that POSTs to the link. */
export function unsubscribeHeaders(config: Pick<Config, 'mailFrom'>, unsubscribeUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${fromAddress(config.mailFrom)}?subject=unsubscribe>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** "Ship · 3 ship / 1 skip · 75% ship" */
export function verdictText(t: Pick<IssueTool, 'label' | 'shipPct' | 'text'>): string {
  return t.label && t.shipPct !== null ? `${t.text} · ${shipShareText(t.shipPct)}` : 'No panel take';
}

function Pill({ label, children }: { label: string | null; children?: Child }) {
  const { fg, bg } = verdictTone(label);
  return <span style={`display:inline-block;padding:2px 8px;border-radius:999px;font-weight:600;font-size:13px;color:${fg};background:${bg}`}>{children}</span>;
}

function EmailShell({ title, preheader, children, footer }: { title: string; preheader: string; children?: Child; footer: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{title}</title>
      </head>
      <body style={`margin:0;padding:0;background:${C.bg};color:${C.text};font-family:${FONT};font-size:16px;line-height:1.5`}>
        <div style="display:none;max-height:0;overflow:hidden">{preheader}</div>
        <div style="max-width:600px;margin:0 auto;padding:24px 16px">
          <p style={`margin:0 0 16px;font-weight:800;font-size:18px;color:${C.accent}`}>Verdict</p>
          {children}
          <div style={`margin-top:32px;padding-top:16px;border-top:1px solid ${C.line};color:${C.muted};font-size:13px`}>{footer}</div>
        </div>
      </body>
    </html>
  );
}

/* ---------- confirmation ---------- */

export function confirmationEmail(config: Pick<Config, 'publicUrl' | 'mailFrom'>, p: { email: string; confirmUrl: string; unsubscribeUrl: string }): OutgoingMail {
  const subject = `Confirm your subscription to ${DIGEST_NAME}`;
  const text = [
    `Hello,`,
    ``,
    `Someone (hopefully you) asked to get ${DIGEST_NAME} from Verdict at ${p.email}:`,
    `once a week, the panel's new verdicts and notable comparisons.`,
    ``,
    `To confirm, open this link (it works for 3 days):`,
    p.confirmUrl,
    ``,
    `If you did not ask for this, ignore this email: you will not be subscribed.`,
    ``,
    `--`,
    `Verdict · ${config.publicUrl}`,
    `Never email me again: ${p.unsubscribeUrl}`,
  ].join('\n');
  const html =
    '<!doctype html>' +
    String(
      <EmailShell
        title={subject}
        preheader="One click to confirm, and the digest arrives once a week."
        footer={
          <p style="margin:0">
            If you did not ask for this, ignore this email: you will not be subscribed.{' '}
            <a href={p.unsubscribeUrl} style={`color:${C.muted}`}>Never email me again</a>.
          </p>
        }
      >
        <h1 style="font-size:22px;margin:0 0 12px">Confirm your subscription</h1>
        <p style="margin:0 0 16px">
          Someone (hopefully you) asked to get <strong>{DIGEST_NAME}</strong> at {p.email}: once a week, the panel's new verdicts and notable comparisons.
        </p>
        <p style="margin:0 0 16px">
          <a href={p.confirmUrl} style={`display:inline-block;padding:10px 18px;border-radius:8px;background:${C.accent};color:${C.accentText};font-weight:600;text-decoration:none`}>
            Confirm my subscription
          </a>
        </p>
        <p style={`margin:0 0 16px;font-size:13px;color:${C.muted}`}>
          The button not working? Copy this link into your browser (it works for 3 days): <br />
          <a href={p.confirmUrl} style={`color:${C.accent};word-break:break-all`}>{p.confirmUrl}</a>
        </p>
      </EmailShell>,
    );
  return { to: p.email, subject, text, html, headers: unsubscribeHeaders(config, p.unsubscribeUrl) };
}

/* ---------- weekly issue ---------- */

export interface IssueEmailInput {
  content: IssueContent;
  to: string;
  unsubscribeUrl: string;
  /** The reader's bookmarks section, when the address belongs to an account with bookmarks. */
  bookmarks?: BookmarkSection;
  /** Chosen before the first attempt; every retry of this delivery carries the same one. */
  messageId?: string;
}

function changeText(c: BookmarkSection['changes'][number]): string {
  const parts: string[] = [];
  if (c.before.text !== c.after.text || c.before.shipPct !== c.after.shipPct) {
    parts.push(c.before.label === null ? `first verdict: ${verdictText(c.after)}` : `${verdictText(c.before)} → ${verdictText(c.after)}`);
  } else if (c.newReviews > 0) parts.push(`verdict unchanged (${verdictText(c.after)})`);
  if (c.newReviews > 0) parts.push(`${c.newReviews} new review${c.newReviews === 1 ? '' : 's'}`);
  if (c.newVotes > 0) parts.push(`${c.newVotes} new community vote${c.newVotes === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function comparisonText(p: IssueComparison): string {
  return `${p.ship.name} (${p.ship.label}, ${shipShareText(p.ship.shipPct!)}) vs ${p.skip.name} (${p.skip.label}, ${shipShareText(p.skip.shipPct!)})`;
}

export function issueText(config: Pick<Config, 'publicUrl'>, content: IssueContent, bookmarks?: BookmarkSection): string {
  const lines: string[] = [`${DIGEST_NAME} — ${content.week} (${content.dates})`, ''];
  if (bookmarks && bookmarks.total > 0) {
    lines.push('YOUR BOOKMARKS', '');
    if (bookmarks.changes.length === 0) lines.push(`Nothing new this week about the ${bookmarks.total} tool${bookmarks.total === 1 ? '' : 's'} you bookmarked.`, '');
    for (const c of bookmarks.changes) lines.push(`- ${c.name}: ${changeText(c)}`, `  ${absolute(config.publicUrl, urls.tool(c.slug))}`);
    if (bookmarks.changes.length) lines.push('');
  }
  lines.push(`NEW VERDICTS THIS WEEK (${verdictCount(content)})`, '');
  if (content.verdicts.length === 0) lines.push('No new verdicts this week.', '');
  for (const t of content.verdicts) {
    lines.push(`- ${t.name}${t.firstPanel ? ' (new)' : ''} — ${verdictText(t)}`, `  ${t.tagline}`, `  ${absolute(config.publicUrl, urls.tool(t.slug))}`);
  }
  const more = verdictCount(content) - content.verdicts.length;
  if (more > 0) lines.push(`- and ${more} more: ${absolute(config.publicUrl, urls.tools())}`);
  if (content.comparisons.length) {
    lines.push('', 'NOTABLE COMPARISONS: SAME CATEGORY, OPPOSITE VERDICTS', '');
    for (const p of content.comparisons) lines.push(`- ${comparisonText(p)} · ${p.category}`, `  ${absolute(config.publicUrl, p.path)}`);
  }
  lines.push('', `Read this issue on the web: ${absolute(config.publicUrl, urls.digestIssue(content.week))}`);
  return lines.join('\n');
}

const h2Style = `font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid ${C.line}`;
const linkStyle = `color:${C.accent};font-weight:600`;

export function IssueEmailBody({ config, content, bookmarks }: { config: Pick<Config, 'publicUrl'>; content: IssueContent; bookmarks?: BookmarkSection }) {
  return (
    <>
      <h1 style="font-size:24px;margin:0 0 4px">{DIGEST_NAME}</h1>
      <p style={`margin:0 0 8px;color:${C.muted}`}>
        {content.week} · {content.dates}
      </p>
      {bookmarks && bookmarks.total > 0 && (
        <>
          <h2 style={h2Style}>Your bookmarks</h2>
          {bookmarks.changes.length === 0 ? (
            <p style={`margin:0;color:${C.muted}`}>
              Nothing new this week about the {bookmarks.total} tool{bookmarks.total === 1 ? '' : 's'} you bookmarked.
            </p>
          ) : (
            <ul style="margin:0;padding-left:20px">
              {bookmarks.changes.map((c) => (
                <li style="margin:0 0 8px">
                  <a href={absolute(config.publicUrl, urls.tool(c.slug))} style={linkStyle}>{c.name}</a>: {changeText(c)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h2 style={h2Style}>New verdicts this week ({verdictCount(content)})</h2>
      {content.verdicts.length === 0 && <p style={`color:${C.muted}`}>No new verdicts this week.</p>}
      {content.verdicts.map((t) => (
        <div style={`padding:10px 0;border-bottom:1px solid ${C.line}`}>
          <a href={absolute(config.publicUrl, urls.tool(t.slug))} style={`${linkStyle};font-size:17px`}>{t.name}</a>
          {t.firstPanel && <span style={`color:${C.muted};font-size:13px`}> · new</span>}
          <div style={`color:${C.muted};font-size:14px;margin:2px 0 6px`}>
            {t.tagline} · {t.category}
          </div>
          <Pill label={t.label}>{verdictText(t)}</Pill>
        </div>
      ))}
      {verdictCount(content) > content.verdicts.length && (
        <p style={`color:${C.muted}`}>
          And {verdictCount(content) - content.verdicts.length} more: <a href={absolute(config.publicUrl, urls.tools())} style={linkStyle}>all tools</a>
        </p>
      )}
      {content.comparisons.length > 0 && (
        <>
          <h2 style={h2Style}>Notable comparisons</h2>
          <p style={`margin:0 0 8px;color:${C.muted};font-size:14px`}>Same category, opposite verdicts from the panel.</p>
          <ul style="margin:0;padding-left:20px">
            {content.comparisons.map((p) => (
              <li style="margin:0 0 8px">
                <a href={absolute(config.publicUrl, p.path)} style={linkStyle}>
                  {p.ship.name} vs {p.skip.name}
                </a>{' '}
                <span style={`color:${C.muted};font-size:14px`}>({p.category})</span>
                <br />
                <Pill label="Ship">{`${p.ship.name}: Ship · ${shipShareText(p.ship.shipPct!)}`}</Pill> <Pill label="Skip">{`${p.skip.name}: Skip · ${shipShareText(p.skip.shipPct!)}`}</Pill>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export function issueEmail(config: Pick<Config, 'publicUrl' | 'mailFrom'>, input: IssueEmailInput): OutgoingMail {
  const { content } = input;
  const subject = issueSubject(content);
  const webUrl = absolute(config.publicUrl, urls.digestIssue(content.week));
  const text =
    issueText(config, content, input.bookmarks) +
    ['', '', '--', `You get this because you subscribed to ${DIGEST_NAME} at ${config.publicUrl}.`, `Unsubscribe (one click): ${input.unsubscribeUrl}`].join('\n');
  const top = content.verdicts
    .slice(0, 3)
    .map((t) => `${t.name}: ${t.label ?? 'no take'}`)
    .join(', ');
  const html =
    '<!doctype html>' +
    String(
      <EmailShell
        title={subject}
        preheader={top ? `This week: ${top}.` : 'This week on Verdict.'}
        footer={
          <p style="margin:0">
            You get this because you subscribed to {DIGEST_NAME} at {config.publicUrl}. <a href={webUrl} style={`color:${C.muted}`}>Read it on the web</a> ·{' '}
            <a href={input.unsubscribeUrl} style={`color:${C.muted}`}>Unsubscribe</a> (one click).
          </p>
        }
      >
        <IssueEmailBody config={config} content={content} bookmarks={input.bookmarks} />
      </EmailShell>,
    );
  const headers: Record<string, string> = { ...unsubscribeHeaders(config, input.unsubscribeUrl), 'List-Id': `${DIGEST_NAME} <weekly.${listHost(config.publicUrl)}>` };
  if (input.messageId) headers['Message-ID'] = input.messageId;
  return { to: input.to, subject, text, html, headers };
}

export const listHost = (publicUrl: string) => {
  try {
    return new URL(publicUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
};
