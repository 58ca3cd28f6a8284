// Registers `verdict review`: runs the panel on tools with live per-critic progress on the terminal.
import type { Command } from 'commander';
import { quote } from '../domain/text.js';
import { AppError } from '../errors.js';
import { LLM_NOT_CONFIGURED } from '../config.js';
import { toolsWithoutReviews } from '../catalog/tools.repo.js';
import { toolsBySlugsOr404 } from '../catalog/catalog.service.js';
import { createLlmClient } from '../panel/llm.js';
import { runPanel, type PanelEvent } from '../panel/runner.js';
import { control, type CliContext, type CliStream } from './context.js';
import { fmtInt, plural } from './format.js';

/** Live progress per critic: redrawn in place on a terminal, one line per finished call otherwise. */
export function progressReporter(stream: CliStream) {
  const rows = new Map<string, string>();
  let drawn = 0;
  const tty = stream.isTTY;
  const draw = () => {
    if (drawn) control(stream, `\x1b[${drawn}A`);
    for (const line of rows.values()) {
      control(stream, '\x1b[2K');
      stream.write(`${line.slice(0, (stream.columns || 80) - 1)}\n`);
    }
    drawn = rows.size;
  };
  return (e: PanelEvent) => {
    const key = `${e.tool} ${e.critic}`;
    const label = `${e.tool.padEnd(24)} ${e.critic.padEnd(11)}`;
    let line: string;
    switch (e.type) {
      case 'queued':
      case 'running':
        line = `${label} ${e.type === 'queued' ? 'queued' : 'running…'}`;
        break;
      case 'retry':
        line = `${label} retrying (attempt ${e.attempt + 1}): ${e.reason}`;
        break;
      case 'done':
        line = `${label} done    ${e.kind === 'take' ? `${e.score} ${e.verdict}` : 'abstains'} · ${fmtInt(e.tokens)} tokens · ${(e.latencyMs / 1000).toFixed(1)}s`;
        break;
      case 'failed':
        line = `${label} FAILED  ${e.reason} (${plural(e.attempts, 'attempt')})`;
        break;
      case 'best-for':
        line = `${label} done    "${e.bestFor}" · ${fmtInt(e.tokens)} tokens · ${(e.latencyMs / 1000).toFixed(1)}s`;
    }
    if (tty) {
      rows.set(key, line);
      draw();
    } else if (e.type !== 'queued' && e.type !== 'running') stream.write(line + '\n');
  };
}

export function registerReview(program: Command, ctx: () => CliContext) {
  program
    .command('review')
    .description('Run the critic panel on tools (one LLM call per critic) and store new review revisions')
    .argument('[slugs...]', 'tools to review')
    .option('--critic <id>', 'only this critic (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--unreviewed', 'also every tool that has no review yet')
    .action(async (slugs: string[], opts: { critic: string[]; unreviewed?: boolean }) => {
      const c = ctx();
      if (slugs.length === 0 && !opts.unreviewed) throw new AppError('usage', 'Name at least one tool, or pass --unreviewed');
      if (!c.config.llm) throw new AppError('config', LLM_NOT_CONFIGURED);
      const known = c.critics;
      const unknown = opts.critic.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length) throw new AppError('usage', `Unknown critic ${quote(unknown[0])} (known: ${known.map((k) => k.id).join(', ')})`);
      const critics = opts.critic.length ? known.filter((k) => opts.critic.includes(k.id)) : known;

      const { db } = await c.store();
      const tools = await toolsBySlugsOr404(db, slugs);
      // Unbounded, unlike the daily review: an operator asked for every unreviewed tool, and the run is in the foreground.
      if (opts.unreviewed) for (const t of await toolsWithoutReviews(db)) if (!tools.some((x) => x.id === t.id)) tools.push(t);
      if (tools.length === 0) {
        c.out({ runs: [], outcomes: [] }, () => 'Every tool has reviews already; nothing to do.');
        return;
      }

      const cfg = c.config;
      const result = await runPanel(db, createLlmClient(cfg.llm!, cfg.shipThreshold), tools, critics, {
        threshold: cfg.shipThreshold,
        concurrency: cfg.llmConcurrency,
        timeoutMs: cfg.llmTimeoutMs,
        maxAttempts: cfg.llmMaxAttempts,
        backoffMs: cfg.llmBackoffMs,
        onEvent: c.json ? undefined : progressReporter(c.io.stderr),
      });
      const failed = result.outcomes.filter((o) => o.status === 'failed');
      c.out(result, () =>
        [
          `Reviewed ${plural(tools.length, 'tool')} with ${plural(critics.length, 'critic')}: ${result.outcomes.length - failed.length} done, ${failed.length} failed`,
          `Tokens: ${fmtInt(result.inputTokens)} in + ${fmtInt(result.outputTokens)} out = ${fmtInt(result.inputTokens + result.outputTokens)} · time ${(result.ms / 1000).toFixed(1)}s · model ${cfg.llm!.model}`,
          ...failed.map((f) => `  failed: ${f.tool} / ${f.critic}: ${f.reason}`),
          // Not a critic: it leaves the exit status alone, as it leaves the run's status.
          ...result.bestFor.filter((b) => b.status === 'failed').map((b) => `  "Best for" not written: ${b.tool}: ${b.reason}`),
        ].join('\n'),
      );
      if (failed.length) c.exitCode = 1;
    });
}
