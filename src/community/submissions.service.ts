// "Submit a tool": validates a reader's submission, refuses duplicates, and lets an operator approve it into the catalog (queueing research) or reject it.
import { z } from 'zod';
import { quote } from '../domain/text.js';
import type { Db, DbOrTx } from '../db/db.js';
import { executeTx, isUniqueViolation, nowIso } from '../db/db.js';
import type { SubmissionRow } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import { pricingModelSchema, pricingSchema, slugSchema, toolFieldsSchema } from '../domain/schemas.js';
import { findToolBySlug, insertTool } from '../catalog/tools.repo.js';
import { slugify, toToolColumns } from '../catalog/tool.js';
import { enqueue } from '../queue/queue.js';
import { identityKeys, normalizeUrl } from '../discovery/identity.js';
import { addCandidateKeys } from '../discovery/candidates.repo.js';
import { emailSchema } from '../domain/schemas.js';
import { decideSubmission, findSubmission, insertSubmission, listSubmissions, pendingDuplicates, setSubmissionTool, toolsWithUrlLike } from './submissions.repo.js';

/** The public "Submit a tool" form: the tool schema's own field rules, plus an optional contact email. */
export const submissionSchema = z.strictObject({
  name: toolFieldsSchema.shape.name,
  url: toolFieldsSchema.shape.url,
  tagline: toolFieldsSchema.shape.tagline,
  category: toolFieldsSchema.shape.category,
  pricingModel: pricingModelSchema,
  pricingEntry: pricingSchema.shape.entry,
  email: emailSchema.optional(),
});
export type SubmissionInput = z.infer<typeof submissionSchema>;

/** Field-by-field messages for the form. */
export const SUBMISSION_LABELS: Record<string, string> = {
  name: 'Name',
  url: 'Website',
  tagline: 'Tagline',
  category: 'Category',
  pricingModel: 'Pricing model',
  pricingEntry: 'Entry price',
  email: 'Email',
};

export class SubmissionInvalid extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid_submission', `Please fix: ${Object.entries(fields).map(([k, v]) => `${SUBMISSION_LABELS[k] ?? k} ${v}`).join('; ')}.`, 400);
  }
}

/** Validates raw form/JSON input (empty optional fields count as absent). */
export function parseSubmission(raw: Record<string, unknown>): SubmissionInput {
  const pick = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  const email = pick('email')?.trim();
  const input = {
    name: pick('name') ?? '',
    url: (pick('url') ?? '').trim(),
    tagline: pick('tagline') ?? '',
    category: pick('category') ?? '',
    pricingModel: pick('pricingModel') ?? pick('pricing_model') ?? '',
    pricingEntry: pick('pricingEntry') ?? pick('pricing_entry') ?? '',
    ...(email ? { email } : {}),
  };
  const r = submissionSchema.safeParse(input);
  if (!r.success) {
    const fields: Record<string, string> = {};
    for (const issue of r.error.issues) {
      const k = String(issue.path[0] ?? 'form');
      fields[k] ??=
        k === 'pricingModel'
          ? `must be one of ${pricingModelSchema.options.join(', ')}`
          : k === 'email'
            ? 'must be a valid address, like name@example.com (or leave it empty)'
            : issue.message;
    }
    throw new SubmissionInvalid(fields);
  }
  if (!slugSchema.safeParse(slugify(r.data.name)).success) throw new SubmissionInvalid({ name: 'needs some letters or digits' });
  return r.data;
}

/** One normalisation for readers' submissions and discovered tools (src/discovery/identity.ts). */
export { normalizeUrl };

const duplicate = (message: string) => new AppError('duplicate', message, 409);

/** Refuses a submission that duplicates a listed tool or a pending submission, by slug or by URL. */
async function checkDuplicates(db: Db, slug: string, urlKey: string): Promise<void> {
  const bySlug = await findToolBySlug(db, slug);
  if (bySlug) throw duplicate(`${bySlug.name} is already listed at /tools/${bySlug.slug}.`);
  const host = urlKey.split(/[/:?]/)[0]!;
  const byUrl = (await toolsWithUrlLike(db, host)).find((t) => normalizeUrl(t.url) === urlKey);
  if (byUrl) throw duplicate(`That URL is already listed as ${byUrl.name} at /tools/${byUrl.slug}.`);
  const pending = await pendingDuplicates(db, slug, urlKey);
  if (pending.length > 0) throw duplicate(`${pending[0]!.name} has already been submitted and is waiting for review.`);
}


/** Stores a submission as pending. 409 when the tool is already listed or already waiting. */
export async function submitTool(db: Db, input: SubmissionInput, submitterId: string | null): Promise<SubmissionRow> {
  const slug = slugify(input.name);
  const urlKey = normalizeUrl(input.url);
  await checkDuplicates(db, slug, urlKey);
  try {
    const id = await insertSubmission(db, {
      name: input.name,
      slug,
      url: input.url,
      urlKey,
      tagline: input.tagline,
      category: input.category,
      pricingModel: input.pricingModel,
      pricingEntry: input.pricingEntry,
      email: input.email ?? null,
      submitterId,
      status: 'pending',
      reason: null,
      toolId: null,
      createdAt: nowIso(),
      decidedAt: null,
    });
    // Discovery sees a reader's submission as the same tool: waiting now, rejected later if it is.
    await addCandidateKeys(db, id, identityKeys({ url: input.url }));
    return (await findSubmission(db, id))!;
  } catch (err) {
    // Two identical submissions at once: the partial unique indexes let one through.
    if (isUniqueViolation(err)) throw duplicate(`${input.name} has already been submitted and is waiting for review.`);
    throw err;
  }
}

export { listSubmissions };

async function pendingOr404(db: DbOrTx, id: number): Promise<SubmissionRow> {
  const s = await findSubmission(db, id);
  if (!s) throw notFound(`There is no submission #${id}.`);
  if (s.status !== 'pending') throw new AppError('already_decided', `Submission #${id} was already ${s.status}.`, 409);
  return s;
}

/**
 * Approves a pending submission, a reader's or a discovered draft: adds the tool and queues its research, which
 * queues its first panel review once the facts are stored (research before review), in one transaction, so an
 * approved submission always has its tool and its job. A second approval (or a race) gets 409. `autoReason`:
 * approved by DISCOVERY_AUTO_APPROVE, not a person; kept and shown on the tool page.
 */
export async function approveSubmission(db: Db | DbOrTx, id: number, opts: { autoReason?: string } = {}): Promise<{ submission: SubmissionRow; toolId: number; slug: string; jobId: number }> {
  return executeTx(db, async (trx) => {
    const s = await findSubmission(trx, id);
    if (!s) throw notFound(`There is no submission #${id}.`);
    const now = nowIso();
    // Claim it first (UPDATE … WHERE status = 'pending'): a concurrent approval waits on the row lock, then
    // updates nothing and gets 409, instead of racing to insert the same tool (a unique violation, a 500).
    if (!(await decideSubmission(trx, id, { status: 'approved', reason: null, toolId: null, decidedAt: now, ...(opts.autoReason ? { autoReason: opts.autoReason.slice(0, 500) } : {}) }))) {
      throw alreadyDecided(id, (await findSubmission(trx, id))?.status);
    }
    if (await findToolBySlug(trx, s.slug)) throw duplicate(`A tool with the slug ${quote(s.slug)} was listed since this was submitted; reject it as a duplicate.`);
    // A discovered draft carries the rest of a catalog entry; a reader's submission has its tagline only.
    const tags = s.tags ? (JSON.parse(s.tags) as string[]) : [];
    const columns = toToolColumns({
      slug: s.slug,
      name: s.name,
      tagline: s.tagline,
      description: s.description ?? s.tagline,
      category: s.category,
      pricing: { model: s.pricingModel, entry: s.pricingEntry, ...(s.license ? { license: s.license } : {}) },
      url: s.url,
      ...(s.repo ? { repo: s.repo } : {}),
      tags,
    });
    let toolId: number;
    try {
      toolId = await insertTool(trx, { ...columns, createdAt: now, updatedAt: now });
    } catch (err) {
      // The same slug listed at this moment by another writer (an import): a conflict, not a crash.
      if (isUniqueViolation(err)) throw duplicate(`A tool with the slug ${quote(s.slug)} was listed just now; reject this submission as a duplicate.`);
      throw err;
    }
    await setSubmissionTool(trx, id, toolId);
    const job = await enqueue(trx, { type: 'research.tool', payload: { toolId, review: true }, idempotencyKey: `research.tool:${toolId}:${id}` });
    return { submission: (await findSubmission(trx, id))!, toolId, slug: s.slug, jobId: job.id };
  });
}

const alreadyDecided = (id: number, status: string | undefined) =>
  new AppError('already_decided', `Submission #${id} was already ${status && status !== 'pending' ? status : 'decided'}.`, 409);

export async function rejectSubmission(db: Db, id: number, reason?: string): Promise<SubmissionRow> {
  await pendingOr404(db, id);
  const clean = reason?.trim().slice(0, 500) || null;
  if (!(await decideSubmission(db, id, { status: 'rejected', reason: clean, toolId: null, decidedAt: nowIso() }))) {
    throw new AppError('already_decided', `Submission #${id} was decided by someone else just now.`, 409);
  }
  return (await findSubmission(db, id))!;
}
