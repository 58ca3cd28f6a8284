/** Row ids are 32-bit signed integers on PostgreSQL (`serial`): anything outside 1..2^31-1 is no row, not a query. */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** The row id a URL, token or form names, or undefined when it cannot be one (checked before any SQL sees it). */
export function parseRowId(raw: string | undefined): number | undefined {
  if (!raw || !/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= MAX_ROW_ID ? n : undefined;
}
