import type { DbOrTx } from '../db/db.js';

/** Ship and skip vote counts per tool (tools without votes get zeros). */
export async function voteCounts(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, { ships: number; skips: number }>> {
  const out = new Map(toolIds.map((id) => [id, { ships: 0, skips: 0 }]));
  if (toolIds.length === 0) return out;
  const rows = await db
    .selectFrom('votes')
    .select(['toolId', 'vote', (eb) => eb.fn.countAll<number>().as('n')])
    .where('toolId', 'in', toolIds)
    .groupBy(['toolId', 'vote'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.toolId)!;
    if (r.vote === 'ship') c.ships = Number(r.n);
    else c.skips = Number(r.n);
  }
  return out;
}
