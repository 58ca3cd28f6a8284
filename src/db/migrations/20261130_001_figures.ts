// Migration: adds the stored panel and community figures on `tools`, so lists, filters and sorts run in SQL with LIMIT.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Stored panel and community figures on `tools`, so lists, filters and sorts run in SQL with LIMIT instead of
 * loading every tool and its reviews. They follow src/domain/summary.ts exactly (see docs/decisions/011):
 * counts of the latest review per critic, ship % and mean score rounded half up with integer arithmetic,
 * label 'Ship' | 'Skip' | 'Split' (null without takes). Kept current by src/catalog/figures.repo.ts in the
 * same transaction as each review or vote; `verdict db rebuild-figures` recomputes them all.
 * Imports nothing but kysely: a migration must not change when app code does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  const columns: [string, string, boolean][] = [
    ['panel_ships', 'integer', true],
    ['panel_skips', 'integer', true],
    ['panel_abstentions', 'integer', true],
    ['panel_takes', 'integer', true],
    ['panel_ship_pct', 'integer', false],
    ['panel_mean_score', 'double precision', false],
    ['panel_label', 'text', false],
    ['community_ships', 'integer', true],
    ['community_skips', 'integer', true],
  ];
  for (const [name, type, counter] of columns) {
    await db.schema.alterTable('tools').addColumn(name, sql.raw(type), (c) => (counter ? c.notNull().defaultTo(0) : c)).execute();
  }

  // No backfill here: the figures' maths lives in one place, src/catalog/figures.repo.ts. openStore runs
  // rebuildFigures right after this migration is applied, so tools that existed before it get their figures too.

  // Orders of the search sorts (ship %, then takes, then mean score; mean score, then ship %), each ending in
  // newest first. Tools without takes (nulls) sort last: SQLite's DESC does that already, PostgreSQL needs NULLS LAST.
  const last = pg ? ' nulls last' : '';
  await db.schema
    .createIndex('tools_by_ship')
    .on('tools')
    .expression(sql.raw(`panel_ship_pct desc${last}, panel_takes desc, panel_mean_score desc${last}, created_at desc, id desc`))
    .execute();
  await db.schema
    .createIndex('tools_by_score')
    .on('tools')
    .expression(sql.raw(`panel_mean_score desc${last}, panel_ship_pct desc${last}, created_at desc, id desc`))
    .execute();
  // The label filter (label=ship|skip|split|none), newest first.
  await db.schema.createIndex('tools_by_label').on('tools').columns(['panel_label', 'created_at', 'id']).execute();
  // Recounting one tool's votes reads only the index.
  await db.schema.createIndex('votes_tool_vote').on('votes').columns(['tool_id', 'vote']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['tools_by_ship', 'tools_by_score', 'tools_by_label', 'votes_tool_vote']) await db.schema.dropIndex(i).ifExists().execute();
  for (const c of ['panel_ships', 'panel_skips', 'panel_abstentions', 'panel_takes', 'panel_ship_pct', 'panel_mean_score', 'panel_label', 'community_ships', 'community_skips']) {
    await db.schema.alterTable('tools').dropColumn(c).execute();
  }
}
