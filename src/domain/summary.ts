import type { Verdict } from './schemas.js';

/** The latest revision of one critic's review of one tool, as the pure core sees it. */
export type PanelReview =
  | { critic: string; kind: 'take'; score: number; verdict: Verdict; take: string }
  | { critic: string; kind: 'abstain'; reason: string };

export type PanelLabel = 'Ship' | 'Skip' | 'Split';

export interface PanelSummary {
  ships: number;
  skips: number;
  abstentions: number;
  /** ships / (ships + skips) as a whole percent; null without takes. */
  shipPct: number | null;
  /** Mean score of the takes, one decimal; null without takes. */
  meanScore: number | null;
  label: PanelLabel | null;
  /** "Ship · 3 ship / 1 skip", or "No panel takes yet". */
  text: string;
}

export const NO_PANEL_TAKES = 'No panel takes yet';
export const NO_PANEL_TAKE = 'No panel take';

const round1 = (n: number) => Math.round(n * 10) / 10;

export function labelFor(yes: number, no: number): PanelLabel | null {
  if (yes + no === 0) return null;
  return yes > no ? 'Ship' : no > yes ? 'Skip' : 'Split';
}

export function summarize(reviews: readonly PanelReview[]): PanelSummary {
  let ships = 0;
  let skips = 0;
  let abstentions = 0;
  let total = 0;
  for (const r of reviews) {
    if (r.kind === 'abstain') abstentions++;
    else {
      if (r.verdict === 'ship') ships++;
      else skips++;
      total += r.score;
    }
  }
  const takes = ships + skips;
  const label = labelFor(ships, skips);
  return {
    ships,
    skips,
    abstentions,
    shipPct: takes ? Math.round((ships / takes) * 100) : null,
    meanScore: takes ? round1(total / takes) : null,
    label,
    text: label ? `${label} · ${ships} ship / ${skips} skip` : NO_PANEL_TAKES,
  };
}

export interface CommunitySummary {
  ships: number;
  skips: number;
  votes: number;
  shipPct: number | null;
  label: PanelLabel | null;
  /** "68% ship · 41 votes", or "No community votes yet". */
  text: string;
}

export const NO_COMMUNITY_VOTES = 'No community votes yet';

export function summarizeVotes(ships: number, skips: number): CommunitySummary {
  const votes = ships + skips;
  const shipPct = votes ? Math.round((ships / votes) * 100) : null;
  return {
    ships,
    skips,
    votes,
    shipPct,
    label: labelFor(ships, skips),
    text: votes ? `${shipPct}% ship · ${votes} ${votes === 1 ? 'vote' : 'votes'}` : NO_COMMUNITY_VOTES,
  };
}

/** True when one side says Ship and the other Skip. */
export const disagree = (panel: PanelSummary, community: CommunitySummary) =>
  (panel.label === 'Ship' && community.label === 'Skip') || (panel.label === 'Skip' && community.label === 'Ship');
