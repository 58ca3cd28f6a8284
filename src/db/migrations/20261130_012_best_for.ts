import type { Kysely } from 'kysely';

// Migrations import nothing but kysely, so each stays as it ran.

/** A tool's "best for": a short use-case, its own field (issue 12), no longer the tagline. Null until given. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').addColumn('best_for', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').dropColumn('best_for').execute();
}
