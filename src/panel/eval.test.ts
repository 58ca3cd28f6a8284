// Tests of `verdict eval`'s pure figures and of how it reads first answers from the runner's failure codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { reviewBodySchema, VERDICT_CONTRADICTS_SCORE } from '../domain/schemas.js';
import { classifyFailure } from './llm.js';
import {
  callCollector,
  evalMarkdown,
  evalReport,
  evalTable,
  firstAnswerOf,
  METRIC_DEFINITIONS,
  pairCounts,
  pearson,
  percentile,
  pooledSd,
  type EvalCall,
} from './eval.js';

const close = (actual: number | null, expected: number, eps = 1e-4) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

test('pairCounts: equal pairs among all pairs of a group', () => {
  assert.deepEqual(pairCounts(['ship', 'ship', 'skip']), { agree: 1, pairs: 3 });
  assert.deepEqual(pairCounts(['ship', 'ship', 'ship']), { agree: 3, pairs: 3 });
  assert.deepEqual(pairCounts(['ship', 'skip']), { agree: 0, pairs: 1 });
  assert.deepEqual(pairCounts(['ship']), { agree: 0, pairs: 0 });
  assert.deepEqual(pairCounts([]), { agree: 0, pairs: 0 });
});

test('pooledSd: squared deviations from each group mean over the summed degrees of freedom; singletons ignored', () => {
  close(pooledSd([[70, 80, 90], [50, 50]]), Math.sqrt(200 / 3));
  close(pooledSd([[70, 80, 90], [50, 50], [12]]), Math.sqrt(200 / 3));
  assert.equal(pooledSd([[60, 60, 60]]), 0);
  assert.equal(pooledSd([[5], []]), null);
});

test('pearson: ±1 on lines, 0.8 by hand, null when undefined', () => {
  close(pearson([1, 2, 3], [2, 4, 6]), 1);
  close(pearson([1, 2, 3], [3, 2, 1]), -1);
  close(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null, 'no variance');
  assert.equal(pearson([1, 2], [1, 2]), null, 'under three points');
});

test('percentile: nearest rank', () => {
  assert.equal(percentile([40, 10, 30, 20], 95), 40);
  assert.equal(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95), 19);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([], 95), null);
});

test('firstAnswerOf: contradictions, other invalid output, and failures that are not answers, by code not message', () => {
  assert.equal(firstAnswerOf({ kind: 'invalid_output', code: VERDICT_CONTRADICTS_SCORE }), 'contradiction');
  assert.equal(firstAnswerOf({ kind: 'invalid_output' }), 'invalid');
  assert.equal(firstAnswerOf({ kind: 'server_error' }), 'none');
  assert.equal(firstAnswerOf({ kind: 'timeout' }), 'none');
});

test('classifyFailure carries the code of the rule the output broke, whatever its message says', () => {
  const take = 'A solid tool for the everyday work of a small team that ships often, with clear docs and fair pricing that scales.';
  const bad = reviewBodySchema(60).safeParse({ score: 80, verdict: 'skip', take: `${take} ${take} ${take}` });
  assert.ok(!bad.success);
  const f = classifyFailure(bad.error, 1000);
  assert.deepEqual([f.kind, f.code], ['invalid_output', VERDICT_CONTRADICTS_SCORE]);
  assert.equal(firstAnswerOf(f), 'contradiction');
  const short = reviewBodySchema(60).safeParse({ score: 80, verdict: 'ship', take: 'too short' });
  assert.ok(!short.success);
  assert.equal(firstAnswerOf(classifyFailure(short.error, 1000)), 'invalid');
});

test('callCollector: reads the first answer from retry and failed events, outcomes from done, tokens from the outcomes', () => {
  const c = callCollector(2);
  const contradiction = 'invalid output: verdict contradicts score: ship if and only if score >= 60';
  const contradicts = { kind: 'invalid_output', code: VERDICT_CONTRADICTS_SCORE } as const;
  const invalid = { kind: 'invalid_output' } as const;
  c.onEvent({ type: 'queued', tool: 't', critic: 'a' });
  c.onEvent({ type: 'running', tool: 't', critic: 'a' });
  c.onEvent({ type: 'retry', tool: 't', critic: 'a', attempt: 1, reason: contradiction, failure: contradicts });
  c.onEvent({ type: 'done', tool: 't', critic: 'a', kind: 'take', score: 80, verdict: 'ship', tokens: 30, latencyMs: 12 });
  c.onEvent({ type: 'retry', tool: 't', critic: 'b', attempt: 1, reason: 'HTTP 503', failure: { kind: 'server_error' } });
  c.onEvent({ type: 'retry', tool: 't', critic: 'b', attempt: 2, reason: 'invalid output: take: must be one line', failure: invalid });
  c.onEvent({ type: 'failed', tool: 't', critic: 'b', reason: 'invalid output: take: must be one line', attempts: 3, failure: invalid });
  c.onEvent({ type: 'failed', tool: 't', critic: 'c', reason: 'invalid output: not valid JSON of the review shape', attempts: 1, failure: invalid });
  c.onEvent({ type: 'done', tool: 't', critic: 'd', kind: 'abstain', tokens: 9, latencyMs: 5 });
  const calls = c.finish([
    { tool: 't', critic: 'a', inputTokens: 20, outputTokens: 10 },
    { tool: 't', critic: 'b', inputTokens: 33, outputTokens: 3 },
    { tool: 't', critic: 'c', inputTokens: 7, outputTokens: 1 },
    { tool: 't', critic: 'd', inputTokens: 6, outputTokens: 3 },
  ]);
  assert.deepEqual(calls, [
    { rerun: 2, tool: 't', critic: 'a', outcome: 'ship', score: 80, first: 'contradiction', inputTokens: 20, outputTokens: 10, latencyMs: 12 },
    { rerun: 2, tool: 't', critic: 'b', outcome: 'failed', score: null, first: 'none', inputTokens: 33, outputTokens: 3, latencyMs: null },
    { rerun: 2, tool: 't', critic: 'c', outcome: 'failed', score: null, first: 'invalid', inputTokens: 7, outputTokens: 1, latencyMs: null },
    { rerun: 2, tool: 't', critic: 'd', outcome: 'abstain', score: null, first: 'valid', inputTokens: 6, outputTokens: 3, latencyMs: 5 },
  ]);
});

// Two critics, three tools, two reruns; every figure below is worked out by hand in the comments.
const call = (critic: string, tool: string, rerun: number, outcome: EvalCall['outcome'], score: number | null, extra: Partial<EvalCall> = {}): EvalCall => ({
  rerun,
  tool,
  critic,
  outcome,
  score,
  first: 'valid',
  inputTokens: 10,
  outputTokens: 5,
  latencyMs: outcome === 'failed' ? null : 100,
  ...extra,
});
const CALLS: EvalCall[] = [
  call('a', 't1', 1, 'ship', 70, { first: 'contradiction', latencyMs: 200 }),
  call('a', 't1', 2, 'ship', 80),
  call('a', 't2', 1, 'skip', 40),
  call('a', 't2', 2, 'ship', 60, { first: 'invalid' }),
  call('a', 't3', 1, 'abstain', null),
  call('a', 't3', 2, 'skip', 50),
  call('b', 't1', 1, 'ship', 90),
  call('b', 't1', 2, 'failed', null, { first: 'none', inputTokens: 30, outputTokens: 0 }),
  call('b', 't2', 1, 'skip', 20),
  call('b', 't2', 2, 'skip', 30),
  call('b', 't3', 1, 'ship', 65),
  call('b', 't3', 2, 'ship', 65),
];
const META = { provider: 'openai-compatible', model: 'm', reruns: 2, tools: ['t1', 't2', 't3'], critics: ['a', 'b'] };

test('evalReport: hand-computed figures per critic and overall', () => {
  const r = evalReport(CALLS, META, { inPerMillion: 1, outPerMillion: 2 });
  const [a, b] = r.perCritic;
  // Agreement: a has t1 agree (1/1), t2 disagree (0/1), t3 one take (no pair) = 1/2; b has t2 and t3 agreeing = 2/2.
  assert.equal(a!.agreement, 0.5);
  assert.equal(a!.agreementPairs, 2);
  assert.equal(b!.agreement, 1);
  assert.equal(r.overall.agreement, 0.75);
  // Score SD: a: (50 + 200) / 2; b: (50 + 0) / 2; overall: 300 / 4.
  close(a!.scoreSd, Math.sqrt(125));
  close(b!.scoreSd, 5);
  close(r.overall.scoreSd, Math.sqrt(75));
  // Abstention consistency: a: t1, t2 consistent, t3 abstain vs take = 2/3; b: t1 has one answer, t2, t3 = 2/2.
  close(a!.abstentionConsistency, 2 / 3);
  assert.equal(b!.abstentionConsistency, 1);
  assert.equal(r.overall.abstentionConsistency, 0.8);
  // First answers: a 2 of 6 invalid (1 contradiction); b's failed call had no first answer: 0 of 5.
  close(a!.invalidFirst, 2 / 6);
  close(a!.contradictingFirst, 1 / 6);
  assert.equal(b!.firstAnswers, 5);
  assert.equal(b!.invalidFirst, 0);
  close(r.overall.invalidFirst, 2 / 11);
  close(r.overall.contradictingFirst, 1 / 11);
  // Correlation of per-tool mean scores: a (75, 50, 50), b (90, 25, 65).
  close(r.pairs[0]!.correlation, 0.7924058);
  assert.deepEqual([r.pairs[0]!.a, r.pairs[0]!.b, r.pairs[0]!.tools], ['a', 'b', 3]);
  close(a!.correlation, 0.7924058);
  close(r.overall.correlation, 0.7924058);
  // Tokens: 11 calls of 10 + 5 and a failed one of 30 + 0; cost at 1 and 2 per million.
  assert.equal(r.overall.inputTokens, 140);
  assert.equal(r.overall.outputTokens, 55);
  close(r.overall.inputTokensPerCall, 140 / 12);
  close(r.overall.outputTokensPerCall, 55 / 12);
  close(r.overall.cost, 250 / 1e6, 1e-12);
  close(b!.cost, (80 + 2 * 25) / 1e6, 1e-12); // b: 5 calls of 10 + 5 and the failed 30 + 0
  // Latency over the 11 answered calls: ten of 100 ms and one of 200.
  close(r.overall.latencyMsMean, 1200 / 11);
  assert.equal(r.overall.latencyMsP95, 200);
  assert.equal(a!.latencyMsP95, 200);
  assert.equal(b!.failed, 1);
  assert.equal(r.overall.calls, 12);
});

test('evalReport: no prices, no cost; no variation, no correlation; no takes, no agreement', () => {
  const r = evalReport(CALLS, META);
  assert.equal(r.overall.cost, null);
  const flat = evalReport([call('a', 't1', 1, 'ship', 70), call('b', 't1', 1, 'ship', 70)], { ...META, reruns: 1, tools: ['t1'] });
  assert.equal(flat.overall.agreement, null, 'one rerun has no pairs');
  assert.equal(flat.overall.scoreSd, null);
  assert.equal(flat.overall.correlation, null);
});

test('table and Markdown show the figures; the Markdown and the README carry every definition', () => {
  const r = evalReport(CALLS, META, { inPerMillion: 1, outPerMillion: 2 });
  const table = evalTable(r);
  assert.match(table, /^openai-compatible m · 2 reruns × 3 tools × 2 critics = 12 calls$/m);
  assert.match(table, /^a\s+50\.0%\s+11\.2\s+66\.7%\s+33\.3%\s+16\.7%\s+0\.79\s/m);
  assert.match(table, /^overall\s+75\.0%\s+8\.7\s+80\.0%/m);
  const narrow = evalTable(r, 80).split('\n');
  assert.ok(narrow.every((l) => l.length <= 80), 'fits 80 columns');
  assert.equal(narrow.filter((l) => l.startsWith('Critic ')).length, 2, 'in two blocks, each naming the critic');
  assert.ok(narrow.some((l) => /^overall\s+75\.0%/.test(l)) && narrow.some((l) => /^overall\s.*0\.00025$/.test(l)));
  const md = evalMarkdown(r, '2026-11-30');
  assert.match(md, /^# Panel evaluation: m$/m);
  assert.match(md, /^\| b \| 100\.0% \| 5\.0 \|/m);
  assert.match(md, /^\| a \| b \| 3 \| 0\.79 \|$/m);
  const readme = readFileSync('README.md', 'utf8');
  for (const [term, def] of METRIC_DEFINITIONS) {
    const line = `- **${term}**: ${def}`;
    assert.ok(md.includes(line), `report defines ${term}`);
    assert.ok(readme.includes(line), `README defines ${term} exactly as the report does`);
  }
});
