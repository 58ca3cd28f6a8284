// Registers `verdict worker`, `verdict jobs list|run` and `verdict digest preview|send`.
import type { Command } from 'commander';
import { quote } from '../domain/text.js';
import { AppError } from '../errors.js';
import { requirePublicUrl } from '../config.js';
import { countJobsByStatus, JOB_STATUSES, listJobs, type JobStatus } from '../queue/jobs.repo.js';
import { drainJobs, JOB_DEFAULTS, startWorker } from '../worker/worker.js';
import { createMailer } from '../mail/mailer.js';
import { bookmarksFor, previewIssue, sendIssue } from '../digest/digest.service.js';
import { issueEmail, issueText } from '../digest/emails.js';
import { issueSubject } from '../digest/issue.js';
import { subscriberCounts } from '../digest/subscribers.repo.js';
import { isoWeek, weekSchema } from '../domain/week.js';
import { absolute, urls } from '../urls.js';
import { configureLogging, scrub } from '../ops/log.js';
import { startOpsServer } from '../web/ops.js';
import type { CliContext } from './context.js';
import { plural, positiveInt } from './format.js';

function parseWeek(v: string | undefined): string {
  if (v === undefined) return isoWeek(new Date());
  const r = weekSchema.safeParse(v);
  if (!r.success) throw new AppError('usage', `--week: ${r.error.issues[0]!.message}, got ${quote(v)}`);
  return v;
}

const ago = (iso: string | null, now = Date.now()) => {
  if (!iso) return '';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.round(abs / 60)}m` : abs < 86400 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return s > 0 ? `in ${text}` : `${text} ago`;
};

/** `verdict worker`, `verdict jobs list|run`, `verdict digest preview|send`. */
export function registerJobs(program: Command, ctx: () => CliContext) {
  program
    .command('worker')
    .description('Run the job worker (panel reviews, digest sends, the schedule) until Ctrl-C; `npm start` runs one too unless WORKER=false')
    .option('--concurrency <n>', 'jobs at once', positiveInt('--concurrency'), JOB_DEFAULTS.concurrency)
    .option('--no-schedule', 'do not enqueue the daily review and weekly digest')
    .action(async (opts: { concurrency: number; schedule: boolean }) => {
      const c = ctx();
      requirePublicUrl(c.config, 'verdict worker');
      // A long-running service: its log goes to stdout, at LOG_LEVEL (info by default), like the web's.
      configureLogging({ level: c.config.logLevel, fd: 1 });
      const { db } = await c.store();
      const worker = startWorker({ db, config: c.config, critics: c.critics }, { concurrency: opts.concurrency, schedule: opts.schedule });
      let stopping = false;
      const ops =
        c.config.metricsPort === undefined
          ? undefined
          : await startOpsServer({ db, config: c.config, workerId: () => worker.id, stopping: () => stopping }, c.config.metricsPort, c.config.host);
      c.io.stderr.write(`verdict worker ${worker.id} running (concurrency ${opts.concurrency})${ops ? `; /metrics, /healthz and /readyz on port ${c.config.metricsPort}` : ''}; Ctrl-C to stop\n`);
      const { released } = await new Promise<{ released: number }>((resolve) => {
        const stop = (sig: string) => {
          stopping = true;
          c.io.stderr.write(`${sig}: finishing running jobs (up to ${c.config.shutdownTimeoutMs} ms, then they are released)… (again to quit now)\n`);
          process.once(sig as NodeJS.Signals, () => process.exit(130));
          void worker.stop({ timeoutMs: c.config.shutdownTimeoutMs }).then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await ops?.close();
      c.io.stderr.write(`worker stopped${released ? ` (${released} running job${released === 1 ? '' : 's'} released)` : ''}\n`);
      if (released) {
        // A released job's handler is still running (an LLM call, say): close the database and leave without it.
        await c.close();
        process.exit(0);
      }
    });

  const jobs = program.command('jobs').description('The durable job queue');
  jobs
    .command('list')
    .description('Jobs, newest first, with attempts and the last error')
    .option('--status <status>', `only ${JOB_STATUSES.join('|')}`)
    .option('--type <type>', 'only this job type (e.g. panel.review, digest.send)')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50)
    .action(async (opts: { status?: string; type?: string; limit: number }) => {
      if (opts.status !== undefined && !JOB_STATUSES.includes(opts.status as JobStatus)) {
        throw new AppError('usage', `--status must be one of ${JOB_STATUSES.join(', ')}, got ${quote(opts.status)}`);
      }
      const c = ctx();
      const { db } = await c.store();
      const rows = await listJobs(db, { status: opts.status as JobStatus | undefined, type: opts.type, limit: opts.limit });
      const counts = await countJobsByStatus(db);
      c.out({ counts, jobs: rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown })) }, () => {
        const head = `Jobs: ${JOB_STATUSES.map((s) => `${counts[s]} ${s}`).join(' · ')}`;
        if (rows.length === 0) return `${head}\nNo ${opts.status ?? ''} jobs${opts.type ? ` of type ${opts.type}` : ''}.`.replace('No  jobs', 'No jobs');
        const lines = rows.map((r) => {
          const when =
            r.status === 'pending' ? `runs ${ago(r.runAt)}` : r.status === 'running' ? `lease ${r.lockedBy} until ${ago(r.lockedUntil)}` : `finished ${ago(r.finishedAt)}`;
          const out = [`#${r.id}  ${r.type}  ${r.status.toUpperCase()}  attempt ${r.attempts}/${r.maxAttempts}  ${when}`];
          if (r.idempotencyKey) out.push(`     key: ${r.idempotencyKey}`);
          if (r.lastError) out.push(`     ${r.status === 'failed' ? 'failed' : 'last error'}: ${r.lastError}`);
          return out.join('\n');
        });
        return [head, '', ...lines].join('\n');
      });
    });
  jobs
    .command('run')
    .description('Run every job that is due now, then exit (a worker that does not wait)')
    .action(async () => {
      const c = ctx();
      requirePublicUrl(c.config, 'verdict jobs run');
      const { db } = await c.store();
      const r = await drainJobs({ db, config: c.config, critics: c.critics, log: (l) => c.io.stderr.write(scrub(l) + '\n') });
      const by = (o: string) => r.outcomes.filter((x) => x === o).length;
      c.out(r, () => `Ran ${plural(r.ran, 'job')}: ${by('done')} done, ${by('retry')} to retry, ${by('failed')} failed`);
      if (by('failed') + by('retry') > 0) c.exitCode = 1;
    });

  const digest = program.command('digest').description('The weekly digest email (Weekly AI Tool Verdicts)');
  digest
    .command('preview')
    .description("Print this week's issue as plain text (or --html, or --json)")
    .option('--week <week>', 'another ISO week, e.g. 2026-W48')
    .option('--html', 'the HTML email instead of text')
    .option('--email <address>', "include this subscriber's bookmarks section (if the address has an account)")
    .action(async (opts: { week?: string; html?: boolean; email?: string }) => {
      const c = ctx();
      const week = parseWeek(opts.week);
      const { db } = await c.store();
      const { content, stored } = await previewIssue(db, week);
      const bookmarks = opts.email ? await bookmarksFor(db, opts.email.trim().toLowerCase(), week) : undefined;
      if (c.json) return c.out({ stored, subject: issueSubject(content), content, bookmarks }, () => '');
      if (opts.html) {
        const mail = issueEmail(c.config, { content, to: opts.email ?? 'preview@example.com', unsubscribeUrl: absolute(c.config.publicUrl, urls.digestUnsubscribe('PREVIEW')), bookmarks });
        c.io.stdout.write(mail.html + '\n');
        return;
      }
      c.io.stdout.write(`Subject: ${issueSubject(content)}${stored ? '' : '   (not sent yet: built from the database as it is now)'}\n\n${issueText(c.config, content, bookmarks)}\n`);
    });
  digest
    .command('send')
    .description("Send this week's issue now to every confirmed subscriber who has not had it (safe to repeat)")
    .option('--week <week>', 'another ISO week, e.g. 2026-W47')
    .option('--allow-empty', 'send even if the week brought no new verdicts')
    .action(async (opts: { week?: string; allowEmpty?: boolean }) => {
      const c = ctx();
      requirePublicUrl(c.config, 'verdict digest send');
      const week = parseWeek(opts.week);
      const { db } = await c.store();
      const subs = await subscriberCounts(db);
      const r = await sendIssue({ db, config: c.config, mailer: createMailer(c.config) }, week, { allowEmpty: opts.allowEmpty });
      c.out({ ...r, subscribers: subs }, () => {
        if (r.empty) return `No new verdicts in ${week}: nothing sent (use --allow-empty to send anyway).`;
        const lines = [
          `${r.subject}`,
          `This run: ${r.sent} sent, ${r.skipped} skipped (unsubscribed), ${r.failed} failed.`,
          `In all: delivered to ${r.deliveries.sent} of ${plural(subs.confirmed, "confirmed subscriber")}.`,
        ];
        if (r.retryable) lines.push(`${r.retryable} ${r.retryable === 1 ? 'delivery' : 'deliveries'} still to send${r.lastError ? ` (last error: ${r.lastError})` : ''}: run this again, or let the worker retry.`);
        return lines.join('\n');
      });
      if (r.retryable > 0) c.exitCode = 1;
    });
}
