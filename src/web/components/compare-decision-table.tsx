// The compare page's decision table: panel figures, pricing and checked facts side by side, the winning cell marked.
import type { Comparison } from '../../domain/compare.js';
import { decisionRows } from '../../domain/compare.js';
import type { DecisionFacts } from '../../research/evidence.service.js';
import { CommunityVerdict, PanelVerdict } from './verdict.js';
import { ScoreBar } from './score-chart.js';
import { formatDate } from './tool-helpers.js';
import { urls } from '../../urls.js';
import { summarizeVotes, type CommunitySummary } from '../../domain/summary.js';
import { VoteSlot } from '../vote-slots.js';

/** Decision-table rows from checked evidence, shown only when some tool has a value (issue 20, point 5). */
const FACT_ROWS: [string, Exclude<keyof DecisionFacts, 'checkedAt'>][] = [
  ['Licence', 'licence'],
  ['Latest release', 'latestRelease'],
  ['Repository activity', 'activity'],
  ['Pricing seen on the vendor page', 'pricing'],
];

interface FactCell {
  value?: string;
  /** The value is the catalog's (import file or submission), not something Verdict checked. */
  catalog?: boolean;
  checked: boolean;
}

/**
 * The fact rows to show: a row no tool has a value for is left out. Licence falls back to the catalog's, labelled
 * as such, so "Not checked" never sits under "Free (open source, Apache-2.0)".
 */
export function factRows(c: Comparison, facts: readonly DecisionFacts[]): { label: string; cells: FactCell[] }[] {
  if (facts.length !== c.tools.length) return [];
  const rows = FACT_ROWS.map(([label, key]) => ({
    label,
    cells: facts.map((f, i): FactCell => {
      const checked = !!f.checkedAt;
      if (f[key]) return { value: f[key], checked };
      const catalog = key === 'licence' ? c.tools[i]!.pricing.license : undefined;
      return catalog ? { value: catalog, catalog: true, checked } : { checked };
    }),
  }));
  return rows.filter((r) => r.cells.some((x) => x.value));
}

/** The community row, left out while no tool has a vote (issue 20, point 5): then the cards above say it once. */
function CommunityRow({ names, communities }: { names: readonly string[]; communities: CommunitySummary[] }) {
  if (!communities.some((x) => x.votes > 0)) return null;
  return (
    <tr class="row-community">
      <th scope="row">Community</th>
      {communities.map((summary, i) => (
        <td data-label={names[i]}>
          <CommunityVerdict summary={summary} />
        </td>
      ))}
    </tr>
  );
}

/**
 * "Side by side": the rows of decisionRows (the figures the rule uses among them) and the checked facts. Every cell
 * carries its tool's name (data-label): on a phone, three or four tools sit two to a row, and each cell says whose
 * it is; two tools keep their names in a header that stays in view (issue 20, point 2).
 */
export function DecisionTable({ comparison: c, facts, toolIds }: { comparison: Comparison; facts: DecisionFacts[]; toolIds: readonly number[] }) {
  const rows = decisionRows(c);
  const shownFacts = factRows(c, facts);
  const checked = facts.length === c.tools.length && facts.some((f) => f.checkedAt);
  // Only the figures the rule used get the winner's colour, so the table never points at another tool than the pick.
  const o = c.overall;
  const decided = (label: string, i: number) =>
    o.kind === 'tool' && o.index === i && ((label === 'Critic picks' && o.reason === 'picks') || (label === 'Mean score' && o.reason === 'mean-score'));
  const names = c.tools.map((t) => t.name);
  return (
    <>
      <div class="table-box">
        <table class={`decision-table cols-${c.tools.length}`}>
          <thead>
            <tr>
              <td></td>
              {c.tools.map((t) => (
                <th scope="col">
                  <a href={urls.tool(t.slug)}>{t.name}</a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) =>
              // Vote counts: a slot the page cache redraws after a vote (src/web/vote-slots.tsx).
              row.label === 'Community' ? (
                <VoteSlot tools={toolIds} counts={c.communities} render={(counts) => <CommunityRow names={names} communities={counts.map((v) => summarizeVotes(v.ships, v.skips))} />} />
              ) : (
              <tr class={`row-${row.label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
                <th scope="row">{row.label}</th>
                {row.values.map((value, i) => {
                  const panel = c.panels[i]!;
                  const label = names[i];
                  if (row.label === 'Panel verdict')
                    return (
                      <td data-label={label}>
                        <PanelVerdict summary={panel} noAvg />
                      </td>
                    );
                  if (row.label === 'Critic picks' || row.label === 'Mean score')
                    return (
                      <td data-label={label} class={decided(row.label, i) ? 'lead-cell' : undefined}>
                        <span class="big-num">{value}</span>
                      </td>
                    );
                  if (row.label === 'Panel ship %')
                    return (
                      <td data-label={label}>
                        <span class="big-num">{value}</span>
                        {/* The tick marks a majority: above it, more critics ship than skip. */}
                        {panel.shipPct != null && <ScoreBar score={panel.shipPct} verdict={panel.label === 'Skip' ? 'skip' : 'ship'} threshold={50} />}
                      </td>
                    );
                  return <td data-label={label}>{value}</td>;
                })}
              </tr>
              ),
            )}
            {shownFacts.map((row) => (
              <tr class="row-fact">
                <th scope="row">{row.label}</th>
                {row.cells.map((cell, i) =>
                  cell.value ? (
                    <td data-label={names[i]}>
                      {cell.value}
                      {cell.catalog && <span class="small muted"> (catalog)</span>}
                    </td>
                  ) : (
                    <td data-label={names[i]}>
                      <span class="muted">{cell.checked ? 'Not found' : 'Not checked'}</span>
                    </td>
                  ),
                )}
              </tr>
            ))}
            {checked && (
              <tr class="row-fact">
                <th scope="row">Facts checked</th>
                {facts.map((f, i) => (
                  <td data-label={names[i]}>{f.checkedAt ? <time datetime={f.checkedAt}>{formatDate(f.checkedAt)}</time> : <span class="muted">Not checked yet</span>}</td>
                ))}
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {facts.length === c.tools.length && !checked && (
        <p class="small muted facts-note">
          Facts not checked yet: Verdict has not fetched {c.tools.length === 2 ? 'either' : 'any'} tool's own pages (licence, releases, repository
          activity, prices){shownFacts.length ? '; a licence marked “catalog” is the one the catalog states' : ''}.
        </p>
      )}
    </>
  );
}
