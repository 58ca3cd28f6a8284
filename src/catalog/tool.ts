// Converts between stored tool rows and the public import/export shape (slug, fields, community counts, best-for).
import type { ToolRow } from '../db/types.js';
import type { ToolFields } from '../domain/schemas.js';

export const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'tool';

/** A stored tool in the public import/export shape. */
export function toToolFields(r: ToolRow): ToolFields {
  return {
    slug: r.slug,
    name: r.name,
    tagline: r.tagline,
    description: r.description,
    category: r.category,
    pricing: { model: r.pricingModel, entry: r.pricingEntry, ...(r.pricingLicense ? { license: r.pricingLicense } : {}) },
    url: r.url,
    ...(r.repo ? { repo: r.repo } : {}),
    tags: JSON.parse(r.tags) as string[],
    ...(r.bestFor ? { bestFor: r.bestFor } : {}),
  };
}

export function toToolColumns(t: ToolFields) {
  return {
    slug: t.slug,
    name: t.name,
    tagline: t.tagline,
    description: t.description,
    category: t.category,
    categorySlug: slugify(t.category),
    pricingModel: t.pricing.model,
    pricingEntry: t.pricing.entry,
    pricingLicense: t.pricing.license ?? null,
    url: t.url,
    repo: t.repo ?? null,
    tags: JSON.stringify(t.tags),
    bestFor: t.bestFor ?? null,
  };
}

/** Where a tool's "Best for" comes from: the catalog's own field always wins; else the panel's synthesis of its takes. */
/** A tool's vote counts: stored on the row in the vote's own transaction (decision 011), so no recount. */
export const communityCounts = (t: Pick<ToolRow, 'communityShips' | 'communitySkips'>) => ({ ships: t.communityShips, skips: t.communitySkips });

export type BestFor = { text: string; source: 'catalog' } | { text: string; source: 'panel'; runId: number | null };

export function bestForOf(t: Pick<ToolRow, 'bestFor' | 'panelBestFor' | 'panelBestForRunId'>): BestFor | null {
  if (t.bestFor) return { text: t.bestFor, source: 'catalog' };
  if (t.panelBestFor) return { text: t.panelBestFor, source: 'panel', runId: t.panelBestForRunId };
  return null;
}
