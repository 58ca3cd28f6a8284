// The compare page's "critic by critic" table (cards on a phone), with each take's lead and an expander.
import type { Comparison, CriticPick, ScorecardRow } from '../../domain/compare.js';
import type { PanelReview } from '../../domain/summary.js';
import type { Critic } from '../../domain/schemas.js';
import { excerpt } from '../../domain/text.js';
import { ScoreBar } from './score-chart.js';
import { Abstention, ScoreVerdict } from './scorecard.js';
import { criticName } from './tool-helpers.js';
import { urls } from '../../urls.js';

export const joinNames = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * "Critic by critic": a table on wide screens; below 900px a card per critic, its tools two to a row from 700px
 * (one under another on a phone), each cell named. Takes show their lead sentence with a "Read the full take"
 * expander, or in full when `fullTakes` (the page's "Expand all takes" link, which needs no JavaScript).
 */
export function CriticTable({ comparison: c, critics, threshold, fullTakes }: { comparison: Comparison; critics: Critic[]; threshold: number; fullTakes: boolean }) {
  return (
    <div class="table-box stack-on-mobile">
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
                      <CriticCell cell={cell} threshold={threshold} full={fullTakes} />
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

function CriticCell({ cell, threshold, full }: { cell: PanelReview | null; threshold: number; full: boolean }) {
  if (!cell) return <span class="muted not-reviewed">Not reviewed yet</span>;
  if (cell.kind === 'abstain') return <Abstention reason={cell.reason} />;
  const short = excerpt(cell.take, 170, { firstSentence: true });
  return (
    <div class="cell-take">
      <ScoreVerdict score={cell.score} verdict={cell.verdict} />
      <ScoreBar score={cell.score} verdict={cell.verdict} threshold={threshold} />
      {full || short === cell.take.trim() ? (
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

/** Whether any take of the comparison is cut to its lead sentence (then the page offers "Expand all takes"). */
export const anyTakeCut = (c: Comparison) =>
  c.scorecard.some((r) => r.cells.some((cell) => cell?.kind === 'take' && excerpt(cell.take, 170, { firstSentence: true }) !== cell.take.trim()));

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
