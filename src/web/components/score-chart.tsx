// The SVG chart of each critic's score against the ship line, and the single score bar.
import { NO_PANEL_TAKE, type PanelReview } from '../../domain/summary.js';
import { palette } from '../../palette.js';

// Fallback fills for where the stylesheet does not reach (a saved SVG, a feed reader); the classes win on the page.
const C = palette.light;

export interface ChartRow {
  critic: string;
  name: string;
  review: PanelReview;
}

/*
 * The chart mixes units on purpose: rows are fixed pixels tall and labels keep their font size, while the
 * bars are placed in percent of the SVG's width. So it stays legible from a 360px phone to a desktop column
 * without a viewBox scaling the text up or down. Colours come from classes in the stylesheet (dark mode
 * included); the fill attributes are only a fallback.
 */
const LABEL_END = 27; // % — critic names are right-aligned here
const BAR_START = 29; // %
const BAR_SPAN = 61; // % — a score of 100 ends at 90%, leaving room for the number
const ROW = 34;
const TOP = 26;
const AXIS = 26;

const pct = (n: number) => `${Math.round(n * 100) / 100}%`;
const xOf = (score: number) => BAR_START + (BAR_SPAN * Math.max(0, Math.min(100, score))) / 100;

/** One sentence that says what the chart shows, for its title and for screen readers. */
export function chartSummary(toolName: string, rows: readonly ChartRow[], threshold: number): string {
  if (rows.length === 0) return `No critic has reviewed ${toolName} yet.`;
  const parts = rows.map((r) => (r.review.kind === 'take' ? `${r.name} ${r.review.score} (${r.review.verdict})` : `${r.name}: ${NO_PANEL_TAKE.toLowerCase()}`));
  return `Panel scores for ${toolName} out of 100, ship line at ${threshold}: ${parts.join(', ')}.`;
}

/** Horizontal bars, one per critic, 0-100, with the ship threshold line; abstentions read "No panel take". */
export function ScoreChart({ id, toolName, rows, threshold }: { id: string; toolName: string; rows: readonly ChartRow[]; threshold: number }) {
  const height = TOP + rows.length * ROW + AXIS;
  const line = pct(xOf(threshold));
  const summary = chartSummary(toolName, rows, threshold);
  return (
    <figure class="score-chart">
      <svg role="img" aria-labelledby={`${id}-title ${id}-desc`} width="100%" height={height} xmlns="http://www.w3.org/2000/svg">
        <title id={`${id}-title`}>Panel scores for {toolName}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {[0, 25, 50, 75, 100].map((t) => (
          <g class="sc-tick">
            <line x1={pct(xOf(t))} x2={pct(xOf(t))} y1={TOP - 4} y2={TOP + rows.length * ROW} stroke={C.line} class="sc-grid" />
            <text x={pct(xOf(t))} y={height - 8} text-anchor="middle" class="sc-axis" fill={C.muted}>
              {t}
            </text>
          </g>
        ))}
        {rows.map((r, i) => {
          const y = TOP + i * ROW;
          const mid = y + ROW / 2;
          return (
            <g class="sc-row">
              <title>{r.review.kind === 'take' ? `${r.name}: ${r.review.score}, ${r.review.verdict}` : `${r.name}: ${NO_PANEL_TAKE}`}</title>
              <text x={pct(LABEL_END)} y={mid + 5} text-anchor="end" class="sc-label" fill={C.text}>
                {r.name}
              </text>
              <rect x={pct(BAR_START)} y={y + 7} width={pct(BAR_SPAN)} height={ROW - 14} rx="4" class="sc-track" fill={C.surface2} />
              {r.review.kind === 'take' ? (
                <>
                  <rect
                    x={pct(BAR_START)}
                    y={y + 7}
                    width={pct(xOf(r.review.score) - BAR_START)}
                    height={ROW - 14}
                    rx="4"
                    class={`sc-bar sc-${r.review.verdict}`}
                    fill={r.review.verdict === 'ship' ? C.ship : C.skip}
                  />
                  <text x={pct(xOf(r.review.score))} dx="6" y={mid + 5} class={`sc-score sc-${r.review.verdict}-text`} fill={C.text}>
                    {r.review.score}
                  </text>
                </>
              ) : (
                <text x={pct(BAR_START)} dx="8" y={mid + 5} class="sc-abstain" fill={C.muted}>
                  {NO_PANEL_TAKE}
                </text>
              )}
            </g>
          );
        })}
        <line x1={line} x2={line} y1={TOP - 6} y2={TOP + rows.length * ROW + 2} stroke={C.split} stroke-width="2" stroke-dasharray="4 3" class="sc-threshold" />
        <text x={line} y={TOP - 10} text-anchor="middle" class="sc-threshold-label" fill={C.split}>
          Ship line {threshold}
        </text>
      </svg>
      <figcaption class="small muted">
        <span class="sc-key sc-key-ship" aria-hidden="true"></span> Ship <span class="sc-key sc-key-skip" aria-hidden="true"></span> Skip · a score of{' '}
        {threshold} or more means ship.
      </figcaption>
    </figure>
  );
}

/** A thin bar for a table cell: the score out of 100 and a tick at the ship line. Decorative; the number sits beside it in text. */
export function ScoreBar({ score, verdict, threshold }: { score: number; verdict: 'ship' | 'skip' | 'none'; threshold: number }) {
  return (
    <svg class="score-bar" width="100%" height="8" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">
      <rect x="0" y="1" width="100%" height="6" rx="3" class="sc-track" fill={C.surface2} />
      <rect x="0" y="1" width={`${Math.max(0, Math.min(100, score))}%`} height="6" rx="3" class={`sc-bar sc-${verdict}`} fill={C.accent} />
      <line x1={`${threshold}%`} x2={`${threshold}%`} y1="0" y2="8" stroke-width="2" class="sc-threshold" stroke={C.split} />
    </svg>
  );
}
