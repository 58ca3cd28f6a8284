/** /sitemap.xml (an index of child sitemaps of at most 50,000 URLs) and /robots.txt, which points to it. */
import { parseRowId } from '../domain/ids.js';
import type { ToolRow } from '../db/types.js';
import { listTools, toolPages, toolsFromId } from '../catalog/tools.repo.js';
import { listCategories } from '../catalog/categories.repo.js';
import type { App } from './app.js';
import type { Site } from './site.js';
import { absolute, urls } from '../urls.js';
import { CACHED_ROUTES } from './freshness.js';

import { escapeXml, XML_TYPE } from './xml.js';

/** Same as the tool page: it links to compare pages with up to 6 of the newest tools in its category. */
export const COMPARE_NEIGHBOURS = 6;
/** The sitemap protocol's limit for one file. */
export const SITEMAP_MAX_URLS = 50_000;

/** Canonical compare paths (`/compare/a-vs-b`, a < b) that tool pages link to: each tool with its newest category neighbours. */
export function linkedComparePaths(tools: readonly Pick<ToolRow, 'id' | 'slug' | 'categorySlug' | 'createdAt'>[]): string[] {
  const byCategory = new Map<string, (typeof tools)[number][]>();
  for (const t of tools) byCategory.set(t.categorySlug, [...(byCategory.get(t.categorySlug) ?? []), t]);
  const pairs = new Set<string>();
  for (const group of byCategory.values()) {
    // The order listTools uses: newest first, then by id.
    const newest = [...group].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
    for (const t of group) {
      const neighbours = newest.slice(0, COMPARE_NEIGHBOURS + 1).filter((n) => n.id !== t.id).slice(0, COMPARE_NEIGHBOURS);
      for (const n of neighbours) pairs.add(urls.compare([t.slug, n.slug]));
    }
  }
  return [...pairs].sort();
}

const urlset = (base: string, pages: { path: string; lastmod?: string }[]) =>
  [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...pages.map((u) => `<url><loc>${escapeXml(base + u.path)}</loc>${u.lastmod ? `<lastmod>${escapeXml(u.lastmod)}</lastmod>` : ''}</url>`),
    '</urlset>',
    '',
  ].join('\n');

/** The child sitemap of the site's pages other than tools: home, lists, critics, categories, and the compare pages of each category's newest tools. */
export const pagesSitemapPath = '/sitemaps/pages.xml';
/** A child sitemap of up to `limit` tool pages, starting at a tool id (keyset). */
export const toolsSitemapPath = (fromId: number) => `/sitemaps/tools-${fromId}.xml`;

/**
 * `/sitemap.xml`: a sitemap index (the protocol allows 50,000 URLs per file): one child for the fixed pages,
 * then one per `limit` tools by id, each with the latest update among its tools as `lastmod`.
 */
export async function renderSitemapIndex(site: Site, limit = SITEMAP_MAX_URLS): Promise<string> {
  const base = site.config.publicUrl;
  const chunks = await toolPages(site.store.db, limit);
  const entry = (path: string, lastmod?: string) => `<sitemap><loc>${escapeXml(base + path)}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ''}</sitemap>`;
  const newest = chunks.reduce((max, c) => (c.lastmod > max ? c.lastmod : max), '');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    entry(pagesSitemapPath, newest || undefined),
    ...chunks.map((c) => entry(toolsSitemapPath(c.fromId), c.lastmod)),
    '</sitemapindex>',
    '',
  ].join('\n');
}

/** Home, lists, critics, categories, and compare pages among each category's newest tools (the ones tool pages link most). */
export async function renderPagesSitemap(site: Site): Promise<string> {
  const db = site.store.db;
  const categories = await site.perVersion('categories', () => listCategories(db));
  const newest = (await Promise.all(categories.map((c) => listTools(db, { categorySlug: c.slug, limit: COMPARE_NEIGHBOURS + 1 })))).flat();
  return urlset(site.config.publicUrl, [
    // The fixed pages, as freshness.ts lists them.
    ...CACHED_ROUTES.filter((r) => r.sitemap).map((r) => ({ path: r.path })),
    ...site.critics.map((c) => ({ path: urls.critic(c.id) })),
    ...categories.map((c) => ({ path: urls.category(c.slug) })),
    ...linkedComparePaths(newest).map((path) => ({ path })),
  ]);
}

/** Tool pages from `fromId` on (at most `limit`); null when no tool has that id, so stray numbers are a 404. */
export async function renderToolsSitemap(site: Site, fromId: number, limit = SITEMAP_MAX_URLS): Promise<string | null> {
  const tools = await toolsFromId(site.store.db, fromId, limit);
  if (tools[0]?.id !== fromId) return null;
  return urlset(site.config.publicUrl, tools.map((t) => ({ path: urls.tool(t.slug), lastmod: t.updatedAt })));
}

export function renderRobots(site: Site): string {
  return [
    'User-agent: *',
    'Allow: /',
    // The JSON API duplicates the pages; crawlers are better served by the HTML and the sitemap.
    'Disallow: /api/',
    '',
    `Sitemap: ${absolute(site.config.publicUrl, urls.sitemap)}`,
    '',
  ].join('\n');
}

export function registerSitemaps(app: App, site: Site): void {
  app.get('/sitemap.xml', async (c) => c.body(await renderSitemapIndex(site), 200, { 'content-type': XML_TYPE }));
  app.get(pagesSitemapPath, async (c) => c.body(await renderPagesSitemap(site), 200, { 'content-type': XML_TYPE }));
  app.get('/sitemaps/:file{tools-[0-9]{1,12}\\.xml}', async (c) => {
    const from = parseRowId(c.req.param('file').slice('tools-'.length, -'.xml'.length));
    const xml = from === undefined ? null : await renderToolsSitemap(site, from);
    if (xml === null) return c.body('No such sitemap.', 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    return c.body(xml, 200, { 'content-type': XML_TYPE });
  });
  app.get('/robots.txt', (c) => c.body(renderRobots(site), 200, { 'content-type': 'text/plain; charset=utf-8' }));
}
