// Migration: adds the panel's synthesised "best for" (and its run) beside the catalog's, so an import never erases it and a catalog value wins.
import type { Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.

/**
 * The panel's "best for" (issue 12): a phrase synthesised from the critics' takes when the catalog gives none,
 * kept apart from `best_for` so an import without `bestFor` never erases it and a catalog value always wins;
 * with the run that wrote it, for its provenance.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').addColumn('panel_best_for', 'text').execute();
  await db.schema.alterTable('tools').addColumn('panel_best_for_run_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tools').dropColumn('panel_best_for_run_id').execute();
  await db.schema.alterTable('tools').dropColumn('panel_best_for').execute();
}
