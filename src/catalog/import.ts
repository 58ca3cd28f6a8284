// `verdict import`: validates a catalog file against the shared zod schemas and writes it all or nothing, streamed in batches, with provenance.
import { once } from 'node:events';
import { quote } from '../domain/text.js';
import type { Readable } from 'node:stream';
import { JSONParser } from '@streamparser/json-node';
import { z } from 'zod';
import type { Db, DbOrTx } from '../db/db.js';
import { nowIso } from '../db/db.js';
import type { NewReviewRow, NewToolRow } from '../db/types.js';
import { AppError } from '../errors.js';
import { describeIssuePath, importToolSchema, type ImportTool, type ReviewBody } from '../domain/schemas.js';
import { findToolsBySlugs, updateTool } from './tools.repo.js';
import { latestReviews, toPanelReview } from './reviews.repo.js';
import { insertReviewsBatch, insertToolsReturningIds } from './import.repo.js';
import { refreshPanelFigures } from './figures.repo.js';
import { refreshStatistics } from '../db/statistics.repo.js';
import { toToolColumns, toToolFields } from './tool.js';
import type { PanelReview } from '../domain/summary.js';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  reviewsAdded: number;
}

export interface ImportOptions {
  threshold: number;
  critics: readonly string[];
}

/** Tools written per round trip: big enough to amortise the statements, small enough to keep memory flat. */
const BATCH = 500;

const invalid = (message: string) => new AppError('invalid_import', message);

/**
 * Checks one record at a time, so a file of any size is validated in constant memory. The schema is
 * built once. Errors name the record and the field: `tools[3] ("cursor").reviews[1].verdict: ...`.
 */
export function toolValidator(opts: ImportOptions): (raw: unknown, index: number) => ImportTool {
  const schema = importToolSchema(opts.threshold);
  const critics = new Set(opts.critics);
  const seen = new Map<string, number>();
  return (raw, i) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // A sparse array puts the record at its index without holding the others.
      const tools: unknown[] = [];
      tools[i] = raw;
      throw invalid(`${describeIssuePath(['tools', i, ...issue.path], { tools })}: ${issue.message}`);
    }
    const t = parsed.data;
    const first = seen.get(t.slug);
    if (first !== undefined) throw invalid(`tools[${i}] (${quote(t.slug)}).slug: duplicate of tools[${first}]`);
    seen.set(t.slug, i);
    t.reviews?.forEach((r, j) => {
      if (!critics.has(r.critic)) {
        throw invalid(`tools[${i}] (${quote(t.slug)}).reviews[${j}].critic: unknown critic ${quote(r.critic)} (known: ${opts.critics.join(', ')})`);
      }
    });
    return t;
  };
}

const documentShape = z.strictObject({ tools: z.array(z.unknown()) });

/** Validates a whole import document already in memory; the error names the record and the field. */
export function parseImport(doc: unknown, opts: ImportOptions): ImportTool[] {
  const shape = documentShape.safeParse(doc);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    throw invalid(`${describeIssuePath(issue.path, doc)}: ${issue.message}`);
  }
  const check = toolValidator(opts);
  return shape.data.tools.map((t, i) => check(t, i));
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
 * Writes validated tools in batches inside the caller's transaction: upsert by slug, and each review as a
 * imported revision unless it equals the critic's latest one. Idempotent: an unchanged tool is not
 * touched and an unchanged review adds nothing.
 */
function batchWriter(trx: DbOrTx, opts: ImportProvenanceOptions = {}) {
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, reviewsAdded: 0 };
  const now = nowIso();
  let pending: ImportTool[] = [];

  async function flush() {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const existing = new Map((await findToolsBySlugs(trx, batch.map((t) => t.slug))).map((r) => [r.slug, r]));
    const latest = await latestReviews(trx, [...existing.values()].map((r) => r.id));
    const fresh: NewToolRow[] = [];
    for (const { reviews: _, evidence: _evidence, ...fields } of batch) {
      const columns = toToolColumns(fields);
      const row = existing.get(fields.slug);
      if (!row) fresh.push({ ...columns, createdAt: now, updatedAt: now });
      else if (JSON.stringify(toToolFields(row)) === JSON.stringify(toToolFields({ ...row, ...columns }))) result.unchanged++;
      else {
        await updateTool(trx, row.id, { ...columns, updatedAt: now });
        result.updated++;
      }
    }
    const created = await insertToolsReturningIds(trx, fresh);
    result.created += created.size;
    const reviews: NewReviewRow[] = [];
    for (const { slug, reviews: docs } of batch) {
      const toolId = existing.get(slug)?.id ?? created.get(slug)!;
      const current = (latest.get(toolId) ?? []).map(toPanelReview);
      for (const review of docs ?? []) {
        const { critic, body } = review;
        const prev = current.find((r) => r.critic === critic);
        if (prev && sameReview(prev, body)) continue;
        reviews.push({
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
      }
    }
    await insertReviewsBatch(trx, reviews);
    result.reviewsAdded += reviews.length;
    // Stored figures of the tools that got reviews, before the transaction commits.
    await refreshPanelFigures(trx, [...new Set(reviews.map((r) => r.toolId))]);
  }

  return {
    result,
    async add(tool: ImportTool) {
      pending.push(tool);
      if (pending.length >= BATCH) await flush();
    },
    flush,
  };
}

/** Upserts already-validated tools (see parseImport), all in one transaction. */
export async function importTools(db: Db, tools: readonly ImportTool[], opts: ImportProvenanceOptions = {}): Promise<ImportResult> {
  const result = await db.transaction().execute(async (trx) => {
    const w = batchWriter(trx, opts);
    for (const t of tools) await w.add(t);
    await w.flush();
    return w.result;
  });
  await refreshStatistics(db);
  return result;
}

export interface ImportProgress {
  tools: number;
  /** Bytes of the input consumed so far, for "time left" when the total is known. */
  bytesRead: number;
}

/** Bytes kept from the start of the input, to explain a document that holds no tools at all. */
const HEAD_BYTES = 1 << 20;

/**
 * Streams an import document: one tool at a time from `$.tools.*`, validated and written in batches
 * inside ONE transaction, so memory stays flat and a bad record (even the last) rolls everything back.
 */
export async function importStream(
  db: Db,
  input: Readable,
  opts: ImportOptions & ImportProvenanceOptions & { name?: string; onProgress?: (p: ImportProgress) => void },
): Promise<ImportResult> {
  const check = toolValidator(opts);
  let bytesRead = 0;
  let head: Buffer[] | undefined = [];
  input.on('data', (chunk: Buffer) => {
    bytesRead += chunk.length;
    if (head && bytesRead <= HEAD_BYTES) head.push(chunk);
    else head = undefined;
  });
  // keepStack: false drops each tool from the parser's tree once emitted.
  // A few batches of parsed tools may wait while a batch is written, so reading and writing overlap.
  const parser = input.pipe(new JSONParser({ paths: ['$.tools.*'], keepStack: false }, { readableHighWaterMark: 2 * BATCH }));
  input.on('error', (err) => parser.destroy(err));
  // The parser may fail before the loop below starts reading (PostgreSQL opens the transaction first): keep the
  // error on the stream, where the loop's first read finds it, instead of letting it crash the process.
  parser.on('error', () => {});
  const result = await db.transaction().execute(async (trx) => {
    const w = batchWriter(trx, opts);
    const notJson = (err: unknown) => invalid(`${opts.name ?? 'input'} is not valid JSON: ${(err as Error).message}`);
    const tools = (parser as AsyncIterable<{ value: unknown; key?: string | number; stack: unknown[] }>)[Symbol.asyncIterator]();
    let i = 0;
    try {
      for (;;) {
        let next: IteratorResult<{ value: unknown; key?: string | number; stack: unknown[] }>;
        try {
          next = await tools.next();
        } catch (err) {
          throw notJson(err); // only the parser's errors are about the JSON; the database's pass through as they are
        }
        if (next.done) break;
        const { value, key, stack } = next.value;
        // `$.tools.*` also matches the members of a `tools` object; only an array is the format.
        if (typeof key !== 'number' || stack.length !== 2) throw invalid('tools: expected an array of tools');
        await w.add(check(value, i++));
        if (i % BATCH === 0) opts.onProgress?.({ tools: i, bytesRead });
      }
    } finally {
      parser.destroy();
      input.unpipe(parser);
    }
    if (i === 0) {
      // Nothing matched: say why as the in-memory check would (a small document), or plainly (a big one).
      if (!head) throw invalid('tools: no "tools" array found');
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.concat(head).toString('utf8'));
      } catch (err) {
        throw notJson(err);
      }
      parseImport(doc, opts);
    }
    await w.flush();
    opts.onProgress?.({ tools: i, bytesRead });
    return w.result;
  });
  await refreshStatistics(db);
  return result;
}

/** An imported revision's provenance: the source name, and an author only when the record names one. */
export const importProvenance = (review: { author?: string; source?: string }, opts: ImportProvenanceOptions) =>
  ({ origin: 'import', importSource: review.source ?? opts.source ?? null, author: review.author ?? null }) as const;
