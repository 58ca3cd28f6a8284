// The compare page's one-line answer (the pick, a close call, or no single pick) and how the pick is made.
import type { Comparison } from '../../domain/compare.js';
import { avgText } from '../../domain/summary.js';
import { DECISION_RULE, differentJobsText, overallText } from '../../domain/compare.js';

/**
 * The compare page's answer, said once, near the top on a phone: "Pick: SmolVLM2 — 4 of 5 critics, avg 83 vs 71",
 * or a close call, or "no single pick"; then how the pick is made, folded (issue 20, point 6). Everything comes from
 * the comparison object (the rule lives in src/domain/compare.ts), so the line follows whatever the rule decides.
 */
export function CompareOverall({ comparison: c }: { comparison: Comparison }) {
  const jobs = differentJobsText(c);
  return (
    <section class="overall" aria-labelledby="overall-title">
      <h2 id="overall-title" class="eyebrow">
        The panel's pick
      </h2>
      <CompareLead comparison={c} />
      {jobs && <p class="notice different-jobs">{jobs}</p>}
      <details class="decision-rule small">
        <summary>How the pick is made</summary>
        <p>
          {DECISION_RULE} The critic picks and mean scores are in the table below.
        </p>
      </details>
    </section>
  );
}

const CLOSE = 'Close call';

function CompareLead({ comparison: c }: { comparison: Comparison }) {
  const o = c.overall;
  if (o.kind === 'depends') {
    return (
      <p class="compare-lead">
        <strong>No single pick</strong> — the panel is split; <a href="#critics-title">read the critics</a> closest to you.
      </p>
    );
  }
  if (o.kind === 'close') {
    // "Close call between A and B: A has one more critic pick (2 of 7 vs 1), B the higher mean score (…)."
    const text = overallText(c);
    return (
      <p class="compare-lead compare-lead-close">
        <strong>{CLOSE}</strong>
        {text.startsWith(CLOSE) ? text.slice(CLOSE.length) : ` — ${text}`} <a href="#critics-title">Read the critics</a> closest to you.
      </p>
    );
  }
  const name = c.tools[o.index]!.name;
  // One decimal, as avgText shows a mean everywhere: whole numbers could read "avg 83 vs 83" on a tie-break.
  const avg = (i: number) => c.panels[i]!.meanScore;
  const mine = avg(o.index);
  const others = c.tools.flatMap((t, i) => (i === o.index || avg(i) == null ? [] : [c.tools.length > 2 ? `${t.name} ${avg(i)}` : String(avg(i))]));
  const critics = c.scorecard.length;
  // Decided on the mean score: the picks were even, and the line says so rather than imply a lead.
  const even = o.reason === 'mean-score';
  return (
    <p class="compare-lead">
      <span class="compare-lead-pick">
        Pick: <strong>{name}</strong>
      </span>{' '}
      — {c.picks[o.index]} of {critics} {critics === 1 ? 'critic' : 'critics'}
      {even ? ' each, so the higher mean score decides' : ''}
      {mine != null && others.length > 0 && `${even ? ':' : ','} ${avgText(mine)} vs ${others.join(', ')}`}
    </p>
  );
}
