import type { Db } from '../db/db.js';
import { nowIso } from '../db/db.js';
import { AppError } from '../errors.js';
import { describeIssuePath, importDocumentSchema, type ImportTool, type ReviewBody } from '../domain/schemas.js';
import { findToolsBySlugs, insertTool, listTools, updateTool } from './tools.repo.js';
import { insertReview, latestReviews, toPanelReview } from './reviews.repo.js';
import { refreshPanelFigures } from './figures.repo.js';
import { toToolColumns, toToolFields } from './tool.js';
import type { PanelReview } from '../domain/summary.js';
import type { ReviewRow } from '../db/types.js';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  reviewsAdded: number;
}

/** Validates a whole import document; the error names the record and the field. */
export function parseImport(doc: unknown, opts: { threshold: number; critics: readonly string[] }): ImportTool[] {
  const parsed = importDocumentSchema(opts.threshold).safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_import', `${describeIssuePath(issue.path, doc)}: ${issue.message}`);
  }
  const seen = new Map<string, number>();
  parsed.data.tools.forEach((t, i) => {
    const first = seen.get(t.slug);
    if (first !== undefined) throw new AppError('invalid_import', `tools[${i}] ("${t.slug}").slug: duplicate of tools[${first}]`);
    seen.set(t.slug, i);
    t.reviews?.forEach((r, j) => {
      if (!opts.critics.includes(r.critic)) {
        throw new AppError('invalid_import', `tools[${i}] ("${t.slug}").reviews[${j}].critic: unknown critic "${r.critic}" (known: ${opts.critics.join(', ')})`);
      }
    });
  });
  return parsed.data.tools;
}

const sameReview = (a: PanelReview, b: ReviewBody) =>
  'abstain' in b
    ? a.kind === 'abstain' && a.reason === b.reason
    : a.kind === 'take' && a.score === b.score && a.verdict === b.verdict && a.take === b.take;

export interface ImportProvenanceOptions {
  /** Where the reviews come from (the CLI passes `--source` or the file's base name); a review's own `source` wins. */
  source?: string;
}

/**
 * Upserts tools by slug and stores their reviews as imported revisions, all in one transaction.
 * Idempotent: an unchanged tool is not touched, and a review equal to the critic's latest revision adds nothing.
 */
export async function importTools(db: Db, tools: readonly ImportTool[], opts: ImportProvenanceOptions = {}): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0, reviewsAdded: 0 };
    const existing = new Map((await findToolsBySlugs(trx, tools.map((t) => t.slug))).map((r) => [r.slug, r]));
    const latest = await latestReviews(trx, [...existing.values()].map((r) => r.id));
    const now = nowIso();
    const reviewed: number[] = [];
    for (const { reviews, ...fields } of tools) {
      const columns = toToolColumns(fields);
      const row = existing.get(fields.slug);
      let toolId: number;
      if (!row) {
        toolId = await insertTool(trx, { ...columns, createdAt: now, updatedAt: now });
        result.created++;
      } else {
        toolId = row.id;
        if (JSON.stringify(toToolFields(row)) === JSON.stringify(toToolFields({ ...row, ...columns }))) result.unchanged++;
        else {
          await updateTool(trx, toolId, { ...columns, updatedAt: now });
          result.updated++;
        }
      }
      const current = (latest.get(toolId) ?? []).map(toPanelReview);
      for (const review of reviews ?? []) {
        const { critic, body } = review;
        const prev = current.find((r) => r.critic === critic);
        if (prev && sameReview(prev, body)) continue;
        await insertReview(trx, {
          toolId,
          critic,
          ...('abstain' in body
            ? { kind: 'abstain', reason: body.reason, score: null, verdict: null, take: null }
            : { kind: 'take', score: body.score, verdict: body.verdict, take: body.take, reason: null }),
          ...importProvenance(review, opts),
          runId: null,
          model: null,
          promptVersion: null,
          inputTokens: null,
          outputTokens: null,
          latencyMs: null,
          createdAt: now,
        });
        result.reviewsAdded++;
        if (reviewed.at(-1) !== toolId) reviewed.push(toolId);
      }
    }
    // Stored figures of the tools that got reviews, in batches, before the transaction commits.
    await refreshPanelFigures(trx, reviewed);
    return result;
  });
}

/** An imported revision's provenance: the source name, and an author only when the record names one. */
export const importProvenance = (review: { author?: string; source?: string }, opts: ImportProvenanceOptions) =>
  ({ origin: 'import', importSource: review.source ?? opts.source ?? null, author: review.author ?? null }) as const;

/** The whole catalog in the import format, with each critic's latest review. */
export async function exportCatalog(db: Db): Promise<{ tools: unknown[] }> {
  const rows = (await listTools(db, { limit: 1_000_000 })).reverse();
  const latest = await latestReviews(db, rows.map((r) => r.id));
  return {
    tools: rows.map((r) => ({
      ...toToolFields(r),
      reviews: latest.get(r.id)!.map((rev) => ({
        ...(rev.kind === 'take'
          ? { critic: rev.critic, score: rev.score, verdict: rev.verdict, take: rev.take }
          : { critic: rev.critic, abstain: true, reason: rev.reason }),
        ...exportProvenance(rev),
      })),
    })),
  };
}

/** Provenance in the import format, so a re-import says the same: an import keeps its source and author; a panel revision names its run. */
function exportProvenance(r: ReviewRow): { author?: string; source?: string } {
  if (r.origin === 'panel') return { source: `panel run${r.runId != null ? ` #${r.runId}` : ''} (${r.model ?? 'unknown model'})` };
  return { ...(r.author ? { author: r.author } : {}), ...(r.importSource ? { source: r.importSource } : {}) };
}
