// The one place that asks whether a connection speaks PostgreSQL or SQLite.
import { PostgresAdapter, type Kysely } from 'kysely';

// The one place that asks which dialect a connection speaks.
export const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;
