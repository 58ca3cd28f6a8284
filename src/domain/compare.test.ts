// Tests of the pure comparison: critic picks, the overall pick and its reasons, with worked cases and a property test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareTools, criticPick, DECISION_RULE, decisionRows, differentJobs, differentJobsText, overallPick, overallText, type CompareInput } from './compare.js';
import { summarize, type PanelReview } from './summary.js';

const take = (critic: string, score: number): PanelReview => ({ critic, kind: 'take', score, verdict: score >= 60 ? 'ship' : 'skip', take: 't' });
const abstain = (critic: string): PanelReview => ({ critic, kind: 'abstain', reason: 'not my lane' });
const tool = (slug: string, reviews: PanelReview[], community?: { ships: number; skips: number }): CompareInput => ({
  tool: { slug, name: slug.toUpperCase(), tagline: `${slug} tagline`, category: 'Developer Tools', pricing: { model: 'free', entry: 'Free' } },
  reviews,
  summary: summarize(reviews),
  community,
});
const ORDER = ['builder', 'skeptic', 'futurist', 'creator', 'founder', 'guardian', 'researcher'];

test('the seed comparison: karpathy-coding-skills vs smolvlm2', () => {
  const a = tool('karpathy-coding-skills', [take('builder', 80), take('skeptic', 45), take('futurist', 80), take('creator', 80), abstain('founder')]);
  const b = tool('smolvlm2', [take('builder', 88), take('skeptic', 82), take('futurist', 85), abstain('creator'), take('founder', 78)]);
  const c = compareTools([a, b], ORDER);
  assert.deepEqual(c.scorecard.map((r) => r.critic), ['builder', 'skeptic', 'futurist', 'creator', 'founder']);
  assert.deepEqual(
    c.scorecard.map((r) => r.pick),
    [{ kind: 'tool', index: 1 }, { kind: 'tool', index: 1 }, { kind: 'tool', index: 1 }, { kind: 'tool', index: 0 }, { kind: 'tool', index: 1 }],
  );
  assert.deepEqual(c.picks, [1, 4]);
  assert.deepEqual(c.overall, { kind: 'tool', index: 1, reason: 'picks' });
  assert.equal(overallText(c), 'SMOLVLM2: picked by 4 of 5 critics');
  const rows = decisionRows(c);
  assert.deepEqual(rows[0], { label: 'Panel verdict', values: ['Ship · 3 ship / 1 skip · avg 71.3', 'Ship · 4 ship / 0 skip · avg 83.3'] });
  assert.deepEqual(rows[1], { label: 'Critic picks', values: ['1 of 5', '4 of 5'] });
  assert.deepEqual(rows[2], { label: 'Mean score', values: ['71.3', '83.3'] });
  assert.deepEqual(rows[3]!.values, ['75%', '100%']);
  assert.deepEqual(rows[4]!.values, ['No community votes yet', 'No community votes yet']);
  // No tool has a "best for": the row is left out rather than filled with taglines.
  assert.deepEqual(rows.map((r) => r.label), ['Panel verdict', 'Critic picks', 'Mean score', 'Panel ship %', 'Community', 'Pricing', 'Category']);
});

test('critic pick: higher score, take beats abstention, equal scores tie', () => {
  assert.deepEqual(criticPick([take('x', 70), take('x', 71)]), { kind: 'tool', index: 1 });
  assert.deepEqual(criticPick([take('x', 70), abstain('x')]), { kind: 'tool', index: 0 });
  assert.deepEqual(criticPick([take('x', 70), take('x', 70), take('x', 20)]), { kind: 'tie', indices: [0, 1] });
  assert.deepEqual(criticPick([abstain('x'), abstain('x')]), { kind: 'none', reason: 'no-takes' });
  assert.deepEqual(criticPick([take('x', 90), null]), { kind: 'none', reason: 'not-reviewed' });
});

test('a critic who skips every tool picks none: it would only rather have the higher score', () => {
  assert.deepEqual(criticPick([take('x', 58), take('x', 50), take('x', 40)]), { kind: 'rather', indices: [0] });
  assert.deepEqual(criticPick([take('x', 30), take('x', 30)]), { kind: 'rather', indices: [0, 1] });
  assert.deepEqual(criticPick([abstain('x'), take('x', 10)]), { kind: 'rather', indices: [1] });
  // One ship among skips is a pick.
  assert.deepEqual(criticPick([take('x', 59), take('x', 60)]), { kind: 'tool', index: 1 });
});

test('Cursor vs v0 vs bolt.new: the pick agrees with the critic picks and mean scores shown', () => {
  const cursor = tool('cursor', [take('builder', 86), take('skeptic', 58), take('futurist', 74), abstain('creator'), take('founder', 70), take('guardian', 52)]);
  const v0 = tool('v0', [take('builder', 72), take('skeptic', 50), take('futurist', 61), take('creator', 70), take('founder', 64), take('guardian', 57)]);
  const bolt = tool('bolt-new', [take('builder', 56), take('skeptic', 40), take('futurist', 62), take('creator', 66), take('founder', 52), take('guardian', 48), abstain('researcher')]);
  const c = compareTools([cursor, v0, bolt], ORDER);
  // Skeptic and Guardian skip all three: no pick for them (they used to hand Cursor and v0 a "Pick" on a Skip).
  assert.deepEqual(c.scorecard.find((r) => r.critic === 'skeptic')!.pick, { kind: 'rather', indices: [0] });
  assert.deepEqual(c.scorecard.find((r) => r.critic === 'guardian')!.pick, { kind: 'rather', indices: [1] });
  assert.deepEqual(c.picks, [3, 1, 0]);
  assert.deepEqual(c.overall, { kind: 'tool', index: 0, reason: 'picks' });
  assert.equal(overallText(c), 'CURSOR: picked by 3 of 7 critics');
  const rows = decisionRows(c);
  assert.deepEqual(rows.find((r) => r.label === 'Critic picks')!.values, ['3 of 7', '1 of 7', '0 of 7']);
  assert.deepEqual(rows.find((r) => r.label === 'Mean score')!.values, ['68', '62.3', '54']);
});

test('four tools with even picks: the mean score that decides is in the table and the text', () => {
  const a = tool('a', [take('builder', 90), take('skeptic', 61)]);
  const b = tool('b', [take('builder', 70), take('skeptic', 70)]);
  const c = compareTools([a, b, tool('c', [take('builder', 20), take('skeptic', 20)]), tool('d', [take('builder', 10), take('skeptic', 10)])], ORDER);
  assert.deepEqual(c.picks, [1, 1, 0, 0]);
  assert.deepEqual(c.overall, { kind: 'tool', index: 0, reason: 'mean-score' });
  assert.equal(overallText(c), 'A: critic picks are even (1 each), so the higher mean score decides (avg 75.5 vs avg 70)');
  assert.deepEqual(decisionRows(c).find((r) => r.label === 'Mean score')!.values, ['75.5', '70', '20', '10']);
});

test('property: the pick is always the tool the shown figures point to, and no pick is a Skip', () => {
  const cell = fc.oneof(fc.constant(null), fc.constant('abstain' as const), fc.integer({ min: 0, max: 100 }));
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 4 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 7 })), (grid) => {
      const n = grid[0]?.length ?? 2;
      const inputs = Array.from({ length: n }, (_, t) =>
        tool(`t${t}`, grid.flatMap((row, k) => (row[t] === null || row[t] === undefined ? [] : row[t] === 'abstain' ? [abstain(ORDER[k]!)] : [take(ORDER[k]!, row[t] as number)]))),
      );
      const c = compareTools(inputs, ORDER);
      for (const r of c.scorecard) if (r.pick.kind === 'tool') assert.equal((r.cells[r.pick.index] as { verdict: string }).verdict, 'ship');
      const shown = decisionRows(c);
      const picks = shown.find((r) => r.label === 'Critic picks')!.values.map((v) => Number(v.split(' ')[0]));
      const means = shown.find((r) => r.label === 'Mean score')!.values.map((v) => (v === '—' ? -1 : Number(v)));
      if (c.overall.kind === 'tool') {
        const i = c.overall.index;
        assert.ok(picks.every((p) => p <= picks[i]!), 'no tool has more critic picks than the pick');
        const tied = picks.flatMap((p, j) => (p === picks[i] && j !== i ? [j] : []));
        if (c.overall.reason === 'picks') {
          assert.equal(tied.length, 0);
          // Crowned on picks: no tool one pick behind has a higher mean score (that would be a close call).
          assert.ok(picks.every((p, j) => p !== picks[i]! - 1 || means[j]! <= means[i]!), `picks ${picks}, means ${means}`);
        } else assert.ok(tied.every((j) => means[j]! < means[i]!), 'the pick has the highest mean among those tied on picks');
      }
      if (c.overall.kind === 'close') {
        // A close call: the leader has the most picks, alone, by exactly one over each rival, and each rival a higher mean.
        const [lead, ...rivals] = c.overall.indices;
        assert.ok(picks.every((p, j) => j === lead || p < picks[lead!]!), `picks ${picks}`);
        assert.ok(rivals.length > 0);
        for (const j of rivals) assert.ok(picks[j] === picks[lead!]! - 1 && means[j]! > means[lead!]!, `rival ${j}: picks ${picks}, means ${means}`);
        // ...and every tool one pick behind with a higher mean is named.
        const expected = picks.flatMap((p, j) => (p === picks[lead!]! - 1 && means[j]! > means[lead!]! ? [j] : []));
        assert.deepEqual([...rivals].sort(), expected.sort());
        assert.match(overallText(c), /^Close call between /);
      }
    }),
  );
});

test('different jobs: a tool sharing no tag or use-case with the others is named', () => {
  const mk = (slug: string, tags: string[], bestFor?: string): CompareInput => ({ ...tool(slug, []), tool: { ...tool(slug, []).tool, tags, bestFor } });
  // Suno and Whisper share one broad tag: not the same job.
  assert.deepEqual(differentJobs([{ tags: ['music', 'audio'] }, { tags: ['speech-to-text', 'audio'] }]), [0, 1]);
  assert.deepEqual(differentJobs([{ tags: ['a', 'b'] }, { tags: ['B', 'a'] }]), []);
  assert.deepEqual(differentJobs([{ tags: ['a', 'a'] }, { tags: ['a'] }]), [0, 1], 'a repeated tag counts once');
  assert.deepEqual(differentJobs([{ tags: [], bestFor: 'Local chat' }, { tags: [], bestFor: 'local chat ' }]), []);
  assert.deepEqual(differentJobs([{ tags: ['x', 'y'] }, { tags: ['x', 'y'] }, { tags: ['x', 'z'] }]), [2]);
  const two = compareTools([mk('suno', ['music', 'audio']), mk('whisper', ['speech-to-text', 'audio'])], ORDER);
  assert.match(differentJobsText(two)!, /^These tools do different jobs \(no shared use-case, fewer than 2 shared tags\)/);
  const three = compareTools([mk('a', ['x', 'y']), mk('b', ['x', 'y']), mk('c', ['x'], 'Video')], ORDER);
  assert.equal(differentJobsText(three), 'C does a different job from the others (no shared use-case, fewer than 2 shared tags).');
  assert.equal(differentJobsText(compareTools([mk('a', ['x', 'y']), mk('b', ['y', 'x'])], ORDER)), undefined);
  assert.deepEqual(decisionRows(three).find((r) => r.label === 'Best for')!.values, ['—', '—', 'Video']);
});

test('overall pick: most picks, then mean score, else it depends', () => {
  assert.deepEqual(overallPick([3, 1], [50, 90]), { kind: 'tool', index: 0, reason: 'picks' });
  assert.deepEqual(overallPick([2, 1], [90, 50]), { kind: 'tool', index: 0, reason: 'picks' });
  assert.deepEqual(overallPick([2, 1], [70, 70]), { kind: 'tool', index: 0, reason: 'picks' }, 'an equal mean does not contradict the picks');
  assert.deepEqual(overallPick([1, 1], [50, 90]), { kind: 'tool', index: 1, reason: 'mean-score' });
  assert.deepEqual(overallPick([1, 1], [70, 70]), { kind: 'depends' });
  assert.deepEqual(overallPick([0, 0], [null, null]), { kind: 'depends' });
  assert.deepEqual(overallPick([2, 2, 0], [60, 61, 99]), { kind: 'tool', index: 1, reason: 'mean-score' });
  assert.deepEqual(overallPick([0, 0], [40, 30]), { kind: 'tool', index: 0, reason: 'mean-score' });
});

test('a split panel says plainly that it depends', () => {
  const a = tool('a', [take('builder', 90), take('skeptic', 40)]);
  const b = tool('b', [take('builder', 40), take('skeptic', 90)]);
  const c = compareTools([a, b], ORDER);
  assert.equal(c.overall.kind, 'depends');
  assert.match(overallText(c), /depends on who you are/);
});

test('no reviews at all: empty scorecard, no panel takes, depends', () => {
  const c = compareTools([tool('a', []), tool('b', [])], ORDER);
  assert.equal(c.scorecard.length, 0);
  assert.deepEqual(decisionRows(c)[0]!.values, ['No panel takes yet', 'No panel takes yet']);
  assert.deepEqual(decisionRows(c).find((r) => r.label === 'Mean score')!.values, ['—', '—']);
  assert.equal(c.overall.kind, 'depends');
});

test('up to four tools, community counts shown, and bounds enforced', () => {
  const four = ['a', 'b', 'c', 'd'].map((s, i) => tool(s, [take('builder', 50 + i * 10)], { ships: i, skips: 1 }));
  const c = compareTools(four, ORDER);
  assert.deepEqual(c.scorecard[0]!.pick, { kind: 'tool', index: 3 });
  assert.equal(decisionRows(c).find((r) => r.label === 'Community')!.values[3], '4 votes so far · 3 ship / 1 skip');
  assert.throws(() => compareTools(four.slice(0, 1), ORDER), RangeError);
  assert.throws(() => compareTools([...four, four[0]!], ORDER), RangeError);
});

test('critics missing from the configured order still appear, after the known ones', () => {
  const c = compareTools([tool('a', [take('zeta', 70), take('builder', 70)]), tool('b', [])], ORDER);
  assert.deepEqual(c.scorecard.map((r) => r.critic), ['builder', 'zeta']);
});

test('a one-pick lead against a higher mean score is a close call, not a winner (issue 20, point 3)', () => {
  assert.deepEqual(overallPick([2, 1], [50, 90]), { kind: 'close', indices: [0, 1] });
  assert.deepEqual(overallPick([1, 0], [60, 61]), { kind: 'close', indices: [0, 1] }, 'one pick against none');
  assert.deepEqual(overallPick([1, 2, 1, 1], [80, 70, 60, 90]), { kind: 'close', indices: [1, 3, 0] }, 'every rival one pick behind with a higher mean, best mean first');
  assert.deepEqual(overallPick([3, 1, 2], [60, 99, 50]), { kind: 'tool', index: 0, reason: 'picks' }, 'two picks behind is no contest');
  // The four tools of the issue: vLLM leads LangChain and Hugging Face Transformers by one pick; the Transformers' mean is higher.
  const langchain = tool('langchain', [take('builder', 62), take('skeptic', 44), take('futurist', 56), take('founder', 71), take('guardian', 53), abstain('creator')]);
  const llamaindex = tool('llamaindex', [take('builder', 74), take('skeptic', 58), take('researcher', 66), take('founder', 55), take('guardian', 61), abstain('creator')]);
  const vllm = tool('vllm', [take('builder', 90), take('skeptic', 74), take('futurist', 76), take('founder', 68), take('guardian', 70), take('researcher', 80), abstain('creator')]);
  const hf = tool('hf', [take('builder', 86), take('skeptic', 78), take('futurist', 72), take('guardian', 64), take('researcher', 88), abstain('founder'), abstain('creator')]);
  const c = compareTools([langchain, llamaindex, vllm, hf], ORDER);
  assert.deepEqual(c.picks, [1, 0, 2, 1]);
  assert.deepEqual(c.overall, { kind: 'close', indices: [2, 3] });
  assert.equal(overallText(c), 'Close call between VLLM and HF: VLLM has one more critic pick (2 of 7 vs 1), HF the higher mean score (avg 77.6 vs avg 76.3).');
  assert.match(DECISION_RULE, /leads by a single pick and a tool one pick behind has the higher mean score/);
});
