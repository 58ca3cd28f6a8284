// Migration: stores which revision is each critic's latest (reviews.latest) and per-critic tallies, so critic pages stop grouping every review.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Migrations import nothing but kysely (not app code, not each other), so each stays as it ran.
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * "Which revision is each critic's latest review of a tool" stored, instead of `max(id) group by tool_id, critic`
 * over every review on each critic page (0.7 s on SQLite at 100,000 tools, 0.8 s for /critics; decision 021):
 * - `reviews.latest` is 1 on the newest revision of each (tool, critic) and 0 on the ones it superseded. New rows
 *   default to 1: a review written is the latest; its writer (src/catalog/critics.repo.ts `recordLatest`, in the
 *   same transaction) clears the flag of the revision it supersedes. Backfilled here by clearing the flag of every
 *   superseded revision (few rows: most reviews have one revision), so the table is not rewritten.
 * - `reviews_critic_latest (critic, latest, id)` serves a critic's verdicts newest first, paged, and their count;
 *   it replaces `reviews_critic (critic, id)`, which only the old recomputation used.
 * - `reviews_tool_critic_latest (tool_id, critic, latest, id)` replaces `reviews_tool_critic (tool_id, critic, id)`
 *   (same leading columns for a tool's revisions per critic) and also answers "is this tool's review by this
 *   critic a latest one" from the index: a critic's verdicts in one category start from the category's tools.
 * - `critic_tallies` holds each critic's ships, skips and abstentions over its latest reviews, kept by delta in
 *   the same write; /critics and the critic pages read seven rows instead of counting 600,000.
 * - Revisions are never deleted one by one, but a tool's deletion takes all of its reviews with it (a cascade no
 *   app code sees): a trigger takes a deleted latest review out of its critic's tally.
 * Imports nothing but kysely: a migration must not change when app code does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').addColumn('latest', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await sql`update reviews set latest = 0 where id not in (select max(id) from reviews group by tool_id, critic)`.execute(db);
  await db.schema.createIndex('reviews_critic_latest').on('reviews').columns(['critic', 'latest', 'id']).execute();
  await db.schema.dropIndex('reviews_critic').execute();
  await db.schema.createIndex('reviews_tool_critic_latest').on('reviews').columns(['tool_id', 'critic', 'latest', 'id']).execute();
  await db.schema.dropIndex('reviews_tool_critic').execute();
  await db.schema
    .createTable('critic_tallies')
    .addColumn('critic', 'text', (c) => c.primaryKey())
    .addColumn('ships', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skips', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('abstentions', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into critic_tallies (critic, ships, skips, abstentions)
    select critic,
      sum(case when kind = 'take' and verdict = 'ship' then 1 else 0 end),
      sum(case when kind = 'take' and verdict = 'skip' then 1 else 0 end),
      sum(case when kind = 'abstain' then 1 else 0 end)
    from reviews where latest = 1 group by critic`.execute(db);
  const untally = sql`update critic_tallies set
      ships = ships - case when old.kind = 'take' and old.verdict = 'ship' then 1 else 0 end,
      skips = skips - case when old.kind = 'take' and old.verdict = 'skip' then 1 else 0 end,
      abstentions = abstentions - case when old.kind = 'abstain' then 1 else 0 end
    where critic = old.critic`;
  if (isPostgres(db)) {
    await sql`create function reviews_untally_latest() returns trigger language plpgsql as $$
        begin ${untally}; return null; end
      $$`.execute(db);
    await sql`create trigger reviews_untally_latest after delete on reviews
        for each row when (old.latest = 1) execute function reviews_untally_latest()`.execute(db);
  } else {
    await sql`create trigger reviews_untally_latest after delete on reviews when old.latest = 1 begin ${untally}; end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger reviews_untally_latest${sql.raw(isPostgres(db) ? ' on reviews' : '')}`.execute(db);
  if (isPostgres(db)) await sql`drop function reviews_untally_latest()`.execute(db);
  await db.schema.dropTable('critic_tallies').execute();
  await db.schema.createIndex('reviews_tool_critic').on('reviews').columns(['tool_id', 'critic', 'id']).execute();
  await db.schema.dropIndex('reviews_tool_critic_latest').execute();
  await db.schema.createIndex('reviews_critic').on('reviews').columns(['critic', 'id']).execute();
  await db.schema.dropIndex('reviews_critic_latest').execute();
  await db.schema.alterTable('reviews').dropColumn('latest').execute();
}
