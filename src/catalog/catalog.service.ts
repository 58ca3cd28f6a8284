// Loads tools for pages with their latest reviews and stored panel summary: one tool, similar tools, and the tools of a comparison.
import type { DbOrTx } from '../db/db.js';
import { quote } from '../domain/text.js';
import type { ReviewRow, ToolRow } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import { COMPARE_RULE, compareProblem, compareTools, type Comparison } from '../domain/compare.js';
import { summaryOfFigures, type PanelReview, type PanelSummary } from '../domain/summary.js';
import { slugSchema } from '../domain/schemas.js';
import { findToolBySlug, findToolsBySlugs } from './tools.repo.js';
import { nearbyTools } from './search.repo.js';
import { latestReviews, toPanelReview } from './reviews.repo.js';
import { communityCounts } from './tool.js';

export interface ToolWithPanel {
  tool: ToolRow;
  reviews: ReviewRow[];
  panel: PanelReview[];
  summary: PanelSummary;
}

/** Attaches each tool's latest reviews, and its panel summary from the stored figures (the one source pages show). */
export async function withPanels(db: DbOrTx, tools: readonly ToolRow[]): Promise<ToolWithPanel[]> {
  const latest = await latestReviews(db, tools.map((t) => t.id));
  return tools.map((tool) => {
    const reviews = latest.get(tool.id)!;
    const panel = reviews.map(toPanelReview);
    return { tool, reviews, panel, summary: summaryOfFigures(tool) };
  });
}

export async function getTool(db: DbOrTx, slug: string): Promise<ToolWithPanel> {
  const tool = await findToolBySlug(db, slug);
  if (!tool) throw notFound(await unknownToolMessage(db, slug));
  return (await withPanels(db, [tool]))[0]!;
}

/** "No tool "cursr". Did you mean: cursor?" */
export async function unknownToolMessage(db: DbOrTx, slug: string): Promise<string> {
  const close = (await similarTools(db, slug)).map((t) => t.slug);
  return `No tool ${quote(slug)}.${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`;
}

/** How many tools "did you mean" looks at: those sharing a word's first letters with the input (never the whole catalog). */
const NEARBY_LIMIT = 200;

/** Up to `max` tools whose slug (or name) is close to the input, from a bounded set of candidates. */
export async function similarTools(db: DbOrTx, input: string, by: 'slug' | 'name' = 'slug', max = 3): Promise<{ slug: string; name: string }[]> {
  const candidates = await nearbyTools(db, input, NEARBY_LIMIT);
  const key = (t: { slug: string; name: string }) => (by === 'slug' ? t.slug : t.name.toLowerCase());
  const close = closeMatches(input.toLowerCase(), candidates.map(key), max);
  return close.map((k) => candidates.find((t) => key(t) === k)!);
}

export function closeMatches(input: string, candidates: readonly string[], max = 3): string[] {
  const q = input.toLowerCase();
  return candidates
    .map((c) => ({ c, d: c.includes(q) || q.includes(c) ? 0 : levenshtein(q, c) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A tool with what a comparison needs: its panel and its community votes. */
export interface Comparable extends ToolWithPanel {
  votes: { ships: number; skips: number };
}

/** The tools these slugs name (as the database returns them); 404 with "Did you mean" for the first unknown one. */
export async function toolsBySlugsOr404(db: DbOrTx, slugs: readonly string[]): Promise<ToolRow[]> {
  const rows = await findToolsBySlugs(db, slugs);
  const known = new Set(rows.map((r) => r.slug));
  for (const s of slugs) if (!known.has(s)) throw notFound(await unknownToolMessage(db, s));
  return rows;
}

/** Loads tools for comparing, with their community votes, in the order given; 404 (with "Did you mean") for an unknown slug. */
export async function loadComparables(db: DbOrTx, slugs: readonly string[]): Promise<Comparable[]> {
  for (const s of slugs) if (!slugSchema.safeParse(s).success) throw notFound(await unknownToolMessage(db, s));
  const bySlug = new Map((await toolsBySlugsOr404(db, slugs)).map((r) => [r.slug, r]));
  const tools = await withPanels(db, slugs.map((s) => bySlug.get(s)!));
  return tools.map((t) => ({ ...t, votes: communityCounts(t.tool) }));
}

/**
 * The one comparison entry point (compare page, API, share image, CLI): 2 to 4 different tools by slug, in
 * the order given, with panels and community votes. A repeated slug counts once. `load` lets the page serve
 * each tool from its per-version cache; by default the tools are read from the database.
 */
export async function compareBySlugs(
  db: DbOrTx,
  slugs: readonly string[],
  criticOrder: readonly string[],
  load: (slugs: readonly string[]) => Promise<Comparable[]> = (s) => loadComparables(db, s),
): Promise<{ comparison: Comparison; tools: Comparable[] }> {
  const unique = [...new Set(slugs)];
  if (compareProblem(unique)) throw new AppError('invalid', COMPARE_RULE, 400);
  const tools = await load(unique);
  const comparison = compareTools(
    tools.map((t) => ({
      tool: {
        slug: t.tool.slug,
        name: t.tool.name,
        tagline: t.tool.tagline,
        category: t.tool.category,
        pricing: { model: t.tool.pricingModel, entry: t.tool.pricingEntry, license: t.tool.pricingLicense },
        bestFor: t.tool.bestFor,
        panelBestFor: t.tool.panelBestFor,
        tags: JSON.parse(t.tool.tags) as string[],
      },
      reviews: t.panel,
      summary: t.summary,
      community: t.votes,
    })),
    criticOrder,
  );
  return { comparison, tools };
}
