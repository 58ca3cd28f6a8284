import type { CommunitySummary, PanelSummary } from '../../domain/summary.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { BookmarkButton } from './community.js';
import { urls } from '../../urls.js';

const pillClass = (label: string | null) => `pill pill-${label ? label.toLowerCase() : 'none'}`;

/** The link every full panel verdict carries to the page that explains how it was reached. */
export const HowWeDecide = () => (
  <a class="how-we-decide small" href={urls.methodology}>
    How we decide
  </a>
);

/**
 * "Ship · 3 ship / 1 skip" with "75%" beside it, coloured by label; "No panel takes yet" otherwise.
 * `explain` adds the "How we decide" link (tool and compare pages; cards in lists link to the tool page instead).
 */
export function PanelVerdict({ summary, compact, explain }: { summary: PanelSummary; compact?: boolean; explain?: boolean }) {
  if (!summary.label)
    return (
      <span class="verdict">
        <span class={pillClass(null)}>{summary.text}</span>
        {explain && <> <HowWeDecide /></>}
      </span>
    );
  return (
    <span class="verdict">
      <span class={pillClass(summary.label)}>{compact ? summary.label : summary.text}</span>{' '}
      <span class="pct">{summary.shipPct}%</span>
      {compact && <span class="visually-hidden"> ({summary.text})</span>}
      {explain && <> <HowWeDecide /></>}
    </span>
  );
}

export function CommunityVerdict({ summary }: { summary: CommunitySummary }) {
  return <span class={pillClass(summary.label)}>{summary.text}</span>;
}

export function Avatar({ name }: { name: string }) {
  return (
    <span class="avatar" aria-hidden="true">
      {[...name.trim()][0]?.toUpperCase() ?? '?'}
    </span>
  );
}

/** A tool in a list: name, initial, category, tagline, panel label and ship %. */
export function ToolCard({ item, actions: given }: { item: ToolWithPanel; actions?: unknown }) {
  const t = item.tool;
  // By default a bookmark button (it reads the request's community state; outside a request it renders nothing).
  const actions = given ?? <BookmarkButton tool={t} compact />;
  return (
    <article class="card tool-card">
      <Avatar name={t.name} />
      <div>
        <h3>
          <a href={urls.tool(t.slug)}>{t.name}</a>
        </h3>
        <span class="small muted">{t.category}</span>
      </div>
      <p class="tagline">{t.tagline}</p>
      <div class="meta">
        <PanelVerdict summary={item.summary} />
      </div>
      {actions ? <div class="actions">{actions}</div> : null}
    </article>
  );
}
