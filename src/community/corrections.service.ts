// Error reports and corrections: a reader reports an error in a take, an operator accepts (recording a correction, maybe a re-review) or rejects it.
import { MAX_ROW_ID } from '../domain/ids.js';
import { quote } from '../domain/text.js';
import { z } from 'zod';
import type { Db, DbOrTx } from '../db/db.js';
import { executeTx, nowIso } from '../db/db.js';
import type { CorrectionRow, ErrorReportRow } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import { enqueue } from '../queue/queue.js';
import type { Mailer } from '../mail/mailer.js';
import { findToolById, findToolBySlug } from '../catalog/tools.repo.js';
import { findReviewRef } from '../catalog/reviews.repo.js';
import { emailSchema } from '../domain/schemas.js';
import { confirmReportEmail, decideReport, findCorrection, findReport, insertCorrection, insertReport, listReports, setCorrectionJob } from './corrections.repo.js';
import { hmac, safeEqual } from './secret.js';
import { absolute, urls } from '../urls.js';

/**
 * Corrections: a reader reports an error in a take ("what is wrong", an optional source and email); an operator
 * accepts it, recording a correction (what changed and why) and, when the error is in the tool's data, queueing a
 * re-review of the tool; or rejects it, and the reporter hears why when they left an email.
 */

const text = (min: number, max: number) => z.string().trim().min(min, min > 1 ? `must be at least ${min} characters` : 'must not be empty').max(max, `must be at most ${max} characters`);

export const reportSchema = z.strictObject({
  what: text(10, 2000),
  sourceUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500).optional(),
  email: emailSchema.optional(),
  reviewId: z.coerce.number().int().positive().max(MAX_ROW_ID).optional(),
});
export type ReportInput = z.infer<typeof reportSchema>;

export const REPORT_LABELS: Record<string, string> = { what: 'What is wrong', sourceUrl: 'Source', email: 'Email', reviewId: 'Take' };

export class ReportInvalid extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid_report', `Please fix: ${Object.entries(fields).map(([k, v]) => `${REPORT_LABELS[k] ?? k} ${v}`).join('; ')}.`, 400);
  }
}

/** Validates raw form/JSON input; empty optional fields count as absent. */
export function parseReport(raw: Record<string, unknown>): ReportInput {
  const pick = (k: string) => (typeof raw[k] === 'string' && (raw[k] as string).trim() !== '' ? (raw[k] as string).trim() : undefined);
  const input = {
    what: typeof raw.what === 'string' ? raw.what : '',
    ...(pick('sourceUrl') ?? pick('source_url') ? { sourceUrl: pick('sourceUrl') ?? pick('source_url') } : {}),
    ...(pick('email') ? { email: pick('email') } : {}),
    ...(pick('reviewId') ?? pick('review') ? { reviewId: pick('reviewId') ?? pick('review') } : {}),
  };
  const r = reportSchema.safeParse(input);
  if (!r.success) {
    const fields: Record<string, string> = {};
    for (const issue of r.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
    throw new ReportInvalid(fields);
  }
  return r.data;
}

/**
 * Stores a pending report about a tool (and the take it names, which must be one of the tool's). The address is
 * confirmed at once when it is the signed-in reporter's own (sign-in confirmed it); otherwise it waits for the
 * link sendReportEmailConfirmation mails, and until then nothing is sent to it.
 */
export async function reportError(db: Db, slug: string, input: ReportInput, reporter: { ownerId: string; email: string | null } | undefined): Promise<ErrorReportRow> {
  const tool = await findToolBySlug(db, slug);
  if (!tool) throw notFound(`There is no tool ${quote(slug)}.`);
  let critic: string | null = null;
  if (input.reviewId !== undefined) {
    const review = await findReviewRef(db, input.reviewId);
    if (!review || review.toolId !== tool.id) throw new ReportInvalid({ reviewId: `#${input.reviewId} is not a take on ${tool.name}` });
    critic = review.critic;
  }
  const id = await insertReport(db, {
    toolId: tool.id,
    reviewId: input.reviewId ?? null,
    critic,
    what: input.what,
    sourceUrl: input.sourceUrl ?? null,
    email: input.email ?? null,
    emailConfirmedAt: input.email && input.email === reporter?.email ? nowIso() : null,
    reporterId: reporter?.ownerId ?? null,
    status: 'pending',
    reason: null,
    createdAt: nowIso(),
    decidedAt: null,
  });
  return (await findReport(db, id))!;
}

export { listReports };

/** A report's address confirmation link: `<report id>.<expires, epoch s>.<sig>`, signed over the address. */
const REPORT_EMAIL_PURPOSE = 'report-email';
const REPORT_EMAIL_TTL_MS = 3 * 24 * 3600_000;
const BAD_REPORT_LINK = 'This link is not valid: it may have been cut off or changed. Copy the whole link from the email.';

export function reportEmailToken(secret: string, id: number, email: string, now = Date.now()): string {
  const expires = Math.floor((now + REPORT_EMAIL_TTL_MS) / 1000);
  return `${id}.${expires}.${hmac(secret, REPORT_EMAIL_PURPOSE, `${id}.${expires}.${email}`)}`;
}

export interface ReportMailDeps {
  db: Db;
  mailer: Mailer;
  secret: string;
  publicUrl: string;
}

/**
 * Asks the reporter to confirm their address. The email is fixed text and the catalog's tool name: nothing the
 * reporter wrote, since whoever typed the address may not own it.
 */
export async function sendReportEmailConfirmation(deps: ReportMailDeps, report: ErrorReportRow): Promise<void> {
  if (!report.email || report.emailConfirmedAt) return;
  const tool = await findToolById(deps.db, report.toolId);
  const link = absolute(deps.publicUrl, urls.reportConfirm(reportEmailToken(deps.secret, report.id, report.email)));
  await deps.mailer.send({
    to: report.email,
    subject: 'Confirm your address to hear back about your error report',
    text: [
      `Someone reported a possible error on Verdict's page for ${tool?.name ?? 'a tool'} and asked to hear back at this address.`,
      '',
      'If that was you, confirm your address (the link works for 3 days):',
      link,
      '',
      'If it was not you, ignore this email: we will not write to this address about it.',
    ].join('\n'),
  });
}

/** The report a confirmation link names, checked (signature, address, expiry) without changing anything. */
export async function checkReportEmailToken(db: DbOrTx, secret: string, token: unknown, now = Date.now()): Promise<ErrorReportRow> {
  const m = typeof token === 'string' ? /^(\d{1,12})\.(\d{1,12})\.([\w-]{20,100})$/.exec(token) : null;
  const id = m ? Number(m[1]) : NaN;
  const report = Number.isSafeInteger(id) && id <= MAX_ROW_ID ? await findReport(db, id) : undefined;
  if (!m || !report?.email || !safeEqual(m[3]!, hmac(secret, REPORT_EMAIL_PURPOSE, `${m[1]}.${m[2]}.${report.email}`))) {
    throw new AppError('invalid_token', BAD_REPORT_LINK, 400);
  }
  if (Number(m[2]) * 1000 < now) throw new AppError('expired_token', 'This confirmation link has expired. Confirming only matters for hearing back; your report is with an editor either way.', 400);
  return report;
}

/** Confirms the address from the link's page (the POST; the GET only asks). */
export async function confirmReporterEmail(db: Db, secret: string, token: unknown): Promise<ErrorReportRow> {
  const report = await checkReportEmailToken(db, secret, token);
  await confirmReportEmail(db, report.id, nowIso());
  return (await findReport(db, report.id))!;
}

export const acceptSchema = z.strictObject({
  whatChanged: text(3, 1000),
  why: text(3, 1000),
  /** The error is in the tool's data (description, pricing, links…): the panel reviews the tool again. */
  toolData: z.boolean().default(false),
});
export type AcceptInput = z.input<typeof acceptSchema>;

async function pendingOr404(db: DbOrTx, id: number): Promise<ErrorReportRow> {
  const r = await findReport(db, id);
  if (!r) throw notFound(`There is no report #${id}.`);
  if (r.status !== 'pending') throw new AppError('already_decided', `Report #${id} was already ${r.status}.`, 409);
  return r;
}

/** Accepts a report: records the correction and, for an error in the tool's data, queues a re-review; one transaction. */
export async function acceptReport(db: Db, id: number, raw: AcceptInput): Promise<{ report: ErrorReportRow; correction: CorrectionRow; jobId: number | null }> {
  const parsed = acceptSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('invalid', parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; '));
  const input = parsed.data;
  return executeTx(db, async (trx) => {
    const report = await pendingOr404(trx, id);
    const now = nowIso();
    if (!(await decideReport(trx, id, { status: 'accepted', reason: null, decidedAt: now }))) {
      throw new AppError('already_decided', `Report #${id} was decided by someone else just now.`, 409);
    }
    const correctionId = await insertCorrection(trx, {
      toolId: report.toolId,
      reportId: id,
      reviewId: report.reviewId,
      critic: report.critic,
      whatChanged: input.whatChanged,
      why: input.why,
      jobId: null,
      createdAt: now,
    });
    let jobId: number | null = null;
    if (input.toolData) {
      // Under the tool's prefix, so research and the daily review (hasActiveJob `panel.review:tool:ID:`) see it waiting.
      jobId = (await enqueue(trx, { type: 'panel.review', payload: { toolId: report.toolId }, idempotencyKey: `panel.review:tool:${report.toolId}:correction:${correctionId}` })).id;
      await setCorrectionJob(trx, correctionId, jobId);
    }
    const correction = (await findCorrection(trx, correctionId))!;
    return { report: (await findReport(trx, id))!, correction, jobId };
  });
}

/**
 * Rejects a report with a reason; the reporter gets it by email when they left an address and confirmed it.
 * The email quotes only the editor's reason, never the report: the address is confirmed, the text is a stranger's.
 */
export async function rejectReport(db: Db, mailer: Mailer, id: number, reason: string, ctx: { publicUrl: string }): Promise<{ report: ErrorReportRow; emailed: boolean }> {
  const why = reason.trim().slice(0, 1000);
  if (!why) throw new AppError('invalid', 'A rejection needs a reason: the reporter is told why.');
  const report = await pendingOr404(db, id);
  if (!(await decideReport(db, id, { status: 'rejected', reason: why, decidedAt: nowIso() }))) {
    throw new AppError('already_decided', `Report #${id} was decided by someone else just now.`, 409);
  }
  let emailed = false;
  if (report.email && report.emailConfirmedAt) {
    const tool = await findToolById(db, report.toolId);
    await mailer.send({
      to: report.email,
      subject: `Your error report on ${tool?.name ?? 'a tool'}`,
      text: [
        `Thank you for reporting a possible error on Verdict's page for ${tool?.name ?? 'a tool'} (your report of ${report.createdAt.slice(0, 10)}).`,
        '',
        'We checked it and did not change the page, because:',
        why,
        '',
        tool ? `The page: ${ctx.publicUrl}/tools/${tool.slug}` : '',
        `How we decide and correct: ${ctx.publicUrl}/methodology`,
      ].join('\n'),
    });
    emailed = true;
  }
  return { report: (await findReport(db, id))!, emailed };
}
