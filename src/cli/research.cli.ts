// Registers `verdict research SLUG…` and `verdict stale`: checks tools' public sources and lists those not checked lately.
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { toolsBySlugsOr404 } from '../catalog/catalog.service.js';
import { createFetcher, queueReviewForChanges, researchTool, type ResearchOutcome } from '../research/research.service.js';
import { recheckCutoff, staleTools } from '../research/freshness.service.js';
import { toolsDueForResearch } from '../research/evidence.repo.js';
import type { CliContext } from './context.js';
import { plural } from './format.js';

/** `verdict research SLUG…` and `verdict stale`. */
export function registerResearch(program: Command, ctx: () => CliContext) {
  program
    .command('research')
    .description("Check tools' public sources (homepage, pricing and docs pages, GitHub, Hugging Face, npm, PyPI) and store dated evidence")
    .argument('[slugs...]', 'tools to research')
    .option('--due', 'also every tool whose facts are older than the re-check period (oldest first, RESEARCH_BATCH at most)')
    .action(async (slugs: string[], opts: { due?: boolean }) => {
      const c = ctx();
      if (slugs.length === 0 && !opts.due) throw new AppError('usage', 'Name at least one tool, or pass --due');
      const { db } = await c.store();
      const tools = await toolsBySlugsOr404(db, slugs);
      if (opts.due) {
        const r = c.config.research;
        // Only the due list: staleTools would also look for unreviewed changes, which --due does not use.
        for (const t of await toolsDueForResearch(db, recheckCutoff(r), r.batch)) if (!tools.some((x) => x.id === t.id) && tools.length < slugs.length + r.batch) tools.push(t);
      }
      const fetcher = createFetcher(c.config);
      const results: (ResearchOutcome & { reviewQueued: boolean })[] = [];
      let failedSources = 0;
      for (const tool of tools) {
        if (!c.json) c.io.stderr.write(`${tool.slug.padEnd(24)} checking…\n`);
        const outcome = await researchTool(db, fetcher, c.config.research, tool);
        const queued = await queueReviewForChanges(db, outcome);
        const failed = outcome.snapshots.filter((s) => s.error);
        failedSources += failed.length;
        results.push({ ...outcome, reviewQueued: queued.queued });
        if (!c.json) {
          const lines = [
            `${tool.slug.padEnd(24)} ${plural(outcome.snapshots.length, 'source')}, ${failed.length} failed${outcome.changes.length ? `, ${plural(outcome.changes.length, 'change')}` : ''}${queued.queued ? ' · re-review queued' : ''}`,
            ...outcome.snapshots.map((s) => `  ${s.kind.padEnd(11)} ${s.error ? `FAILED ${s.error}` : s.notModified ? 'not modified' : `HTTP ${s.status}`}  ${s.url}`),
            ...outcome.changes.map((ch) => `  changed: ${ch}`),
          ];
          c.io.stderr.write(lines.join('\n') + '\n');
        }
      }
      c.out({ tools: results }, () => `Researched ${plural(tools.length, 'tool')}: ${plural(results.reduce((a, r) => a + r.snapshots.length, 0), 'source')} checked, ${failedSources} failed`);
      // Failed sources are recorded evidence, but the run did not see everything: say so in the exit status.
      if (failedSources) c.exitCode = 1;
    });

  program
    .command('stale')
    .description('Tools whose facts changed since the panel reviewed them, or were not checked within the re-check period')
    .action(async () => {
      const c = ctx();
      const { db } = await c.store();
      const s = await staleTools(db, c.config.research, 1000);
      const rows = [
        ...s.changed.map((t) => ({ slug: t.slug, why: 'changed', checkedAt: t.checkedAt, changes: t.changes })),
        ...s.due.filter((t) => !s.changed.some((x) => x.id === t.id)).map((t) => ({ slug: t.slug, why: t.checkedAt ? 'old' : 'never checked', checkedAt: t.checkedAt, changes: [] as string[] })),
      ];
      c.out({ tools: rows }, () =>
        rows.length
          ? rows.map((r) => `${r.slug.padEnd(24)} ${r.why === 'changed' ? `changed: ${r.changes.join('; ')}` : r.why === 'old' ? `last checked ${r.checkedAt!.slice(0, 10)}` : 'never checked'}`).join('\n')
          : 'Every tool was checked within the re-check period, and no fact changed since its review.',
      );
    });
}
