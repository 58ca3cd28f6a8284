// Registers `verdict submissions list|approve|reject`: the operator's side of readers' tool submissions.
import type { Command } from 'commander';
import { quote } from '../domain/text.js';
import { AppError } from '../errors.js';
import { parseRowId } from '../domain/ids.js';
import { approveSubmission, listSubmissions, rejectSubmission } from '../community/submissions.service.js';
import type { CliContext } from './context.js';
import { plural } from './format.js';
import { foundByText, parseFoundBy } from '../discovery/found-by.js';

const STATUSES = ['pending', 'approved', 'rejected', 'all'] as const;

function parseId(raw: string): number {
  const id = parseRowId(raw.trim());
  if (id === undefined) throw new AppError('usage', `A submission id is a whole number from 1 to 2147483647, got ${quote(raw)}`);
  return id;
}

/** `verdict submissions list|approve ID|reject ID [--reason]`: the operator's side of "Submit a tool". */
export function registerSubmissions(program: Command, ctx: () => CliContext) {
  const cmd = program.command('submissions').description('Review tools submitted through the website');

  cmd
    .command('list')
    .description('List submissions, newest first (pending ones by default)')
    .option('--status <status>', `pending, approved, rejected or all`, 'pending')
    .action(async (opts: { status: string }) => {
      if (!(STATUSES as readonly string[]).includes(opts.status)) throw new AppError('usage', `--status must be one of ${STATUSES.join(', ')}`);
      const c = ctx();
      const { db } = await c.store();
      const rows = await listSubmissions(db, { status: opts.status === 'all' ? undefined : (opts.status as 'pending'), limit: 1000 });
      c.out({ submissions: rows.map((s) => ({ ...s, tags: s.tags ? JSON.parse(s.tags) : [], foundBy: parseFoundBy(s.foundBy) })) }, () => {
        if (rows.length === 0) return opts.status === 'pending' ? 'No submissions waiting for review' : 'No submissions';
        const lines = rows.map((s) => {
          const head = `#${s.id}  ${s.status.padEnd(8)}  ${s.name} (${s.slug})`;
          const detail = `      ${s.url} · ${s.category} · ${s.pricingModel}, ${s.pricingEntry}${s.email ? ` · ${s.email}` : ''}`;
          const found = `      ${s.origin === 'discovery' ? `found by ${foundByText(parseFoundBy(s.foundBy))}` : 'submitted by a reader'}`;
          const reason = s.reason ? `\n      reason: ${s.reason}` : '';
          const auto = s.autoReason ? `\n      approved automatically: ${s.autoReason}` : '';
          return `${head}\n      ${s.tagline}\n${detail}\n${found}${reason}${auto}`;
        });
        return `${lines.join('\n')}\n${plural(rows.length, 'submission')}`;
      });
    });

  cmd
    .command('approve')
    .description('Approve a pending submission: add the tool and queue its research, then its panel review')
    .argument('<id>', 'submission id (see `verdict submissions list`)')
    .action(async (raw: string) => {
      const c = ctx();
      const { db } = await c.store();
      const r = await approveSubmission(db, parseId(raw));
      c.out({ submission: r.submission, tool: { id: r.toolId, slug: r.slug }, job: { id: r.jobId } }, () =>
        `Approved #${r.submission.id}: ${r.submission.name} is listed at /tools/${r.slug}; research queued (job ${r.jobId}), then its panel review`,
      );
    });

  cmd
    .command('reject')
    .description('Reject a pending submission')
    .argument('<id>', 'submission id')
    .option('--reason <text>', 'why (kept with the submission)')
    .action(async (raw: string, opts: { reason?: string }) => {
      const c = ctx();
      const { db } = await c.store();
      const s = await rejectSubmission(db, parseId(raw), opts.reason);
      c.out({ submission: s }, () => `Rejected #${s.id}: ${s.name}${s.reason ? ` (${s.reason})` : ''}`);
    });
}
