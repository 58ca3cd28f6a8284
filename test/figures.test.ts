import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { sql } from 'kysely';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFakeLlm, criticOf, isBestForRequest, bestForJson } from './helpers/fake-llm.js';
import { CRITICS, CRITIC_IDS, takeJson, toolDoc, words } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { withPanels, type ToolWithPanel } from '../src/catalog/catalog.service.js';
import { searchCatalog, type LabelFilter, type SearchParams } from '../src/catalog/search.service.js';
import { searchToolRows } from '../src/catalog/search.repo.js';
import { addReview } from '../src/catalog/reviews.repo.js';
import { countCriticReviews, criticReviews } from '../src/catalog/critics.repo.js';
import { castVote, removeVote, voteCounts } from '../src/community/votes.repo.js';
import { createMagicLink, signInWithLink } from '../src/community/accounts.js';
import { userOwnerId } from '../src/community/visitor.js';
import { createLlmClient } from '../src/panel/llm.js';
import { runPanel } from '../src/panel/runner.js';
import type { Db } from '../src/db/db.js';
import type { ToolRow } from '../src/db/types.js';
import { summarize } from '../src/domain/summary.js';

const TOOLS = 800;
const CATEGORIES = ['Developer Tools', 'Video', 'Writing', 'Vision'];
const SCORES = [20, 40, 55, 60, 75, 90];

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reviewsFor(rand: () => number) {
  // Some tools get no reviews, some only abstentions, most a few takes (ties and splits on purpose: few scores).
  const n = Math.floor(rand() * (CRITIC_IDS.length + 2)) - 1;
  return CRITIC_IDS.filter(() => rand() < n / CRITIC_IDS.length).map((critic) => {
    if (rand() < 0.15) return { critic, abstain: true, reason: 'Outside what this critic judges' };
    const score = SCORES[Math.floor(rand() * SCORES.length)]!;
    return { critic, score, verdict: score >= 60 ? 'ship' : 'skip', take: words(45) };
  });
}

const catalog = (from: number, to: number, seed: number) => {
  const rand = prng(seed);
  return {
    tools: Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      return toolDoc(`tool-${String(i).padStart(5, '0')}`, {
        category: CATEGORIES[i % CATEGORIES.length],
        tagline: i % 3 === 0 ? `tool ${i} for vision work` : `tool ${i} does things`,
        reviews: reviewsFor(rand),
      });
    }),
  };
};

const importDoc = (db: Db, doc: unknown) => importTools(db, parseImport(doc, { threshold: 60, critics: CRITIC_IDS }));

/** Every tool with its panel recomputed from the reviews by src/domain/summary.ts (in pages, as a test may). */
async function recomputed(db: Db): Promise<{ item: ToolWithPanel; votes: { ships: number; skips: number } }[]> {
  const out = [];
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('tools').selectAll().where('id', '>', after).orderBy('id').limit(400).execute();
    if (rows.length === 0) return out;
    const items = await withPanels(db, rows);
    const votes = await voteCounts(db, rows.map((r) => r.id));
    // withPanels gives the stored summary (what pages show); the expectation is the domain function over the reviews.
    for (const item of items) out.push({ item: { ...item, summary: summarize(item.panel) }, votes: votes.get(item.tool.id)! });
    after = rows.at(-1)!.id;
  }
}

const stored = (t: ToolRow) => ({
  ships: t.panelShips,
  skips: t.panelSkips,
  abstentions: t.panelAbstentions,
  takes: t.panelTakes,
  shipPct: t.panelShipPct,
  meanScore: t.panelMeanScore,
  label: t.panelLabel,
  votes: { ships: t.communityShips, skips: t.communitySkips },
});

async function assertFiguresMatch(db: Db, when: string): Promise<void> {
  const all = await recomputed(db);
  const wrong = all
    .map(({ item: { tool, summary: s }, votes }) => ({
      slug: tool.slug,
      stored: stored(tool),
      expected: { ships: s.ships, skips: s.skips, abstentions: s.abstentions, takes: s.ships + s.skips, shipPct: s.shipPct, meanScore: s.meanScore, label: s.label, votes },
    }))
    .filter((x) => JSON.stringify(x.stored) !== JSON.stringify(x.expected));
  assert.deepEqual(wrong.slice(0, 3), [], `stored figures differ after ${when} (${wrong.length} tools)`);
  // The stored category counts, against a count of the tools.
  const counted = await db.selectFrom('tools').select(['categorySlug as slug', (eb) => eb.fn.countAll<number>().as('tools')]).groupBy('categorySlug').orderBy('categorySlug').execute();
  const kept = await db.selectFrom('categories').select(['slug', 'tools']).orderBy('slug').execute();
  assert.deepEqual(kept, counted.map((c) => ({ slug: c.slug, tools: Number(c.tools) })), `stored category counts differ after ${when}`);
  await assertLatestMatch(db, when);
}

/** The stored latest flags and critic tallies (decision 021), against a recomputation from every review. */
async function assertLatestMatch(db: Db, when: string): Promise<void> {
  const newest = await db.selectFrom('reviews').select((eb) => eb.fn.max('id').as('id')).groupBy(['toolId', 'critic']).execute();
  const expectedIds = newest.map((r) => Number(r.id)).sort((a, b) => a - b);
  const flagged = (await db.selectFrom('reviews').select('id').where('latest', '=', 1).orderBy('id').execute()).map((r) => r.id);
  const [flaggedSet, expectedSet] = [new Set(flagged), new Set(expectedIds)];
  const notFlagged = expectedIds.filter((id) => !flaggedSet.has(id));
  const stale = flagged.filter((id) => !expectedSet.has(id));
  assert.deepEqual({ notFlagged: notFlagged.slice(0, 5), stale: stale.slice(0, 5) }, { notFlagged: [], stale: [] }, `latest flags differ after ${when}`);
  assert.equal((await db.selectFrom('reviews').select('id').where('latest', 'not in', [0, 1]).execute()).length, 0);
  const latest = await db.selectFrom('reviews').select(['critic', 'kind', 'verdict']).where('id', 'in', expectedIds.length ? expectedIds : [0]).execute();
  const expected: Record<string, { ships: number; skips: number; abstentions: number }> = {};
  for (const r of latest) {
    const t = (expected[r.critic] ??= { ships: 0, skips: 0, abstentions: 0 });
    if (r.kind === 'abstain') t.abstentions++;
    else if (r.verdict === 'ship') t.ships++;
    else t.skips++;
  }
  const stored: Record<string, { ships: number; skips: number; abstentions: number }> = {};
  for (const r of await db.selectFrom('criticTallies').selectAll().orderBy('critic').execute()) {
    // A critic whose every review was superseded by nothing cannot reach zero, but a zero row is as good as none.
    if (r.ships || r.skips || r.abstentions) stored[r.critic] = { ships: Number(r.ships), skips: Number(r.skips), abstentions: Number(r.abstentions) };
  }
  assert.deepEqual(stored, Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))), `stored critic tallies differ after ${when}`);
  // What the critic pages read agrees: one critic's verdict count and its first page, against the recomputation.
  const critic = CRITIC_IDS[0]!;
  const ids = (await criticReviews(db, critic, { limit: 100_000 })).map((r) => r.review.id);
  const expectedMine = (await db.selectFrom('reviews').select('id').where('id', 'in', expectedIds.length ? expectedIds : [0]).where('critic', '=', critic).orderBy('id', 'desc').execute()).map((r) => r.id);
  assert.deepEqual(ids, expectedMine, `${critic}'s verdicts differ after ${when}`);
  assert.equal(await countCriticReviews(db, critic), expectedMine.length);
  for (const category of ['video', 'writing']) {
    const inCat = (await criticReviews(db, critic, { categorySlug: category, limit: 100_000 })).map((r) => r.review.id);
    const expectedCat = (
      await db
        .selectFrom('reviews')
        .innerJoin('tools', 'tools.id', 'reviews.toolId')
        .select('reviews.id')
        .where('reviews.id', 'in', expectedMine.length ? expectedMine : [0])
        .where('tools.categorySlug', '=', category)
        .orderBy('reviews.id', 'desc')
        .execute()
    ).map((r) => r.id);
    assert.deepEqual(inCat, expectedCat, `${critic}'s verdicts in ${category} differ after ${when}`);
    assert.equal(await countCriticReviews(db, critic, category), expectedCat.length);
  }
}

// The ship/score sorts and the verdict filter as search.service.ts computed them in JS before they moved to SQL.
const byNullableDesc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);
const SORTERS = {
  ship: (a: ToolWithPanel, b: ToolWithPanel) =>
    byNullableDesc(a.summary.shipPct, b.summary.shipPct) ||
    b.summary.ships + b.summary.skips - (a.summary.ships + a.summary.skips) ||
    byNullableDesc(a.summary.meanScore, b.summary.meanScore),
  score: (a: ToolWithPanel, b: ToolWithPanel) => byNullableDesc(a.summary.meanScore, b.summary.meanScore) || byNullableDesc(a.summary.shipPct, b.summary.shipPct),
};
const labelMatches = (item: ToolWithPanel, label: LabelFilter) => (label === 'none' ? item.summary.label === null : item.summary.label?.toLowerCase() === label);

function verdict(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/verdict.js', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

for (const { dialect, skip } of DIALECTS) {
  describe(`stored panel and community figures (${dialect})`, { skip }, () => {
    let store: TestStore;
    let db: Db;
    before(async () => {
      store = await freshStore(dialect);
      db = store.db;
    });
    after(() => store?.close());

    test(`import of ${TOOLS} tools, then a second import with revisions and new tools`, async () => {
      await importDoc(db, catalog(0, TOOLS, 1));
      await assertFiguresMatch(db, 'the first import');
      // Same slugs with other reviews (new revisions), plus new tools.
      const r = await importDoc(db, catalog(TOOLS - 300, TOOLS + 100, 2));
      assert.ok(r.reviewsAdded > 100 && r.created === 100, JSON.stringify(r));
      await assertFiguresMatch(db, 'a second import');
      // A tool moved to another category (a new one, then back), and a tool deleted.
      const [moved, gone] = await db.selectFrom('tools').select(['slug', 'category']).orderBy('id').limit(2).execute();
      await importDoc(db, { tools: [toolDoc(moved!.slug, { category: 'Brand New Things' })] });
      assert.equal((await db.selectFrom('categories').select('tools').where('slug', '=', 'brand-new-things').executeTakeFirst())?.tools, 1);
      await assertFiguresMatch(db, 'a move to a new category');
      await importDoc(db, { tools: [toolDoc(moved!.slug, { category: moved!.category })] });
      await db.deleteFrom('tools').where('slug', '=', gone!.slug).execute();
      assert.equal(await db.selectFrom('categories').select('slug').where('slug', '=', 'brand-new-things').executeTakeFirst(), undefined, 'an empty category goes');
      await assertFiguresMatch(db, 'a move back and a deletion');
      const counts = await db
        .selectFrom('tools')
        .select(['panelLabel', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('panelLabel')
        .execute();
      // The catalog exercises every label, so the checks below can fail.
      assert.equal(counts.length, 4, JSON.stringify(counts));
    });

    test('panel reviews: through the runner (fake LLM) and one by one', async () => {
      const tools = await db.selectFrom('tools').selectAll().where('slug', 'in', ['tool-00000', 'tool-00001', 'tool-00002', 'tool-00005']).execute();
      const fake = await startFakeLlm(({ body }) => {
        if (isBestForRequest(body)) return { content: bestForJson('Keeping stored figures honest') };
        const c = criticOf(body)!;
        return c === 'creator' ? { content: JSON.stringify({ review: { abstain: true, reason: 'Not a tool for writers' } }) } : { content: takeJson(c.length * 9) };
      });
      try {
        const llm = createLlmClient({ provider: 'openai-compatible', baseURL: fake.url, apiKey: 'test', model: 'fake-model' }, 60);
        const r = await runPanel(db, llm, tools, CRITICS, { threshold: 60, concurrency: 4, timeoutMs: 5000, maxAttempts: 2, backoffMs: 5 });
        assert.ok(r.outcomes.every((o) => o.status === 'done'));
      } finally {
        await fake.close();
      }
      const t = (await db.selectFrom('tools').selectAll().where('slug', '=', 'tool-00005').executeTakeFirstOrThrow());
      // builder 63 ship, skeptic 63 ship, futurist 72 ship, creator abstains, founder 63 ship, guardian 72 ship, researcher 90 ship.
      assert.deepEqual([t.panelShips, t.panelSkips, t.panelAbstentions, t.panelLabel, t.panelShipPct, t.panelMeanScore], [6, 0, 1, 'Ship', 100, 70.5]);
      // A revision that turns the panel: two skips over the runner's takes.
      for (const critic of ['builder', 'skeptic', 'futurist', 'founder']) {
        await addReview(db, { toolId: t.id, critic, kind: 'take', score: 10, verdict: 'skip', take: words(45), reason: null, origin: 'import', importSource: null, author: null, runId: null, model: null, promptVersion: null, inputTokens: null, outputTokens: null, latencyMs: null, createdAt: new Date().toISOString() });
      }
      await assertFiguresMatch(db, 'panel reviews');
      const after = await db.selectFrom('tools').select(['panelLabel', 'panelShipPct']).where('id', '=', t.id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { panelLabel: 'Skip', panelShipPct: 33 });
    });

    test('votes, vote changes, withdrawals, and merging an anonymous visitor into an account', async () => {
      const rand = prng(7);
      const ids = (await db.selectFrom('tools').select('id').orderBy('id').execute()).map((r) => r.id);
      const pick = () => ids[Math.floor(rand() * 60)]!; // crowd a few tools, so counts go past 1
      const cast: [number, string][] = [];
      for (let i = 0; i < 400; i++) {
        const voter = `v:voter-${Math.floor(rand() * 40)}`;
        const tool = pick();
        await castVote(db, tool, voter, rand() < 0.6 ? 'ship' : 'skip');
        cast.push([tool, voter]);
      }
      await assertFiguresMatch(db, 'votes');
      for (const [tool, voter] of cast.slice(0, 120)) await castVote(db, tool, voter, rand() < 0.5 ? 'ship' : 'skip');
      for (const [tool, voter] of cast.slice(120, 160)) await removeVote(db, tool, voter);
      await assertFiguresMatch(db, 'vote changes and withdrawals');

      // The account voted on some tools before; the visitor on those (newer and older) and others.
      const secret = 'figures-test-secret-0123456789abcdef';
      const { token } = await createMagicLink(db, secret, 'merge@example.org');
      const user = await db.insertInto('users').values({ email: 'merge@example.org', createdAt: new Date().toISOString(), lastSignInAt: null }).returning('id').executeTakeFirstOrThrow();
      const account = userOwnerId(user.id);
      for (let i = 0; i < 30; i++) await castVote(db, ids[i]!, account, 'ship', i % 2 ? '2026-01-01T00:00:00.000Z' : '2030-01-01T00:00:00.000Z');
      for (let i = 10; i < 60; i++) await castVote(db, ids[i]!, 'v:anon-merge', 'skip', '2027-01-01T00:00:00.000Z');
      const before = await db.selectFrom('tools').select(['communityShips', 'communitySkips']).where('id', '=', ids[11]!).executeTakeFirstOrThrow();
      const signedIn = await signInWithLink(db, secret, token, 'anon-merge');
      assert.equal(signedIn.merged.votes, 50);
      await assertFiguresMatch(db, 'a merge into an account');
      // ids[11]: the visitor's newer skip replaced the account's ship, and one vote went.
      const merged = await db.selectFrom('tools').select(['communityShips', 'communitySkips']).where('id', '=', ids[11]!).executeTakeFirstOrThrow();
      assert.deepEqual(merged, { communityShips: before.communityShips - 1, communitySkips: before.communitySkips });
    });

    test('racing votes and withdrawals by one voter on one tool leave one row and counts that add up', async () => {
      // Counts move by each vote's difference from the voter's earlier one, read after the touch counter's lock: on
      // PostgreSQL these transactions run on separate connections, and an earlier read would miss a racing insert.
      const [tool] = (await db.selectFrom('tools').select('id').orderBy('id', 'desc').limit(1).execute()).map((r) => r.id);
      const rand = prng(19);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? removeVote(db, tool!, 'v:racer') : castVote(db, tool!, 'v:racer', rand() < 0.5 ? 'ship' : 'skip'))),
      );
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      const rows = await db.selectFrom('votes').select('vote').where('toolId', '=', tool!).execute();
      assert.ok(rows.length <= 1);
      await assertFiguresMatch(db, 'racing votes');
    });

    test('sort=ship|score and label=ship|skip|split|none agree with a recomputation from the reviews', async () => {
      const all = new Map((await recomputed(db)).map((x) => [x.item.tool.id, x.item]));
      const cases: Partial<SearchParams>[] = [];
      for (const sort of ['ship', 'score', 'newest'] as const) {
        for (const label of [undefined, 'ship', 'skip', 'split', 'none'] as const) {
          for (const q of ['', 'vision']) cases.push({ sort, label, q }, { sort, label, q, category: 'video' });
        }
      }
      for (const c of cases) {
        const p: SearchParams = { q: '', sort: 'newest', page: 1, ...c };
        // The matched set (text and category) in newest-first order, straight from SQL; the figures part in JS.
        const matched = (await searchToolRows(db, { q: p.q, categorySlug: p.category }, { order: 'newest' })).map((r) => all.get(r.id)!);
        let expected = p.label ? matched.filter((i) => labelMatches(i, p.label!)) : matched;
        if (p.sort === 'ship' || p.sort === 'score') expected = [...expected].sort(SORTERS[p.sort]);
        const got = await searchCatalog(db, p, 100_000);
        const what = JSON.stringify(c);
        assert.equal(got.total, expected.length, what);
        assert.deepEqual(got.items.map((i) => i.tool.slug), expected.map((i) => i.tool.slug), what);
        assert.ok(expected.length > 0 || p.label === 'split', `a case that checks nothing: ${what}`);
        // A page in the middle is the same slice.
        const page3 = await searchCatalog(db, { ...p, page: 3 }, 20);
        assert.deepEqual(page3.items.map((i) => i.tool.slug), expected.slice(40, 60).map((i) => i.tool.slug), `page 3 of ${what}`);
      }
    });

    test('verdict db rebuild-figures restores tampered figures', async () => {
      await sql`update tools set panel_ships = 99, panel_label = 'Split', panel_ship_pct = 1, panel_mean_score = 3.5, community_ships = 7 where id % 3 = 0`.execute(db);
      await sql`update tools set panel_takes = 0, panel_label = null, panel_mean_score = null, community_skips = 42 where id % 3 = 1`.execute(db);
      await assert.rejects(assertFiguresMatch(db, 'tampering'));
      // The stored latest flags and critic tallies too (decision 021).
      await sql`update reviews set latest = 1 - latest where id % 5 = 0`.execute(db);
      await sql`update critic_tallies set ships = ships + 3, abstentions = 0`.execute(db);
      await sql`delete from critic_tallies where critic = ${CRITIC_IDS[1]!}`.execute(db);
      await assert.rejects(assertLatestMatch(db, 'tampering'));
      const r = await verdict(['db', 'rebuild-figures', '--json'], { DATABASE_URL: store.location });
      assert.equal(r.code, 0, r.stderr);
      const total = Number((await db.selectFrom('tools').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      assert.deepEqual(JSON.parse(r.stdout), { tools: total, batches: Math.ceil(total / 500) });
      await assertFiguresMatch(db, 'rebuild-figures');
    });
  });
}
