// SQL for discovery: candidates by identity key, slugs and names already taken, queue depth and sources' stored validators.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';
import type { SubmissionRow } from '../db/types.js';

/** The queued items (any status) that hold any of these identity keys: one primary-key lookup per key. */
export function submissionsByKeys(db: DbOrTx, keys: readonly string[]): Promise<(Pick<SubmissionRow, 'id' | 'status' | 'origin' | 'foundBy' | 'toolId' | 'slug'> & { key: string })[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('candidateKeys')
    .innerJoin('submissions', 'submissions.id', 'candidateKeys.submissionId')
    .select(['candidateKeys.key', 'submissions.id', 'submissions.status', 'submissions.origin', 'submissions.foundBy', 'submissions.toolId', 'submissions.slug'])
    .where('candidateKeys.key', 'in', keys)
    .execute();
}

/** Catalog tools whose url or repo, lower-cased, is one of these spellings (the lower(url) and lower(repo) indexes). */
export function toolsBySpellings(db: DbOrTx, spellings: readonly string[]): Promise<{ id: number; slug: string; url: string; repo: string | null }[]> {
  if (spellings.length === 0) return Promise.resolve([]);
  const list = [...spellings];
  return db
    .selectFrom('tools')
    .select(['id', 'slug', 'url', 'repo'])
    .where((eb) => eb.or([eb(sql<string>`lower(url)`, 'in', list), eb(sql<string>`lower(repo)`, 'in', list)]))
    .execute();
}

/** Slugs among these already taken by a tool or a pending submission. */
export async function takenSlugs(db: DbOrTx, slugs: readonly string[]): Promise<Set<string>> {
  if (slugs.length === 0) return new Set();
  const [tools, subs] = await Promise.all([
    db.selectFrom('tools').select('slug').where('slug', 'in', [...slugs]).execute(),
    db.selectFrom('submissions').select('slug').where('status', '=', 'pending').where('slug', 'in', [...slugs]).execute(),
  ]);
  return new Set([...tools, ...subs].map((r) => r.slug));
}

/** Records identity keys of a queued item; a key already held (by this item or another) is left as it is. */
export async function addCandidateKeys(db: DbOrTx, submissionId: number, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insertInto('candidateKeys')
    .values(keys.map((key) => ({ key, submissionId })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function setFoundBy(db: DbOrTx, submissionId: number, foundBy: string): Promise<void> {
  await db.updateTable('submissions').set({ foundBy }).where('id', '=', submissionId).execute();
}

/** The catalog's categories, largest first. */
export function categoryNames(db: DbOrTx): Promise<{ name: string; tools: number }[]> {
  return db.selectFrom('categories').select(['name', 'tools']).orderBy('tools', 'desc').limit(200).execute();
}

/** How a tool came to be listed, when it came through the queue. */
export function listingOf(db: DbOrTx, toolId: number): Promise<Pick<SubmissionRow, 'id' | 'origin' | 'foundBy' | 'autoReason' | 'createdAt' | 'decidedAt'> | undefined> {
  return db
    .selectFrom('submissions')
    .select(['id', 'origin', 'foundBy', 'autoReason', 'createdAt', 'decidedAt'])
    .where('toolId', '=', toolId)
    .where('status', '=', 'approved')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Pending items of each origin, and the oldest one's age. */
export async function queueDepth(db: DbOrTx): Promise<{ origin: string; n: number; oldest: string | null }[]> {
  const rows = await db
    .selectFrom('submissions')
    .select(['origin', sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
    .where('status', '=', 'pending')
    .groupBy('origin')
    .execute();
  return rows.map((r) => ({ origin: r.origin, n: Number(r.n), oldest: r.oldest }));
}

/** The ETag and Last-Modified each listing URL last answered with (app_settings `discovery.validators`). */
export async function loadValidators(db: DbOrTx): Promise<Map<string, { etag: string | null; lastModified: string | null }>> {
  const row = await db.selectFrom('appSettings').select('value').where('key', '=', 'discovery.validators').executeTakeFirst();
  try {
    return new Map(Object.entries(JSON.parse(row?.value ?? '{}') as Record<string, { etag: string | null; lastModified: string | null }>));
  } catch {
    return new Map();
  }
}

export async function saveValidators(db: DbOrTx, v: Map<string, { etag: string | null; lastModified: string | null }>): Promise<void> {
  const value = JSON.stringify(Object.fromEntries(v));
  await db
    .insertInto('appSettings')
    .values({ key: 'discovery.validators', value, createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
