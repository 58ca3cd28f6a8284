// Every Prometheus figure on /metrics (one prom-client registry per process), with bounded labels.
import client from 'prom-client';

/**
 * Every figure on /metrics (Prometheus text format, prom-client), one registry per process: with several
 * processes, each serves its own and Prometheus adds them up (README, "Running in production").
 *
 * Labels are bounded sets: route patterns (never raw paths), status codes, job types, models, critic ids, outcome
 * names. Never a slug, an address or anything a visitor typed.
 */

export const registry = new client.Registry();

let processMetrics = false;
/** Node's default process metrics (CPU, memory, GC, handles) and event-loop lag; started by whatever serves /metrics. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  client.collectDefaultMetrics({ register: registry });
}

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  new client.Counter<L>({ name, help, labelNames, registers: [registry] });
const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: client.Gauge<L>) => void | Promise<void>) =>
  new client.Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
  new client.Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

// ── HTTP: plain numbers per series, summed at scrape time ──────────────────────────────────────────────────
/**
 * Requests answered with one method, route pattern and status: their count and the duration histogram's buckets.
 * Kept here rather than in a prom-client Counter and Histogram because every request, page-cache hits on the raw
 * fast path included, updates them: prom-client hashes and checks the label set on each call, which cost that path
 * a tenth of its throughput (docs/decisions/023-operating.md). A caller looks its series up once (request-log.ts
 * keeps one per cached page) and then only adds.
 */
export const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
export class HttpSeries {
  count = 0;
  sum = 0;
  /** Per bucket, not cumulative: index i counts durations in (HTTP_BUCKETS[i-1], HTTP_BUCKETS[i]]; the last, above all. */
  readonly buckets = new Float64Array(HTTP_BUCKETS.length + 1);
  constructor(
    readonly method: string,
    readonly route: string,
    readonly status: number,
  ) {}

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < HTTP_BUCKETS.length && seconds > HTTP_BUCKETS[i]!) i++;
    this.buckets[i]!++;
  }
}
const httpSeries = new Map<string, HttpSeries>();
/** The series of (method, route pattern, status); the same object every time. */
export function httpSeriesFor(method: string, route: string, status: number): HttpSeries {
  const key = `${method} ${status} ${route}`;
  let s = httpSeries.get(key);
  if (!s) httpSeries.set(key, (s = new HttpSeries(method, route, status)));
  return s;
}
/** A metric prom-client's registry prints, computed from our own numbers at scrape time. */
const computed = (name: string, help: string, type: 'counter' | 'histogram', values: () => { labels: Record<string, string | number>; value: number; metricName?: string }[]) =>
  registry.registerMetric({ name, help, type, aggregator: 'sum', get: () => ({ name, help, type, aggregator: 'sum', values: values() }), reset: () => httpSeries.clear() } as unknown as client.Metric);
computed('verdict_http_requests_total', 'HTTP requests answered, by method, route pattern and status', 'counter', () =>
  [...httpSeries.values()].map((s) => ({ labels: { method: s.method, route: s.route, status: s.status }, value: s.count })),
);
computed('verdict_http_request_duration_seconds', 'Time to answer an HTTP request (page-cache hits included), by method and route pattern', 'histogram', () => {
  const byRoute = new Map<string, { method: string; route: string; buckets: number[]; sum: number; count: number }>();
  for (const s of httpSeries.values()) {
    const key = `${s.method} ${s.route}`;
    let h = byRoute.get(key);
    if (!h) byRoute.set(key, (h = { method: s.method, route: s.route, buckets: new Array<number>(HTTP_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < s.buckets.length; i++) h.buckets[i]! += s.buckets[i]!;
    h.sum += s.sum;
    h.count += s.count;
  }
  const name = 'verdict_http_request_duration_seconds';
  return [...byRoute.values()].flatMap((h) => {
    const labels = { method: h.method, route: h.route };
    let below = 0;
    return [
      ...HTTP_BUCKETS.map((le, i) => ({ labels: { ...labels, le }, value: (below += h.buckets[i]!), metricName: `${name}_bucket` })),
      { labels: { ...labels, le: '+Inf' }, value: h.count, metricName: `${name}_bucket` },
      { labels, value: h.sum, metricName: `${name}_sum` },
      { labels, value: h.count, metricName: `${name}_count` },
    ];
  });
});

// ── Page cache: plain counters in each PageCache, read at scrape time (no work on the hit path) ───────────────
export interface PageCacheStats {
  hits: number;
  misses: number;
  evictedForSize: number;
  droppedStale: number;
  /** Pages kept after a vote, their vote slots re-spliced instead of a render (docs/decisions/029). */
  spliced: number;
  bytes: number;
  entries: number;
}
const pageCaches = new Set<() => PageCacheStats>();
/** A page cache whose figures /metrics reports; returns the function that stops reporting them. */
export function reportPageCache(stats: () => PageCacheStats): () => void {
  pageCaches.add(stats);
  return () => pageCaches.delete(stats);
}
const sumOf = (k: keyof PageCacheStats) => [...pageCaches].reduce((n, s) => n + s()[k], 0);
/** A counter whose value lives elsewhere, per value of one label: set from `read` at each scrape. */
const mirrored = (name: string, help: string, label: string | undefined, read: () => Record<string, number>) =>
  new client.Counter({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, n] of Object.entries(read())) {
        if (label) this.inc({ [label]: value }, n);
        else this.inc(n);
      }
    },
  });
mirrored('verdict_page_cache_hits_total', 'Requests answered from the page cache', undefined, () => ({ all: sumOf('hits') }));
mirrored('verdict_page_cache_misses_total', 'Cacheable pages rendered because the page cache had no current copy', undefined, () => ({ all: sumOf('misses') }));
mirrored('verdict_page_cache_spliced_total', 'Cached pages kept after a vote, the counts they show spliced in without a render', undefined, () => ({ all: sumOf('spliced') }));
mirrored('verdict_page_cache_evictions_total', 'Pages dropped from the page cache: to make room (size) or because the data they show changed (stale)', 'reason', () => ({
  size: sumOf('evictedForSize'),
  stale: sumOf('droppedStale'),
}));
gauge('verdict_page_cache_bytes', 'Bytes of page bodies held in the page cache', [], function () {
  this.set(sumOf('bytes'));
});
gauge('verdict_page_cache_entries', 'Pages held in the page cache', [], function () {
  this.set(sumOf('entries'));
});

// ── Community ───────────────────────────────────────────────────────────────
export const votes = counter('verdict_votes_total', 'Votes cast or withdrawn, by vote (ship, skip, none)', ['vote']);
export const bookmarks = counter('verdict_bookmarks_total', 'Bookmarks added or removed, by action', ['action']);
export const submissions = counter('verdict_submissions_total', 'Tools submitted by readers');
export const reports = counter('verdict_error_reports_total', 'Error reports filed by readers');
export const signins = counter('verdict_signins_total', 'Sign-in steps: link_sent (a link was emailed), signed_in (a link was used)', ['step']);

// ── Jobs ────────────────────────────────────────────────────────────────────
export const jobRuns = counter('verdict_job_runs_total', 'Job attempts run by this process, by type and outcome (done, retry, failed, lost, released)', ['type', 'outcome']);
export const jobDuration = histogram('verdict_job_duration_seconds', 'Time a job attempt ran in this process, by type', ['type'], [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900]);
/** Set from the database at each scrape (src/web/ops.ts): the whole queue, whichever process runs it. */
export const jobsQueued = gauge('verdict_jobs', 'Jobs in the queue by type and state (pending, running, failed); done jobs are counted by verdict_job_runs_total', ['type', 'state']);
export const jobsOldestAge = gauge('verdict_jobs_oldest_queued_age_seconds', 'How long the oldest due pending job has waited (0 when none waits)');
export const workerHeartbeatAge = gauge('verdict_worker_heartbeat_age_seconds', "Seconds since the freshest running worker's heartbeat (absent when no worker ever ran)");
export const workersAlive = gauge('verdict_workers_alive', 'Workers whose heartbeat is recent');

// ── LLM (the panel) ─────────────────────────────────────────────────────────
export const llmCalls = counter('verdict_llm_calls_total', 'Panel LLM calls (one per critic and tool, plus "best for"), by model, critic and outcome (ok, failed)', ['model', 'critic', 'outcome']);
export const llmAttempts = counter(
  'verdict_llm_attempts_total',
  'LLM requests made, retries included, by model, critic and result (ok, invalid_output, timeout, rate_limited, server_error, client_error, connection, other)',
  ['model', 'critic', 'result'],
);
export const llmTokens = counter('verdict_llm_tokens_total', 'LLM tokens spent (every attempt), by model, critic and direction (in, out)', ['model', 'critic', 'direction']);
export const llmFailures = counter('verdict_llm_failures_total', 'Panel LLM calls that got no valid answer within LLM_MAX_ATTEMPTS, by model, critic and last reason', ['model', 'critic', 'reason']);
export const llmCost = counter('verdict_llm_cost_total', 'LLM cost at LLM_PRICE_IN / LLM_PRICE_OUT per million tokens, in those prices\u2019 currency (absent without prices)', ['model', 'critic']);
export const llmLatency = histogram('verdict_llm_attempt_duration_seconds', 'Time of one LLM request, by model and critic', ['model', 'critic'], [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120]);

// ── Research, database ──────────────────────────────────────────────────────
export const researchFetches = counter(
  'verdict_research_fetches_total',
  'Fetches by the research fetcher, by outcome (ok, not_modified, refused, robots, timeout, redirects, http, type, network, url)',
  ['outcome'],
);
export const dbBusyRetries = counter('verdict_db_busy_retries_total', "SQLite statements retried because another process held the write lock");
export const dbBusyErrors = counter('verdict_db_busy_errors_total', 'Writes given up after the lock wait (answered 503 on the web)');

// ── CDN purges (src/web/cdn.ts) ────────────────────────────────────────────────────────────────────────────
export const cdnPurges = counter('verdict_cdn_purge_requests_total', 'Purge requests sent to the CDN, by target (webhook, cloudflare) and outcome (ok, failed)', ['target', 'outcome']);
export const cdnPurgedTags = counter('verdict_cdn_purged_tags_total', 'Tags purged at the CDN (requests that succeeded), by target', ['target']);
export const cdnPurgeFallbacks = counter('verdict_cdn_purge_fallbacks_total', 'Batches purged as "catalog" (everything) because their tags needed more requests than the rate limit had left');
