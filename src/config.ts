// Reads the environment once into a typed Config (database, LLM, ship threshold, research, discovery, mail, limits), with clear errors.
import { z } from 'zod';
import proxyAddr from 'proxy-addr';
import { AppError } from './errors.js';
import { DEFAULT_SHIP_THRESHOLD } from './domain/schemas.js';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  DATABASE_URL: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PUBLIC_URL: optionalString,
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  SHIP_THRESHOLD: z.coerce.number().int().min(1).max(100).default(DEFAULT_SHIP_THRESHOLD),
  LLM_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  CRITICS_DIR: optionalString,
  NODE_ENV: optionalString,
  SMTP_URL: optionalString,
  MAIL_FROM: optionalString,
  OUTBOX_DIR: optionalString,
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  WORKER: z.enum(['true', 'false']).default('true'),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  TRUST_PROXY: optionalString,
  RESEARCH_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  RESEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  RESEARCH_MAX_BYTES: z.coerce.number().int().min(1024).default(2_000_000),
  RESEARCH_HOST_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  RESEARCH_RECHECK_DAYS: z.coerce.number().min(0.0001).default(7),
  RESEARCH_BATCH: z.coerce.number().int().min(1).max(1000).default(20),
  GITHUB_API_URL: optionalString.pipe(z.url().optional()),
  GITHUB_TOKEN: optionalString,
  HUGGINGFACE_URL: optionalString.pipe(z.url().optional()),
  NPM_REGISTRY_URL: optionalString.pipe(z.url().optional()),
  PYPI_URL: optionalString.pipe(z.url().optional()),
  HN_API_URL: optionalString.pipe(z.url().optional()),
  PRODUCT_HUNT_API_URL: optionalString.pipe(z.url().optional()),
  PRODUCT_HUNT_TOKEN: optionalString,
  DISCOVERY_SOURCES: optionalString,
  DISCOVERY_FEEDS: optionalString,
  DISCOVERY_AUTO_APPROVE: z.enum(['true', 'false']).default('false'),
  DISCOVERY_AUTO_MIN_SOURCES: z.coerce.number().int().min(1).default(2),
  DISCOVERY_AUTO_FACTOR: z.coerce.number().min(1).default(5),
  DISCOVERY_MIN_HN_POINTS: z.coerce.number().int().min(0).default(20),
  DISCOVERY_MIN_GITHUB_STARS: z.coerce.number().int().min(0).default(50),
  DISCOVERY_MIN_HF_LIKES: z.coerce.number().int().min(0).default(10),
  DISCOVERY_MIN_NPM_DOWNLOADS: z.coerce.number().int().min(0).default(100),
  DISCOVERY_MIN_PH_VOTES: z.coerce.number().int().min(0).default(50),
  DISCOVERY_WINDOW_DAYS: z.coerce.number().min(0.01).max(30).default(2),
  DISCOVERY_PER_SOURCE: z.coerce.number().int().min(1).max(10_000).default(100),
  DISCOVERY_MAX_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  DISCOVERY_LLM_CLASSIFY: z.enum(['true', 'false']).default('true'),
  LLM_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(1).optional(),
  LOG_LEVEL: optionalString.transform((s) => s?.toLowerCase()).pipe(z.enum(LOG_LEVELS).optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  METRICS_PORT: optionalString.pipe(z.coerce.number<string>().int().min(0).max(65535).optional()),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  LLM_PRICE_IN: optionalString.pipe(z.coerce.number<string>().min(0).optional()),
  LLM_PRICE_OUT: optionalString.pipe(z.coerce.number<string>().min(0).optional()),
  CDN_PURGE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  CLOUDFLARE_ZONE_ID: optionalString.pipe(z.string().regex(/^[0-9a-f]{32}$/i, 'must be the 32 hex digits of the zone id').optional()),
  CLOUDFLARE_API_TOKEN: optionalString,
  /** Tests only: where Cloudflare's API is (a fake server on 127.0.0.1). */
  CLOUDFLARE_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

/** Every discovery source, by the name DISCOVERY_SOURCES and `verdict discover --source` use. */
export const DISCOVERY_SOURCE_IDS = ['hn', 'github', 'huggingface', 'npm', 'pypi', 'feeds', 'producthunt'] as const;
export type DiscoverySourceId = (typeof DISCOVERY_SOURCE_IDS)[number];

/** Discovery (src/discovery): which sources are on, their base URLs and thresholds, and auto-approval. */
export interface DiscoveryConfig {
  sources: DiscoverySourceId[];
  hnApiUrl: string;
  productHuntApiUrl: string;
  productHuntToken: string | undefined;
  feeds: string[];
  autoApprove: boolean;
  /** Auto-approval: found by at least this many sources, or a signal this many times its source's threshold. */
  autoMinSources: number;
  autoFactor: number;
  min: { hnPoints: number; githubStars: number; hfLikes: number; npmDownloads: number; phVotes: number };
  /** How far back "recent" reaches (HN posts, GitHub repositories created). */
  windowDays: number;
  /** Items asked of each listing per run. */
  perSource: number;
  /** The longest Retry-After a source waits out; a longer one stops that source for the run. */
  maxWaitMs: number;
  /** With an LLM configured, let it decide items the rules find unclear. */
  llmClassify: boolean;
}

/** Evidence gathering (src/research): the careful fetcher's limits and each public source's base URL. */
export interface ResearchConfig {
  /** Tests only: lets the fetcher reach loopback and private addresses. Leave off anywhere the public can submit URLs. */
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  hostDelayMs: number;
  /** Sources older than this are re-checked by the weekly job and listed by `verdict stale`. */
  recheckDays: number;
  /** Tools re-checked per scheduled run, oldest first. */
  batch: number;
  githubApiUrl: string;
  githubToken: string | undefined;
  huggingfaceUrl: string;
  npmRegistryUrl: string;
  pypiUrl: string;
}

export type Database =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export type Llm =
  | { provider: 'openai-compatible'; baseURL: string; apiKey?: string; model: string }
  | { provider: 'anthropic'; apiKey: string; model: string; baseURL?: string };

export interface Config {
  database: Database;
  port: number;
  /** Address the HTTP server listens on (127.0.0.1 behind a proxy on the same host). */
  host: string;
  publicUrl: string;
  llm: Llm | undefined;
  shipThreshold: number;
  llmConcurrency: number;
  llmTimeoutMs: number;
  llmMaxAttempts: number;
  /** First delay before retrying a failed LLM call; doubles with each attempt. */
  llmBackoffMs: number;
  criticsDir: string;
  production: boolean;
  /** SMTP server for outgoing mail; without it mail is written as .eml files to outboxDir. */
  smtpUrl: string | undefined;
  mailFrom: string;
  outboxDir: string;
  /** Bearer token for the admin page; the admin page is off without it. */
  adminToken: string | undefined;
  /** Signing key for cookies and emailed links; without it one is generated and kept in the database. */
  secret: string | undefined;
  /** Run the job worker inside the web process (`npm start`). */
  worker: boolean;
  /** Load the demo catalog into an empty database at start (`npm start`). */
  seedDemo: boolean;
  /** False when PUBLIC_URL was not set (publicUrl is then the localhost default): commands that email links refuse to run. */
  publicUrlSet: boolean;
  /**
   * Which peers may tell us the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto), as Express's
   * `trust proxy`: false (the socket peer only), true (any), a hop count, or addresses/CIDRs/loopback|linklocal|uniquelocal.
   */
  trustProxy: TrustProxy;
  research: ResearchConfig;
  discovery: DiscoveryConfig;
  /** Tokens a UTC day may spend on panel and classification calls; undefined: no limit. */
  llmDailyTokenBudget: number | undefined;
  /** pino level; the request log is at info. */
  logLevel: LogLevel;
  /** Bearer token for /metrics; without it /metrics answers 404. */
  metricsToken: string | undefined;
  /** `verdict worker` only: serve /metrics, /healthz and /readyz on this port (the web serves them on PORT). */
  metricsPort: number | undefined;
  /** On SIGTERM: how long requests in flight and running jobs get to finish before connections are cut and jobs released. */
  shutdownTimeoutMs: number;
  /** LLM prices per million tokens (in and out), for the cost figure on /metrics; unset = no cost figure. */
  llmPrice: { in: number; out: number } | undefined;
  /** Where to purge cached pages by tag after writes (src/web/cdn.ts); both, either or none. */
  cdn: CdnConfig;
}

export interface CdnConfig {
  /** CDN_PURGE_URL: a generic webhook, POSTed {"tags":[...]}. */
  webhookUrl: string | undefined;
  /** Cloudflare's purge-by-tag API, when CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN are both set. */
  cloudflare: { zoneId: string; apiToken: string; apiUrl: string } | undefined;
}

export type TrustProxy = boolean | number | string[];

/** TRUST_PROXY: unset/false/0 = off; true; a hop count; or a comma list checked by proxy-addr (the one Express uses). */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = raw?.trim().toLowerCase();
  if (!v || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d{1,3}$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (err) {
    throw new AppError('config', `Invalid TRUST_PROXY: ${(err as Error).message} (use false, true, a hop count, or addresses/CIDRs such as "loopback,10.0.0.0/8")`);
  }
  return list;
}

export function parseDatabaseUrl(url: string | undefined): Database {
  if (!url) return { kind: 'sqlite', file: './data/verdict.db' };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: url.slice('sqlite:'.length).replace(/^\/\//, '') };
  if (url.includes('://')) {
    throw new AppError('config', `DATABASE_URL must be postgres://... or a SQLite file path, got "${url.split('://')[0]}://..."`);
  }
  return { kind: 'sqlite', file: url };
}

/** Reads the environment once; fails with one clear line naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('config', `Invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  let llm: Llm | undefined;
  if (e.LLM_BASE_URL) {
    if (!e.LLM_MODEL) throw new AppError('config', 'LLM_BASE_URL is set but LLM_MODEL is not: set LLM_MODEL to the model name');
    llm = { provider: 'openai-compatible', baseURL: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL };
  } else if (e.ANTHROPIC_API_KEY) {
    llm = { provider: 'anthropic', apiKey: e.ANTHROPIC_API_KEY, model: e.LLM_MODEL ?? 'claude-sonnet-4-5' };
  } else if (e.LLM_API_KEY) {
    // An API key alone means OpenAI itself.
    llm = { provider: 'openai-compatible', baseURL: 'https://api.openai.com/v1', apiKey: e.LLM_API_KEY, model: e.LLM_MODEL ?? 'gpt-4o-mini' };
  }
  const port = e.PORT;
  return {
    database: parseDatabaseUrl(e.DATABASE_URL),
    port,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    llm,
    shipThreshold: e.SHIP_THRESHOLD,
    llmConcurrency: e.LLM_CONCURRENCY,
    llmTimeoutMs: e.LLM_TIMEOUT_MS,
    llmMaxAttempts: e.LLM_MAX_ATTEMPTS,
    llmBackoffMs: e.LLM_BACKOFF_MS,
    criticsDir: e.CRITICS_DIR ?? './critics',
    production: e.NODE_ENV === 'production',
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'Verdict <verdict@localhost>',
    outboxDir: e.OUTBOX_DIR ?? './data/outbox',
    adminToken: e.ADMIN_TOKEN,
    secret: e.SECRET,
    worker: e.WORKER === 'true',
    seedDemo: e.SEED_DEMO === 'true',
    publicUrlSet: e.PUBLIC_URL !== undefined,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    research: {
      allowPrivate: e.RESEARCH_ALLOW_PRIVATE === 'true',
      timeoutMs: e.RESEARCH_TIMEOUT_MS,
      maxBytes: e.RESEARCH_MAX_BYTES,
      hostDelayMs: e.RESEARCH_HOST_DELAY_MS,
      recheckDays: e.RESEARCH_RECHECK_DAYS,
      batch: e.RESEARCH_BATCH,
      githubApiUrl: (e.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
      githubToken: e.GITHUB_TOKEN,
      huggingfaceUrl: (e.HUGGINGFACE_URL ?? 'https://huggingface.co').replace(/\/+$/, ''),
      npmRegistryUrl: (e.NPM_REGISTRY_URL ?? 'https://registry.npmjs.org').replace(/\/+$/, ''),
      pypiUrl: (e.PYPI_URL ?? 'https://pypi.org').replace(/\/+$/, ''),
    },
    logLevel: e.LOG_LEVEL ?? 'info',
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    llmPrice: e.LLM_PRICE_IN !== undefined || e.LLM_PRICE_OUT !== undefined ? { in: e.LLM_PRICE_IN ?? 0, out: e.LLM_PRICE_OUT ?? 0 } : undefined,
    discovery: parseDiscovery(e),
    llmDailyTokenBudget: e.LLM_DAILY_TOKEN_BUDGET,
    cdn: parseCdn(e),
  };
}

function parseCdn(e: z.infer<typeof envSchema>): CdnConfig {
  if (!e.CLOUDFLARE_ZONE_ID !== !e.CLOUDFLARE_API_TOKEN) {
    throw new AppError('config', `${e.CLOUDFLARE_ZONE_ID ? 'CLOUDFLARE_ZONE_ID' : 'CLOUDFLARE_API_TOKEN'} is set but ${e.CLOUDFLARE_ZONE_ID ? 'CLOUDFLARE_API_TOKEN' : 'CLOUDFLARE_ZONE_ID'} is not: set both to purge Cloudflare's cache`);
  }
  return {
    webhookUrl: e.CDN_PURGE_URL,
    cloudflare:
      e.CLOUDFLARE_ZONE_ID && e.CLOUDFLARE_API_TOKEN
        ? { zoneId: e.CLOUDFLARE_ZONE_ID, apiToken: e.CLOUDFLARE_API_TOKEN, apiUrl: (e.CLOUDFLARE_API_URL ?? 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '') }
        : undefined,
  };
}

function parseDiscovery(e: z.infer<typeof envSchema>): DiscoveryConfig {
  const feeds = (e.DISCOVERY_FEEDS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of feeds) if (!z.url({ protocol: /^https?$/ }).safeParse(f).success) throw new AppError('config', `Invalid DISCOVERY_FEEDS: "${f}" is not an http(s) URL`);
  let sources: DiscoverySourceId[];
  if (e.DISCOVERY_SOURCES) {
    const names = e.DISCOVERY_SOURCES.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = names.find((n) => n !== 'none' && !(DISCOVERY_SOURCE_IDS as readonly string[]).includes(n));
    if (bad) throw new AppError('config', `Invalid DISCOVERY_SOURCES: "${bad}" is not a source (use ${DISCOVERY_SOURCE_IDS.join(', ')}, or "none")`);
    sources = names.filter((n) => n !== 'none') as DiscoverySourceId[];
  } else {
    // Every source that needs no token (feeds only when some are listed); Product Hunt only with its token.
    sources = DISCOVERY_SOURCE_IDS.filter((s) => (s !== 'feeds' || feeds.length > 0) && (s !== 'producthunt' || !!e.PRODUCT_HUNT_TOKEN));
  }
  return {
    sources,
    hnApiUrl: (e.HN_API_URL ?? 'https://hn.algolia.com/api/v1').replace(/\/+$/, ''),
    productHuntApiUrl: e.PRODUCT_HUNT_API_URL ?? 'https://api.producthunt.com/v2/api/graphql',
    productHuntToken: e.PRODUCT_HUNT_TOKEN,
    feeds,
    autoApprove: e.DISCOVERY_AUTO_APPROVE === 'true',
    autoMinSources: e.DISCOVERY_AUTO_MIN_SOURCES,
    autoFactor: e.DISCOVERY_AUTO_FACTOR,
    min: {
      hnPoints: e.DISCOVERY_MIN_HN_POINTS,
      githubStars: e.DISCOVERY_MIN_GITHUB_STARS,
      hfLikes: e.DISCOVERY_MIN_HF_LIKES,
      npmDownloads: e.DISCOVERY_MIN_NPM_DOWNLOADS,
      phVotes: e.DISCOVERY_MIN_PH_VOTES,
    },
    windowDays: e.DISCOVERY_WINDOW_DAYS,
    perSource: e.DISCOVERY_PER_SOURCE,
    maxWaitMs: e.DISCOVERY_MAX_WAIT_MS,
    llmClassify: e.DISCOVERY_LLM_CLASSIFY === 'true',
  };
}

export const LLM_NOT_CONFIGURED =
  'No LLM configured: set LLM_BASE_URL and LLM_MODEL (any OpenAI-compatible endpoint, plus LLM_API_KEY if it needs one), or ANTHROPIC_API_KEY';

/** For commands that put absolute links in emails from outside the web server (CLI, separate worker). */
export function requirePublicUrl(config: Config, command: string): void {
  if (!config.publicUrlSet) throw new AppError('config', `\`${command}\` sends emails with links to the site: set PUBLIC_URL to its address (e.g. https://verdict.example) first`);
}
