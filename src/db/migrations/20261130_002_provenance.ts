import { sql, type Kysely } from 'kysely';

/**
 * Review provenance that says exactly what is known (docs/decisions/015). `source` ('human' | 'llm') labelled every
 * imported review "human-written", the demo catalog's included. It becomes `origin` ('panel' | 'import') plus, for
 * imports, the source name given at import (`import_source`, e.g. the file name or "demo") and an `author` only
 * when the import named one. Existing 'human' rows become imports with no source and no author: nothing more is known.
 * Imports nothing but kysely: a migration must not change when app code does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('reviews').addColumn('origin', 'text', (c) => c.notNull().defaultTo('import')).execute();
  await db.schema.alterTable('reviews').addColumn('import_source', 'text').execute();
  await db.schema.alterTable('reviews').addColumn('author', 'text').execute();
  await sql`update reviews set origin = case when source = 'llm' then 'panel' else 'import' end`.execute(db);
  await db.schema.alterTable('reviews').dropColumn('source').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').addColumn('source', 'text', (c) => c.notNull().defaultTo('human')).execute();
  await sql`update reviews set source = case when origin = 'panel' then 'llm' else 'human' end`.execute(db);
  for (const c of ['author', 'import_source', 'origin']) await db.schema.alterTable('reviews').dropColumn(c).execute();
}
