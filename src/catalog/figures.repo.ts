// The only SQL that computes the stored figures on `tools` (panel counts, ship %, mean, label; vote counts), refreshed with every review or vote write.
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/db.js';
import { refreshStatistics } from '../db/statistics.repo.js';
import { rebuildCriticTallies, repairLatest } from './critics.repo.js';

/**
 * The stored figures on `tools` (migration 20261130_001): panel counts, ship %, mean score and label of the
 * latest review per critic, as src/domain/summary.ts computes them, and community vote counts. Every write
 * of a review or vote calls one of these in its own transaction; docs/decisions/011-stored-figures.md.
 */

/** Ids per statement: a batch binds at most this many variables, whatever the catalog's size. */
export const FIGURES_BATCH = 500;

function* batches<T>(xs: readonly T[], size = FIGURES_BATCH): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

/**
 * Recomputes the panel figures of the given tools from their latest review per critic. Rounding is half up
 * in integer arithmetic (floor((200·ships + takes) / (2·takes))), which is what Math.round gives for these
 * non-negative ratios; the mean keeps one decimal the same way.
 */
export async function refreshPanelFigures(db: DbOrTx, toolIds: readonly number[]): Promise<void> {
  for (const ids of batches([...new Set(toolIds)])) {
    const list = sql.join(ids);
    // Tools with no review at all: back to "no panel takes yet".
    await sql`update tools set panel_ships = 0, panel_skips = 0, panel_abstentions = 0, panel_takes = 0,
        panel_ship_pct = null, panel_mean_score = null, panel_label = null
      where id in (${list}) and not exists (select 1 from reviews where reviews.tool_id = tools.id)`.execute(db);
    await sql`update tools set
        panel_ships = f.ships, panel_skips = f.skips, panel_abstentions = f.abstentions, panel_takes = f.ships + f.skips,
        panel_ship_pct = case when f.ships + f.skips > 0 then (200 * f.ships + f.ships + f.skips) / (2 * (f.ships + f.skips)) end,
        panel_mean_score = case when f.ships + f.skips > 0 then ((20 * f.total + f.ships + f.skips) / (2 * (f.ships + f.skips))) / 10.0 end,
        panel_label = case when f.ships > f.skips then 'Ship' when f.skips > f.ships then 'Skip' when f.ships > 0 then 'Split' end
      from (
        select r.tool_id,
          sum(case when r.kind = 'take' and r.verdict = 'ship' then 1 else 0 end) as ships,
          sum(case when r.kind = 'take' and r.verdict = 'skip' then 1 else 0 end) as skips,
          sum(case when r.kind = 'abstain' then 1 else 0 end) as abstentions,
          sum(case when r.kind = 'take' then r.score else 0 end) as total
        from reviews r
        where r.id in (select max(id) from reviews where tool_id in (${list}) group by tool_id, critic)
        group by r.tool_id
      ) f
      where tools.id = f.tool_id`.execute(db);
  }
}

/** Recounts the ship and skip votes of the given tools (index-only on votes_tool_vote). */
export async function refreshVoteCounts(db: DbOrTx, toolIds: readonly number[]): Promise<void> {
  for (const ids of batches([...new Set(toolIds)])) {
    // A vote touches only its tools (docs/decisions/017): bump the touch counter and stamp them with it. The
    // tools trigger reads a changed `touched` as "not a catalog change" and leaves the global version alone.
    await sql`update data_version set version = version + 1 where id = 2`.execute(db);
    await sql`update tools set
        community_ships = (select count(*) from votes where votes.tool_id = tools.id and votes.vote = 'ship'),
        community_skips = (select count(*) from votes where votes.tool_id = tools.id and votes.vote = 'skip'),
        touched = (select version from data_version where id = 2)
      where id in (${sql.join(ids)})`.execute(db);
  }
}

/**
 * Recomputes every tool's figures and its reviews' latest flags, a page of tools per transaction (by id, so each
 * page is one index range and memory stays flat), then every critic's tally. Returns how many tools it went through.
 */
export async function rebuildFigures(db: Db, opts: { batch?: number; onBatch?: (done: number) => void } = {}): Promise<{ tools: number; batches: number }> {
  const size = opts.batch ?? FIGURES_BATCH;
  let after = 0;
  let tools = 0;
  let pages = 0;
  for (;;) {
    const ids = (await db.selectFrom('tools').select('id').where('id', '>', after).orderBy('id').limit(size).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    await db.transaction().execute(async (trx) => {
      await repairLatest(trx, ids);
      await refreshPanelFigures(trx, ids);
      await refreshVoteCounts(trx, ids);
    });
    after = ids[ids.length - 1]!;
    tools += ids.length;
    pages++;
    opts.onBatch?.(tools);
  }
  // Every critic's tally, from the flags just repaired (one grouped count over the latest reviews).
  await db.transaction().execute((trx) => rebuildCriticTallies(trx));
  await refreshStatistics(db);
  return { tools, batches: pages };
}
