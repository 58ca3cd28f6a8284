// Property tests: the verdict rule, panel summaries and picks agree with plain recomputations over random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { reviewBodySchema, verdictFor, VERDICTS } from './schemas.js';
import { summarize, type PanelReview } from './summary.js';
import { compareTools, type CompareInput } from './compare.js';

/** Property-based checks of the domain rules (issue 9, "Keep it fixed"): fixed seed, bounded runs, deterministic. */
const opts = { seed: 9_2026, numRuns: 300 };

const take = fc.string({ minLength: 1, maxLength: 8 }).map((w) => Array.from({ length: 25 }, () => w.replace(/\s/g, '') || 'w').join(' '));

test('ship iff score >= threshold: the review schema accepts exactly the verdict the rule gives', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 }), fc.constantFrom(...VERDICTS), take, (score, threshold, verdict, text) => {
      const ok = reviewBodySchema(threshold).safeParse({ score, verdict, take: text }).success;
      assert.equal(ok, verdict === (score >= threshold ? 'ship' : 'skip'), `score ${score}, threshold ${threshold}, ${verdict}`);
      assert.equal(verdictFor(score, threshold), score >= threshold ? 'ship' : 'skip');
    }),
    opts,
  );
});

const CRITICS = ['builder', 'skeptic', 'founder', 'guardian', 'creator'];
const review = (critic: string): fc.Arbitrary<PanelReview> =>
  fc.oneof(
    fc.integer({ min: 0, max: 100 }).map((score) => ({ critic, kind: 'take' as const, score, verdict: verdictFor(score, 60), take: 't' })),
    fc.constant({ critic, kind: 'abstain' as const, reason: 'out of my field' }),
  );
/** A panel: each critic at most once, as the latest revisions are. */
const panel = fc.subarray(CRITICS).chain((cs) => fc.tuple(...cs.map(review)) as fc.Arbitrary<PanelReview[]>);

test('panel summaries agree with a plain recomputation', () => {
  fc.assert(
    fc.property(panel, (reviews) => {
      const s = summarize(reviews);
      const takes = reviews.filter((r) => r.kind === 'take');
      const ships = takes.filter((r) => r.verdict === 'ship').length;
      const skips = takes.length - ships;
      assert.equal(s.ships, ships);
      assert.equal(s.skips, skips);
      assert.equal(s.abstentions, reviews.length - takes.length);
      if (takes.length === 0) {
        assert.equal(s.shipPct, null);
        assert.equal(s.meanScore, null);
        assert.equal(s.label, null);
        return;
      }
      assert.equal(s.shipPct, Math.round((100 * ships) / takes.length));
      const mean = takes.reduce((a, r) => a + r.score, 0) / takes.length;
      assert.ok(Math.abs(s.meanScore! - mean) <= 0.05 + 1e-9, `mean ${s.meanScore} vs ${mean}`);
      assert.equal(s.label, ships > skips ? 'Ship' : skips > ships ? 'Skip' : 'Split');
      assert.ok(s.text.includes(`${ships} ship / ${skips} skip`));
    }),
    opts,
  );
});

const tool = (slug: string): CompareInput['tool'] => ({ slug, name: slug, tagline: 't', category: 'c', pricing: { model: 'free', entry: 'Free' } });

/**
 * Picks agree with a recomputation of the generic rule: a critic who took every tool picks the tool(s) with their
 * highest score; the overall pick, when it is made on picks, has strictly the most picks and no tool one pick behind
 * with a higher mean score; a close call names exactly those tools.
 */
test('critic picks and the overall pick agree with a recomputation', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, () => panel))), (panels) => {
      const inputs = panels.map((reviews, i) => ({ tool: tool(`t${i}`), reviews, summary: summarize(reviews) }));
      const c = compareTools(inputs, CRITICS);
      const counted = panels.map(() => 0);
      for (const row of c.scorecard) {
        const cells = panels.map((p) => p.find((r) => r.critic === row.critic));
        const scores = cells.map((r) => (r?.kind === 'take' ? r.score : -1));
        const best = Math.max(...scores);
        const top = scores.flatMap((s, i) => (s === best ? [i] : []));
        // A critic picks the tool it scored highest, and only one it would ship (its verdict, not just its score).
        const ships = top.some((i) => cells[i]?.kind === 'take' && cells[i].verdict === 'ship');
        if (row.pick.kind === 'tool') {
          assert.ok(ships && top.length === 1 && top[0] === row.pick.index, `${row.critic}: ${JSON.stringify(row.pick)} vs scores ${scores}`);
          counted[row.pick.index]!++;
        } else if (row.pick.kind === 'tie') {
          assert.ok(ships);
          assert.deepEqual(row.pick.indices, top);
        } else if (row.pick.kind === 'rather') {
          // Skips every tool it took: it would rather have the higher score, and that is no pick.
          assert.ok(best >= 0 && !ships, `${row.critic}: "rather" although it ships ${scores}`);
          assert.deepEqual(row.pick.indices, top);
        } else if (cells.every((r) => r !== undefined)) {
          // Every tool reviewed and still no pick: only when no cell is a take.
          assert.equal(best, -1, `${row.critic} took a tool but picked none`);
        }
      }
      assert.deepEqual(c.picks, counted);
      const means = c.panels.map((p) => p.meanScore);
      if (c.overall.kind === 'tool' && c.overall.reason === 'picks') {
        const i = c.overall.index;
        assert.ok(c.picks.every((p, j) => j === i || p < c.picks[i]!), `overall ${i} with picks ${c.picks}`);
        // Crowned on picks only when no tool one pick behind has the higher mean score.
        assert.ok(c.picks.every((p, j) => p !== c.picks[i]! - 1 || means[j] == null || means[j]! <= means[i]!), `overall ${i}: picks ${c.picks}, means ${means}`);
      }
      if (c.overall.kind === 'close') {
        const [lead, ...rivals] = c.overall.indices as [number, ...number[]];
        assert.ok(c.picks.every((p, j) => j === lead || p < c.picks[lead]!), `close: ${lead} does not lead alone (${c.picks})`);
        const expected = c.picks.flatMap((p, j) => (p === c.picks[lead]! - 1 && means[j] != null && means[j]! > means[lead]! ? [j] : []));
        assert.deepEqual([...rivals].sort(), expected, `close: rivals ${rivals} vs ${expected} (picks ${c.picks}, means ${means})`);
        assert.ok(rivals.length > 0);
      }
    }),
    opts,
  );
});
