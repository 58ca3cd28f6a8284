// The panel and community verdict chips, the critic avatar and the tool card used across pages.
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
 * The one verdict chip, used wherever a panel verdict shows: "Skip · 2 ship / 3 skip · avg 59.2" — the label in the
 * coloured pill, then the split and the mean score, each number with its word. "No panel takes yet" otherwise.
 * Each part keeps its figure and label on one line, and a separator stays at the end of the part before it, so a
 * narrow box wraps between parts and never starts (or, after the pill, ends) a line with "·" (issue 20, point 8).
 * `explain` adds the "How we decide" link (tool and compare pages; cards in lists link to the tool page instead).
 * `noAvg` leaves the mean out where a row of its own shows it (the compare table).
 */
export function PanelVerdict({ summary, compact, explain, noAvg }: { summary: PanelSummary; compact?: boolean; explain?: boolean; noAvg?: boolean }) {
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
        <span class="chip-part">
          <span class={pillClass(summary.label)}>{head}</span>
          {/* The pill's box separates it from the split; the "·" is for screen readers and copied text only. */}
          {compact ? null : <span class="visually-hidden">{'\u00a0·'}</span>}
        </span>
        {compact ? (
          <span class="visually-hidden"> · {counts} · {avg}</span>
        ) : (
          <>
            {' '}
            <span class="verdict-parts small">
              <span class="chip-part verdict-counts">
                {counts}
                {!noAvg && <Sep />}
              </span>
              {!noAvg && (
                <>
                  {' '}
                  <abbr class="chip-part verdict-avg" title="mean score of the panel's takes, out of 100">
                    {avg}
                  </abbr>
                </>
              )}
            </span>
          </>
        )}
      </span>
      {how}
    </>
  );
}

/** " ·" glued to the part before it (no-break space): a line may end with it, never start with it. */
const Sep = () => <span class="chip-sep">{'\u00a0·'}</span>;

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
