import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';

export interface CategoryCount {
  slug: string;
  /** Display name, as the tools spell it. */
  name: string;
  tools: number;
}

/** Every category that has at least one tool, with its tool count, by name. */
export async function listCategories(db: DbOrTx): Promise<CategoryCount[]> {
  // Tools may spell one category differently ("Developer tools" / "Developer Tools"); they share a slug, so group by it.
  const rows = await db
    .selectFrom('tools')
    .select(['categorySlug', (eb) => eb.fn.min('category').as('name'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('categorySlug')
    .orderBy(sql`lower(min(category))`)
    .execute();
  return rows.map((r) => ({ slug: r.categorySlug, name: String(r.name), tools: Number(r.n) }));
}

export async function findCategory(db: DbOrTx, slug: string): Promise<CategoryCount | undefined> {
  const row = await db
    .selectFrom('tools')
    .select([(eb) => eb.fn.min('category').as('name'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('categorySlug', '=', slug)
    .executeTakeFirst();
  return row && Number(row.n) > 0 ? { slug, name: String(row.name), tools: Number(row.n) } : undefined;
}
