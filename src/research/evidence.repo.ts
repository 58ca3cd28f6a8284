// SQL for evidence snapshots, the review revisions that cite them, and which tools are due for a re-check.
import { sql } from 'kysely';
import { executeTx, type DbOrTx } from '../db/db.js';
import { type EvidenceRow, type NewEvidenceRow, type ToolRow, TOOLS_STAR } from '../db/types.js';

/** SQL for evidence snapshots and the link from review revisions to the snapshots their critic saw and cited. */

/** Snapshots kept per tool and kind; older ones go, unless a review revision saw them (its footnotes must resolve). */
export const EVIDENCE_HISTORY = 10;

export async function insertEvidence(db: DbOrTx, row: NewEvidenceRow): Promise<number> {
  const { id } = await db.insertInto('evidence').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** The newest snapshot of each kind for a tool, failed checks included (for conditional requests and failure counts). */
export async function latestSnapshots(db: DbOrTx, toolId: number): Promise<EvidenceRow[]> {
  return db
    .selectFrom('evidence')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('evidence').select((e) => e.fn.max('id').as('id')).where('toolId', '=', toolId).groupBy('kind'))
    .orderBy('id')
    .execute();
}

/** The newest successful snapshot per kind, for each tool: what critics are shown and pages list as sources. */
export async function currentEvidence(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, EvidenceRow[]>> {
  const out = new Map<number, EvidenceRow[]>(toolIds.map((id) => [id, []]));
  if (toolIds.length === 0) return out;
  const rows = await db
    .selectFrom('evidence')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb.selectFrom('evidence').select((e) => e.fn.max('id').as('id')).where('toolId', 'in', toolIds).where('error', 'is', null).groupBy(['toolId', 'kind']),
    )
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.toolId)!.push(r);
  return out;
}

/** When each tool's sources were last checked (successfully or not). */
export async function lastChecked(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, string>> {
  if (toolIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('evidence')
    .select(['toolId', (e) => e.fn.max('fetchedAt').as('at')])
    .where('toolId', 'in', toolIds)
    .groupBy('toolId')
    .execute();
  return new Map(rows.map((r) => [r.toolId, String(r.at)]));
}

/** The last `n` snapshots of one kind for a tool, newest first. */
export const recentSnapshots = (db: DbOrTx, toolId: number, kind: EvidenceRow['kind'], n: number): Promise<EvidenceRow[]> =>
  db.selectFrom('evidence').selectAll().where('toolId', '=', toolId).where('kind', '=', kind).orderBy('id', 'desc').limit(n).execute();

export const findEvidence = (db: DbOrTx, ids: readonly number[]): Promise<EvidenceRow[]> =>
  ids.length ? db.selectFrom('evidence').selectAll().where('id', 'in', ids).orderBy('id').execute() : Promise.resolve([]);

/** Snapshots recording a material change, newer than `since` (the panel's last review), newest first. */
export const changesSince = (db: DbOrTx, toolId: number, since: string | null): Promise<EvidenceRow[]> => {
  let q = db.selectFrom('evidence').selectAll().where('toolId', '=', toolId).where('changes', '<>', '[]');
  if (since) q = q.where('fetchedAt', '>', since);
  return q.orderBy('id', 'desc').limit(20).execute();
};

/** Drops snapshots beyond the newest EVIDENCE_HISTORY of this kind, keeping any a review revision saw. */
export async function pruneEvidence(db: DbOrTx, toolId: number, kind: EvidenceRow['kind']): Promise<void> {
  const keepFrom = await db
    .selectFrom('evidence')
    .select('id')
    .where('toolId', '=', toolId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .offset(EVIDENCE_HISTORY - 1)
    .limit(1)
    .executeTakeFirst();
  if (!keepFrom) return;
  await db
    .deleteFrom('evidence')
    .where('toolId', '=', toolId)
    .where('kind', '=', kind)
    .where('id', '<', keepFrom.id)
    // Correlated NOT EXISTS, not NOT IN: PostgreSQL cannot turn NOT IN into an anti-join (a nullable-semantics
    // subplan re-reading all of review_evidence per candidate: 288 ms at 1M links); this probes
    // review_evidence_evidence per candidate (0.28 ms). It runs once per snapshot, inside the write transaction.
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('reviewEvidence').select('reviewEvidence.evidenceId').whereRef('reviewEvidence.evidenceId', '=', 'evidence.id'))),
    )
    .execute();
}

/** Records what a review revision's critic was shown and which of those it cited. */
export async function linkReviewEvidence(db: DbOrTx, reviewId: number, shown: readonly number[], cited: readonly number[]): Promise<void> {
  if (shown.length === 0) return;
  const citedSet = new Set(cited);
  await db
    .insertInto('reviewEvidence')
    .values(shown.map((evidenceId) => ({ reviewId, evidenceId, cited: citedSet.has(evidenceId) ? 1 : 0 })))
    .execute();
}

/** Evidence ids each of these review revisions cited, in id order. */
export async function citationsOf(db: DbOrTx, reviewIds: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (reviewIds.length === 0) return out;
  const rows = await db
    .selectFrom('reviewEvidence')
    .select(['reviewId', 'evidenceId'])
    .where('reviewId', 'in', reviewIds)
    .where('cited', '=', 1)
    .orderBy('evidenceId')
    .execute();
  for (const r of rows) out.set(r.reviewId, [...(out.get(r.reviewId) ?? []), r.evidenceId]);
  return out;
}

/**
 * Tools due for a re-check: never checked first, then by the age of their newest snapshot, oldest first,
 * only those older than `before`; with `checkedOnly`, only tools checked before. Reads the stored
 * tools.researched_at through its index (migration 20261130_115), not a grouping of the whole evidence table.
 */
export async function toolsDueForResearch(
  db: DbOrTx,
  before: string,
  limit: number,
  opts: { checkedOnly?: boolean } = {},
): Promise<(ToolRow & { checkedAt: string | null })[]> {
  return db
    .selectFrom('tools')
    .select(TOOLS_STAR)
    .select('tools.researchedAt as checkedAt')
    .where((eb) => (opts.checkedOnly ? eb('tools.researchedAt', '<', before) : eb.or([eb('tools.researchedAt', 'is', null), eb('tools.researchedAt', '<', before)])))
    // Nulls first is SQLite's default for ascending order and what PostgreSQL's index says (nulls last is its default).
    .orderBy(sql`tools.researched_at nulls first`)
    .orderBy('tools.id')
    .limit(limit)
    .execute();
}

/**
 * Stores one check's snapshots, prunes history, and moves each tool's researched_at to its newest snapshot (never
 * back), in one transaction.
 */
export const storeSnapshots = (db: DbOrTx, rows: readonly NewEvidenceRow[]): Promise<number[]> =>
  executeTx(db, async (tx) => {
    const ids: number[] = [];
    const newest = new Map<number, string>();
    for (const r of rows) {
      ids.push(await insertEvidence(tx, r));
      await pruneEvidence(tx, r.toolId, r.kind);
      if (!(r.fetchedAt <= (newest.get(r.toolId) ?? ''))) newest.set(r.toolId, r.fetchedAt);
    }
    for (const [toolId, at] of newest) {
      await tx
        .updateTable('tools')
        .set({ researchedAt: at })
        .where('id', '=', toolId)
        .where((eb) => eb.or([eb('researchedAt', 'is', null), eb('researchedAt', '<', at)]))
        .execute();
    }
    return ids;
  });

/** When the panel last reviewed each tool (newest review revision), for "changed since the panel reviewed it". */
export async function lastReviewedAt(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, string>> {
  if (toolIds.length === 0) return new Map();
  const rows = await db.selectFrom('reviews').select(['toolId', (e) => e.fn.max('createdAt').as('at')]).where('toolId', 'in', toolIds).groupBy('toolId').execute();
  return new Map(rows.map((r) => [r.toolId, String(r.at)]));
}

/** Tools with a material change recorded after their newest review revision. */
export async function toolsWithUnreviewedChanges(db: DbOrTx, limit: number): Promise<ToolRow[]> {
  return db
    .selectFrom('tools')
    .selectAll()
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('evidence as e')
          .select('e.id')
          .whereRef('e.toolId', '=', 'tools.id')
          .where('e.changes', '<>', '[]')
          .where(sql<boolean>`e.fetched_at > coalesce((select max(r.created_at) from reviews r where r.tool_id = tools.id), '')`),
      ),
    )
    .orderBy('tools.id')
    .limit(limit)
    .execute();
}
