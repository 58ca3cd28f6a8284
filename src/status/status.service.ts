// What `verdict status` and /admin show of the daily loop: each stage's last runs, failures, queue and next run, workers and today's budget.
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/db.js';
import { latestStageRuns, stageFailuresSince, type StageRunRow } from '../queue/stage-runs.repo.js';
import { countDueJobs, openJobsByType } from '../queue/jobs.repo.js';
import { STAGE_OF } from '../queue/queue.js';
import { scheduleFor } from '../queue/schedule.js';
import { queueDepth } from '../discovery/candidates.repo.js';
import { budgetState, type BudgetState } from '../panel/budget.js';
import { SOURCES } from '../discovery/sources/index.js';
import { HEARTBEAT_STALE_MS, listWorkerHeartbeats } from '../queue/heartbeats.repo.js';

/**
 * What `verdict status` and the /admin panel show: for each stage of the daily loop (discover → research → review
 * → digest, and each discovery source), its last run, items in and out, failures in the last 24 h, its queue and the
 * oldest job's age, the next scheduled run; candidates waiting; tokens spent today against the budget. A stage that
 * failed on each of its last three runs is a warning.
 */
export interface StageStatus {
  stage: string;
  label: string;
  lastRun: { at: string; ok: boolean; itemsIn: number; itemsOut: number; error: string | null } | null;
  failures24h: number;
  /** Failed on each of its last three runs. */
  warning: boolean;
  queue: { jobs: number; oldestAgeS: number | null };
  nextRun: string | null;
}

export interface Status {
  at: string;
  stages: StageStatus[];
  candidates: { discovery: number; reader: number; oldestAgeS: number | null };
  tokens: BudgetState;
  warnings: string[];
  worker: WorkerStatus;
}

/** The job workers, from their heartbeats (worker_heartbeats): is anything running the queue? */
export interface WorkerStatus {
  /** The latest heartbeat of any worker; null when none ever reported. */
  heartbeat: string | null;
  /** Some running worker beat within `staleAfterS`. */
  recent: boolean;
  /** Running workers that beat within `staleAfterS`. */
  alive: number;
  staleAfterS: number;
  /** Due jobs waiting in the queue: with no recent heartbeat, nothing will run them (exit 1). */
  dueJobs: number;
  /** Each worker's last heartbeat, freshest first (the last ten; a stopped worker's row goes after a week). */
  workers: { id: string; hostname: string; pid: number; startedAt: string; lastHeartbeat: string; ageS: number; alive: boolean; stoppedAt: string | null; running: number }[];
}

export const STAGES: { stage: string; label: string }[] = [
  { stage: 'discovery', label: 'Discovery' },
  { stage: 'research', label: 'Research' },
  { stage: 'review', label: 'Panel review' },
  { stage: 'digest', label: 'Digest' },
];

const ageS = (iso: string | null, now: Date) => (iso ? Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000)) : null);

export async function loadStatus(db: DbOrTx, config: Config, now = new Date()): Promise<Status> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const jobs = await openJobsByType(db);
  // The schedule's next tick of each stage: today's when not enqueued yet is "now"; else tomorrow's (or next week's).
  const tomorrow = new Date(Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`) + 86_400_000);
  const next = new Map<string, string>();
  for (const j of scheduleFor(tomorrow)) {
    const stage = STAGE_OF[j.type] ?? j.type;
    const at = j.type === 'digest.send' ? nextDigest(now) : j.runAt;
    if (!next.has(stage) || at < next.get(stage)!) next.set(stage, at);
  }
  // Each discovery source under Discovery, then the later stages.
  const list = [STAGES[0]!, ...config.discovery.sources.map((id) => ({ stage: `discovery:${id}`, label: `· ${SOURCES[id].label}` })), ...STAGES.slice(1)];
  const stages: StageStatus[] = [];
  for (const s of list) {
    const runs: StageRunRow[] = await latestStageRuns(db, s.stage, 3);
    const last = runs[0];
    const open = jobs.filter((j) => (STAGE_OF[j.type] ?? j.type) === s.stage);
    const oldest = open.map((j) => j.oldest).filter((x): x is string => !!x).sort()[0] ?? null;
    stages.push({
      stage: s.stage,
      label: s.label,
      lastRun: last ? { at: last.finishedAt, ok: last.ok === 1, itemsIn: last.itemsIn, itemsOut: last.itemsOut, error: last.error } : null,
      failures24h: await stageFailuresSince(db, s.stage, since),
      warning: runs.length === 3 && runs.every((r) => r.ok === 0),
      queue: { jobs: open.reduce((a, j) => a + j.n, 0), oldestAgeS: ageS(oldest, now) },
      nextRun: s.stage.startsWith('discovery:') ? (next.get('discovery') ?? null) : (next.get(s.stage) ?? null),
    });
  }
  const depth = await queueDepth(db);
  const oldestCandidate = depth.map((d) => d.oldest).filter((x): x is string => !!x).sort()[0] ?? null;
  const tokens = await budgetState(db, config, now);
  const warnings = stages.filter((s) => s.warning).map((s) => `${s.label.replace(/^· /, 'discovery source ')} failed on each of its last 3 runs${s.lastRun?.error ? `: ${s.lastRun.error}` : ''}`);
  const worker = await workerStatus(db, now);
  if (!worker.recent) warnings.push(workerWarning(worker));
  if (tokens.exhausted) warnings.push(`LLM_DAILY_TOKEN_BUDGET spent (${tokens.spent} of ${tokens.budget} tokens): panel reviews and classification wait until ${minuteText(tokens.resetsAt)} UTC`);
  return {
    at: now.toISOString(),
    stages,
    candidates: { discovery: depth.find((d) => d.origin === 'discovery')?.n ?? 0, reader: depth.find((d) => d.origin === 'reader')?.n ?? 0, oldestAgeS: ageS(oldestCandidate, now) },
    tokens,
    warnings,
    worker,
  };
}

async function workerStatus(db: DbOrTx, now: Date): Promise<WorkerStatus> {
  const beats = await listWorkerHeartbeats(db, { limit: 10, now: now.getTime() });
  const workers = beats.map((b) => ({
    id: b.workerId,
    hostname: b.hostname,
    pid: b.pid,
    startedAt: b.startedAt,
    lastHeartbeat: b.beatAt,
    ageS: Math.round(b.ageSeconds),
    alive: b.alive,
    stoppedAt: b.stoppedAt,
    running: b.running,
  }));
  const alive = workers.filter((w) => w.alive).length;
  return { heartbeat: workers[0]?.lastHeartbeat ?? null, recent: alive > 0, alive, staleAfterS: HEARTBEAT_STALE_MS / 1000, dueJobs: await countDueJobs(db, now), workers };
}

function workerWarning(w: WorkerStatus): string {
  const last = w.workers[0];
  const seen = !last
    ? 'no worker has ever reported a heartbeat'
    : last.stoppedAt
      ? `no worker is running (the last one, ${last.hostname} pid ${last.pid}, stopped at ${minuteText(last.stoppedAt)} UTC)`
      : `no worker heartbeat in the last ${w.staleAfterS} s (the last, from ${last.hostname} pid ${last.pid}, ${ageText(last.ageS)} ago)`;
  return `${seen[0]!.toUpperCase()}${seen.slice(1)}: nothing runs panel reviews, research, digests or the schedule${w.dueJobs ? ` (${w.dueJobs} due job${w.dueJobs === 1 ? '' : 's'} waiting)` : ''}. Start \`verdict worker\`, or \`npm start\` without WORKER=false.`;
}

/** Monday 08:00 UTC after now. */
function nextDigest(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8));
  const add = (8 - d.getUTCDay()) % 7;
  d.setUTCDate(d.getUTCDate() + add);
  if (d <= now) d.setUTCDate(d.getUTCDate() + 7);
  return d.toISOString();
}

/** "3 h", "2 d", "45 s". */
/** An ISO time to the minute, as the status views show it (UTC, "2026-12-05 20:48"); "—" when there is none. */
export const minuteText = (iso: string | null | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

export function ageText(s: number | null): string {
  if (s === null) return '—';
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
