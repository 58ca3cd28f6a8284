import type { DbOrTx } from '../db/db.js';
import type { ReviewRow, ToolRow } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import { compareTools, MAX_COMPARE, type Comparison } from '../domain/compare.js';
import { summarize, type PanelReview, type PanelSummary } from '../domain/summary.js';
import { slugSchema } from '../domain/schemas.js';
import { allSlugs, findToolBySlug, findToolsBySlugs } from './tools.repo.js';
import { latestReviews, toPanelReview } from './reviews.repo.js';

export interface ToolWithPanel {
  tool: ToolRow;
  reviews: ReviewRow[];
  panel: PanelReview[];
  summary: PanelSummary;
}

/** Attaches each tool's latest reviews and panel summary. */
export async function withPanels(db: DbOrTx, tools: readonly ToolRow[]): Promise<ToolWithPanel[]> {
  const latest = await latestReviews(db, tools.map((t) => t.id));
  return tools.map((tool) => {
    const reviews = latest.get(tool.id)!;
    const panel = reviews.map(toPanelReview);
    return { tool, reviews, panel, summary: summarize(panel) };
  });
}

export async function getTool(db: DbOrTx, slug: string): Promise<ToolWithPanel> {
  const tool = await findToolBySlug(db, slug);
  if (!tool) throw notFound(await unknownToolMessage(db, slug));
  return (await withPanels(db, [tool]))[0]!;
}

/** "No tool "cursr". Did you mean: cursor?" */
export async function unknownToolMessage(db: DbOrTx, slug: string): Promise<string> {
  const close = closeMatches(slug, await allSlugs(db));
  return `No tool "${slug}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`;
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

export interface CommunityCounts {
  (db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, { ships: number; skips: number }>>;
}

/** Compares 2-4 tools by slug, in the order given. */
export async function compareBySlugs(
  db: DbOrTx,
  slugs: readonly string[],
  criticOrder: readonly string[],
  community?: CommunityCounts,
): Promise<{ comparison: Comparison; tools: ToolWithPanel[] }> {
  const unique = [...new Set(slugs)];
  if (unique.length < 2 || unique.length > MAX_COMPARE) throw new AppError('invalid', `Compare takes 2 to ${MAX_COMPARE} different tools`, 400);
  for (const s of unique) if (!slugSchema.safeParse(s).success) throw notFound(await unknownToolMessage(db, s));
  const rows = await findToolsBySlugs(db, unique);
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  for (const s of unique) if (!bySlug.has(s)) throw notFound(await unknownToolMessage(db, s));
  const tools = await withPanels(db, unique.map((s) => bySlug.get(s)!));
  const votes = community ? await community(db, tools.map((t) => t.tool.id)) : undefined;
  const comparison = compareTools(
    tools.map((t) => ({
      tool: { slug: t.tool.slug, name: t.tool.name, tagline: t.tool.tagline, category: t.tool.category, pricing: { model: t.tool.pricingModel, entry: t.tool.pricingEntry, license: t.tool.pricingLicense } },
      reviews: t.panel,
      community: votes?.get(t.tool.id),
    })),
    criticOrder,
  );
  return { comparison, tools };
}
