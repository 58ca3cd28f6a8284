import { PostgresAdapter, type Kysely } from 'kysely';

// The one place that asks which dialect a connection speaks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;
