import type { Comparison } from '../../domain/compare.js';

/**
 * The compare page's answer in one line, above the fold on a phone: "Pick: SmolVLM2 — 4 of 5 critics, avg 83
 * vs 72". Everything in it comes from the comparison object (the rule itself lives in src/domain/compare.ts),
 * so the line follows whatever the rule decides.
 */
export function CompareLead({ comparison: c }: { comparison: Comparison }) {
  const o = c.overall;
  if (o.kind !== 'tool') {
    return (
      <p class="compare-lead">
        <strong>No single pick</strong> — the panel is split; <a href="#critics-title">read the critics</a> closest to you.
      </p>
    );
  }
  const name = c.tools[o.index]!.name;
  const avg = (i: number) => (c.panels[i]!.meanScore == null ? null : Math.round(c.panels[i]!.meanScore!));
  const mine = avg(o.index);
  const others = c.tools.flatMap((t, i) => (i === o.index || avg(i) == null ? [] : [c.tools.length > 2 ? `${t.name} ${avg(i)}` : String(avg(i))]));
  const critics = c.scorecard.length;
  return (
    <p class="compare-lead">
      <span class="compare-lead-pick">
        Pick: <strong>{name}</strong>
      </span>{' '}
      — {c.picks[o.index]} of {critics} {critics === 1 ? 'critic' : 'critics'}
      {mine != null && others.length > 0 && `, avg ${mine} vs ${others.join(', ')}`}
    </p>
  );
}
