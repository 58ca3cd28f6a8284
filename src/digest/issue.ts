// A weekly issue's shared content (verdicts, notable comparisons), frozen when first built, and each reader's bookmark changes.
import type { DbOrTx } from '../db/db.js';
import type { ReviewRow, ToolRow } from '../db/types.js';
import { countToolsReviewedBetween, reviewsBefore, toolIdsReviewedBefore, toolsReviewedBetween, toPanelReview } from '../catalog/reviews.repo.js';
import { mostDecided, toolNamesByIds } from '../catalog/tools.repo.js';
import { votesChangedBetween } from '../community/votes.repo.js';
import { summarize, summaryOfFigures, type PanelLabel, type PanelSummary } from '../domain/summary.js';
import { weekLabel, weekRange } from '../domain/week.js';
import { urls } from '../urls.js';

/**
 * One weekly issue's shared content: the same for every subscriber, frozen (stored as JSON) when the
 * issue is first built, and shown at /digest/:week. Each email adds the reader's bookmarks section.
 */

export interface IssueTool {
  slug: string;
  name: string;
  tagline: string;
  category: string;
  categorySlug: string;
  label: PanelLabel | null;
  shipPct: number | null;
  meanScore: number | null;
  /** "Ship · 3 ship / 1 skip" */
  text: string;
  /** True when this week brought the tool's first panel; false when an existing panel was revised. */
  firstPanel: boolean;
}

export interface IssueComparison {
  category: string;
  /** The Ship side first. */
  ship: Pick<IssueTool, 'slug' | 'name' | 'label' | 'shipPct' | 'meanScore'>;
  skip: Pick<IssueTool, 'slug' | 'name' | 'label' | 'shipPct' | 'meanScore'>;
  /** Canonical comparison path: slugs in alphabetical order. */
  path: string;
}

export interface IssueContent {
  version: 1;
  week: string;
  /** "23 – 29 November 2026" */
  dates: string;
  /** The first MAX_VERDICTS of the week's verdicts, in the digest's order. */
  verdicts: IssueTool[];
  /**
   * How many tools got a verdict that week: more than `verdicts` holds when the list was cut at MAX_VERDICTS
   * (after a bulk import every tool is "reviewed this week"). Absent from issues stored before the cut existed.
   */
  totalVerdicts?: number;
  comparisons: IssueComparison[];
}

export const DIGEST_NAME = 'Weekly AI Tool Verdicts';
export const MAX_COMPARISONS = 5;
/** Verdicts listed in one issue; the subject and headings still give the week's full count. */
export const MAX_VERDICTS = 50;
/**
 * Tools of each side read per category to pair with the week's verdicts. The widest gaps need each verdict's two
 * best partners (at most two comparisons per category); the rest is a margin for partners tied on ship % and score.
 */
export const PARTNERS_PER_CATEGORY = 10;

/** The week's count of verdicts (issues stored before MAX_VERDICTS have no separate count). */
export const verdictCount = (content: IssueContent) => content.totalVerdicts ?? content.verdicts.length;

export function issueSubject(content: IssueContent): string {
  const n = verdictCount(content);
  return `${DIGEST_NAME} · ${content.week}: ${n} new verdict${n === 1 ? '' : 's'}`;
}

export const isEmptyIssue = (content: IssueContent) => content.verdicts.length === 0;

const LABEL_ORDER: Record<string, number> = { Ship: 0, Split: 1, Skip: 2, none: 3 };

/** From the tool's stored figures, which equal the summary of its latest reviews (docs/decisions/011). */
function toIssueTool(t: ToolRow, firstPanel: boolean): IssueTool {
  const s = summaryOfFigures(t);
  return {
    slug: t.slug,
    name: t.name,
    tagline: t.tagline,
    category: t.category,
    categorySlug: t.categorySlug,
    label: s.label,
    shipPct: s.shipPct,
    meanScore: s.meanScore,
    text: s.text,
    firstPanel,
  };
}

/** The digest's order of verdicts; toolsReviewedBetween applies the same in SQL to keep the first MAX_VERDICTS. */
export const verdictOrder = (a: IssueTool, b: IssueTool) =>
  LABEL_ORDER[a.label ?? 'none']! - LABEL_ORDER[b.label ?? 'none']! ||
  (b.shipPct ?? -1) - (a.shipPct ?? -1) ||
  (b.meanScore ?? -1) - (a.meanScore ?? -1) ||
  a.name.localeCompare(b.name);

/** Builds the week's content from the database as it is now. */
export async function buildIssueContent(db: DbOrTx, week: string): Promise<IssueContent> {
  const { start, end } = weekRange(week);
  const reviewed = await toolsReviewedBetween(db, start, end, MAX_VERDICTS);
  const total = reviewed.length < MAX_VERDICTS ? reviewed.length : await countToolsReviewedBetween(db, start, end);
  const hadEarlier = await toolIdsReviewedBefore(db, reviewed.map((t) => t.id), start);
  // SQL sorts names by its collation; the digest by localeCompare, as it always has.
  const verdicts = reviewed.map((t) => toIssueTool(t, !hadEarlier.has(t.id))).sort(verdictOrder);
  const content: IssueContent = { version: 1, week, dates: weekLabel(week), verdicts, comparisons: await notableComparisons(db, verdicts) };
  if (total > verdicts.length) content.totalVerdicts = total;
  return content;
}

const opposite = (label: PanelLabel | null) => (label === 'Ship' ? 'Skip' : label === 'Skip' ? 'Ship' : null);

/**
 * Pairs in the same category on which the panel came down on opposite sides (Ship vs Skip), where at least
 * one side is among this issue's verdicts. Widest gaps first, at most two per category, so one busy category
 * does not fill the section.
 *
 * A verdict's widest gaps are with the most decided tools of the other side in its category, so each category
 * side is read only that far (PARTNERS_PER_CATEGORY, by stored figures): a pair outside those cannot be among a
 * category's two widest. Exported for the test that checks this against pairing every tool.
 */
export async function notableComparisons(db: DbOrTx, verdicts: readonly IssueTool[]): Promise<IssueComparison[]> {
  const decided = verdicts.filter((v) => v.label === 'Ship' || v.label === 'Skip');
  if (decided.length === 0) return [];
  const sides = new Map<string, { categorySlug: string; label: 'Ship' | 'Skip' }>();
  for (const v of decided) {
    const label = opposite(v.label)!;
    sides.set(`${v.categorySlug}\u0000${label}`, { categorySlug: v.categorySlug, label });
  }
  const read = await Promise.all([...sides.values()].map((s) => mostDecided(db, s.categorySlug, s.label, PARTNERS_PER_CATEGORY)));
  return pairUp(decided, read.flat().map((t) => toIssueTool(t, false)));
}

/** The pairing rule itself, over whichever peers it is given: every Ship/Skip pair in a category with a decided verdict. */
export function pairUp(decided: readonly IssueTool[], peers: readonly IssueTool[]): IssueComparison[] {
  const seen = new Set<string>();
  const pairs: (IssueComparison & { gap: number })[] = [];
  for (const v of decided) {
    for (const p of peers) {
      if (p.categorySlug !== v.categorySlug || p.slug === v.slug) continue;
      if (!((p.label === 'Ship' && v.label === 'Skip') || (p.label === 'Skip' && v.label === 'Ship'))) continue;
      const path = urls.compare([v.slug, p.slug]);
      if (seen.has(path)) continue;
      seen.add(path);
      const [ship, skip] = v.label === 'Ship' ? [v, p] : [p, v];
      const pick = (t: IssueTool) => ({ slug: t.slug, name: t.name, label: t.label, shipPct: t.shipPct, meanScore: t.meanScore });
      const gap = (ship.shipPct ?? 0) - (skip.shipPct ?? 0) + ((ship.meanScore ?? 0) - (skip.meanScore ?? 0)) / 100;
      pairs.push({ category: v.category, ship: pick(ship), skip: pick(skip), path, gap });
    }
  }
  pairs.sort((a, b) => b.gap - a.gap || a.path.localeCompare(b.path));
  const perCategory = new Map<string, number>();
  const out: IssueComparison[] = [];
  for (const { gap: _gap, ...p } of pairs) {
    const n = perCategory.get(p.category) ?? 0;
    if (n >= 2) continue;
    perCategory.set(p.category, n + 1);
    out.push(p);
    if (out.length >= MAX_COMPARISONS) break;
  }
  return out;
}

/* ---------- the reader's bookmarks: what changed this week ---------- */

export interface BookmarkChange {
  slug: string;
  name: string;
  before: Pick<PanelSummary, 'label' | 'shipPct' | 'text'>;
  after: Pick<PanelSummary, 'label' | 'shipPct' | 'text'>;
  /** Review revisions written this week. */
  newReviews: number;
  /** Community votes cast or changed this week. */
  newVotes: number;
}

export interface BookmarkSection {
  /** How many tools the reader has bookmarked. */
  total: number;
  /** Only the bookmarked tools with something new this week. */
  changes: BookmarkChange[];
}

const latestPerCritic = (rows: readonly ReviewRow[]) => {
  const byCritic = new Map<string, ReviewRow>();
  for (const r of rows) {
    const prev = byCritic.get(r.critic);
    if (!prev || r.id > prev.id) byCritic.set(r.critic, r);
  }
  return [...byCritic.values()];
};

const brief = (s: PanelSummary) => ({ label: s.label, shipPct: s.shipPct, text: s.text });

/** What changed this week about these tools: the panel's summary before and after, new reviews and votes. */
export async function bookmarkChanges(db: DbOrTx, toolIds: readonly number[], week: string): Promise<BookmarkSection> {
  if (toolIds.length === 0) return { total: 0, changes: [] };
  const { start, end } = weekRange(week);
  const tools = await toolNamesByIds(db, toolIds);
  const reviews = await reviewsBefore(db, toolIds, end);
  const votesBy = await votesChangedBetween(db, toolIds, start, end);
  const order = new Map(toolIds.map((id, i) => [id, i]));
  const changes: BookmarkChange[] = [];
  for (const t of tools.sort((a, b) => order.get(a.id)! - order.get(b.id)!)) {
    const mine = reviews.filter((r) => r.toolId === t.id);
    const before = summarize(latestPerCritic(mine.filter((r) => r.createdAt < start)).map(toPanelReview));
    const after = summarize(latestPerCritic(mine).map(toPanelReview));
    const newReviews = mine.filter((r) => r.createdAt >= start).length;
    const newVotes = votesBy.get(t.id) ?? 0;
    if (newReviews === 0 && newVotes === 0) continue;
    changes.push({ slug: t.slug, name: t.name, before: brief(before), after: brief(after), newReviews, newVotes });
  }
  return { total: tools.length, changes };
}
