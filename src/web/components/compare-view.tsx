import type { Comparison, CriticPick, ScorecardRow } from '../../domain/compare.js';
import { decisionRows, MAX_COMPARE, overallText } from '../../domain/compare.js';
import type { PanelReview } from '../../domain/summary.js';
import type { Critic } from '../../domain/schemas.js';
import type { ToolRow } from '../../db/types.js';
import type { ToolChoice } from '../../catalog/tools.repo.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { Avatar, CommunityVerdict, PanelVerdict } from './verdict.js';
import { ScoreBar } from './score-chart.js';
import { Abstention, ScoreVerdict } from './scorecard.js';
import { criticName } from './tool-helpers.js';
import { excerpt } from '../../domain/text.js';
import { CommunityActions } from './community.js';
import { disagree } from '../../domain/summary.js';
import { urls } from '../../urls.js';
import { CompareLead } from './compare-lead.js';

export const QUESTION = 'Which one should you ship with?';

/** "A vs B" / "A vs B vs C". */
export const compareTitle = (c: Comparison) => c.tools.map((t) => t.name).join(' vs ');

const joinNames = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

export function ComparePage({ comparison: c, tools, critics, threshold, everyone }: { comparison: Comparison; tools: ToolWithPanel[]; critics: Critic[]; threshold: number; everyone: ToolChoice[] }) {
  const names = c.tools.map((t) => t.name);
  const picked = c.overall.kind === 'tool' ? c.overall.index : -1;
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
              <PanelVerdict summary={c.panels[i]!} />
              <CommunityActions tool={t.tool} counts={c.communities[i]} />
              {disagree(c.panels[i]!, c.communities[i]!) && <p class="small disagree-note">Critics and community disagree.</p>}
            </li>
          ))}
        </ul>
        <section class="overall" aria-labelledby="overall-title">
          <h2 id="overall-title" class="eyebrow">
            The panel's pick
          </h2>
          <p class="overall-text">{overallText(c)}</p>
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
        <DecisionTable comparison={c} />
      </section>

      <section aria-labelledby="critics-title">
        <h2 id="critics-title">Critic by critic</h2>
        <p class="muted small">
          Each critic picks the tool they scored higher; a take beats no take, and equal scores tie. Critics who reviewed none of these tools are not
          listed.
        </p>
        {c.scorecard.length === 0 ? (
          <p class="notice">No critic has reviewed {joinNames(names)} yet.</p>
        ) : (
          <CriticTable comparison={c} critics={critics} threshold={threshold} />
        )}
      </section>

      <KeepComparing comparison={c} everyone={everyone} />
    </article>
  );
}

function DecisionTable({ comparison: c }: { comparison: Comparison }) {
  const rows = decisionRows(c);
  const bestShip = Math.max(...c.panels.map((p) => p.shipPct ?? -1));
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
                if (row.label === 'Panel ship %')
                  return (
                    <td class={panel.shipPct != null && panel.shipPct === bestShip && c.tools.length > 1 ? 'lead-cell' : undefined}>
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
  if (pick.reason === 'no-takes') return <span class="muted">No pick · no take on any</span>;
  const missing = row.cells.flatMap((cell, i) => (cell ? [] : [c.tools[i]!.name]));
  return <span class="muted">No pick yet · {joinNames(missing)} not reviewed</span>;
}

/** Add a tool to this comparison (a GET form), or start over. */
function KeepComparing({ comparison: c, everyone }: { comparison: Comparison; everyone: ToolChoice[] }) {
  const slugs = c.tools.map((t) => t.slug);
  const others = everyone.filter((t) => !slugs.includes(t.slug)).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="keep-comparing card" aria-labelledby="more-title">
      <h2 id="more-title">Keep comparing</h2>
      {slugs.length < MAX_COMPARE && others.length > 0 && (
        <form action={urls.compare()} method="get" class="add-tool">
          {slugs.map((s) => (
            <input type="hidden" name="tools" value={s} />
          ))}
          <label for="add-tool">Add a tool to this comparison</label>
          <div class="inline-form">
            <select id="add-tool" name="tools" required>
              <option value="">Choose a tool…</option>
              {others.map((t) => (
                <option value={t.slug}>{t.name}</option>
              ))}
            </select>
            <button type="submit">Add</button>
          </div>
        </form>
      )}
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

/** The compare picker: two required and two optional selects of every tool, grouped by category; a plain GET form. */
export function ComparePicker({ everyone, preselected, suggestions, notice }: { everyone: ToolChoice[]; preselected: string[]; suggestions: [ToolRow, ToolRow][]; notice?: string }) {
  const groups = new Map<string, ToolChoice[]>();
  for (const t of [...everyone].sort((a, b) => a.name.localeCompare(b.name))) {
    const list = groups.get(t.category) ?? [];
    list.push(t);
    groups.set(t.category, list);
  }
  const categories = [...groups.keys()].sort((a, b) => a.localeCompare(b));
  const labels = ['First tool', 'Second tool', 'Third tool', 'Fourth tool'];
  return (
    <section class="compare-picker">
      <h1>Compare AI tools</h1>
      <p class="lead">{QUESTION} Pick two to four tools to see the panel's verdicts side by side, every critic's score and pick, and an overall pick.</p>
      {notice && <p class="notice">{notice}</p>}
      {everyone.length < 2 ? (
        <p class="notice">The catalog needs at least two tools before anything can be compared.</p>
      ) : (
        <form class="card picker-form" action={urls.compare()} method="get">
          <div class="picker-fields">
            {labels.map((label, i) => (
              <div class="field">
                <label for={`pick-${i + 1}`}>
                  {label}
                  {i >= 2 && <span class="muted optional"> (optional)</span>}
                </label>
                <select id={`pick-${i + 1}`} name="tools" required={i < 2}>
                  <option value="">{i < 2 ? 'Choose a tool…' : 'None'}</option>
                  {categories.map((cat) => (
                    <optgroup label={cat}>
                      {groups.get(cat)!.map((t) => (
                        <option value={t.slug} selected={preselected[i] === t.slug}>
                          {t.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </div>
            ))}
          </div>
          <button type="submit">Compare</button>
        </form>
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
