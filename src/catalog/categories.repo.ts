// SQL for categories: each category's name with its tool count, and one category found by slug.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';

export interface CategoryCount {
  slug: string;
  /** Display name, as the tools spell it. */
  name: string;
  tools: number;
}

/** Every category that has at least one tool, with its tool count (stored, migration 20261130_113), by name. */
export async function listCategories(db: DbOrTx): Promise<CategoryCount[]> {
  return db.selectFrom('categories').select(['slug', 'name', 'tools']).orderBy(sql`lower(name)`).orderBy('slug').execute();
}

export const findCategory = (db: DbOrTx, slug: string): Promise<CategoryCount | undefined> =>
  db.selectFrom('categories').select(['slug', 'name', 'tools']).where('slug', '=', slug).executeTakeFirst();
