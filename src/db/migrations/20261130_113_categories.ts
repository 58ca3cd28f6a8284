// Migration: stores each category's tool count, kept by triggers, because most pages show it and counting from `tools` is slow.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Each category's tool count stored, kept by triggers so every writer (import, submissions, the CLI) keeps it in
 * step: the category list and the tool count are shown on most pages, and counting them from `tools` after every
 * catalog change read the whole table (70-170 ms at 100,000 tools). The name is the spelling of the category's
 * first tool (tools may spell it differently; they share the slug). A category whose last tool goes is deleted.
 * The lead index serves a category's most-reviewed tools (compare's suggested match-ups) without a sort.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('categories')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tools', 'integer', (c) => c.notNull())
    .execute();
  const add = (slug: string, name: string) => sql`insert into categories (slug, name, tools) values (${sql.raw(slug)}, ${sql.raw(name)}, 1)
      on conflict (slug) do update set tools = categories.tools + 1`;
  const remove = (slug: string) => sql`update categories set tools = tools - 1 where slug = ${sql.raw(slug)};
      delete from categories where slug = ${sql.raw(slug)} and tools <= 0`;
  if (pg) {
    await sql`create function tools_count_categories() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' then ${remove('old.category_slug')}; end if;
          if tg_op <> 'DELETE' then ${add('new.category_slug', 'new.category')}; end if;
          return null;
        end
      $$`.execute(db);
    await sql`create trigger tools_count_categories after insert or delete on tools
        for each row execute function tools_count_categories()`.execute(db);
    await sql`create trigger tools_count_categories_moved after update of category_slug on tools
        for each row when (old.category_slug is distinct from new.category_slug) execute function tools_count_categories()`.execute(db);
  } else {
    await sql`create trigger tools_count_categories_insert after insert on tools begin ${add('new.category_slug', 'new.category')}; end`.execute(db);
    await sql`create trigger tools_count_categories_delete after delete on tools begin ${remove('old.category_slug')}; end`.execute(db);
    await sql`create trigger tools_count_categories_moved after update of category_slug on tools when old.category_slug <> new.category_slug
        begin ${remove('old.category_slug')}; ${add('new.category_slug', 'new.category')}; end`.execute(db);
  }
  await sql`insert into categories (slug, name, tools) select category_slug, min(category), count(*) from tools group by category_slug`.execute(db);
  const last = pg ? ' nulls last' : '';
  await db.schema
    .createIndex('tools_by_category_lead')
    .on('tools')
    .expression(sql.raw(`category_slug, panel_takes desc, panel_mean_score desc${last}, lower(name), slug`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tools_by_category_lead').execute();
  if (isPostgres(db)) {
    await sql`drop trigger tools_count_categories_moved on tools`.execute(db);
    await sql`drop trigger tools_count_categories on tools`.execute(db);
    await sql`drop function tools_count_categories()`.execute(db);
  } else {
    for (const t of ['tools_count_categories_insert', 'tools_count_categories_delete', 'tools_count_categories_moved']) await sql`drop trigger ${sql.id(t)}`.execute(db);
  }
  await db.schema.dropTable('categories').execute();
}
