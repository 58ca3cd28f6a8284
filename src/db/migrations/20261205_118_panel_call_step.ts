// Migration: renames panel_retries/panel_failures.critic to step, because the column also holds the best-for step, which is no critic.
import type { Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.

/**
 * `panel_retries.critic` and `panel_failures.critic` also held 'best-for', the panel's "Best for" summary, which is
 * no critic: the column names the step of the run that was retried or failed (a critic's id, or 'best-for').
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['panel_retries', 'panel_failures']) await db.schema.alterTable(table).renameColumn('critic', 'step').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['panel_retries', 'panel_failures']) await db.schema.alterTable(table).renameColumn('step', 'critic').execute();
}
