// Migration: adds when a reporter's email was confirmed, so only confirmed addresses are ever emailed about a report.
import type { Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.

/**
 * When a reporter's address was confirmed (by the emailed link, or by being the signed-in account's own).
 * Only a confirmed address is ever emailed about a report: anyone can type any address into the form.
 * Reports stored before this have none, so they are never emailed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('error_reports').addColumn('email_confirmed_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('error_reports').dropColumn('email_confirmed_at').execute();
}
