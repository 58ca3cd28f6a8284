// Migration: adds an index on (category, created_at, id) so a category's newest tools are read in index order, not sorted.
import type { Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.

/** A category's newest tools (the tool page's neighbours, category pages) read in index order, not sorted. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tools_by_category_newest').on('tools').columns(['category_slug', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tools_by_category_newest').execute();
}
