// Registers `verdict eval`: runs the panel repeatedly on an eval set and reports its steadiness, rule-keeping and cost.
import { writeFileSync } from 'node:fs';
import { quote } from '../domain/text.js';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { LLM_NOT_CONFIGURED } from '../config.js';
import { toolsBySlugsOr404 } from '../catalog/catalog.service.js';
import { toToolFields } from '../catalog/tool.js';
import { createLlmClient } from '../panel/llm.js';
import { evalMarkdown, evalTable, type Prices } from '../panel/eval.js';
import { loadEvalSet, runEval } from '../panel/eval.service.js';
import type { CliContext } from './context.js';
import { plural, positiveInt } from './format.js';

// Resolved from this file, not the working directory, so `verdict eval` finds the shipped set from anywhere.
/** The eval set shipped with Verdict, in the import format: varied real tools and a few that should make critics abstain. */
const SHIPPED_SET = fileURLToPath(new URL('../../data/eval-set.json', import.meta.url));

const price = (name: string) => (v: string) => {
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0) throw new AppError('usage', `${name} must be a price per million tokens, not ${quote(v)}`);
  return n;
};
/** A share: 0.8 or 80%. */
const share = (v: string) => {
  const n = v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 1) throw new AppError('usage', `--min-agreement must be between 0 and 1 (or 0% and 100%), not ${quote(v)}`);
  return n;
};

interface EvalOpts {
  reruns: number;
  tools?: string;
  set?: string;
  critic: string[];
  priceIn?: number;
  priceOut?: number;
  report?: string;
  minAgreement?: number;
}

export function registerEval(program: Command, ctx: () => CliContext) {
  program
    .command('eval')
    .description('Run the panel K times on an eval set and report how steady and rule-abiding the model is; stores no reviews')
    .option('-k, --reruns <k>', 'how many times to run the panel on each tool', positiveInt('--reruns'), 3)
    .option('--tools <slugs>', 'comma-separated catalog tools instead of the eval set')
    .option('--set <file>', 'eval set in the import format (default: the shipped data/eval-set.json)')
    .option('--critic <id>', 'only this critic (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--price-in <price>', 'price per million input tokens, to report cost', price('--price-in'))
    .option('--price-out <price>', 'price per million output tokens, to report cost', price('--price-out'))
    .option('--report <file>', 'also write a Markdown report with the metric definitions')
    .option('--min-agreement <share>', 'exit 1 when overall ship/skip agreement is below this (0-1 or a percentage)', share)
    .action(async (opts: EvalOpts) => {
      const c = ctx();
      if (opts.tools !== undefined && opts.set !== undefined) throw new AppError('usage', 'Pass --tools or --set, not both');
      if ((opts.priceIn === undefined) !== (opts.priceOut === undefined)) throw new AppError('usage', 'Pass both --price-in and --price-out, or neither');
      const cfg = c.config;
      const llm = cfg.llm;
      if (!llm) throw new AppError('config', LLM_NOT_CONFIGURED);
      const known = c.critics;
      const unknown = opts.critic.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length) throw new AppError('usage', `Unknown critic ${quote(unknown[0])} (known: ${known.map((k) => k.id).join(', ')})`);
      const critics = opts.critic.length ? known.filter((k) => opts.critic.includes(k.id)) : known;

      const { db } = await c.store();
      let tools;
      if (opts.tools !== undefined) {
        const slugs = opts.tools.split(',').map((s) => s.trim()).filter(Boolean);
        if (!slugs.length) throw new AppError('usage', '--tools needs at least one slug');
        const rows = await toolsBySlugsOr404(db, slugs);
        tools = rows.map(toToolFields);
      } else {
        tools = loadEvalSet(opts.set ?? SHIPPED_SET, { threshold: cfg.shipThreshold, critics: known.map((k) => k.id) });
      }
      const prices: Prices | undefined = opts.priceIn !== undefined ? { inPerMillion: opts.priceIn, outPerMillion: opts.priceOut! } : undefined;

      const err = c.io.stderr;
      if (!c.json) err.write(`Evaluating ${llm.model}: ${opts.reruns} reruns × ${plural(tools.length, 'tool')} × ${plural(critics.length, 'critic')}\n`);
      const { id, report } = await runEval(db, createLlmClient(llm, cfg.shipThreshold), tools, critics, {
        reruns: opts.reruns,
        prices,
        threshold: cfg.shipThreshold,
        concurrency: cfg.llmConcurrency,
        timeoutMs: cfg.llmTimeoutMs,
        maxAttempts: cfg.llmMaxAttempts,
        backoffMs: cfg.llmBackoffMs,
        onRerun: c.json
          ? undefined
          : (rerun, calls) => err.write(`  rerun ${rerun}/${opts.reruns}: ${calls.length - calls.filter((x) => x.outcome === 'failed').length} answered, ${calls.filter((x) => x.outcome === 'failed').length} failed\n`),
      });
      if (opts.report) writeFileSync(opts.report, evalMarkdown(report, new Date().toISOString().slice(0, 10)));
      c.out({ id, ...report }, () => evalTable(report, c.io.stdout.isTTY ? c.io.stdout.columns || 80 : Infinity) + (opts.report ? `\nReport written to ${opts.report}` : ''));

      if (opts.minAgreement !== undefined) {
        const a = report.overall.agreement;
        if (a === null || a < opts.minAgreement) {
          err.write(`verdict: agreement ${a === null ? 'could not be measured (no two takes on one tool)' : `${(a * 100).toFixed(1)}%`} is below --min-agreement ${(opts.minAgreement * 100).toFixed(1)}%\n`);
          c.exitCode = 1;
        }
      }
    });
}
