// Registers `verdict discover`: runs the enabled discovery sources once, as the daily job does.
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { DISCOVERY_SOURCE_IDS, type DiscoverySourceId } from '../config.js';
import { OUTCOME_TEXT, runDiscovery } from '../discovery/discovery.service.js';
import type { CliContext } from './context.js';
import { plural, table } from './format.js';
import { recordStageRun } from '../queue/stage-runs.repo.js';

/** `verdict discover [--source S]... [--dry-run]`: run the enabled discovery sources once, as the daily job does. */
export function registerDiscover(program: Command, ctx: () => CliContext) {
  program
    .command('discover')
    .description('Find new AI tools on the enabled sources once and queue drafts for moderation; reports what became of each item')
    .option('--source <id>', `only this source (repeat for several): ${DISCOVERY_SOURCE_IDS.join(', ')}`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dry-run', 'write nothing: report what would be queued')
    .action(async (opts: { source: string[]; dryRun?: boolean }) => {
      const bad = opts.source.find((s) => !(DISCOVERY_SOURCE_IDS as readonly string[]).includes(s));
      if (bad) throw new AppError('usage', `--source must be one of ${DISCOVERY_SOURCE_IDS.join(', ')}, got "${bad}"`);
      const c = ctx();
      const { db } = await c.store();
      const started = new Date().toISOString();
      const progress = (l: string) => void (!c.json && c.io.stderr.write(`${l}\n`));
      const r = await runDiscovery({ db, config: c.config, sourceIds: opts.source as DiscoverySourceId[], dryRun: !!opts.dryRun, log: progress });
      if (!r.dryRun) {
        const failed = r.sources.filter((s) => s.error && !s.stopped);
        await recordStageRun(db, {
          stage: 'discovery',
          detail: 'verdict discover',
          startedAt: started,
          finishedAt: new Date().toISOString(),
          ok: r.sources.length > 0 && failed.length === r.sources.length ? 0 : 1,
          itemsIn: r.items.length,
          itemsOut: r.counts.proposed + r.counts.merged,
          error: failed.length ? failed.map((s) => `${s.id}: ${s.error}`).join('; ').slice(0, 500) : null,
        });
      }
      c.out(r, () => {
        const rows = r.items.map((i) => [i.source, `${i.name}${i.signal ? ` (${i.signal})` : ''}`, `${OUTCOME_TEXT[i.outcome]}${i.candidateId && i.outcome !== 'proposed' ? ` #${i.candidateId}` : ''}: ${i.detail}`]);
        const sources = r.sources.map((s) => `${s.label}: ${s.error ? `${s.stopped ? 'stopped' : 'FAILED'}: ${s.error}` : plural(s.items, 'item')}`);
        const counts = Object.entries(r.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${OUTCOME_TEXT[k as keyof typeof OUTCOME_TEXT]}`);
        return [
          ...(rows.length ? [table(['source', 'item', 'what became of it'], rows, 100, 12), ''] : []),
          ...sources,
          `${r.dryRun ? 'Dry run, nothing written: ' : ''}${plural(r.items.length, 'item')}${counts.length ? `: ${counts.join(', ')}` : ''}${r.classification.calls ? ` · ${plural(r.classification.calls, 'classification call')}, ${r.classification.tokens} tokens` : ''}`,
        ].join('\n');
      });
      // A source that failed (not one that was rate limited and stopped politely) makes the run's exit status 1.
      if (r.sources.some((s) => s.error && !s.stopped)) c.exitCode = 1;
    });
}
