// Pure figures of `verdict eval`: agreement across reruns, first answers that broke the rules, correlation, tokens, latency and cost.
import type { FailureCode, PanelEvent } from './runner.js';
import { VERDICT_CONTRADICTS_SCORE } from '../domain/schemas.js';

/**
 * `verdict eval`: how steady and how rule-abiding the panel is with a given model. Pure functions of the calls
 * observed over K reruns of the panel on an eval set; src/panel/eval.service.ts runs the panel and records the run.
 */

/** What the first attempt of a call brought back: a valid answer, an invalid one, one whose verdict contradicts its score, or no answer at all (HTTP error, timeout). */
export type FirstAnswer = 'valid' | 'invalid' | 'contradiction' | 'none';

/** One critic on one tool in one rerun. */
export interface EvalCall {
  rerun: number;
  tool: string;
  critic: string;
  outcome: 'ship' | 'skip' | 'abstain' | 'failed';
  score: number | null;
  first: FirstAnswer;
  /** Over every attempt of the call. */
  inputTokens: number;
  outputTokens: number;
  /** The answered attempt's latency; null for a failed call. */
  latencyMs: number | null;
}

export interface Prices {
  /** Price per million input (prompt) tokens. */
  inPerMillion: number;
  /** Price per million output (completion) tokens. */
  outPerMillion: number;
}

export interface EvalFigures {
  calls: number;
  failed: number;
  /** Ship/skip agreement across reruns: agreeing pairs / pairs (see METRIC_DEFINITIONS). */
  agreement: number | null;
  agreementPairs: number;
  scoreSd: number | null;
  abstentionConsistency: number | null;
  firstAnswers: number;
  invalidFirst: number | null;
  contradictingFirst: number | null;
  correlation: number | null;
  inputTokensPerCall: number | null;
  outputTokensPerCall: number | null;
  latencyMsMean: number | null;
  latencyMsP95: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Total cost in the prices' currency; null without prices. */
  cost: number | null;
}

export interface EvalReport {
  provider: string;
  model: string;
  reruns: number;
  tools: string[];
  critics: string[];
  overall: EvalFigures;
  perCritic: ({ critic: string } & EvalFigures)[];
  /** Correlation of scores for each pair of critics, over the tools both took. */
  pairs: { a: string; b: string; tools: number; correlation: number | null }[];
}

/** The definitions printed in the README and at the head of every Markdown report. */
export const METRIC_DEFINITIONS: [string, string][] = [
  ['Call', 'one critic on one tool in one rerun; the eval makes tools × critics × K calls.'],
  [
    'Agreement',
    'for each critic and tool, take the reruns in which the critic gave a take (ship or skip) and count the pairs of those reruns that gave the same verdict; agreement = agreeing pairs / all such pairs, summed over tools (and over critics for the overall figure). 100% means every rerun gave the same verdict; a fair coin scores about 50%.',
  ],
  [
    'Score SD',
    'pooled within-tool standard deviation of scores across reruns: sqrt( Σ over critic-tool cells of Σ (score − cell mean)² / Σ (takes in cell − 1) ), over cells with at least two takes. 0 means every rerun gave the same score.',
  ],
  [
    'Abstention consistency',
    'like agreement, over the reruns in which the critic answered (take or abstain): the share of pairs of reruns that both abstained or both took.',
  ],
  [
    'Invalid first',
    "share of calls whose first attempt returned an answer that broke the rules (not the review shape, or a verdict contradicting its score), out of the calls whose first attempt returned an answer at all (HTTP errors and timeouts are not answers). The runner asks again in such cases, so these cost retries, not wrong reviews.",
  ],
  ['Contradicting first', 'the part of invalid first answers whose verdict contradicted its score (ship if and only if score ≥ threshold), same denominator.'],
  [
    'Correlation',
    "for a pair of critics, the Pearson correlation of their mean scores per tool, over the tools both took at least once (undefined under three such tools or when either critic's scores do not vary). A critic's figure is the mean of its defined correlations with the others; the overall figure is the mean over all defined pairs. Personas that always agree (near 1) add nothing.",
  ],
  ['Tokens per call', 'input and output tokens summed over every attempt of a call, averaged over all calls (failed ones included: they were paid for).'],
  ['Latency', 'time of the answered attempt of a call, mean and 95th percentile (nearest rank) over the calls that were answered.'],
  ['Cost', 'total input tokens × --price-in / 1,000,000 + total output tokens × --price-out / 1,000,000, in the prices\' currency.'],
  ['Failed', 'calls that got no valid answer within LLM_MAX_ATTEMPTS; they count in tokens and cost only.'],
];

/** Classifies how the runner's rejected attempt failed (see classifyFailure in llm.ts), by kind and code, never by message. */
export function firstAnswerOf(failure: FailureCode): FirstAnswer {
  if (failure.kind !== 'invalid_output') return 'none';
  return failure.code === VERDICT_CONTRADICTS_SCORE ? 'contradiction' : 'invalid';
}

/**
 * Turns one rerun's progress events into calls. The runner reports a rejected first attempt as a `retry`
 * (attempt 1) or, with a single attempt allowed, as the `failed` event itself; a `done` with neither was valid first time.
 */
export function callCollector(rerun: number) {
  const calls = new Map<string, EvalCall>();
  const key = (tool: string, critic: string) => `${tool}\u0000${critic}`;
  const get = (tool: string, critic: string) => {
    let c = calls.get(key(tool, critic));
    if (!c) {
      c = { rerun, tool, critic, outcome: 'failed', score: null, first: 'valid', inputTokens: 0, outputTokens: 0, latencyMs: null };
      calls.set(key(tool, critic), c);
    }
    return c;
  };
  const onEvent = (e: PanelEvent) => {
    const c = get(e.tool, e.critic);
    if ((e.type === 'retry' && e.attempt === 1) || (e.type === 'failed' && e.attempts === 1)) {
      c.first = firstAnswerOf(e.failure);
    }
    if (e.type === 'done') {
      c.outcome = e.kind === 'abstain' ? 'abstain' : (e.verdict as 'ship' | 'skip');
      c.score = e.score ?? null;
      c.latencyMs = e.latencyMs;
    }
    if (e.type === 'failed') c.outcome = 'failed';
  };
  /** Adds the token counts the runner returns per call, which its events do not split into input and output. */
  const finish = (outcomes: readonly { tool: string; critic: string; inputTokens: number; outputTokens: number }[]): EvalCall[] => {
    for (const o of outcomes) {
      const c = get(o.tool, o.critic);
      c.inputTokens = o.inputTokens;
      c.outputTokens = o.outputTokens;
    }
    return [...calls.values()];
  };
  return { onEvent, finish };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);
const choose2 = (n: number) => (n < 2 ? 0 : (n * (n - 1)) / 2);

/** Pairs of values that are equal, and all pairs, within one group. */
export function pairCounts(values: readonly string[]): { agree: number; pairs: number } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let agree = 0;
  for (const n of counts.values()) agree += choose2(n);
  return { agree, pairs: choose2(values.length) };
}

/** Pooled within-group standard deviation: sqrt(Σ squared deviations from each group's mean / Σ (n − 1)), groups of two or more. */
export function pooledSd(groups: readonly (readonly number[])[]): number | null {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = mean(g)!;
    for (const x of g) ss += (x - m) ** 2;
    df += g.length - 1;
  }
  return df ? Math.sqrt(ss / df) : null;
}

/** Pearson correlation; null under three points or when either side does not vary. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 3 || ys.length !== n) return null;
  const mx = mean(xs)!;
  const my = mean(ys)!;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const byCell = (calls: readonly EvalCall[]) => {
  const cells = new Map<string, EvalCall[]>();
  for (const c of calls) {
    const k = `${c.critic}\u0000${c.tool}`;
    cells.set(k, [...(cells.get(k) ?? []), c]);
  }
  return [...cells.values()];
};

const isTake = (c: EvalCall) => c.outcome === 'ship' || c.outcome === 'skip';

function figures(calls: readonly EvalCall[], correlation: number | null, prices?: Prices): EvalFigures {
  const cells = byCell(calls);
  let agree = 0;
  let pairs = 0;
  let absAgree = 0;
  let absPairs = 0;
  for (const cell of cells) {
    const v = pairCounts(cell.filter(isTake).map((c) => c.outcome));
    agree += v.agree;
    pairs += v.pairs;
    const a = pairCounts(cell.filter((c) => c.outcome !== 'failed').map((c) => (c.outcome === 'abstain' ? 'abstain' : 'take')));
    absAgree += a.agree;
    absPairs += a.pairs;
  }
  const answered = calls.filter((c) => c.first !== 'none');
  const inputTokens = calls.reduce((a, c) => a + c.inputTokens, 0);
  const outputTokens = calls.reduce((a, c) => a + c.outputTokens, 0);
  const latencies = calls.flatMap((c) => (c.latencyMs === null ? [] : [c.latencyMs]));
  return {
    calls: calls.length,
    failed: calls.filter((c) => c.outcome === 'failed').length,
    agreement: pairs ? agree / pairs : null,
    agreementPairs: pairs,
    scoreSd: pooledSd(cells.map((cell) => cell.filter(isTake).map((c) => c.score!))),
    abstentionConsistency: absPairs ? absAgree / absPairs : null,
    firstAnswers: answered.length,
    invalidFirst: answered.length ? answered.filter((c) => c.first === 'invalid' || c.first === 'contradiction').length / answered.length : null,
    contradictingFirst: answered.length ? answered.filter((c) => c.first === 'contradiction').length / answered.length : null,
    correlation,
    inputTokensPerCall: calls.length ? inputTokens / calls.length : null,
    outputTokensPerCall: calls.length ? outputTokens / calls.length : null,
    latencyMsMean: mean(latencies),
    latencyMsP95: percentile(latencies, 95),
    inputTokens,
    outputTokens,
    cost: prices ? (inputTokens * prices.inPerMillion + outputTokens * prices.outPerMillion) / 1_000_000 : null,
  };
}

/** Every figure of the report, per critic and overall, from the calls of all reruns. */
export function evalReport(
  calls: readonly EvalCall[],
  meta: { provider: string; model: string; reruns: number; tools: string[]; critics: string[] },
  prices?: Prices,
): EvalReport {
  // Mean score per tool for each critic, over its takes.
  const meanScore = new Map<string, Map<string, number>>();
  for (const critic of meta.critics) {
    const m = new Map<string, number>();
    for (const tool of meta.tools) {
      const s = mean(calls.filter((c) => c.critic === critic && c.tool === tool && isTake(c)).map((c) => c.score!));
      if (s !== null) m.set(tool, s);
    }
    meanScore.set(critic, m);
  }
  const pairs: EvalReport['pairs'] = [];
  meta.critics.forEach((a, i) =>
    meta.critics.slice(i + 1).forEach((b) => {
      const ma = meanScore.get(a)!;
      const mb = meanScore.get(b)!;
      const shared = meta.tools.filter((t) => ma.has(t) && mb.has(t));
      pairs.push({ a, b, tools: shared.length, correlation: pearson(shared.map((t) => ma.get(t)!), shared.map((t) => mb.get(t)!)) });
    }),
  );
  const defined = (ps: typeof pairs) => mean(ps.flatMap((p) => (p.correlation === null ? [] : [p.correlation])));
  return {
    ...meta,
    overall: figures(calls, defined(pairs), prices),
    perCritic: meta.critics.map((critic) => ({
      critic,
      ...figures(
        calls.filter((c) => c.critic === critic),
        defined(pairs.filter((p) => p.a === critic || p.b === critic)),
        prices,
      ),
    })),
    pairs,
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 1) => (x === null ? '–' : x.toFixed(digits));
const money = (x: number | null) => (x === null ? '–' : x < 0.01 && x > 0 ? x.toPrecision(2) : x.toFixed(2));

const COLUMNS: [string, (f: EvalFigures) => string][] = [
  ['Agree', (f) => pct(f.agreement)],
  ['Score SD', (f) => num(f.scoreSd)],
  ['Abstain cons.', (f) => pct(f.abstentionConsistency)],
  ['Invalid 1st', (f) => pct(f.invalidFirst)],
  ['Contra. 1st', (f) => pct(f.contradictingFirst)],
  ['Corr.', (f) => num(f.correlation, 2)],
  ['Tok in/call', (f) => num(f.inputTokensPerCall, 0)],
  ['Tok out/call', (f) => num(f.outputTokensPerCall, 0)],
  ['Latency ms', (f) => `${num(f.latencyMsMean, 0)} / p95 ${num(f.latencyMsP95, 0)}`],
  ['Failed', (f) => `${f.failed}/${f.calls}`],
  ['Cost', (f) => money(f.cost)],
];

const rows = (r: EvalReport) => [...r.perCritic.map((f) => [f.critic, ...COLUMNS.map(([, g]) => g(f))]), ['overall', ...COLUMNS.map(([, g]) => g(r.overall))]];

/** Plain-text table for a terminal: one row per critic and one overall; columns that do not fit `width` go to a further block. */
export function evalTable(r: EvalReport, width = Infinity): string {
  const header = ['Critic', ...COLUMNS.map(([h]) => h)];
  const body = rows(r);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  // Greedy blocks of metric columns, each repeating the critic column.
  const blocks: number[][] = [];
  for (let i = 1, used = 0; i < header.length; i++) {
    if (!blocks.length || used + 2 + widths[i]! > width) {
      blocks.push([0]);
      used = widths[0]!;
    }
    blocks.at(-1)!.push(i);
    used += 2 + widths[i]!;
  }
  const line = (cells: string[], cols: number[]) => cols.map((i) => (i === 0 ? cells[i]!.padEnd(widths[i]!) : cells[i]!.padStart(widths[i]!))).join('  ');
  return [
    `${r.provider} ${r.model} · ${r.reruns} reruns × ${r.tools.length} tools × ${r.critics.length} critics = ${r.overall.calls} calls`,
    ...blocks.flatMap((cols, b) => [
      ...(b ? [''] : []),
      line(header, cols),
      cols.map((i) => '─'.repeat(widths[i]!)).join('  '),
      ...body.map((row) => line(row, cols)),
    ]),
  ].join('\n');
}

/** The Markdown report: what was run, the definitions, the table and the critic-pair correlations. */
export function evalMarkdown(r: EvalReport, date: string): string {
  const mdRow = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const header = ['Critic', ...COLUMNS.map(([h]) => h)];
  return [
    `# Panel evaluation: ${r.model}`,
    '',
    `${date} · provider ${r.provider} · model ${r.model} · ${r.reruns} reruns × ${r.tools.length} tools × ${r.critics.length} critics = ${r.overall.calls} calls.`,
    '',
    `Tools: ${r.tools.join(', ')}.`,
    '',
    '## Definitions',
    '',
    ...METRIC_DEFINITIONS.map(([term, def]) => `- **${term}**: ${def}`),
    '',
    '## Results',
    '',
    mdRow(header),
    mdRow(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows(r).map(mdRow),
    '',
    '## Score correlation between critics',
    '',
    mdRow(['Critic', 'Critic', 'Shared tools', 'Correlation']),
    mdRow(['---', '---', '---:', '---:']),
    ...r.pairs.map((p) => mdRow([p.a, p.b, String(p.tools), num(p.correlation, 2)])),
    '',
  ].join('\n');
}
