// Research orchestration: gathers a tool's sources, detects material changes, stores the snapshots and queues a re-review when something changed.
import { excerpt } from '../domain/text.js';
import { createHash } from 'node:crypto';
import type { Config, ResearchConfig } from '../config.js';
import { nowIso, type DbOrTx } from '../db/db.js';
import type { EvidenceRow, NewEvidenceRow, ToolRow } from '../db/types.js';
import { log, scrub } from '../ops/log.js';
import { Fetcher, userAgentFor } from './fetcher.js';
import { findSubpages, githubRepo, huggingfaceRefs, materialChanges, packageRefs } from './facts.js';
import { latestSnapshots, recentSnapshots, storeSnapshots } from './evidence.repo.js';
import { hasReviews } from '../catalog/reviews.repo.js';
import { hasActiveJob } from '../queue/jobs.repo.js';
import { enqueue } from '../queue/queue.js';
import { page, prevKey, safely, type Prev, type Snapshot } from './snapshot.js';
import { github, huggingface, npmPackage, pypiPackage } from './registries.js';

/**
 * Research: collect evidence about a tool from public sources, without an LLM, and store one snapshot per
 * source. Each source is fetched through the careful fetcher; a failure is a recorded snapshot, never a crash.
 * This file orchestrates: which sources a tool names (gather), change detection against the last snapshots,
 * storing, and queueing a re-review. Pages and the shared fetch helpers are in snapshot.ts, the registry
 * scrapers (GitHub, Hugging Face, npm, PyPI) in registries.ts.
 */

/** Consecutive failed homepage checks after which the homepage counts as gone. */
export const GONE_AFTER_FAILURES = 3;

export function createFetcher(config: Config): Fetcher {
  const r = config.research;
  return new Fetcher({
    userAgent: userAgentFor(config.publicUrl),
    allowPrivate: r.allowPrivate,
    timeoutMs: r.timeoutMs,
    maxBytes: r.maxBytes,
    hostDelayMs: r.hostDelayMs,
  });
}

export interface ResearchOutcome {
  tool: string;
  toolId: number;
  snapshots: (Snapshot & { id: number; changes: string[] })[];
  /** Material changes found by this check, across all sources. */
  changes: string[];
}

/** The other sources a homepage names. */
interface Found {
  pricing?: string;
  docs?: string;
  huggingface: { id: string; type: 'model' | 'space' }[];
  npm: string[];
  pypi: string[];
}

/** What gather reads of a tool: a catalog tool, or a discovered candidate not listed yet. */
export type Researchable = Pick<ToolRow, 'url' | 'repo' | 'description'>;

/** Every source for one tool, fetched (one request at a time per host) and turned into snapshots. */
export async function gather(fetcher: Fetcher, r: ResearchConfig, tool: Researchable, previous: readonly EvidenceRow[]): Promise<Snapshot[]> {
  const prev: Prev = new Map(previous.map((p) => [prevKey(p.kind, p.url), p]));
  const out: Snapshot[] = [];
  const home = await page(fetcher, prev, 'homepage', tool.url);
  // What the homepage points to is kept in its facts, so a 304 (no new page to read) still leads to the same sources.
  let found = home.snapshot.facts.found as Found | undefined;
  if (home.parsed) {
    const urls = [tool.url, ...(tool.repo ? [tool.repo] : []), ...home.parsed.links.map((l) => l.href)];
    const sub = findSubpages(home.parsed.links, tool.url);
    // Install commands count in the tool's own description and on its homepage.
    const pkgs = packageRefs(`${tool.description}\n${home.parsed.text}`, urls);
    found = { ...sub, huggingface: huggingfaceRefs(urls), ...pkgs };
    home.snapshot.facts.found = found;
  }
  found ??= { huggingface: huggingfaceRefs([tool.url, ...(tool.repo ? [tool.repo] : [])]), ...packageRefs(tool.description, []) };
  out.push(home.snapshot);
  if (found.pricing) out.push((await page(fetcher, prev, 'pricing', found.pricing)).snapshot);
  if (found.docs && found.docs !== found.pricing) out.push((await page(fetcher, prev, 'docs', found.docs)).snapshot);
  const others: Promise<Snapshot>[] = [];
  const repo = githubRepo(tool.repo) ?? githubRepo(tool.url);
  if (repo) others.push(safely('github', `${r.githubApiUrl}/repos/${repo}`, () => github(fetcher, prev, r, repo)));
  for (const ref of found.huggingface) others.push(safely('huggingface', `${r.huggingfaceUrl}/api/${ref.type}s/${ref.id}`, () => huggingface(fetcher, prev, r, ref)));
  for (const n of found.npm) others.push(safely('npm', `${r.npmRegistryUrl}/${n}`, () => npmPackage(fetcher, prev, r, n)));
  for (const n of found.pypi) others.push(safely('pypi', `${r.pypiUrl}/pypi/${n}/json`, () => pypiPackage(fetcher, prev, r, n)));
  // Different hosts run side by side; the fetcher keeps each host to one request at a time.
  out.push(...(await Promise.all(others)));
  return out;
}

const hash = (s: Snapshot) =>
  s.error ? null : createHash('sha256').update(JSON.stringify({ facts: s.facts, excerpt: s.excerpt })).digest('hex');

/** Checks a tool's sources, stores the snapshots with their material changes, and prunes history. */
export async function researchTool(db: DbOrTx, fetcher: Fetcher, r: ResearchConfig, tool: ToolRow): Promise<ResearchOutcome> {
  const previous = await latestSnapshots(db, tool.id);
  const snapshots = await gather(fetcher, r, tool, previous);
  const fetchedAt = nowIso();
  const rows: (NewEvidenceRow & { changeList: string[] })[] = [];
  for (const s of snapshots) {
    const changeList: string[] = [];
    // Compare with the newest successful snapshot of the same source.
    const last = previous.find((p) => p.kind === s.kind && p.url === s.url);
    const lastOk = last && !last.error ? last : (await recentSnapshots(db, tool.id, s.kind, 5)).find((p) => !p.error && p.url === s.url);
    if (!s.error && lastOk) changeList.push(...materialChanges(s.kind, JSON.parse(lastOk.facts), s.facts));
    if (s.error && s.kind === 'homepage') {
      const recent = await recentSnapshots(db, tool.id, 'homepage', GONE_AFTER_FAILURES);
      // Flag once, on exactly the third failure in a row after a success (or since the first check).
      const earlier = recent.slice(0, GONE_AFTER_FAILURES - 1);
      const before = recent[GONE_AFTER_FAILURES - 1];
      if (earlier.length === GONE_AFTER_FAILURES - 1 && earlier.every((p) => p.error) && (!before || !before.error)) {
        changeList.push(`Homepage gone: ${GONE_AFTER_FAILURES} failed checks in a row (${s.error})`);
      }
    }
    rows.push({
      toolId: tool.id,
      kind: s.kind,
      url: s.url,
      fetchedAt,
      status: s.status,
      error: s.error,
      contentHash: hash(s),
      etag: s.etag,
      lastModified: s.lastModified,
      facts: JSON.stringify(s.facts),
      excerpt: s.excerpt,
      changes: JSON.stringify(changeList),
      changeList,
    });
  }
  const ids = await storeSnapshots(
    db,
    rows.map(({ changeList: _, ...row }) => row),
  );
  // One line per source checked, with the tool's slug and the snapshot's id (its URL is in the evidence row).
  for (const [i, s] of snapshots.entries()) {
    log().info(
      { tool: tool.slug, source: s.kind, evidence: ids[i], status: s.status, outcome: s.error ? 'failed' : 'ok', changes: rows[i]!.changeList.length, ...(s.error ? { reason: scrub(s.error) } : {}) },
      'research fetch',
    );
  }
  return {
    tool: tool.slug,
    toolId: tool.id,
    snapshots: snapshots.map((s, i) => ({ ...s, id: ids[i]!, changes: rows[i]!.changeList })),
    changes: rows.flatMap((r) => r.changeList),
  };
}

/**
 * After a check: a material change on a reviewed tool queues a panel re-review with the change as its reason
 * (one waiting review per tool; the idempotency key makes a repeated check of the same snapshot a no-op).
 */
export async function queueReviewForChanges(db: DbOrTx, outcome: ResearchOutcome): Promise<{ queued: boolean; reason?: string }> {
  if (outcome.changes.length === 0 || !(await hasReviews(db, outcome.toolId))) return { queued: false };
  const reason = excerpt(outcome.changes.join('; '), 480);
  if (await hasActiveJob(db, `panel.review:tool:${outcome.toolId}:`)) return { queued: false, reason };
  const first = outcome.snapshots.find((s) => s.changes.length)!;
  const r = await enqueue(db, {
    type: 'panel.review',
    payload: { toolId: outcome.toolId, reason },
    idempotencyKey: `panel.review:tool:${outcome.toolId}:evidence:${first.id}`,
  });
  return { queued: r.created, reason };
}
