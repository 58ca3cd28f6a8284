import type { DbOrTx } from '../db/db.js';
import type { ReviewRow } from '../db/types.js';

export interface CriticReviewRow {
  review: ReviewRow;
  tool: { slug: string; name: string; category: string; categorySlug: string; tagline: string };
}

export interface CriticTally {
  ships: number;
  skips: number;
  abstentions: number;
}

/** Ids of each critic's latest revision per tool (optionally for one critic). */
const latestIds = (db: DbOrTx, critic?: string) => {
  let q = db.selectFrom('reviews').select((e) => e.fn.max('id').as('id'));
  if (critic) q = q.where('critic', '=', critic);
  return q.groupBy(['toolId', 'critic']);
};

/** One critic's latest review of each tool it reviewed, newest review first. */
export async function criticReviews(
  db: DbOrTx,
  critic: string,
  opts: { categorySlug?: string; limit?: number; offset?: number } = {},
): Promise<CriticReviewRow[]> {
  let q = db
    .selectFrom('reviews')
    .innerJoin('tools', 'tools.id', 'reviews.toolId')
    .selectAll('reviews')
    .select(['tools.slug as toolSlug', 'tools.name as toolName', 'tools.category as toolCategory', 'tools.categorySlug as toolCategorySlug', 'tools.tagline as toolTagline'])
    .where('reviews.id', 'in', latestIds(db, critic));
  if (opts.categorySlug) q = q.where('tools.categorySlug', '=', opts.categorySlug);
  const rows = await q
    .orderBy('reviews.id', 'desc')
    .limit(opts.limit ?? 1000)
    .offset(opts.offset ?? 0)
    .execute();
  return rows.map(({ toolSlug, toolName, toolCategory, toolCategorySlug, toolTagline, ...review }) => ({
    review,
    tool: { slug: toolSlug, name: toolName, category: toolCategory, categorySlug: toolCategorySlug, tagline: toolTagline },
  }));
}

export async function countCriticReviews(db: DbOrTx, critic: string, categorySlug?: string): Promise<number> {
  let q = db
    .selectFrom('reviews')
    .innerJoin('tools', 'tools.id', 'reviews.toolId')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reviews.id', 'in', latestIds(db, critic));
  if (categorySlug) q = q.where('tools.categorySlug', '=', categorySlug);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Ships, skips and abstentions per critic (or for one), counting each critic's latest revision per tool. */
export async function criticTallies(db: DbOrTx, critic?: string): Promise<Map<string, CriticTally>> {
  const rows = await db
    .selectFrom('reviews')
    .select(['critic', 'kind', 'verdict', (eb) => eb.fn.countAll<number>().as('n')])
    .where('id', 'in', latestIds(db, critic))
    .groupBy(['critic', 'kind', 'verdict'])
    .execute();
  const out = new Map<string, CriticTally>();
  for (const r of rows) {
    const t = out.get(r.critic) ?? { ships: 0, skips: 0, abstentions: 0 };
    const n = Number(r.n);
    if (r.kind === 'abstain') t.abstentions += n;
    else if (r.verdict === 'ship') t.ships += n;
    else t.skips += n;
    out.set(r.critic, t);
  }
  return out;
}
