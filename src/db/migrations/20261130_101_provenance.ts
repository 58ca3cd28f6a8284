// Migration: replaces reviews.source with origin, import source and author, so provenance says exactly what is known.
import { sql, type Kysely } from 'kysely';

/**
 * Review provenance that says exactly what is known (docs/decisions/015). The old `source` column ('human' | 'llm')
 * labelled every imported review "human-written", the demo catalog's included. It becomes `origin` (panel or import), the source name given at import time (`import_source`: the file name, or "demo"), and an `author` only
 * when the import named one. Existing 'human' rows keep no source and no author: nothing more is known of them.
 * Depends on nothing but kysely: a migration must not change when app code does.
 */
// In backticks: test/architecture.test.ts reads a quoted word after `import` as a module import.
const IMPORT = `import`;

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('reviews').addColumn('origin', 'text', (c) => c.notNull().defaultTo(IMPORT)).execute();
  await db.schema.alterTable('reviews').addColumn('import_source', 'text').execute();
  await db.schema.alterTable('reviews').addColumn('author', 'text').execute();
  await sql`update reviews set origin = case when source = 'llm' then 'panel' else ${sql.lit(IMPORT)} end`.execute(db);
  await db.schema.alterTable('reviews').dropColumn('source').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').addColumn('source', 'text', (c) => c.notNull().defaultTo('human')).execute();
  await sql`update reviews set source = case when origin = 'panel' then 'llm' else 'human' end`.execute(db);
  for (const c of ['author', 'import_source', 'origin']) await db.schema.alterTable('reviews').dropColumn(c).execute();
}
