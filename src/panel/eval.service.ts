// `verdict eval`'s runner: loads the eval set, reruns the panel on it K times and records the report.
import { readFileSync } from 'node:fs';
import type { Db } from '../db/db.js';
import type { ToolRow } from '../db/types.js';
import type { Critic, ToolFields } from '../domain/schemas.js';
import { AppError } from '../errors.js';
import { parseImport } from '../catalog/import.js';
import { toToolColumns } from '../catalog/tool.js';
import type { LlmClient } from './llm.js';
import { promptVersion } from './prompt.js';
import { runPanel, type PanelOptions } from './runner.js';
import { callCollector, evalReport, type EvalCall, type EvalReport, type Prices } from './eval.js';
import { finishEvalRun, startEvalRun } from './eval-runs.repo.js';

/** Reads an eval set in the import format; its reviews, if any, are ignored. */
export function loadEvalSet(file: string, opts: { threshold: number; critics: readonly string[] }): ToolFields[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('usage', `Cannot read eval set ${file}: ${(err as Error).message}`);
  }
  return parseImport(doc, opts).map(({ reviews: _reviews, ...fields }) => fields);
}

/** The runner reads tool rows; an eval tool need not be in the catalog, and nothing is written for it (`evaluation`). */
const evalToolRow = (t: ToolFields, i: number): ToolRow => ({
  id: -(i + 1),
  ...toToolColumns(t),
  panelBestFor: null,
  panelBestForRunId: null,
  createdAt: '',
  updatedAt: '',
  panelShips: 0,
  panelSkips: 0,
  panelAbstentions: 0,
  panelTakes: 0,
  panelShipPct: null,
  panelMeanScore: null,
  panelLabel: null,
  communityShips: 0,
  communitySkips: 0,
  touched: 0,
  researchedAt: null,
});

export interface EvalOptions extends Omit<PanelOptions, 'onEvent' | 'evaluation'> {
  reruns: number;
  prices?: Prices;
  /** Called after each rerun with its calls. */
  onRerun?: (rerun: number, calls: EvalCall[]) => void;
}

/**
 * Runs the panel `reruns` times on the tools with the real client, retries and validation, but as an evaluation:
 * no panel run, failure or review revision is written, so no page or figure changes. The eval itself is recorded
 * in eval_runs with its report.
 */
export async function runEval(db: Db, llm: LlmClient, tools: readonly ToolFields[], critics: readonly Critic[], opts: EvalOptions): Promise<{ id: number; report: EvalReport }> {
  const { reruns, prices, onRerun, ...panel } = opts;
  const id = await startEvalRun(db, {
    provider: llm.provider,
    model: llm.model,
    promptVersion: critics.map(promptVersion).join(' '),
    reruns,
    toolCount: tools.length,
  });
  const rows = tools.map(evalToolRow);
  const calls: EvalCall[] = [];
  try {
    for (let rerun = 1; rerun <= reruns; rerun++) {
      const collect = callCollector(rerun);
      const result = await runPanel(db, llm, rows, critics, { ...panel, evaluation: true, onEvent: collect.onEvent });
      const these = collect.finish(result.outcomes);
      calls.push(...these);
      onRerun?.(rerun, these);
    }
  } catch (err) {
    await finishEvalRun(db, id, { status: 'failed', ...tokens(calls), report: null });
    throw err;
  }
  const report = evalReport(calls, { provider: llm.provider, model: llm.model, reruns, tools: tools.map((t) => t.slug), critics: critics.map((c) => c.id) }, prices);
  await finishEvalRun(db, id, { status: 'done', ...tokens(calls), report: JSON.stringify(report) });
  return { id, report };
}

const tokens = (calls: readonly EvalCall[]) => ({
  inputTokens: calls.reduce((a, c) => a + c.inputTokens, 0),
  outputTokens: calls.reduce((a, c) => a + c.outputTokens, 0),
});
