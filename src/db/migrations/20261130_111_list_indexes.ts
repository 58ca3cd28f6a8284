// Migration: adds indexes so lists (newest, by ship %, by score) are read in index order instead of sorting every tool.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Lists read in index order instead of sorting every tool (PostgreSQL at 100,000 tools, before):
 * - newest first (`/search`, the API's list): created_at alone left ties to a sort of the whole table (70 ms);
 * - a panel-verdict filter sorted by ship % or mean score walked the whole sort index skipping other labels
 *   (65,000 rows for label=split, 150 ms): the label leads these two.
 * tools_created_at and tools_category_slug are prefixes of tools_by_newest and tools_by_category_newest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const last = isPostgres(db) ? ' nulls last' : '';
  await db.schema.createIndex('tools_by_newest').on('tools').columns(['created_at', 'id']).execute();
  await db.schema
    .createIndex('tools_by_label_ship')
    .on('tools')
    .expression(sql.raw(`panel_label, panel_ship_pct desc${last}, panel_takes desc, panel_mean_score desc${last}, created_at desc, id desc`))
    .execute();
  await db.schema
    .createIndex('tools_by_label_score')
    .on('tools')
    .expression(sql.raw(`panel_label, panel_mean_score desc${last}, panel_ship_pct desc${last}, created_at desc, id desc`))
    .execute();
  await db.schema.dropIndex('tools_created_at').execute();
  await db.schema.dropIndex('tools_category_slug').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tools_category_slug').on('tools').columns(['category_slug', 'created_at']).execute();
  await db.schema.createIndex('tools_created_at').on('tools').column('created_at').execute();
  for (const i of ['tools_by_label_score', 'tools_by_label_ship', 'tools_by_newest']) await db.schema.dropIndex(i).execute();
}
