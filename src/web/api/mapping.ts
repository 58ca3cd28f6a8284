/** Rows to the API's shapes: a tool with its panel, community and links; a review with its provenance. */
import { type z } from '@hono/zod-openapi';
import type { ReviewRow, ToolRow } from '../../db/types.js';
import { type ToolWithPanel } from '../../catalog/catalog.service.js';
import { bestForOf, communityCounts, toToolFields } from '../../catalog/tool.js';
import { summarizeVotes, type CommunitySummary } from '../../domain/summary.js';
import { provenanceText } from '../../domain/provenance.js';
import { formatDate } from '../components/tool-helpers.js';
import type { Site } from '../site.js';
import { absolute, urls } from '../../urls.js';
import { reviewSchema, toolSchema } from './schemas.js';

type ApiTool = z.infer<typeof toolSchema>;
type ApiReview = z.infer<typeof reviewSchema>;

export function toolLinks(site: Site, slug: string) {
  const base = site.config.publicUrl;
  return {
    html: absolute(base, urls.tool(slug)),
    api: absolute(base, urls.apiTool(slug)),
    badge: absolute(base, urls.badge(slug)),
    image: absolute(base, urls.toolImage(slug)),
  };
}

export function toApiTool(site: Site, item: ToolWithPanel, community: CommunitySummary): ApiTool {
  const t = item.tool;
  const bestFor = bestForOf(t);
  return {
    ...toToolFields(t),
    ...(bestFor && { bestFor: bestFor.text, bestForSource: bestFor.source }),
    ...(bestFor?.source === 'panel' && bestFor.runId != null && { bestForRunId: bestFor.runId }),
    categorySlug: t.categorySlug,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    panel: item.summary,
    community,
    links: toolLinks(site, t.slug),
  };
}

export function toApiReview(r: ReviewRow): ApiReview {
  const meta = {
    id: r.id,
    critic: r.critic,
    origin: r.origin,
    provenance: provenanceText(r, formatDate(r.createdAt)),
    runId: r.runId,
    importSource: r.importSource,
    author: r.author,
    model: r.model,
    promptVersion: r.promptVersion,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    latencyMs: r.latencyMs,
    createdAt: r.createdAt,
  };
  return r.kind === 'take'
    ? { ...meta, kind: 'take', score: r.score!, verdict: r.verdict!, take: r.take! }
    : { ...meta, kind: 'abstain', reason: r.reason! };
}

export const communityOf = (t: ToolRow): CommunitySummary => {
  const v = communityCounts(t);
  return summarizeVotes(v.ships, v.skips);
};
