// Migration: adds community tables (settings, accounts, visitors, magic links, bookmarks, submissions) for voting, bookmarking and submitting.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Community: app settings (the generated signing key), accounts by email, visitors (one per browser; the
 * signed cookie holds its id, and signing in links it to an account, so signing out can revoke it),
 * single-use magic links, bookmarks and tool submissions.
 * Owner/voter ids are text: `v:<visitor id>` for anonymous visitors, `u:<user id>` once signed in.
 * None of these tables bump the data version: no public page shows them (votes, which do, live in 003).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema
    .createTable('app_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', idType, id)
    // Lowercased and trimmed, so one address is one account.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .execute();

  await db.schema
    .createTable('visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('magic_links')
    .addColumn('id', idType, id)
    // SHA-256 of the link's random part: a database leak does not leak usable links.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('magic_links_email').on('magic_links').columns(['email', 'created_at']).execute();

  await db.schema
    .createTable('bookmarks')
    .addColumn('id', idType, id)
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('tool_id', 'integer', (c) => c.notNull().references('tools.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bookmarks_one_per_owner', ['owner_id', 'tool_id'])
    .execute();

  await db.schema
    .createTable('submissions')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // Normalised URL (lowercase host, no www., no trailing slash) for duplicate detection.
    .addColumn('url_key', 'text', (c) => c.notNull())
    .addColumn('tagline', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('pricing_model', 'text', (c) => c.notNull())
    .addColumn('pricing_entry', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('submitter_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('reason', 'text')
    .addColumn('tool_id', 'integer', (c) => c.references('tools.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  // Two concurrent submissions of the same tool: the database, not a race-prone check, keeps one pending.
  await sql`create unique index submissions_pending_slug on submissions (slug) where status = 'pending'`.execute(db);
  await sql`create unique index submissions_pending_url on submissions (url_key) where status = 'pending'`.execute(db);
  await db.schema.createIndex('submissions_status').on('submissions').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['submissions', 'bookmarks', 'magic_links', 'visitors', 'users', 'app_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
