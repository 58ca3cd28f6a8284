// Pure comparison of 2–4 tools: each critic's pick, the scorecard and the overall pick with its reason, and whether the tools do the same job.
import type { PricingModel } from './pricing.js';
import { pricingText } from './pricing.js';
import { avgText, chipText, summarizeVotes, type CommunitySummary, type PanelReview, type PanelSummary, percentText } from './summary.js';

export const MAX_COMPARE = 4;

export interface CompareInput {
  tool: {
    slug: string;
    name: string;
    tagline: string;
    category: string;
    pricing: { model: PricingModel; entry: string; license?: string | null };
    /** A short use-case, when the catalog has one. */
    bestFor?: string | null;
    /** The panel's synthesis of its takes, shown in the "Best for" row when the catalog has none (not a job: see sameJob). */
    panelBestFor?: string | null;
    tags?: readonly string[];
  };
  reviews: readonly PanelReview[];
  /** The tool's panel summary as stored (summaryOfFigures); equal to summarize(reviews), which a property test holds. */
  summary: PanelSummary;
  community?: { ships: number; skips: number };
}

export type CriticPick =
  | { kind: 'tool'; index: number }
  | { kind: 'tie'; indices: number[] }
  /** Skips every tool it took: no pick, but it would rather have the higher score (indices tie on equal scores). */
  | { kind: 'rather'; indices: number[] }
  /** No take on any of the tools, or a tool this critic has not reviewed yet. */
  | { kind: 'none'; reason: 'no-takes' | 'not-reviewed' };

export interface ScorecardRow {
  critic: string;
  cells: (PanelReview | null)[];
  pick: CriticPick;
}

export type OverallPick =
  | { kind: 'tool'; index: number; reason: 'picks' | 'mean-score' }
  /**
   * Too close to crown: the tool with the most picks (first index) leads by one pick, and the tools one pick behind
   * it with a higher mean score (the other indices, best mean first) say the opposite.
   */
  | { kind: 'close'; indices: number[] }
  | { kind: 'depends' };

export interface Comparison {
  tools: CompareInput['tool'][];
  panels: PanelSummary[];
  communities: CommunitySummary[];
  scorecard: ScorecardRow[];
  picks: number[];
  overall: OverallPick;
  /** Tools that share no tag and no use-case with any other tool compared: they do a different job. */
  differentJobs: number[];
}

/**
 * Which tool one critic picks: its highest score, if that take ships. A take beats an abstention, equal top
 * scores tie, and a critic who skips every tool it took picks none (it would only rather have the higher score).
 */
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
  // Ship iff score ≥ threshold, so the top take ships exactly when any take does.
  if ((cells[indices[0]!] as Extract<PanelReview, { kind: 'take' }>).verdict === 'skip') return { kind: 'rather', indices };
  return indices.length === 1 ? { kind: 'tool', index: indices[0]! } : { kind: 'tie', indices };
}

/** The one decision rule, in plain words; the page and the CLI print it beside the figures it uses. */
export const DECISION_RULE =
  'Each critic picks the tool they scored highest, if they would ship it; a critic who skips every tool picks none. ' +
  'The tool with the most critic picks is the panel\'s pick, unless it leads by a single pick and a tool one pick behind has the higher mean score: ' +
  'then it is a close call between them, and no tool is crowned. If picks are even, the higher mean score decides; if that is even too, it depends.';

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
  const panels = inputs.map((i) => i.summary);
  return {
    tools: inputs.map((i) => i.tool),
    panels,
    communities: inputs.map((i) => summarizeVotes(i.community?.ships ?? 0, i.community?.skips ?? 0)),
    scorecard,
    picks,
    overall: overallPick(picks, panels.map((p) => p.meanScore)),
    differentJobs: differentJobs(inputs.map((i) => i.tool)),
  };
}

/**
 * Most critic picks, unless that lead is one pick and a tool one pick behind has the higher mean score (a close
 * call); then the higher mean score among those tied on picks; else it depends on who you are.
 */
export function overallPick(picks: readonly number[], means: readonly (number | null)[]): OverallPick {
  const most = Math.max(...picks);
  const leaders = picks.flatMap((p, i) => (p === most ? [i] : []));
  if (most > 0 && leaders.length === 1) {
    const lead = leaders[0]!;
    // A leader has a pick, so a take that ships, so a mean score.
    const mine = means[lead] ?? -1;
    const rivals = picks
      .flatMap((p, i) => (p === most - 1 && means[i] != null && means[i]! > mine ? [i] : []))
      .sort((a, b) => means[b]! - means[a]! || a - b);
    if (rivals.length > 0) return { kind: 'close', indices: [lead, ...rivals] };
    return { kind: 'tool', index: lead, reason: 'picks' };
  }
  const scored = leaders.filter((i) => means[i] != null);
  if (scored.length === 0) return { kind: 'depends' };
  const top = Math.max(...scored.map((i) => means[i]!));
  const best = scored.filter((i) => means[i] === top);
  return best.length === 1 ? { kind: 'tool', index: best[0]!, reason: 'mean-score' } : { kind: 'depends' };
}

export const DEPENDS_TEXT = 'It depends on who you are: the panel is split, so read the takes of the critics closest to you.';

/** Tags two tools must share to count as doing the same job: one broad tag ("audio", "api") pairs Suno with Whisper. */
export const MIN_SHARED_TAGS = 2;

type Job = Pick<CompareInput['tool'], 'tags' | 'bestFor'>;

/**
 * Two tools do the same job when they have the same use-case or share MIN_SHARED_TAGS tags (tools.repo alternativesTo
 * mirrors this in SQL). The catalog's use-case only: the panel's phrase is a model's wording, rarely equal twice.
 */
export function sameJob(a: Job, b: Job): boolean {
  const use = (t: Job) => t.bestFor?.trim().toLowerCase() || null;
  if (use(a) && use(a) === use(b)) return true;
  const theirs = new Set((b.tags ?? []).map((x) => x.toLowerCase()));
  return new Set((a.tags ?? []).map((x) => x.toLowerCase()).filter((x) => theirs.has(x))).size >= MIN_SHARED_TAGS;
}

/** The tools (indices) that do the same job as none of the others: comparing them is comparing different jobs. */
export function differentJobs(tools: readonly Job[]): number[] {
  return tools.flatMap((t, i) => (tools.some((o, j) => j !== i && sameJob(t, o)) ? [] : [i]));
}

export const differentJobsText = (c: Comparison): string | undefined => {
  const odd = c.differentJobs.map((i) => c.tools[i]!.name);
  if (odd.length === 0) return undefined;
  if (odd.length === c.tools.length)
    return `These tools do different jobs (no shared use-case, fewer than ${MIN_SHARED_TAGS} shared tags), so the pick only says which the critics rated higher, not which does the same job better.`;
  return `${joinNames(odd)} ${odd.length === 1 ? 'does' : 'do'} a different job from the others (no shared use-case, fewer than ${MIN_SHARED_TAGS} shared tags).`;
};

const joinNames = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** The decision table as rows of text, shared by the CLI and the pages; it shows every figure DECISION_RULE uses. */
export function decisionRows(c: Comparison): { label: string; values: string[] }[] {
  const rows = [
    { label: 'Panel verdict', values: c.panels.map((p) => chipText(p)) },
    { label: 'Critic picks', values: c.picks.map((n) => `${n} of ${c.scorecard.length}`) },
    { label: 'Mean score', values: c.panels.map((p) => (p.meanScore == null ? '—' : String(p.meanScore))) },
    { label: 'Panel ship %', values: c.panels.map((p) => (p.shipPct == null ? '—' : percentText(p.shipPct))) },
    { label: 'Community', values: c.communities.map((p) => p.text) },
    { label: 'Pricing', values: c.tools.map((t) => pricingText(t.pricing)) },
    { label: 'Best for', values: c.tools.map((t) => t.bestFor || t.panelBestFor || '—') },
    { label: 'Category', values: c.tools.map((t) => t.category) },
  ];
  // "Best for" is a use-case, never the tagline again: without one anywhere, the row is left out.
  return c.tools.some((t) => t.bestFor || t.panelBestFor) ? rows : rows.filter((r) => r.label !== 'Best for');
}

export function overallText(c: Comparison): string {
  const o = c.overall;
  if (o.kind === 'depends') return DEPENDS_TEXT;
  if (o.kind === 'close') return closeCallText(c, o.indices);
  const name = c.tools[o.index]!.name;
  const n = c.picks[o.index]!;
  if (o.reason === 'picks') return `${name}: picked by ${n} of ${c.scorecard.length} critics`;
  const rivals = c.picks.flatMap((p, i) => (p === n && i !== o.index && c.panels[i]!.meanScore != null ? [avgText(c.panels[i]!.meanScore!)] : []));
  return `${name}: critic picks are even (${n} each), so the higher mean score decides (${avgText(c.panels[o.index]!.meanScore!)}${rivals.length ? ` vs ${rivals.join(', ')}` : ''})`;
}

/**
 * "Close call between vLLM and Hugging Face Transformers: vLLM has one more critic pick (2 of 7 vs 1), Hugging Face
 * Transformers the higher mean score (avg 77.6 vs avg 76.3)."
 */
export function closeCallText(c: Comparison, indices: readonly number[]): string {
  const [lead, ...rivals] = indices as [number, ...number[]];
  const name = (i: number) => c.tools[i]!.name;
  const avg = (i: number) => avgText(c.panels[i]!.meanScore!);
  const n = c.picks[lead]!;
  const behind = `${n - 1}${rivals.length > 1 ? ' each' : ''}`;
  const higher = rivals.length === 1 ? 'the higher mean score' : 'higher mean scores';
  return (
    `Close call between ${joinNames(indices.map(name))}: ${name(lead)} has one more critic pick (${n} of ${c.scorecard.length} vs ${behind}), ` +
    `${joinNames(rivals.map(name))} ${higher} (${joinNames(rivals.map(avg))} vs ${avg(lead)}).`
  );
}
