import type { PricingModel } from './pricing.js';
import { pricingText } from './pricing.js';
import { summarize, summarizeVotes, type CommunitySummary, type PanelReview, type PanelSummary } from './summary.js';

export const MAX_COMPARE = 4;

export interface CompareInput {
  tool: {
    slug: string;
    name: string;
    tagline: string;
    category: string;
    pricing: { model: PricingModel; entry: string; license?: string | null };
  };
  reviews: readonly PanelReview[];
  community?: { ships: number; skips: number };
}

export type CriticPick =
  | { kind: 'tool'; index: number }
  | { kind: 'tie'; indices: number[] }
  /** No take on any of the tools, or a tool this critic has not reviewed yet. */
  | { kind: 'none'; reason: 'no-takes' | 'not-reviewed' };

export interface ScorecardRow {
  critic: string;
  cells: (PanelReview | null)[];
  pick: CriticPick;
}

export type OverallPick =
  | { kind: 'tool'; index: number; reason: 'picks' | 'mean-score' }
  | { kind: 'depends' };

export interface Comparison {
  tools: CompareInput['tool'][];
  panels: PanelSummary[];
  communities: CommunitySummary[];
  scorecard: ScorecardRow[];
  picks: number[];
  overall: OverallPick;
}

/** Which tool one critic would pick: the higher score; a take beats an abstention; equal top scores tie. */
export function criticPick(cells: readonly (PanelReview | null)[]): CriticPick {
  if (cells.some((c) => c === null)) return { kind: 'none', reason: 'not-reviewed' };
  let best = -1;
  let indices: number[] = [];
  cells.forEach((c, i) => {
    if (c?.kind !== 'take') return;
    if (c.score > best) {
      best = c.score;
      indices = [i];
    } else if (c.score === best) indices.push(i);
  });
  if (indices.length === 0) return { kind: 'none', reason: 'no-takes' };
  return indices.length === 1 ? { kind: 'tool', index: indices[0]! } : { kind: 'tie', indices };
}

export const COMPARE_RULE = `Compare takes 2 to ${MAX_COMPARE} different tools`;

export type CompareProblem = { kind: 'duplicate'; slug: string } | { kind: 'too-few' | 'too-many'; count: number };

/** The 2-to-4-distinct-tools rule, in one place: what is wrong with a selection of slugs, or undefined. */
export function compareProblem(slugs: readonly string[]): CompareProblem | undefined {
  const dupe = slugs.find((s, i) => slugs.indexOf(s) !== i);
  if (dupe !== undefined) return { kind: 'duplicate', slug: dupe };
  if (slugs.length < 2) return { kind: 'too-few', count: slugs.length };
  if (slugs.length > MAX_COMPARE) return { kind: 'too-many', count: slugs.length };
  return undefined;
}

/**
 * Compares two to four tools. Scorecard rows follow `criticOrder` and include every critic
 * that reviewed at least one of the tools.
 */
export function compareTools(inputs: readonly CompareInput[], criticOrder: readonly string[]): Comparison {
  if (compareProblem(inputs.map((i) => i.tool.slug))) throw new RangeError(COMPARE_RULE);
  const reviewed = new Set(inputs.flatMap((i) => i.reviews.map((r) => r.critic)));
  const order = [...criticOrder.filter((c) => reviewed.has(c)), ...[...reviewed].filter((c) => !criticOrder.includes(c)).sort()];
  const scorecard = order.map((critic) => {
    const cells = inputs.map((i) => i.reviews.find((r) => r.critic === critic) ?? null);
    return { critic, cells, pick: criticPick(cells) };
  });
  const picks = inputs.map((_, i) => scorecard.filter((r) => r.pick.kind === 'tool' && r.pick.index === i).length);
  const panels = inputs.map((i) => summarize(i.reviews));
  return {
    tools: inputs.map((i) => i.tool),
    panels,
    communities: inputs.map((i) => summarizeVotes(i.community?.ships ?? 0, i.community?.skips ?? 0)),
    scorecard,
    picks,
    overall: overallPick(picks, panels.map((p) => p.meanScore)),
  };
}

/** Most critic picks; then the higher mean score among those tied; else it depends on who you are. */
export function overallPick(picks: readonly number[], means: readonly (number | null)[]): OverallPick {
  const most = Math.max(...picks);
  const leaders = picks.flatMap((p, i) => (p === most ? [i] : []));
  if (most > 0 && leaders.length === 1) return { kind: 'tool', index: leaders[0]!, reason: 'picks' };
  const scored = leaders.filter((i) => means[i] != null);
  if (scored.length === 0) return { kind: 'depends' };
  const top = Math.max(...scored.map((i) => means[i]!));
  const best = scored.filter((i) => means[i] === top);
  return best.length === 1 ? { kind: 'tool', index: best[0]!, reason: 'mean-score' } : { kind: 'depends' };
}

export const DEPENDS_TEXT = 'It depends on who you are: the panel is split, so read the takes of the critics closest to you.';

/** The decision table as rows of text, shared by the CLI and the pages. */
export function decisionRows(c: Comparison): { label: string; values: string[] }[] {
  return [
    { label: 'Panel verdict', values: c.panels.map((p) => p.text) },
    { label: 'Panel ship %', values: c.panels.map((p) => (p.shipPct == null ? '—' : `${p.shipPct}%`)) },
    { label: 'Community', values: c.communities.map((p) => p.text) },
    { label: 'Pricing', values: c.tools.map((t) => pricingText(t.pricing)) },
    { label: 'Best for', values: c.tools.map((t) => t.tagline) },
    { label: 'Category', values: c.tools.map((t) => t.category) },
  ];
}

export function overallText(c: Comparison): string {
  const o = c.overall;
  if (o.kind === 'depends') return DEPENDS_TEXT;
  const name = c.tools[o.index]!.name;
  if (o.reason === 'picks') {
    const n = c.picks[o.index]!;
    return `${name}: picked by ${n} of ${c.scorecard.length} critics`;
  }
  return `${name}: critics' picks are even, and it has the higher mean score (${c.panels[o.index]!.meanScore})`;
}
