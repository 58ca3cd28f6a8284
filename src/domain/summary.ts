// Pure panel and community summaries (label, ship %, mean) and the one formatter for every figure shown (counts, %, avg).
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
    text: label ? `${label} · ${countsText(ships, skips)}` : NO_PANEL_TAKES,
  };
}

/**
 * The same summary from a tool's stored figures (docs/decisions/011: they equal summarize() of the latest review
 * per critic), for lists that should not read every tool's reviews.
 */
export function summaryOfFigures(f: {
  panelShips: number;
  panelSkips: number;
  panelAbstentions: number;
  panelShipPct: number | null;
  panelMeanScore: number | null;
  panelLabel: PanelLabel | null;
}): PanelSummary {
  const label = f.panelLabel;
  return {
    ships: f.panelShips,
    skips: f.panelSkips,
    abstentions: f.panelAbstentions,
    shipPct: f.panelShipPct,
    meanScore: f.panelMeanScore,
    label,
    text: label ? `${label} · ${countsText(f.panelShips, f.panelSkips)}` : NO_PANEL_TAKES,
  };
}

export interface CommunitySummary {
  ships: number;
  skips: number;
  votes: number;
  shipPct: number | null;
  /** Null below MIN_VOTES: a handful of votes is not a verdict. */
  label: PanelLabel | null;
  /** In the panel's wording: "Ship · 28 ship / 13 skip · 41 votes"; "3 votes so far · 2 ship / 1 skip"; or "No community votes yet". */
  text: string;
}

export const NO_COMMUNITY_VOTES = 'No community votes yet';
/** Votes needed before the community gets a label, and so before critics and community can disagree. */
export const MIN_VOTES = 10;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function summarizeVotes(ships: number, skips: number): CommunitySummary {
  const votes = ships + skips;
  const shipPct = votes ? Math.round((ships / votes) * 100) : null;
  const label = votes >= MIN_VOTES ? labelFor(ships, skips) : null;
  const counts = countsText(ships, skips);
  return {
    ships,
    skips,
    votes,
    shipPct,
    label,
    text: !votes ? NO_COMMUNITY_VOTES : label ? `${label} · ${counts} · ${plural(votes, 'vote', 'votes')}` : `${plural(votes, 'vote', 'votes')} so far · ${counts}`,
  };
}

/** True when one side says Ship and the other Skip; the community needs MIN_VOTES votes to have a side. */
export const disagree = (panel: PanelSummary, community: CommunitySummary) =>
  community.votes >= MIN_VOTES &&
  ((panel.label === 'Ship' && community.label === 'Skip') || (panel.label === 'Skip' && community.label === 'Ship'));

/** "Critics and community disagree: the panel says Ship · 3 ship / 1 skip, voters say Skip · 2 ship / 10 skip (12 votes; shown from 10)." */
export function disagreementText(panel: PanelSummary, community: CommunitySummary): string {
  return `Critics and community disagree: the panel says ${panel.text}, voters say ${community.label} · ${countsText(community.ships, community.skips)} (${plural(community.votes, 'vote', 'votes')}; shown from ${MIN_VOTES} votes).`;
}

/** A mean score as shown everywhere: one decimal when it has one ("avg 68.3", "avg 83"). */
export const avgText = (mean: number) => `avg ${mean}`;

/**
 * The parts of the one verdict chip: ["Skip", "2 ship / 3 skip", "avg 57.2"], or ["No panel takes yet"]. The label
 * stands alone and every number carries its own word: beside "Skip", a bare ship % ("Skip 40%") read as the share
 * of skips (docs/decisions/024).
 */
export function chipParts(s: PanelSummary): string[] {
  if (!s.label || s.meanScore == null) return [NO_PANEL_TAKES];
  return [s.label, countsText(s.ships, s.skips), avgText(s.meanScore)];
}

/** Ship and skip counts as shown everywhere: "3 ship / 1 skip". */
export const countsText = (ships: number, skips: number) => `${ships} ship / ${skips} skip`;

/** A whole percent as shown everywhere: "40%". */
export const percentText = (pct: number) => `${pct}%`;

/** A ship share with its word, wherever a percentage is shown on its own: "40% ship". */
export const shipShareText = (pct: number) => `${percentText(pct)} ship`;

/** "Skip · 2 ship / 3 skip · avg 57.2". */
export const chipText = (s: PanelSummary) => chipParts(s).join(' · ');
