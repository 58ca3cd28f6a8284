import type { Comparison, CriticPick, ScorecardRow } from '../../domain/compare.js';
import { DECISION_RULE, decisionRows, differentJobsText, MAX_COMPARE, overallText } from '../../domain/compare.js';
import type { PanelReview } from '../../domain/summary.js';
import type { Critic } from '../../domain/schemas.js';
import type { ToolChoice } from '../../catalog/tools.repo.js';
import type { ToolSuggestion } from '../../catalog/search.repo.js';
import { ToolSearch } from './tool-search.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { Avatar, CommunityVerdict, PanelVerdict } from './verdict.js';
import { ScoreBar } from './score-chart.js';
import { Abstention, ScoreVerdict } from './scorecard.js';
import { criticName, formatDate } from './tool-helpers.js';
import { excerpt } from '../../domain/text.js';
import { CommunityActions } from './community.js';
import { disagree, disagreementText } from '../../domain/summary.js';
import { urls } from '../../urls.js';
import type { DecisionFacts } from '../../research/evidence.service.js';
import { CompareLead } from './compare-lead.js';

export const QUESTION = 'Which one should you ship with?';

/** "A vs B" / "A vs B vs C". */
export const compareTitle = (c: Comparison) => c.tools.map((t) => t.name).join(' vs ');

const joinNames = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

export function ComparePage({
  comparison: c,
  tools,
  critics,
  threshold,
  facts = [],
}: {
  comparison: Comparison;
  tools: ToolWithPanel[];
  critics: Critic[];
  threshold: number;
  /** Checked facts per tool, in the order of comparison.tools (src/research). */
  facts?: DecisionFacts[];
}) {
  const names = c.tools.map((t) => t.name);
  const picked = c.overall.kind === 'tool' ? c.overall.index : -1;
  const jobs = differentJobsText(c);
  return (
    <article class="compare-page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={urls.compare()}>Compare</a> › <span aria-current="page">{compareTitle(c)}</span>
      </nav>
      <header class="compare-hero">
        <h1>
          {names.map((n, i) => (
            <>
              {i > 0 && <span class="vs"> vs </span>}
              {n}
            </>
          ))}
        </h1>
        <p class="lead">{QUESTION}</p>
        <CompareLead comparison={c} />
        <ul class={`contenders contenders-${c.tools.length}`}>
          {tools.map((t, i) => (
            <li class={`card contender${i === picked ? ' contender-picked' : ''}`}>
              <div class="contender-head">
                <Avatar name={t.tool.name} />
                <div>
                  <h2 class="contender-name">
                    <a href={urls.tool(t.tool.slug)}>{t.tool.name}</a>
                  </h2>
                  <span class="small muted">{t.tool.category}</span>
                </div>
              </div>
              <p class="contender-tagline small">{t.tool.tagline}</p>
              <PanelVerdict summary={c.panels[i]!} explain />
              <CommunityActions tool={t.tool} counts={c.communities[i]} />
              {disagree(c.panels[i]!, c.communities[i]!) && <p class="small disagree-note">{disagreementText(c.panels[i]!, c.communities[i]!)}</p>}
            </li>
          ))}
        </ul>
        <section class="overall" aria-labelledby="overall-title">
          <h2 id="overall-title" class="eyebrow">
            The panel's pick
          </h2>
          <p class="overall-text">{overallText(c)}</p>
          {jobs && <p class="notice different-jobs">{jobs}</p>}
          <p class="small decision-rule">
            <strong>How the pick is made.</strong> {DECISION_RULE} The critic picks and mean scores are in the table below.
          </p>
          <p class="small muted tally">
            Critic picks:{' '}
            {c.tools.map((t, i) => (
              <>
                {i > 0 && ' · '}
                {t.name} {c.picks[i]}
              </>
            ))}
            {c.scorecard.length > 0 && ` (of ${c.scorecard.length} ${c.scorecard.length === 1 ? 'critic' : 'critics'})`}
          </p>
        </section>
      </header>

      <section aria-labelledby="decision-title">
        <h2 id="decision-title">Side by side</h2>
        <DecisionTable comparison={c} facts={facts} />
      </section>

      <section aria-labelledby="critics-title">
        <h2 id="critics-title">Critic by critic</h2>
        <p class="muted small">
          Each critic picks the tool they scored highest, if they would ship it; a take beats no take, and equal scores tie. A critic who skips every
          tool picks none and only says which it would rather have. Critics who reviewed none of these tools are not listed.
        </p>
        {c.scorecard.length === 0 ? (
          <p class="notice">No critic has reviewed {joinNames(names)} yet.</p>
        ) : (
          <CriticTable comparison={c} critics={critics} threshold={threshold} />
        )}
      </section>

      <KeepComparing comparison={c} />
    </article>
  );
}

/** Decision-table rows from checked evidence; a tool without a snapshot of that source says so. */
const FACT_ROWS: [string, keyof DecisionFacts][] = [
  ['Licence', 'licence'],
  ['Latest release', 'latestRelease'],
  ['Repository activity', 'activity'],
  ['Pricing seen on the vendor page', 'pricing'],
  ['Facts checked', 'checkedAt'],
];

function DecisionTable({ comparison: c, facts }: { comparison: Comparison; facts: DecisionFacts[] }) {
  const rows = decisionRows(c);
  // Only the figures the rule used get the winner's colour, so the table never points at another tool than the pick.
  const o = c.overall;
  const decided = (label: string, i: number) =>
    o.kind === 'tool' && o.index === i && ((label === 'Critic picks' && o.reason === 'picks') || (label === 'Mean score' && o.reason === 'mean-score'));
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="decision-title">
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
          {rows.map((row) => (
            <tr class={`row-${row.label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
              <th scope="row">{row.label}</th>
              {row.values.map((value, i) => {
                const panel = c.panels[i]!;
                if (row.label === 'Panel verdict') return <td><PanelVerdict summary={panel} /></td>;
                if (row.label === 'Critic picks' || row.label === 'Mean score')
                  return (
                    <td class={decided(row.label, i) ? 'lead-cell' : undefined}>
                      <span class="big-num">{value}</span>
                    </td>
                  );
                if (row.label === 'Panel ship %')
                  return (
                    <td>
                      <span class="big-num">{value}</span>
                      {/* The tick marks a majority: above it, more critics ship than skip. */}
                      {panel.shipPct != null && <ScoreBar score={panel.shipPct} verdict={panel.label === 'Skip' ? 'skip' : 'ship'} threshold={50} />}
                    </td>
                  );
                if (row.label === 'Community') return <td><CommunityVerdict summary={c.communities[i]!} /></td>;
                return <td>{value}</td>;
              })}
            </tr>
          ))}
          {facts.length === c.tools.length &&
            FACT_ROWS.map(([label, key]) => (
              <tr class="row-fact">
                <th scope="row">{label}</th>
                {facts.map((f) => {
                  const v = f[key];
                  if (key === 'checkedAt') return <td>{v ? <time datetime={v}>{formatDate(v)}</time> : <span class="muted">Not checked yet</span>}</td>;
                  return <td>{v ?? <span class="muted">{f.checkedAt ? 'Not found' : 'Not checked'}</span>}</td>;
                })}
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

function CriticTable({ comparison: c, critics, threshold }: { comparison: Comparison; critics: Critic[]; threshold: number }) {
  return (
    <div class="table-scroll stack-on-mobile" tabindex={0} role="region" aria-labelledby="critics-title">
      <table class={`critic-table cols-${c.tools.length}`}>
        <thead>
          <tr>
            <th scope="col">Critic</th>
            {c.tools.map((t) => (
              <th scope="col">{t.name}</th>
            ))}
            <th scope="col">Pick</th>
          </tr>
        </thead>
        <tbody>
          {c.scorecard.map((row) => {
            const name = criticName(critics, row.critic);
            const motto = critics.find((x) => x.id === row.critic)?.motto;
            return (
              <tr>
                <th scope="row">
                  <a href={urls.critic(row.critic)}>{name}</a>
                  {motto && <span class="motto small muted">{motto}</span>}
                </th>
                {row.cells.map((cell, i) => {
                  const isPick = row.pick.kind === 'tool' && row.pick.index === i;
                  return (
                    <td data-label={c.tools[i]!.name} class={isPick ? 'picked' : undefined}>
                      {isPick && (
                        <span class="pick-badge">
                          <span aria-hidden="true">✓ </span>
                          <span class="visually-hidden">{name}'s </span>Pick
                        </span>
                      )}
                      <CriticCell cell={cell} threshold={threshold} />
                    </td>
                  );
                })}
                <td data-label="Pick" class="pick-cell">
                  <PickText row={row} comparison={c} critic={name} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CriticCell({ cell, threshold }: { cell: PanelReview | null; threshold: number }) {
  if (!cell) return <span class="muted not-reviewed">Not reviewed yet</span>;
  if (cell.kind === 'abstain') return <Abstention reason={cell.reason} />;
  const short = excerpt(cell.take, 170, { firstSentence: true });
  return (
    <div class="cell-take">
      <ScoreVerdict score={cell.score} verdict={cell.verdict} />
      <ScoreBar score={cell.score} verdict={cell.verdict} threshold={threshold} />
      {short === cell.take.trim() ? (
        <p class="take">{cell.take}</p>
      ) : (
        <>
          <p class="take excerpt">{short}</p>
          <details class="full-take">
            <summary>Read the full take</summary>
            <p class="take">{cell.take}</p>
          </details>
        </>
      )}
    </div>
  );
}

function PickText({ row, comparison: c, critic }: { row: ScorecardRow; comparison: Comparison; critic: string }) {
  const pick: CriticPick = row.pick;
  if (pick.kind === 'tool') {
    return (
      <span class="pick-name">
        <span class="visually-hidden">{critic} picks </span>
        {c.tools[pick.index]!.name}
      </span>
    );
  }
  if (pick.kind === 'tie') {
    return (
      <span class="pick-name">
        Tie
        {pick.indices.length < c.tools.length && <span class="small muted"> ({joinNames(pick.indices.map((i) => c.tools[i]!.name))})</span>}
      </span>
    );
  }
  if (pick.kind === 'rather') {
    const names = joinNames(pick.indices.map((i) => c.tools[i]!.name));
    return (
      <span class="muted rather">
        No pick · skips all
        <span class="small"> · {pick.indices.length === 1 ? `would rather have ${names} (higher score)` : `${names} score the same`}</span>
      </span>
    );
  }
  if (pick.reason === 'no-takes') return <span class="muted">No pick · no take on any</span>;
  const missing = row.cells.flatMap((cell, i) => (cell ? [] : [c.tools[i]!.name]));
  return <span class="muted">No pick yet · {joinNames(missing)} not reviewed</span>;
}

/** Add a tool to this comparison (a search: GET form, or combobox with JS), or start over. */
function KeepComparing({ comparison: c }: { comparison: Comparison }) {
  const slugs = c.tools.map((t) => t.slug);
  return (
    <section class="keep-comparing card" aria-labelledby="more-title">
      <h2 id="more-title">Keep comparing</h2>
      {slugs.length < MAX_COMPARE && <ToolSearch id="add-tool" label="Add a tool to this comparison" picked={slugs} />}
      <p class="small">
        {c.tools.map((t, i) => (
          <>
            {i > 0 && ' · '}
            <a href={urls.tool(t.slug)}>All about {t.name}</a>
          </>
        ))}{' '}
        · <a href={urls.compare()}>Start a new comparison</a>
      </p>
    </section>
  );
}

/**
 * The compare picker: the tools picked so far (each removable), a search for the next one, and, after a search
 * without JavaScript, the matching tools as links that add them. Never a list of the whole catalog.
 */
export function ComparePicker(p: { total: number; picked: ToolChoice[]; add: string; matches: ToolSuggestion[]; suggestions: [ToolChoice, ToolChoice][]; notice?: string }) {
  const { picked, add, matches, suggestions, notice } = p;
  const slugs = picked.map((t) => t.slug);
  const ordinal = ['first', 'second', 'third', 'fourth'][picked.length] ?? 'next';
  return (
    <section class="compare-picker">
      <h1>Compare AI tools</h1>
      <p class="lead">{QUESTION} Pick two to four tools to see the panel's verdicts side by side, every critic's score and pick, and an overall pick.</p>
      {notice && <p class="notice">{notice}</p>}
      {p.total < 2 ? (
        <p class="notice">The catalog needs at least two tools before anything can be compared.</p>
      ) : (
        <div class="card picker-form">
          {picked.length > 0 && (
            <>
              <h2 class="small">Picked so far</h2>
              <ul class="picked-tools">
                {picked.map((t) => (
                  <li>
                    <a href={urls.tool(t.slug)}>{t.name}</a> <span class="small muted">{t.category}</span>{' '}
                    <a class="small" href={urls.compare(slugs.filter((s) => s !== t.slug))} aria-label={`Remove ${t.name}`}>
                      Remove
                    </a>
                  </li>
                ))}
              </ul>
              {picked.length >= 2 && (
                <p>
                  <a class="btn" href={urls.compare(slugs)}>
                    Compare {picked.map((t) => t.name).join(' vs ')}
                  </a>
                </p>
              )}
            </>
          )}
          {picked.length < MAX_COMPARE && <ToolSearch id="pick-tool" label={`Find the ${ordinal} tool`} picked={slugs} value={add || undefined} />}
          {add && picked.length < MAX_COMPARE && (
            <section aria-labelledby="matches-title" class="tool-matches">
              <h2 id="matches-title">{matches.length ? `Tools matching “${excerpt(add, 60)}”` : `No tool matches “${excerpt(add, 60)}”`}</h2>
              {matches.length > 0 ? (
                <ul class="link-list">
                  {matches.map((t) => (
                    <li>
                      <a href={urls.compare([...slugs, t.slug])}>
                        {slugs.length ? 'Add' : 'Pick'} {t.name}
                      </a>{' '}
                      <span class="small muted">{t.category}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">Try fewer or shorter words, or browse <a href={urls.search()}>all tools</a>.</p>
              )}
            </section>
          )}
        </div>
      )}
      {suggestions.length > 0 && (
        <section aria-labelledby="suggested-title">
          <h2 id="suggested-title">Head to head, by category</h2>
          <ul class="suggested-pairs">
            {suggestions.map(([a, b]) => (
              <li>
                <a class="card pair-link" href={urls.compare([a.slug, b.slug])}>
                  <span class="pair-names">
                    {a.name} <span class="vs">vs</span> {b.name}
                  </span>
                  <span class="small muted">{a.category}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
