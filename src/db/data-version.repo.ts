import type { DbOrTx } from './db.js';

/** The counter every write to cached tables bumps (by trigger, see the data_version migration). */
export async function readDataVersion(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('dataVersion').select('version').where('id', '=', 1).executeTakeFirst();
  return Number(row?.version ?? 0);
}
