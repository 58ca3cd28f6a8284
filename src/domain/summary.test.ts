// Tests of the panel and community summaries: worked cases of labels, ship % rounding and counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, summarizeVotes, disagree, disagreementText, chipText, chipParts, shipShareText, MIN_VOTES, type PanelReview } from './summary.js';

const take = (critic: string, score: number): PanelReview => ({ critic, kind: 'take', score, verdict: score >= 60 ? 'ship' : 'skip', take: 't' });
const abstain = (critic: string): PanelReview => ({ critic, kind: 'abstain', reason: 'not my lane' });

test('worked case (a): Ship, 75%, 3 ship / 1 skip', () => {
  const s = summarize([take('builder', 80), take('skeptic', 45), take('futurist', 80), take('creator', 80), abstain('founder')]);
  assert.deepEqual(s, { ships: 3, skips: 1, abstentions: 1, shipPct: 75, meanScore: 71.3, label: 'Ship', text: 'Ship · 3 ship / 1 skip' });
});

test('worked case (b): Ship, 100%, 4 ship / 0 skip', () => {
  const s = summarize([take('builder', 88), take('skeptic', 82), take('futurist', 85), abstain('creator'), take('founder', 78)]);
  assert.equal(s.label, 'Ship');
  assert.equal(s.shipPct, 100);
  assert.equal(s.text, 'Ship · 4 ship / 0 skip');
  assert.equal(s.meanScore, 83.3);
  assert.equal(s.abstentions, 1);
});

test('more skips than ships is Skip', () => {
  const s = summarize([take('a', 10), take('b', 59), take('c', 60)]);
  assert.equal(s.label, 'Skip');
  assert.equal(s.shipPct, 33);
  assert.equal(s.text, 'Skip · 1 ship / 2 skip');
});

test('a tie is Split at 50%', () => {
  const s = summarize([take('a', 90), take('b', 20), abstain('c')]);
  assert.equal(s.label, 'Split');
  assert.equal(s.shipPct, 50);
  assert.equal(s.text, 'Split · 1 ship / 1 skip');
});

test('all abstain and no reviews: no panel takes yet', () => {
  for (const reviews of [[abstain('a'), abstain('b')], []]) {
    const s = summarize(reviews);
    assert.equal(s.label, null);
    assert.equal(s.shipPct, null);
    assert.equal(s.meanScore, null);
    assert.equal(s.text, 'No panel takes yet');
    assert.equal(s.abstentions, reviews.length);
  }
});

test('ship % rounds to a whole percent', () => {
  // 2 of 3 = 66.67 -> 67; 1 of 8 = 12.5 -> 13
  assert.equal(summarize([take('a', 70), take('b', 70), take('c', 1)]).shipPct, 67);
  const eight = [take('a', 70), ...'bcdefgh'.split('').map((c) => take(c, 10))];
  assert.equal(summarize(eight).shipPct, 13);
});

test('every combination of up to 4 takes agrees with the definition', () => {
  const scores = [0, 59, 60, 100];
  const combos: number[][] = [[]];
  for (let n = 0; n < 4; n++) for (const c of [...combos]) if (c.length === n) for (const s of scores) combos.push([...c, s]);
  for (const c of combos) {
    const s = summarize(c.map((x, i) => take(`c${i}`, x)));
    const ships = c.filter((x) => x >= 60).length;
    const skips = c.length - ships;
    assert.equal(s.ships + s.skips, c.length);
    assert.equal(s.label, c.length === 0 ? null : ships > skips ? 'Ship' : skips > ships ? 'Skip' : 'Split');
    if (c.length) assert.equal(s.shipPct, Math.round((100 * ships) / c.length));
  }
});

test('community votes in the panel\'s wording; no label, and no disagreement, below MIN_VOTES', () => {
  assert.equal(MIN_VOTES, 10);
  assert.equal(summarizeVotes(0, 0).text, 'No community votes yet');
  assert.equal(summarizeVotes(28, 13).text, 'Ship · 28 ship / 13 skip · 41 votes');
  assert.equal(summarizeVotes(1, 0).text, '1 vote so far · 1 ship / 0 skip');
  assert.equal(summarizeVotes(0, 1).label, null);
  assert.equal(summarizeVotes(4, 5).text, '9 votes so far · 4 ship / 5 skip');
  assert.equal(summarizeVotes(5, 5).text, 'Split · 5 ship / 5 skip · 10 votes');
  const panelShip = summarize([take('a', 80)]);
  assert.equal(disagree(panelShip, summarizeVotes(0, 1)), false, 'one vote is not a crowd');
  assert.equal(disagree(panelShip, summarizeVotes(1, 8)), false, 'nine votes are not either');
  assert.equal(disagree(panelShip, summarizeVotes(1, 9)), true);
  assert.equal(disagree(panelShip, summarizeVotes(9, 1)), false);
  assert.equal(disagree(panelShip, summarizeVotes(0, 0)), false);
  assert.equal(disagree(summarize([]), summarizeVotes(0, 30)), false);
  assert.equal(disagree(summarize([take('a', 10)]), summarizeVotes(20, 2)), true);
  assert.equal(
    disagreementText(panelShip, summarizeVotes(2, 10)),
    'Critics and community disagree: the panel says Ship · 1 ship / 0 skip, voters say Skip · 2 ship / 10 skip (12 votes; shown from 10 votes).',
  );
});

test('the verdict chip names its parts: no bare percentage beside the label (issue 20, point 1)', () => {
  assert.equal(chipText(summarize([take('a', 80), take('b', 90), take('c', 80), take('d', 82)])), 'Ship · 4 ship / 0 skip · avg 83');
  assert.equal(chipText(summarize([take('a', 80), take('b', 45), take('c', 80)])), 'Ship · 2 ship / 1 skip · avg 68.3');
  assert.deepEqual(chipParts(summarize([take('a', 40), take('b', 80)])), ['Split', '1 ship / 1 skip', 'avg 60']);
  // Notion AI on the demo: two ships, three skips. It used to read "Skip 40%", as if 40% said skip.
  const notion = summarize([take('a', 73), take('b', 66), take('c', 47), take('d', 58), take('e', 52)]);
  assert.equal(chipText(notion), 'Skip · 2 ship / 3 skip · avg 59.2');
  assert.equal(shipShareText(notion.shipPct!), '40% ship');
  for (const s of [notion, summarize([take('a', 90)]), summarize([take('a', 1), take('b', 99)])]) assert.doesNotMatch(chipText(s), /^(Ship|Skip|Split) \d/);
  assert.equal(chipText(summarize([])), 'No panel takes yet');
});
