// SQL for the data versions that page caches poll: the catalog's (bumped by triggers) and the votes' (bumped in code), and the tools touched since,
// and how far the CDN purge has been claimed (src/web/cdn.ts).
import { sql } from 'kysely';
import type { DbOrTx } from './db.js';

/**
 * Row 1, the data version: every catalog write bumps it by trigger (the tables are those src/web/freshness.ts
 * relies on; test/freshness.test.ts lists them from the triggers). Votes do not: they bump row 2 in code
 * (refreshVoteCounts), so a vote drops only the pages of its tools (decision 017).
 */
export async function readDataVersion(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('dataVersion').select('version').where('id', '=', 1).executeTakeFirst();
  return Number(row?.version ?? 0);
}

/**
 * Both counters in one read: `data` (row 1, any catalog change) and `touch` (row 2, bumped by each vote write,
 * which stamps the tools it touched with the new value; docs/decisions/017).
 */
export async function readVersions(db: DbOrTx): Promise<{ data: number; touch: number }> {
  const rows = await db.selectFrom('dataVersion').select(['id', 'version']).where('id', 'in', [1, 2]).execute();
  const of = (id: number) => Number(rows.find((r) => r.id === id)?.version ?? 0);
  return { data: of(1), touch: of(2) };
}

/**
 * Tools touched after `after`, with their stored vote counts as of that touch (the page cache splices them into
 * the pages that show them, docs/decisions/029), in (touch, id) order, at most `limit` (an index range on tools_by_touched). Keyset
 * on both: one write stamps many tools with one touch, and a page can end inside such a run.
 */
export async function toolsTouchedSince(
  db: DbOrTx,
  after: { touched: number; id: number },
  limit: number,
): Promise<{ id: number; touched: number; ships: number; skips: number }[]> {
  const rows = await db
    .selectFrom('tools')
    .select(['id', 'touched', 'communityShips', 'communitySkips'])
    .where('touched', '>=', after.touched)
    .where((eb) => eb.or([eb('touched', '>', after.touched), eb('id', '>', after.id)]))
    .orderBy('touched')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, touched: Number(r.touched), ships: Number(r.communityShips), skips: Number(r.communitySkips) }));
}

/**
 * Claims the CDN purge of a change a process saw (data version or vote touch; src/web/cdn.ts): true when no process
 * has claimed it or a later one yet. One conditional update of cdn_purged: the process that moves the row purges.
 */
export async function claimCdnPurge(db: DbOrTx, kind: 'data' | 'touch', value: number): Promise<boolean> {
  const col = kind === 'data' ? 'data_version' : 'touch_version';
  const r = await sql`update cdn_purged set ${sql.ref(col)} = ${value} where id = 1 and ${sql.ref(col)} < ${value}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
