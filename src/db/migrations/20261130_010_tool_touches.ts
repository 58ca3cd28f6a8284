// Migration: adds a second data-version row and tools.touched, so a vote drops only the pages of the tools it changed.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Per-tool invalidation (docs/decisions/017): a vote no longer bumps the global data version. The vote write
 * bumps a second counter, `data_version` row 2, and stamps the tools it recounted with it (`tools.touched`), in
 * the same transaction. Web processes poll row 2 and, when it moved, read just the tools touched since they last
 * looked (index tools_by_touched), dropping only the pages that show those tools.
 *
 * So the tools triggers must not count a touch as a catalog change: an UPDATE that changes `touched` is the vote
 * path (it sets nothing but the community counts and `touched`). Every other write to tools, reviews and
 * digest issues bumps the global version as before. Imports nothing but kysely.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('tools').addColumn('touched', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('tools_by_touched').on('tools').columns(['touched']).execute();
  await db.insertInto('data_version').values({ id: 2, version: 0 }).execute();
  if (pg) {
    await sql`drop trigger votes_bump_data_version on votes`.execute(db);
    await sql`drop trigger tools_bump_data_version on tools`.execute(db);
    await sql`create trigger tools_bump_data_version after insert or delete on tools for each statement execute function bump_data_version()`.execute(db);
    // Statement level (one bump per statement, as before), looking at the changed rows through transition tables.
    await sql`create function bump_data_version_unless_touch() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from old_rows o join new_rows n on n.id = o.id where n.touched = o.touched) then
          update data_version set version = version + 1 where id = 1;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger tools_update_bump_data_version after update on tools referencing old table as old_rows new table as new_rows
      for each statement execute function bump_data_version_unless_touch()`.execute(db);
  } else {
    for (const op of ['insert', 'update', 'delete']) await sql`drop trigger ${sql.id(`votes_${op}_bump_data_version`)}`.execute(db);
    await sql`drop trigger tools_update_bump_data_version`.execute(db);
    await sql`create trigger tools_update_bump_data_version after update on tools when old.touched = new.touched
      begin update data_version set version = version + 1 where id = 1; end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`drop trigger tools_update_bump_data_version on tools`.execute(db);
    await sql`drop function bump_data_version_unless_touch()`.execute(db);
    await sql`drop trigger tools_bump_data_version on tools`.execute(db);
    await sql`create trigger tools_bump_data_version after insert or update or delete on tools for each statement execute function bump_data_version()`.execute(db);
    await sql`create trigger votes_bump_data_version after insert or update or delete on votes for each statement execute function bump_data_version()`.execute(db);
  } else {
    await sql`drop trigger tools_update_bump_data_version`.execute(db);
    await sql`create trigger tools_update_bump_data_version after update on tools begin update data_version set version = version + 1 where id = 1; end`.execute(db);
    for (const op of ['insert', 'update', 'delete']) {
      await sql`create trigger ${sql.id(`votes_${op}_bump_data_version`)} after ${sql.raw(op)} on votes begin update data_version set version = version + 1 where id = 1; end`.execute(db);
    }
  }
  await db.deleteFrom('data_version').where('id', '=', 2).execute();
  await db.schema.dropIndex('tools_by_touched').execute();
  await db.schema.alterTable('tools').dropColumn('touched').execute();
}
