// Registers `verdict reports list|accept|reject`: the operator's side of readers' error reports.
import { parseRowId } from '../domain/ids.js';
import { quote } from '../domain/text.js';
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { acceptReport, listReports, rejectReport } from '../community/corrections.service.js';
import { createMailer } from '../mail/mailer.js';
import type { CliContext } from './context.js';
import { plural } from './format.js';

const STATUSES = ['pending', 'accepted', 'rejected', 'all'] as const;

function parseId(raw: string): number {
  const id = parseRowId(raw.trim());
  if (id === undefined) throw new AppError('usage', `A report id is a whole number from 1 to 2147483647, got ${quote(raw)}`);
  return id;
}

/** `verdict reports list|accept ID|reject ID`: the operator's side of "Report an error". */
export function registerReports(program: Command, ctx: () => CliContext) {
  const cmd = program.command('reports').description('Decide on error reports sent from the website');

  cmd
    .command('list')
    .description('List error reports, newest first (pending ones by default)')
    .option('--status <status>', 'pending, accepted, rejected or all', 'pending')
    .action(async (opts: { status: string }) => {
      if (!(STATUSES as readonly string[]).includes(opts.status)) throw new AppError('usage', `--status must be one of ${STATUSES.join(', ')}`);
      const c = ctx();
      const rows = await listReports((await c.store()).db, { status: opts.status === 'all' ? undefined : (opts.status as 'pending'), limit: 1000 });
      c.out({ reports: rows }, () => {
        if (rows.length === 0) return opts.status === 'pending' ? 'No error reports waiting' : 'No error reports';
        const lines = rows.map((r) =>
          [
            `#${r.id}  ${r.status.padEnd(8)}  ${r.toolName} (${r.toolSlug})${r.critic ? ` · ${r.critic}'s take` : ''}${r.email ? ` · ${r.email}` : ''}`,
            `      ${r.what.replace(/\s+/g, ' ')}`,
            r.sourceUrl ? `      source: ${r.sourceUrl}` : '',
            r.reason ? `      reason: ${r.reason}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return `${lines.join('\n')}\n${plural(rows.length, 'report')}`;
      });
    });

  cmd
    .command('accept')
    .description('Accept a report: record the correction (what changed and why); --tool-data also queues a re-review')
    .argument('<id>', 'report id (see `verdict reports list`)')
    .requiredOption('--changed <text>', 'what changed on the page')
    .requiredOption('--why <text>', 'why it changed')
    .option('--tool-data', "the error is in the tool's data: the panel reviews the tool again")
    .action(async (raw: string, opts: { changed: string; why: string; toolData?: boolean }) => {
      const c = ctx();
      const r = await acceptReport((await c.store()).db, parseId(raw), { whatChanged: opts.changed, why: opts.why, toolData: !!opts.toolData });
      c.out(r, () => `Accepted #${r.report.id}: correction #${r.correction.id} recorded${r.jobId != null ? `; re-review queued (job ${r.jobId})` : ''}`);
    });

  cmd
    .command('reject')
    .description('Reject a report; the reporter is emailed the reason when they left an address')
    .argument('<id>', 'report id')
    .requiredOption('--reason <text>', 'why (sent to the reporter)')
    .action(async (raw: string, opts: { reason: string }) => {
      const c = ctx();
      const r = await rejectReport((await c.store()).db, createMailer(c.config), parseId(raw), opts.reason, { publicUrl: c.config.publicUrl });
      c.out(r, () => `Rejected #${r.report.id}${r.emailed ? `; the reporter was emailed at ${r.report.email}` : ''}`);
    });
}
