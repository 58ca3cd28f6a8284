// Registers `verdict status`: whether the daily loop (discovery, research, review, digest) is working, with a failing exit code when not.
import type { Command } from 'commander';
import { ageText, loadStatus, minuteText as when } from '../status/status.service.js';
import type { CliContext } from './context.js';
import { fmtInt, table } from './format.js';

/**
 * `verdict status`: is the daily loop working? Exit 1 when a stage failed on each of its last three runs, or when due
 * jobs wait and no worker has beaten recently (nothing will run them).
 */
export function registerStatus(program: Command, ctx: () => CliContext) {
  program
    .command('status')
    .description('Each stage of the daily loop (discovery, research, review, digest): last run, items, failures, queue, next run; candidates waiting; tokens today; each worker\'s last heartbeat')
    .action(async () => {
      const c = ctx();
      const { db } = await c.store();
      const s = await loadStatus(db, c.config);
      c.out(s, () => {
        const rows = s.stages.map((st) => [
          `${st.warning ? '! ' : ''}${st.label}`,
          st.lastRun ? `${when(st.lastRun.at)} ${st.lastRun.ok ? 'ok' : 'FAILED'}` : 'never',
          st.lastRun ? `${st.lastRun.itemsIn} → ${st.lastRun.itemsOut}` : '—',
          String(st.failures24h),
          st.queue.jobs ? `${st.queue.jobs}, oldest ${ageText(st.queue.oldestAgeS)}` : '0',
          when(st.nextRun),
        ]);
        const b = s.tokens;
        const w = s.worker;
        return [
          table(['stage', 'last run (UTC)', 'in → out', 'fails 24h', 'queue', 'next run'], rows, 126, 16),
          '',
          `Candidates waiting: ${s.candidates.discovery} discovered, ${s.candidates.reader} from readers${s.candidates.oldestAgeS !== null ? ` (oldest ${ageText(s.candidates.oldestAgeS)})` : ''}`,
          `Tokens today: ${fmtInt(b.spent)}${b.budget !== undefined ? ` of ${fmtInt(b.budget)} (LLM_DAILY_TOKEN_BUDGET)${b.exhausted ? ', SPENT: LLM calls wait for tomorrow' : ''}` : ' (no daily budget)'}`,
          `Worker heartbeat: ${w.heartbeat ? `${when(w.heartbeat)}, ${w.alive} of ${w.workers.length} worker${w.workers.length === 1 ? '' : 's'} alive (a beat within ${w.staleAfterS} s)` : 'none reported'}`,
          ...w.workers.map(
            (x) =>
              `  ${x.alive ? '' : '! '}${x.hostname} pid ${x.pid}: ${x.stoppedAt ? `stopped ${when(x.stoppedAt)}` : `last beat ${when(x.lastHeartbeat)} UTC, ${ageText(x.ageS)} ago${x.alive ? `, running ${x.running} job${x.running === 1 ? '' : 's'}` : ', STALE'}`}`,
          ),
          ...s.warnings.map((w) => `WARNING: ${w}`),
        ].join('\n');
      });
      if (s.stages.some((st) => st.warning) || (!s.worker.recent && s.worker.dueJobs > 0)) c.exitCode = 1;
    });
}
