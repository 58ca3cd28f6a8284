// Research freshness: which tools are due for a re-check, and which changed materially since the panel last reviewed them.
import type { ResearchConfig } from '../config.js';
import type { DbOrTx } from '../db/db.js';
import type { ToolRow } from '../db/types.js';
import { changesSince, lastChecked, lastReviewedAt, toolsDueForResearch, toolsWithUnreviewedChanges } from './evidence.repo.js';

/**
 * Freshness: which tools' facts are due for a re-check (older than the re-check period, oldest first), and which
 * changed materially since the panel last reviewed them.
 */

export const recheckCutoff = (r: ResearchConfig, now = Date.now()) => new Date(now - r.recheckDays * 86_400_000).toISOString();

export interface ToolChanges {
  /** When the panel last reviewed the tool; null if never. */
  reviewedAt: string | null;
  /** Material changes recorded after that, newest first. */
  changes: { evidenceId: number; at: string; text: string }[];
}

/** What changed since the panel's last review of this tool (for the tool page's notice). */
export async function changesSinceReview(db: DbOrTx, toolId: number): Promise<ToolChanges> {
  const reviewedAt = (await lastReviewedAt(db, [toolId])).get(toolId) ?? null;
  if (!reviewedAt) return { reviewedAt, changes: [] };
  const rows = await changesSince(db, toolId, reviewedAt);
  return { reviewedAt, changes: rows.flatMap((r) => (JSON.parse(r.changes) as string[]).map((text) => ({ evidenceId: r.id, at: r.fetchedAt, text }))) };
}

export async function staleTools(db: DbOrTx, r: ResearchConfig, limit = r.batch) {
  const due = await toolsDueForResearch(db, recheckCutoff(r), limit);
  const changedTools = await toolsWithUnreviewedChanges(db, limit);
  const checked = await lastChecked(db, changedTools.map((t) => t.id));
  const changed: (ToolRow & { checkedAt: string | null; changes: string[] })[] = [];
  for (const t of changedTools) {
    const c = await changesSinceReview(db, t.id);
    changed.push({ ...t, checkedAt: checked.get(t.id) ?? null, changes: c.changes.map((x) => x.text) });
  }
  return { due, changed };
}
