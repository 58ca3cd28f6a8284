/** The JSON API (/api/v1): its handlers, and where it is mounted with CORS and the OpenAPI document. */
import { OpenAPIHono } from '@hono/zod-openapi';
import { quote } from '../../domain/text.js';
import { cors } from 'hono/cors';
import type { DbOrTx } from '../../db/db.js';
import type { ReviewRow } from '../../db/types.js';
import { closeMatches, compareBySlugs, getTool, withPanels } from '../../catalog/catalog.service.js';
import { countTools, listTools } from '../../catalog/tools.repo.js';
import { reviewHistory } from '../../catalog/reviews.repo.js';
import { boundedSearch, SEARCH_MAX_PAGES, SEARCH_PAGE_SIZE } from '../../catalog/search.service.js';
import { DECISION_RULE, decisionRows, overallText } from '../../domain/compare.js';
import { disagree } from '../../domain/summary.js';
import { notFound } from '../../errors.js';
import type { App } from '../app.js';
import { showsTools, type AppEnv } from '../http.js';
import type { Site } from '../site.js';
import { absolute, urls } from '../../urls.js';
import { toolEvidence } from '../../research/evidence.service.js';
import { routes } from './routes.js';
import { communityOf, toApiReview, toApiTool } from './mapping.js';
import { openApiDocument } from './openapi.js';


/**
 * Tool search for the API's `q`: the site's full-text search (FTS5 / tsvector, see search.repo.ts), so the
 * API finds exactly what /search finds: every word must match the name, tagline, description or tags (the
 * last word, of two letters or more, also as a prefix), tools with a query word in their name first, then by
 * rank, then newest, ranked among a bounded set of candidates (docs/decisions/026). As on /search, the first
 * 1,000 matches are listed and counted, never every match of a common word.
 */
export const searchToolsForApi = (db: DbOrTx, opts: { q: string; categorySlug?: string; limit: number; offset: number }) =>
  boundedSearch(db, { q: opts.q, categorySlug: opts.categorySlug }, { order: 'relevance', limit: opts.limit, offset: opts.offset, listed: SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE });

/** The defaultHook's message: each failing parameter and why, e.g. `per_page: Too big: expected number to be <=100`. */
export const describeIssues = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');

/** The JSON API as an OpenAPIHono sub-app: routes, validation and the OpenAPI document come from the same zod schemas. */
export function createApi(site: Site) {
  const api = new OpenAPIHono<AppEnv>({
    // Invalid parameters answer in the app's one error shape, never zod's raw output.
    defaultHook: (result, c) => {
      if (!result.success) return c.json({ error: { code: 'invalid', message: describeIssues(result.error.issues) } }, 400);
    },
  });
  const db = () => site.store.db;
  const criticOrder = () => site.critics.map((c) => c.id);
  const rank = (critic: string) => {
    const i = site.critics.findIndex((c) => c.id === critic);
    return i < 0 ? site.critics.length : i;
  };
  const inPanelOrder = (rows: ReviewRow[]) => [...rows].sort((a, b) => rank(a.critic) - rank(b.critic) || a.critic.localeCompare(b.critic));

  api.use('*');

  api.openapi(routes.listTools, async (c) => {
    const { page, per_page: perPage, category, q } = c.req.valid('query');
    const offset = (page - 1) * perPage;
    const query = q?.trim();
    const { rows, total, more } = query
      ? await searchToolsForApi(db(), { q: query, categorySlug: category, limit: perPage, offset })
      : {
          rows: await listTools(db(), { categorySlug: category, limit: perPage, offset }),
          total: await countTools(db(), category),
          more: undefined,
        };
    showsTools(c, rows.map((r) => r.id)); // a vote on one of them drops this answer (docs/decisions/017)
    const items = await withPanels(db(), rows);
    return c.json({ data: items.map((i) => toApiTool(site, i, communityOf(i.tool))), page, perPage, total, ...(more ? { more } : {}) }, 200);
  });

  api.openapi(routes.getTool, async (c) => {
    const item = await getTool(db(), c.req.valid('param').slug);
    showsTools(c, [item.tool.id]);
    const ev = await toolEvidence(db(), item.tool.id, item.reviews.map((r) => r.id));
    return c.json(
      {
        ...toApiTool(site, item, communityOf(item.tool)),
        reviews: inPanelOrder(item.reviews).map((r) => ({ ...toApiReview(r), citations: ev.citations.get(r.id) ?? [] })),
        evidence: { checkedAt: ev.checkedAt, sources: ev.sources },
      },
      200,
    );
  });

  api.openapi(routes.toolReviews, async (c) => {
    const item = await getTool(db(), c.req.valid('param').slug);
    const history = await reviewHistory(db(), item.tool.id);
    return c.json({ tool: item.tool.slug, latest: inPanelOrder(item.reviews).map(toApiReview), history: history.map(toApiReview) }, 200);
  });

  api.openapi(routes.toolSummary, async (c) => {
    const item = await getTool(db(), c.req.valid('param').slug);
    showsTools(c, [item.tool.id]);
    const community = communityOf(item.tool);
    return c.json({ tool: item.tool.slug, panel: item.summary, community, disagree: disagree(item.summary, community) }, 200);
  });

  const apiCritic = (critic: Site['critics'][number]) => ({
    ...critic,
    links: { html: absolute(site.config.publicUrl, urls.critic(critic.id)), api: absolute(site.config.publicUrl, urls.apiCritic(critic.id)) },
  });

  api.openapi(routes.listCritics, (c) => c.json({ data: site.critics.map(apiCritic) }, 200));

  api.openapi(routes.getCritic, (c) => {
    const { id } = c.req.valid('param');
    const critic = site.critics.find((x) => x.id === id);
    if (!critic) {
      const close = closeMatches(id, site.critics.map((x) => x.id));
      throw notFound(`No critic ${quote(id)}.${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`);
    }
    return c.json(apiCritic(critic), 200);
  });

  api.openapi(routes.compare, async (c) => {
    const slugs = c.req.valid('query').tools.split(',').map((s) => s.trim()).filter(Boolean);
    const { comparison: cmp, tools } = await compareBySlugs(db(), slugs, criticOrder());
    showsTools(c, tools.map((t) => t.tool.id));
    const slugAt = (i: number) => cmp.tools[i]!.slug;
    const base = site.config.publicUrl;
    const compared = cmp.tools.map((t) => t.slug);
    const o = cmp.overall;
    return c.json(
      {
        tools: tools.map((t, i) => toApiTool(site, t, cmp.communities[i]!)),
        decisionTable: decisionRows(cmp),
        scorecard: cmp.scorecard.map((row) => ({
          critic: row.critic,
          cells: row.cells,
          pick:
            row.pick.kind === 'tool'
              ? { kind: 'tool' as const, tool: slugAt(row.pick.index) }
              : row.pick.kind === 'tie' || row.pick.kind === 'rather'
                ? { kind: row.pick.kind, tools: row.pick.indices.map(slugAt) }
                : row.pick,
        })),
        picks: cmp.picks.map((n, i) => ({ tool: slugAt(i), critics: n })),
        rule: DECISION_RULE,
        overall:
          o.kind === 'tool'
            ? { kind: 'tool' as const, tool: slugAt(o.index), reason: o.reason, text: overallText(cmp) }
            : o.kind === 'close'
              ? { kind: 'close' as const, tools: o.indices.map(slugAt), text: overallText(cmp) }
              : { kind: 'depends' as const, text: overallText(cmp) },
        links:
          compared.length === 2
            ? { html: absolute(base, urls.compare(compared)), image: absolute(base, urls.compareImage(compared[0]!, compared[1]!)) }
            : { html: absolute(base, urls.compare(compared)) },
      },
      200,
    );
  });

  return api;
}

/** Mounts the API under /api/v1, its OpenAPI document at /api/openapi.json, and CORS for public reads. */
export function registerApi(app: App, site: Site): void {
  const corsGet = cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86400 });
  // Reads are public from any origin; writes under /api/ (if any) get no CORS grant.
  app.use('/api/*', async (c, next) => (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) ? corsGet(c, next) : next()));
  const api = createApi(site);
  let doc: ReturnType<typeof openApiDocument> | undefined;
  app.get(urls.openapi, (c) => c.json((doc ??= openApiDocument(site, api))));
  app.route(urls.api, api);
}
