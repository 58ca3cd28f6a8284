// The JSON API's response and parameter schemas, built from the domain schemas so the OpenAPI document matches what the app validates.
import { z } from '@hono/zod-openapi';
import { criticIdSchema, criticSchema, slugSchema, toolFieldsSchema, VERDICTS } from '../../domain/schemas.js';
import type { CommunitySummary, PanelReview, PanelSummary } from '../../domain/summary.js';
import { MAX_COMPARE } from '../../domain/compare.js';

/**
 * Response and parameter schemas of the public JSON API. They are built from the domain schemas, so
 * the OpenAPI document (generated from these) describes exactly the shapes the rest of the app validates.
 */

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'No tool "cursr". Did you mean: cursor?' }),
    }),
  })
  .openapi('Error');

const labelSchema = z.enum(['Ship', 'Skip', 'Split']).nullable();
const pctSchema = z.number().int().min(0).max(100).nullable();

export const panelSummarySchema = z
  .object({
    ships: z.number().int().min(0),
    skips: z.number().int().min(0),
    abstentions: z.number().int().min(0),
    shipPct: pctSchema.openapi({ description: 'ships / (ships + skips) as a whole percent; null without takes' }),
    meanScore: z.number().min(0).max(100).nullable().openapi({ description: 'Mean score of the takes, one decimal' }),
    label: labelSchema,
    text: z.string().openapi({ example: 'Ship · 3 ship / 1 skip' }),
  })
  .openapi('PanelSummary');

export const communitySummarySchema = z
  .object({
    ships: z.number().int().min(0),
    skips: z.number().int().min(0),
    votes: z.number().int().min(0),
    shipPct: pctSchema,
    label: labelSchema.openapi({ description: 'Null below 10 votes: a handful of votes is not a verdict' }),
    text: z.string().openapi({ example: 'Ship · 28 ship / 13 skip · 41 votes' }),
  })
  .openapi('CommunitySummary');

// Compile-time guard: the API schemas stay in step with the domain types they describe.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _panelInSync: Same<z.infer<typeof panelSummarySchema>, PanelSummary> = true;
const _communityInSync: Same<z.infer<typeof communitySummarySchema>, CommunitySummary> = true;
void _panelInSync;
void _communityInSync;

export const toolLinksSchema = z.object({
  html: z.url().openapi({ description: 'The tool page' }),
  api: z.url(),
  badge: z.url().openapi({ description: 'Embeddable SVG badge' }),
  image: z.url().openapi({ description: 'Share image, PNG 1200x630' }),
});

/** A tool as the API shows it: the import/export fields, plus the panel and community verdicts. */
export const toolSchema = toolFieldsSchema
  .extend({
    // Always present in responses (the default only applies to input).
    tags: toolFieldsSchema.shape.tags.removeDefault(),
    bestFor: toolFieldsSchema.shape.bestFor.clone().openapi({
      description: 'A short use-case: the catalog\'s own, else the panel\'s synthesis of its takes (see bestForSource); absent when neither exists',
    }),
    bestForSource: z.enum(['catalog', 'panel']).optional().openapi({
      description: '"catalog": given by the catalog (exported and imported); "panel": summarised by the panel from its takes, by the run bestForRunId',
    }),
    bestForRunId: z.number().int().optional().openapi({ description: 'When bestForSource is "panel": the panel run that wrote it (its page: /runs/{bestForRunId})' }),
    categorySlug: slugSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    panel: panelSummarySchema,
    community: communitySummarySchema,
    links: toolLinksSchema,
  })
  .openapi('Tool');

const reviewMeta = {
  id: z.number().int(),
  critic: criticIdSchema,
  origin: z.enum(['panel', 'import']).openapi({ description: '"panel" for a panel run (see runId, model, promptVersion), "import" for an imported review' }),
  provenance: z.string().openapi({ description: 'Where the revision came from, as the site says it', example: 'Imported from reviews.json on 30 Nov 2026' }),
  runId: z.number().int().nullable().openapi({ description: 'The panel run that wrote it (its page: /runs/{runId}); null for imports' }),
  importSource: z.string().nullable().openapi({ description: 'Imports: the source named at import ("demo" for the demo catalog); null when none was given' }),
  author: z.string().nullable().openapi({ description: 'Imports: who wrote the review, only when the import named one. No other revision claims a human author.' }),
  model: z.string().nullable(),
  promptVersion: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  citations: z.array(z.number().int()).optional().openapi({ description: 'Ids of the evidence snapshots (see `evidence.sources`) the take cites' }),
};
const takeFields = {
  kind: z.literal('take'),
  score: z.number().int().min(0).max(100),
  verdict: z.enum(VERDICTS),
  take: z.string(),
};
const abstainFields = { kind: z.literal('abstain'), reason: z.string() };

/** One stored revision of a critic's review: a take or an abstention, with how it was made. */
export const reviewSchema = z
  .discriminatedUnion('kind', [z.object({ ...reviewMeta, ...takeFields }), z.object({ ...reviewMeta, ...abstainFields })])
  .openapi('Review');

/** One snapshot of a public source that Verdict checked itself (src/research). */
export const evidenceSourceSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['homepage', 'pricing', 'docs', 'github', 'huggingface', 'npm', 'pypi']),
    url: z.string(),
    link: z.string(),
    fetchedAt: z.iso.datetime(),
    status: z.number().int().nullable(),
    summary: z.string(),
    excerpt: z.string(),
    facts: z.record(z.string(), z.unknown()),
  })
  .openapi('EvidenceSource');

export const toolDetailSchema = toolSchema
  .extend({
    reviews: z.array(reviewSchema).openapi({ description: "Each critic's latest review, in panel order" }),
    evidence: z
      .object({
        checkedAt: z.iso.datetime().nullable().openapi({ description: 'When the sources were last checked; null if never' }),
        sources: z.array(evidenceSourceSchema),
      })
      .openapi({ description: 'Facts Verdict checked itself; the takes cite them by id' }),
  })
  .openapi('ToolDetail');

export const toolReviewsSchema = z
  .object({
    tool: slugSchema,
    latest: z.array(reviewSchema).openapi({ description: "Each critic's latest revision, in panel order" }),
    history: z.array(reviewSchema).openapi({ description: 'Every revision, newest first' }),
  })
  .openapi('ToolReviews');

export const toolSummarySchema = z
  .object({
    tool: slugSchema,
    panel: panelSummarySchema,
    community: communitySummarySchema,
    disagree: z.boolean().openapi({ description: 'True when the panel says Ship and the community Skip, or the other way round' }),
  })
  .openapi('ToolVerdicts');

export const criticOutSchema = criticSchema
  .extend({ links: z.object({ html: z.url(), api: z.url() }) })
  .openapi('Critic');

/** The latest review of one critic as the comparison sees it (no revision metadata). */
export const panelCellSchema = z
  .discriminatedUnion('kind', [
    z.object({ critic: criticIdSchema, ...takeFields }),
    z.object({ critic: criticIdSchema, ...abstainFields }),
  ])
  .openapi('PanelReview');
const _cellInSync: Same<z.infer<typeof panelCellSchema>, PanelReview> = true;
void _cellInSync;

export const pickSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('tool'), tool: slugSchema }),
    z.object({ kind: z.literal('tie'), tools: z.array(slugSchema) }),
    z.object({ kind: z.literal('rather'), tools: z.array(slugSchema) }).openapi({ description: 'Skips every tool: no pick, but would rather have these (higher score)' }),
    z.object({ kind: z.literal('none'), reason: z.enum(['no-takes', 'not-reviewed']) }),
  ])
  .openapi('CriticPick');

export const comparisonSchema = z
  .object({
    tools: z.array(toolSchema).min(2).max(MAX_COMPARE),
    decisionTable: z
      .array(z.object({ label: z.string(), values: z.array(z.string()) }))
      .openapi({ description: 'Rows of text, one value per tool, in the order of `tools`' }),
    scorecard: z.array(
      z.object({
        critic: criticIdSchema,
        cells: z.array(panelCellSchema.nullable()).openapi({ description: "The critic's latest review of each tool; null when not reviewed yet" }),
        pick: pickSchema,
      }),
    ),
    picks: z.array(z.object({ tool: slugSchema, critics: z.number().int().min(0) })).openapi({ description: 'How many critics pick each tool' }),
    rule: z.string().openapi({ description: 'The decision rule behind `overall`, in plain words' }),
    overall: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('tool'), tool: slugSchema, reason: z.enum(['picks', 'mean-score']), text: z.string() }),
      z
        .object({ kind: z.literal('close'), tools: z.array(slugSchema).min(2), text: z.string() })
        .openapi({ description: 'A close call, no tool crowned: the first tool leads by one critic pick, the others one pick behind have a higher mean score' }),
      z.object({ kind: z.literal('depends'), text: z.string() }),
    ]),
    links: z.object({ html: z.url(), image: z.url().optional().openapi({ description: 'Share image (pairs only)' }) }),
  })
  .openapi('Comparison');

export const paginated = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      page: z.number().int().min(1),
      perPage: z.number().int().min(1).max(100),
      total: z.number().int().min(0),
      more: z
        .literal(true)
        .optional()
        .openapi({ description: 'Present when more items match than `total`: a search lists and counts its first 1,000 matches; add a word to narrow it' }),
    })
    .openapi(name);

export const toolPageSchema = paginated(toolSchema, 'ToolPage');
export const criticListSchema = z.object({ data: z.array(criticOutSchema) }).openapi('CriticList');

// Parameters

// `.openapi()` exists only on schemas built after @hono/zod-openapi extended zod; the domain schemas may be
// built earlier (zod v4 copies methods at construction), so annotate a fresh clone of them.

export const MAX_PER_PAGE = 100;

export const toolListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ description: 'Page number, from 1' }),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(20).openapi({ description: `Tools per page (at most ${MAX_PER_PAGE})` }),
  category: slugSchema.optional().openapi({ description: 'Only tools in this category (its slug, e.g. "developer-tools")' }),
  q: z.string().max(200).optional().openapi({ description: 'Search words (full-text, as on /search); every word must match the name, tagline, description or tags, the last one (of two letters or more) also as a prefix' }),
});

export const slugParams = z.object({
  slug: slugSchema.clone().openapi({ param: { name: 'slug', in: 'path' }, example: 'smolvlm2' }),
});

export const criticParams = z.object({
  id: criticIdSchema.clone().openapi({ param: { name: 'id', in: 'path' }, example: 'builder' }),
});

export const compareQuery = z.object({
  tools: z
    .string()
    .min(1)
    .max(400)
    .openapi({ description: `2 to ${MAX_COMPARE} tool slugs, comma-separated`, example: 'karpathy-coding-skills,smolvlm2' }),
});
