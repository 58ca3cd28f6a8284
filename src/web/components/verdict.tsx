import { chipParts, type CommunitySummary, type PanelSummary } from '../../domain/summary.js';
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
 * The one verdict chip, used wherever a panel verdict shows: "Ship 75% · 3 ship / 1 skip · avg 83" — label and ship %
 * in the coloured pill, then the counts and the mean score, each part named. "No panel takes yet" otherwise.
 * `explain` adds the "How we decide" link (tool and compare pages; cards in lists link to the tool page instead).
 */
export function PanelVerdict({ summary, compact, explain }: { summary: PanelSummary; compact?: boolean; explain?: boolean }) {
  const how = explain && (
    <>
      {' '}
      <HowWeDecide />
    </>
  );
  if (!summary.label)
    return (
      <>
        <span class={pillClass(null)}>{summary.text}</span>
        {how}
      </>
    );
  const [head, counts, avg] = chipParts(summary);
  return (
    <>
      <span class="verdict verdict-chip">
        <span class={pillClass(summary.label)}>{head}</span>
        {compact ? (
          <span class="visually-hidden"> · {counts} · {avg}</span>
        ) : (
          <span class="verdict-parts small">
            {' · '}
            <span class="verdict-counts">{counts}</span>
            {' · '}
            <abbr class="verdict-avg" title="mean score of the panel's takes, out of 100">
              {avg}
            </abbr>
          </span>
        )}
      </span>
      {how}
    </>
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

/** A tool in a list: name, initial, category, tagline and the verdict chip (its mean score is what search sorts by). */
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
