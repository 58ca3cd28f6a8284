// SQL for `app_settings`: reading, inserting once and writing a stored setting (the generated signing key).
import type { DbOrTx } from '../db/db.js';
import { nowIso } from '../db/db.js';

/** A value from `app_settings`, or undefined. */
export async function findSetting(db: DbOrTx, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('appSettings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/**
 * Stores `value` under `key` unless a row is already there, then returns the stored value: when two
 * processes race, both get the one row that won.
 */
export async function insertSettingOnce(db: DbOrTx, key: string, value: string): Promise<string> {
  await db
    .insertInto('appSettings')
    .values({ key, value, createdAt: nowIso() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('appSettings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

/** Stores `value` under `key`, replacing what was there. */
export async function putSetting(db: DbOrTx, key: string, value: string): Promise<void> {
  await db
    .insertInto('appSettings')
    .values({ key, value, createdAt: nowIso() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
