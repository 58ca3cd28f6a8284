// SQL for a critic's verdicts and tallies: the `latest` revision flags and the stored per-critic counts, and their repair.
import type { DbOrTx } from '../db/db.js';
import type { ReviewRow } from '../db/types.js';

/**
 * A critic's verdicts and tallies. Each critic's latest revision per tool is stored, not recomputed
 * (docs/decisions/021): `reviews.latest` marks it and `critic_tallies` counts it per critic. Every write of a
 * review calls `recordLatest` in its transaction (reviews.repo.ts `insertReview`, import.repo.ts
 * `insertReviewsBatch`); `verdict db rebuild-figures` repairs both (`repairLatest`, `rebuildCriticTallies`).
 */

export interface CriticReviewRow {
  review: ReviewRow;
  tool: { slug: string; name: string; category: string; categorySlug: string; tagline: string };
}

export interface CriticTally {
  ships: number;
  skips: number;
  abstentions: number;
}

/** Ids per statement, whatever the size of the write. */
const BATCH = 500;

function* batches<T>(xs: readonly T[], size = BATCH): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

/** One critic's latest review of each tool it reviewed, newest review first. */
export async function criticReviews(
  db: DbOrTx,
  critic: string,
  opts: { categorySlug?: string; limit?: number; offset?: number } = {},
): Promise<CriticReviewRow[]> {
  const limit = opts.limit ?? 1000;
  const offset = opts.offset ?? 0;
  // The page's review ids first, from indexes alone, so a deep page skips index entries rather than joined rows.
  const ids = opts.categorySlug
    ? inCategory(db, critic, opts.categorySlug).select('reviews.id').orderBy('reviews.id', 'desc').limit(limit).offset(offset)
    : db.selectFrom('reviews').select('id').where('critic', '=', critic).where('latest', '=', 1).orderBy('id', 'desc').limit(limit).offset(offset);
  const rows = await db
    .selectFrom('reviews')
    .innerJoin('tools', 'tools.id', 'reviews.toolId')
    .selectAll('reviews')
    .select(['tools.slug as toolSlug', 'tools.name as toolName', 'tools.category as toolCategory', 'tools.categorySlug as toolCategorySlug', 'tools.tagline as toolTagline'])
    .where('reviews.id', 'in', ids)
    .orderBy('reviews.id', 'desc')
    .execute();
  return rows.map(({ toolSlug, toolName, toolCategory, toolCategorySlug, toolTagline, ...review }) => ({
    review,
    tool: { slug: toolSlug, name: toolName, category: toolCategory, categorySlug: toolCategorySlug, tagline: toolTagline },
  }));
}

/**
 * A critic's latest reviews of the tools in one category, from the category's tools (an index range) to each one's
 * review by the critic (reviews_tool_critic_latest). CROSS JOIN keeps that order on SQLite, which plans without
 * statistics and otherwise walks all of the critic's reviews (85,000 at 100,000 tools: 125 ms against 3 ms); to
 * PostgreSQL it is an inner join like any other.
 */
const inCategory = (db: DbOrTx, critic: string, categorySlug: string) =>
  db
    .selectFrom('tools')
    .crossJoin('reviews')
    .whereRef('reviews.toolId', '=', 'tools.id')
    .where('tools.categorySlug', '=', categorySlug)
    .where('reviews.critic', '=', critic)
    .where('reviews.latest', '=', 1);

/** How many tools a critic reviewed (its latest reviews), optionally in one category. */
export async function countCriticReviews(db: DbOrTx, critic: string, categorySlug?: string): Promise<number> {
  const q = categorySlug
    ? inCategory(db, critic, categorySlug).select((eb) => eb.fn.countAll<number>().as('n'))
    : db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('n')).where('critic', '=', critic).where('latest', '=', 1);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Ships, skips and abstentions per critic (or for one), over each critic's latest revision per tool: stored. */
export async function criticTallies(db: DbOrTx, critic?: string): Promise<Map<string, CriticTally>> {
  let q = db.selectFrom('criticTallies').select(['critic', 'ships', 'skips', 'abstentions']);
  if (critic) q = q.where('critic', '=', critic);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.critic, { ships: Number(r.ships), skips: Number(r.skips), abstentions: Number(r.abstentions) }]));
}

type Written = Pick<ReviewRow, 'id' | 'toolId' | 'critic' | 'kind' | 'verdict'>;
/** The columns `recordLatest` needs of each written row (for `.returning(…)`). */
export const WRITTEN_COLUMNS = ['id', 'toolId', 'critic', 'kind', 'verdict'] as const;

const tallyKey = (r: Pick<ReviewRow, 'kind' | 'verdict'>): keyof CriticTally => (r.kind === 'abstain' ? 'abstentions' : r.verdict === 'ship' ? 'ships' : 'skips');

/** Adds per-critic deltas to the stored tallies; critics in a fixed order, so concurrent writers lock rows alike. */
async function addToTallies(db: DbOrTx, delta: Map<string, CriticTally>): Promise<void> {
  const rows = [...delta].filter(([, d]) => d.ships || d.skips || d.abstentions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([critic, d]) => ({ critic, ...d }));
  if (rows.length === 0) return;
  await db
    .insertInto('criticTallies')
    .values(rows)
    .onConflict((oc) =>
      oc.column('critic').doUpdateSet((eb) => ({
        ships: eb('criticTallies.ships', '+', eb.ref('excluded.ships')),
        skips: eb('criticTallies.skips', '+', eb.ref('excluded.skips')),
        abstentions: eb('criticTallies.abstentions', '+', eb.ref('excluded.abstentions')),
      })),
    )
    .execute();
}

/**
 * Called with the rows just inserted into `reviews` (they carry latest = 1, the column's default), in the same
 * transaction: each (tool, critic) keeps its newest flagged row as latest, the revisions it supersedes lose the
 * flag, and the critic tallies move by the difference. Several revisions of one pair in a write are fine (only
 * the newest counts). Reads the flags after the insert: the insert's data-version trigger holds the version row's
 * lock until commit, so on PostgreSQL a concurrent writer of reviews has committed by then and its rows are seen.
 */
export async function recordLatest(db: DbOrTx, written: readonly Written[]): Promise<void> {
  if (written.length === 0) return;
  const key = (r: Pick<Written, 'toolId' | 'critic'>) => `${r.toolId}\u0000${r.critic}`;
  const fresh = new Set(written.map((r) => r.id));
  const pairs = new Set(written.map(key));
  const flagged: Written[] = [];
  for (const ids of batches([...new Set(written.map((r) => r.toolId))])) {
    const rows = await db.selectFrom('reviews').select(WRITTEN_COLUMNS).where('toolId', 'in', ids).where('latest', '=', 1).execute();
    flagged.push(...rows.filter((r) => pairs.has(key(r))));
  }
  const newest = new Map<string, number>();
  for (const r of flagged) newest.set(key(r), Math.max(newest.get(key(r)) ?? 0, r.id));
  const clear: number[] = [];
  const delta = new Map<string, CriticTally>();
  const add = (r: Written, n: number) => {
    const d = delta.get(r.critic) ?? { ships: 0, skips: 0, abstentions: 0 };
    d[tallyKey(r)] += n;
    delta.set(r.critic, d);
  };
  for (const r of flagged) {
    const isLatest = newest.get(key(r)) === r.id;
    if (isLatest) {
      if (fresh.has(r.id)) add(r, +1);
    } else {
      clear.push(r.id);
      if (!fresh.has(r.id)) add(r, -1); // a new row that is not the newest was never counted
    }
  }
  for (const ids of batches(clear)) await db.updateTable('reviews').set({ latest: 0 }).where('id', 'in', ids).execute();
  await addToTallies(db, delta);
}

/** Sets the latest flags of these tools' reviews from the reviews themselves (the repair; writes use recordLatest). */
export async function repairLatest(db: DbOrTx, toolIds: readonly number[]): Promise<void> {
  for (const ids of batches([...new Set(toolIds)])) {
    const newest = db.selectFrom('reviews as r').select((e) => e.fn.max('r.id').as('id')).where('r.toolId', 'in', ids).groupBy(['r.toolId', 'r.critic']);
    await db.updateTable('reviews').set({ latest: 0 }).where('toolId', 'in', ids).where('latest', '<>', 0).where('id', 'not in', newest).execute();
    await db.updateTable('reviews').set({ latest: 1 }).where('toolId', 'in', ids).where('latest', '<>', 1).where('id', 'in', newest).execute();
  }
}

/** Recounts every critic's tally from the latest flags (after `repairLatest` of every tool). */
export async function rebuildCriticTallies(db: DbOrTx): Promise<void> {
  const rows = await db
    .selectFrom('reviews')
    .select(['critic', 'kind', 'verdict', (eb) => eb.fn.countAll<number>().as('n')])
    .where('latest', '=', 1)
    .groupBy(['critic', 'kind', 'verdict'])
    .execute();
  const tallies = new Map<string, CriticTally>();
  for (const r of rows) {
    const t = tallies.get(r.critic) ?? { ships: 0, skips: 0, abstentions: 0 };
    t[tallyKey(r)] += Number(r.n);
    tallies.set(r.critic, t);
  }
  await db.deleteFrom('criticTallies').execute();
  await addToTallies(db, tallies);
}
