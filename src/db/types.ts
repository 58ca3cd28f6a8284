// The database's table shapes as the app sees them (camelCase columns, ISO text timestamps), and the row types repos return.
import type { Generated, Insertable, Selectable } from 'kysely';

/** Table shapes as the app sees them (camelCase; CamelCasePlugin maps to snake_case columns). Timestamps are ISO-8601 text on both dialects. */
export interface ToolsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  tagline: string;
  description: string;
  category: string;
  categorySlug: string;
  pricingModel: 'free' | 'freemium' | 'paid' | 'open-source' | 'unknown';
  pricingEntry: string;
  pricingLicense: string | null;
  url: string;
  repo: string | null;
  /** JSON array of strings. */
  tags: string;
  /** A short use-case ("Best for"), migration 20261130_012; null when not given. */
  bestFor: string | null;
  /**
   * The panel's "best for", synthesised from the critics' takes when `bestFor` is null, and the run that wrote it
   * (migration 20261130_105). Shown only when `bestFor` is null; never exported.
   */
  panelBestFor: string | null;
  panelBestForRunId: number | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Stored figures (migration 20261130_001), equal to summarize() of the latest review per critic and to the
   * vote counts; written only by src/catalog/figures.repo.ts, in the transaction of the review or vote.
   */
  panelShips: Generated<number>;
  panelSkips: Generated<number>;
  panelAbstentions: Generated<number>;
  /** panelShips + panelSkips, kept for the ship sort's index. */
  panelTakes: Generated<number>;
  panelShipPct: number | null;
  panelMeanScore: number | null;
  panelLabel: 'Ship' | 'Skip' | 'Split' | null;
  communityShips: Generated<number>;
  communitySkips: Generated<number>;
  /** data_version row 2 when a vote last recounted this tool (docs/decisions/017). */
  touched: Generated<number>;
  /**
   * When its sources were last checked: the newest evidence.fetched_at, null if never (migration 20261130_115).
   * Written only by storeSnapshots, in the transaction that stores the snapshots.
   */
  researchedAt: string | null;
}

/**
 * Every column of ToolsTable, to read tools with instead of `select *`: PostgreSQL's tools also hold the stored
 * search document (migration 20261130_110), which should not travel with every tool read.
 */
export const TOOL_COLUMNS = [
  'id', 'slug', 'name', 'tagline', 'description', 'category', 'categorySlug', 'pricingModel', 'pricingEntry', 'pricingLicense',
  'url', 'repo', 'tags', 'bestFor', 'panelBestFor', 'panelBestForRunId', 'createdAt', 'updatedAt', 'panelShips', 'panelSkips', 'panelAbstentions', 'panelTakes',
  'panelShipPct', 'panelMeanScore', 'panelLabel', 'communityShips', 'communitySkips', 'touched', 'researchedAt',
] as const satisfies readonly (keyof ToolsTable)[];
/** The same, qualified, for queries that join tools to another table. */
export const TOOLS_STAR = TOOL_COLUMNS.map((c) => `tools.${c}` as const);
/** Fails to compile when ToolsTable gains a column TOOL_COLUMNS lacks. */
export const TOOL_COLUMNS_COMPLETE: Record<Exclude<keyof ToolsTable, (typeof TOOL_COLUMNS)[number]>, never> = {};

/** Each category's tool count, kept by triggers on tools (migration 20261130_113). */
export interface CategoriesTable {
  slug: string;
  name: string;
  tools: number;
}

export interface PanelRunsTable {
  id: Generated<number>;
  toolId: number;
  provider: string;
  model: string;
  promptVersion: string;
  status: 'running' | 'done' | 'partial' | 'failed';
  inputTokens: number;
  outputTokens: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why the run happened when it was not asked for by hand, e.g. "pricing changed" (migration 20261130_002). */
  reason: string | null;
}

/** `verdict eval` runs (migration 20261130_009): never read by the site. `report` is the EvalReport as JSON. */
export interface EvalRunsTable {
  id: Generated<number>;
  provider: string;
  model: string;
  promptVersion: string;
  reruns: number;
  toolCount: number;
  status: 'running' | 'done' | 'failed';
  inputTokens: number;
  outputTokens: number;
  report: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  toolId: number;
  critic: string;
  kind: 'take' | 'abstain';
  score: number | null;
  verdict: 'ship' | 'skip' | null;
  take: string | null;
  reason: string | null;
  /** Where the revision came from: a panel run (runId, model, promptVersion) or an import (migration 20261130_101). */
  origin: 'panel' | 'import';
  /** Imports only: the source named at import (file name, `--source`, or the record's own `source`); "demo" for the demo catalog. */
  importSource: string | null;
  /** Imports only, and only when the import named one: who wrote the review. */
  author: string | null;
  runId: number | null;
  model: string | null;
  promptVersion: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  createdAt: string;
  /**
   * 1 on the newest revision of each (tool, critic), 0 on the revisions it superseded (migration
   * 20261130_116). New rows default to 1; critics.repo.ts `recordLatest` clears the superseded one in the same write.
   */
  latest: Generated<number>;
}

/** Each critic's ships, skips and abstentions over its latest review of each tool, kept by delta (critics.repo.ts). */
export interface CriticTalliesTable {
  critic: string;
  ships: number;
  skips: number;
  abstentions: number;
}

export interface PanelFailuresTable {
  id: Generated<number>;
  runId: number;
  /** The step that failed: a critic's id, or 'best-for' (the panel's "Best for" summary); migration 20261205_118. */
  step: string;
  reason: string;
  attempts: number;
  createdAt: string;
}

/** One retried attempt of a critic in a panel run (the critic may still have answered in the end). */
export interface PanelRetriesTable {
  id: Generated<number>;
  runId: number;
  /** The step retried: a critic's id, or 'best-for'. */
  step: string;
  attempt: number;
  reason: string;
  createdAt: string;
}

export interface DataVersionTable {
  id: number;
  version: number;
}

/** Up to which data version and vote touch the CDN purge has been claimed (src/web/cdn.ts); one row, id 1. */
export interface CdnPurgedTable {
  id: number;
  dataVersion: number;
  touchVersion: number;
}

export interface VotesTable {
  id: Generated<number>;
  toolId: number;
  voterId: string;
  vote: 'ship' | 'skip';
  createdAt: string;
  updatedAt: string;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  /** JSON text. */
  payload: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface DigestSubscribersTable {
  id: Generated<number>;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  confirmSentAt: string | null;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DigestIssuesTable {
  id: Generated<number>;
  /** ISO week, e.g. 2026-W48. */
  week: string;
  subject: string;
  /** JSON of the issue's shared content. */
  content: string;
  createdAt: string;
  sentAt: string | null;
}

export interface DigestDeliveriesTable {
  id: Generated<number>;
  issueId: number;
  subscriberId: number;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  messageId: string;
  attempts: number;
  claimedBy: string | null;
  claimedUntil: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  createdAt: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface VisitorsTable {
  id: string;
  userId: number | null;
  createdAt: string;
  lastSeenAt: string;
}

export interface MagicLinksTable {
  id: Generated<number>;
  tokenHash: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface BookmarksTable {
  id: Generated<number>;
  ownerId: string;
  toolId: number;
  createdAt: string;
}

export interface SubmissionsTable {
  id: Generated<number>;
  name: string;
  slug: string;
  url: string;
  urlKey: string;
  tagline: string;
  category: string;
  pricingModel: 'free' | 'freemium' | 'paid' | 'open-source' | 'unknown';
  pricingEntry: string;
  email: string | null;
  submitterId: string | null;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  toolId: number | null;
  createdAt: string;
  decidedAt: string | null;
  /** Who put it in the queue: a reader (/submit) or discovery (src/discovery); migration 20261205_120. */
  origin: Generated<'reader' | 'discovery'>;
  /** Discovery only: JSON array of FoundBy (src/discovery/source.ts), one per source that listed it. */
  foundBy: string | null;
  /** Discovery only: the draft's other catalog fields (description, repo, JSON tags, SPDX licence). */
  description: string | null;
  repo: string | null;
  tags: string | null;
  license: string | null;
  /** Set when DISCOVERY_AUTO_APPROVE approved it without a person: why. */
  autoReason: string | null;
}

/** Every stable identity of every queued item (github:owner/name, npm:name, url:host/path …). */
export interface CandidateKeysTable {
  key: string;
  submissionId: number;
}

/** One run of a stage (discovery, research, review, digest), for `verdict status`. */
export interface StageRunsTable {
  id: Generated<number>;
  stage: string;
  /** The job type or command, and for discovery the source. */
  detail: string | null;
  startedAt: string;
  finishedAt: string;
  ok: number;
  itemsIn: Generated<number>;
  itemsOut: Generated<number>;
  error: string | null;
}

/** Tokens of LLM calls outside panel runs (discovery's classification), per UTC day. */
export interface LlmUsageTable {
  id: Generated<number>;
  day: string;
  purpose: string;
  inputTokens: number;
  outputTokens: number;
  createdAt: string;
}

export interface ErrorReportsTable {
  id: Generated<number>;
  toolId: number;
  /** The revision the reader was looking at, when the report came from a take's "Report an error". */
  reviewId: number | null;
  critic: string | null;
  what: string;
  sourceUrl: string | null;
  email: string | null;
  /** When `email` was confirmed (migration 20261205_117); only a confirmed address is ever emailed. */
  emailConfirmedAt: string | null;
  reporterId: string | null;
  status: 'pending' | 'accepted' | 'rejected';
  /** Why it was rejected (sent to the reporter when they gave an email). */
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface CorrectionsTable {
  id: Generated<number>;
  toolId: number;
  reportId: number | null;
  reviewId: number | null;
  critic: string | null;
  whatChanged: string;
  why: string;
  /** The re-review queued because the error was in the tool's data; null when none was needed. */
  jobId: number | null;
  createdAt: string;
}

/** One snapshot of one public source about a tool (src/research). A failed check has `error` set and no facts. */
export interface EvidenceTable {
  id: Generated<number>;
  toolId: number;
  kind: 'homepage' | 'pricing' | 'docs' | 'github' | 'huggingface' | 'npm' | 'pypi';
  url: string;
  fetchedAt: string;
  status: number | null;
  error: string | null;
  contentHash: string | null;
  etag: string | null;
  lastModified: string | null;
  /** JSON object of extracted facts (see src/research/facts.ts). */
  facts: string;
  excerpt: string;
  /** JSON array of material changes since the previous snapshot of this source. */
  changes: string;
}

/** Which snapshots a review revision's critic was shown (cited = 0) and which it cited (cited = 1). */
export interface ReviewEvidenceTable {
  reviewId: number;
  evidenceId: number;
  cited: number;
}

export interface DB {
  candidateKeys: CandidateKeysTable;
  stageRuns: StageRunsTable;
  llmUsage: LlmUsageTable;
  errorReports: ErrorReportsTable;
  corrections: CorrectionsTable;
  evidence: EvidenceTable;
  reviewEvidence: ReviewEvidenceTable;
  jobs: JobsTable;
  digestSubscribers: DigestSubscribersTable;
  digestIssues: DigestIssuesTable;
  digestDeliveries: DigestDeliveriesTable;
  votes: VotesTable;
  appSettings: AppSettingsTable;
  users: UsersTable;
  visitors: VisitorsTable;
  magicLinks: MagicLinksTable;
  bookmarks: BookmarksTable;
  submissions: SubmissionsTable;
  dataVersion: DataVersionTable;
  cdnPurged: CdnPurgedTable;
  tools: ToolsTable;
  categories: CategoriesTable;
  panelRuns: PanelRunsTable;
  reviews: ReviewsTable;
  criticTallies: CriticTalliesTable;
  panelFailures: PanelFailuresTable;
  panelRetries: PanelRetriesTable;
  evalRuns: EvalRunsTable;
  rateLimits: RateLimitsTable;
  workerHeartbeats: WorkerHeartbeatsTable;
}

/**
 * One row per worker (migration 20261205_130): the worker writes `beatAt` every HEARTBEAT_MS while its loop runs,
 * and `stoppedAt` when it stops cleanly. /readyz, /metrics and `verdict status` read it (src/queue/heartbeats.repo.ts).
 */
export interface WorkerHeartbeatsTable {
  workerId: string;
  hostname: string;
  pid: number;
  startedAt: string;
  beatAt: string;
  /** Jobs it was running at its last beat. */
  running: number;
  stoppedAt: string | null;
}

/** One token bucket as GCRA keeps it: the time (ms since the epoch) at which the bucket will be full again. */
export interface RateLimitsTable {
  name: string;
  key: string;
  tat: number;
}

export type ToolRow = Selectable<ToolsTable>;
export type NewToolRow = Insertable<ToolsTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type NewReviewRow = Insertable<ReviewsTable>;
export type PanelRunRow = Selectable<PanelRunsTable>;
export type EvalRunRow = Selectable<EvalRunsTable>;
export type PanelFailureRow = Selectable<PanelFailuresTable>;
export type PanelRetryRow = Selectable<PanelRetriesTable>;
export type JobRow = Selectable<JobsTable>;
export type WorkerHeartbeatRow = Selectable<WorkerHeartbeatsTable>;
export type DigestSubscriberRow = Selectable<DigestSubscribersTable>;
export type DigestIssueRow = Selectable<DigestIssuesTable>;
export type DigestDeliveryRow = Selectable<DigestDeliveriesTable>;
export type SubmissionRow = Selectable<SubmissionsTable>;
export type UserRow = Selectable<UsersTable>;
export type ErrorReportRow = Selectable<ErrorReportsTable>;
export type CorrectionRow = Selectable<CorrectionsTable>;
export type EvidenceRow = Selectable<EvidenceTable>;
export type NewEvidenceRow = Insertable<EvidenceTable>;
