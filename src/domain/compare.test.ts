import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTools, criticPick, decisionRows, overallPick, overallText, type CompareInput } from './compare.js';
import type { PanelReview } from './summary.js';

const take = (critic: string, score: number): PanelReview => ({ critic, kind: 'take', score, verdict: score >= 60 ? 'ship' : 'skip', take: 't' });
const abstain = (critic: string): PanelReview => ({ critic, kind: 'abstain', reason: 'not my lane' });
const tool = (slug: string, reviews: PanelReview[], community?: { ships: number; skips: number }): CompareInput => ({
  tool: { slug, name: slug.toUpperCase(), tagline: `${slug} tagline`, category: 'Developer Tools', pricing: { model: 'free', entry: 'Free' } },
  reviews,
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
  assert.deepEqual(rows[0], { label: 'Panel verdict', values: ['Ship · 3 ship / 1 skip', 'Ship · 4 ship / 0 skip'] });
  assert.deepEqual(rows[1]!.values, ['75%', '100%']);
  assert.deepEqual(rows[2]!.values, ['No community votes yet', 'No community votes yet']);
  assert.deepEqual(rows.map((r) => r.label), ['Panel verdict', 'Panel ship %', 'Community', 'Pricing', 'Best for', 'Category']);
});

test('critic pick: higher score, take beats abstention, equal scores tie', () => {
  assert.deepEqual(criticPick([take('x', 70), take('x', 71)]), { kind: 'tool', index: 1 });
  assert.deepEqual(criticPick([take('x', 10), abstain('x')]), { kind: 'tool', index: 0 });
  assert.deepEqual(criticPick([take('x', 70), take('x', 70), take('x', 20)]), { kind: 'tie', indices: [0, 1] });
  assert.deepEqual(criticPick([abstain('x'), abstain('x')]), { kind: 'none', reason: 'no-takes' });
  assert.deepEqual(criticPick([take('x', 90), null]), { kind: 'none', reason: 'not-reviewed' });
});

test('overall pick: most picks, then mean score, else it depends', () => {
  assert.deepEqual(overallPick([2, 1], [50, 90]), { kind: 'tool', index: 0, reason: 'picks' });
  assert.deepEqual(overallPick([1, 1], [50, 90]), { kind: 'tool', index: 1, reason: 'mean-score' });
  assert.deepEqual(overallPick([1, 1], [70, 70]), { kind: 'depends' });
  assert.deepEqual(overallPick([0, 0], [null, null]), { kind: 'depends' });
  assert.deepEqual(overallPick([2, 2, 0], [60, 61, 99]), { kind: 'tool', index: 1, reason: 'mean-score' });
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
  assert.deepEqual(decisionRows(c)[1]!.values, ['—', '—']);
  assert.equal(c.overall.kind, 'depends');
});

test('up to four tools, community counts shown, and bounds enforced', () => {
  const four = ['a', 'b', 'c', 'd'].map((s, i) => tool(s, [take('builder', 50 + i * 10)], { ships: i, skips: 1 }));
  const c = compareTools(four, ORDER);
  assert.deepEqual(c.scorecard[0]!.pick, { kind: 'tool', index: 3 });
  assert.equal(decisionRows(c)[2]!.values[3], '75% ship · 4 votes');
  assert.throws(() => compareTools(four.slice(0, 1), ORDER), RangeError);
  assert.throws(() => compareTools([...four, four[0]!], ORDER), RangeError);
});

test('critics missing from the configured order still appear, after the known ones', () => {
  const c = compareTools([tool('a', [take('zeta', 70), take('builder', 70)]), tool('b', [])], ORDER);
  assert.deepEqual(c.scorecard.map((r) => r.critic), ['builder', 'zeta']);
});
