import { excerpt } from '../domain/text.js';
import { createHash } from 'node:crypto';
import type { Config, ResearchConfig } from '../config.js';
import { nowIso, type DbOrTx } from '../db/db.js';
import type { EvidenceRow, NewEvidenceRow, ToolRow } from '../db/types.js';
import { log, scrub } from '../ops/log.js';
import { Fetcher, userAgentFor, type FetchRequest, type FetchResult } from './fetcher.js';
import {
  findSubpages,
  githubRepo,
  huggingfaceRefs,
  materialChanges,
  packageRefs,
  parsePage,
  type EvidenceKind,
  type GithubFacts,
  type HuggingfaceFacts,
  type PackageFacts,
} from './facts.js';
import { latestSnapshots, recentSnapshots, storeSnapshots } from './evidence.repo.js';
import { hasReviews } from '../catalog/reviews.repo.js';
import { hasActiveJob } from '../queue/jobs.repo.js';
import { enqueue } from '../queue/queue.js';

/**
 * Research: collect evidence about a tool from public sources, without an LLM, and store one snapshot per
 * source. Each source is fetched through the careful fetcher; a failure is a recorded snapshot, never a crash.
 */

export const EXCERPT_CHARS = 600;
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

export interface Snapshot {
  kind: EvidenceKind;
  url: string;
  status: number | null;
  error: string | null;
  facts: Record<string, unknown>;
  excerpt: string;
  etag: string | null;
  lastModified: string | null;
  /** The previous snapshot's content, answered 304 Not Modified. */
  notModified?: boolean;
}

export interface ResearchOutcome {
  tool: string;
  toolId: number;
  snapshots: (Snapshot & { id: number; changes: string[] })[];
  /** Material changes found by this check, across all sources. */
  changes: string[];
}

type Prev = Map<string, EvidenceRow>;
const prevKey = (kind: string, url: string) => `${kind} ${url}`;

const failed = (kind: EvidenceKind, url: string, r: Extract<FetchResult, { ok: false }>): Snapshot => ({
  kind,
  url,
  status: r.status ?? null,
  error: r.reason,
  facts: {},
  excerpt: '',
  etag: null,
  lastModified: null,
});

/** Fetches with the previous snapshot's validators; a 304 carries the previous facts forward. */
async function conditional(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string, req: FetchRequest) {
  const p = prev.get(prevKey(kind, url));
  const res = await fetcher.fetch(url, { ...req, etag: p?.etag, lastModified: p?.lastModified });
  return { res, previous: p };
}

async function page(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string) {
  const { res, previous } = await conditional(fetcher, prev, kind, url, { accept: ['text/html', 'application/xhtml+xml'] });
  if (!res.ok) return { snapshot: failed(kind, url, res) };
  if (res.notModified && previous) return { snapshot: carried(previous, res) };
  let parsed: ReturnType<typeof parsePage>;
  try {
    parsed = parsePage(res.text, res.url);
  } catch (err) {
    // A body no parser can read is a failed check of this source, recorded like any other, never a crashed run.
    return { snapshot: failed(kind, url, { ok: false, url, code: 'http', status: res.status, reason: `the page could not be read as HTML (${oneLine(err)})` }) };
  }
  const snapshot: Snapshot = {
    kind,
    url,
    status: res.status,
    error: null,
    facts: { ...parsed.facts, ...(res.url !== url ? { finalUrl: res.url } : {}), ...(res.truncated ? { truncated: true } : {}) },
    excerpt: excerpt(parsed.text, EXCERPT_CHARS),
    etag: res.etag,
    lastModified: res.lastModified,
  };
  return { snapshot, parsed };
}

function carried(previous: EvidenceRow, res: Extract<FetchResult, { ok: true }>): Snapshot {
  return {
    kind: previous.kind,
    url: previous.url,
    status: res.status,
    error: null,
    facts: JSON.parse(previous.facts),
    excerpt: previous.excerpt,
    etag: res.etag ?? previous.etag,
    lastModified: res.lastModified ?? previous.lastModified,
    notModified: true,
  };
}

async function json(fetcher: Fetcher, prev: Prev, kind: EvidenceKind, url: string, headers: Record<string, string> = {}) {
  const { res, previous } = await conditional(fetcher, prev, kind, url, { accept: ['application/json'], robots: false, headers });
  if (!res.ok) return { fail: failed(kind, url, res) };
  if (res.notModified) return previous ? { same: carried(previous, res) } : { fail: { ...failed(kind, url, { ok: false, url, code: 'http', reason: 'HTTP 304 without a previous snapshot' }) } };
  if (res.truncated) return { fail: failed(kind, url, { ok: false, url, code: 'http', reason: 'answer too large' }) };
  try {
    return { body: JSON.parse(res.text) as Record<string, any>, res };
  } catch {
    return { fail: failed(kind, url, { ok: false, url, code: 'http', reason: 'answer is not valid JSON' }) };
  }
}

const oneLine = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, ' ').slice(0, 200);

/** A source whose check threw (a bug, an answer of a shape never seen): a failed snapshot, and the other sources go on. */
async function safely(kind: EvidenceKind, url: string, check: () => Promise<Snapshot>): Promise<Snapshot> {
  try {
    return await check();
  } catch (err) {
    return failed(kind, url, { ok: false, url, code: 'http', reason: `could not be checked (${oneLine(err)})` });
  }
}

/** PyPI's free-text licence field sometimes holds the whole licence text. */
const shortLicense = (s: string | null) => (s && s.length <= 60 ? s : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function github(fetcher: Fetcher, prev: Prev, r: ResearchConfig, repo: string): Promise<Snapshot> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (r.githubToken) headers.authorization = `Bearer ${r.githubToken}`;
  const url = `${r.githubApiUrl}/repos/${repo}`;
  const main = await json(fetcher, prev, 'github', url, headers);
  if (main.fail) return main.fail;
  if (main.same) return main.same;
  const b = main.body!;
  // Without a release the API answers 404: that is a fact (no releases), not a failure.
  const release = await fetcher.fetch(`${url}/releases/latest`, { accept: ['application/json'], robots: false, headers });
  let latestRelease: GithubFacts['latestRelease'] = null;
  if (release.ok) {
    try {
      const rel = JSON.parse(release.text);
      if (str(rel.tag_name)) latestRelease = { tag: rel.tag_name, publishedAt: str(rel.published_at) };
    } catch {
      /* unreadable release: leave it out */
    }
  }
  let readme = '';
  const rm = await fetcher.fetch(`${url}/readme`, { accept: ['application/json'], robots: false, headers });
  if (rm.ok) {
    try {
      const body = JSON.parse(rm.text);
      if (body.encoding === 'base64' && typeof body.content === 'string') readme = Buffer.from(body.content, 'base64').toString('utf8');
    } catch {
      /* no readme excerpt */
    }
  }
  const facts: GithubFacts = {
    repo: str(b.full_name) ?? repo,
    stars: num(b.stargazers_count) ?? 0,
    forks: num(b.forks_count) ?? 0,
    openIssues: num(b.open_issues_count) ?? 0,
    license: str(b.license?.spdx_id) === 'NOASSERTION' ? null : str(b.license?.spdx_id),
    archived: b.archived === true,
    pushedAt: str(b.pushed_at),
    latestRelease,
  };
  return {
    kind: 'github',
    url,
    status: main.res!.status,
    error: null,
    facts: { ...facts },
    excerpt: excerpt(readme.replace(/[#*`>_[\]()!-]+/g, ' '), EXCERPT_CHARS),
    etag: main.res!.etag,
    lastModified: main.res!.lastModified,
  };
}

async function huggingface(fetcher: Fetcher, prev: Prev, r: ResearchConfig, ref: { id: string; type: 'model' | 'space' }): Promise<Snapshot> {
  const url = `${r.huggingfaceUrl}/api/${ref.type === 'space' ? 'spaces' : 'models'}/${ref.id}`;
  const got = await json(fetcher, prev, 'huggingface', url);
  if (got.fail) return got.fail;
  if (got.same) return got.same;
  const b = got.body!;
  const tagLicense = Array.isArray(b.tags) ? (b.tags as unknown[]).find((t): t is string => typeof t === 'string' && t.startsWith('license:'))?.slice(8) : undefined;
  const facts: HuggingfaceFacts = {
    id: str(b.id) ?? ref.id,
    type: ref.type,
    downloads: num(b.downloads),
    likes: num(b.likes),
    license: str(b.cardData?.license) ?? tagLicense ?? null,
    lastModified: str(b.lastModified),
  };
  return { kind: 'huggingface', url, status: got.res!.status, error: null, facts: { ...facts }, excerpt: '', etag: got.res!.etag, lastModified: got.res!.lastModified };
}

async function npmPackage(fetcher: Fetcher, prev: Prev, r: ResearchConfig, name: string): Promise<Snapshot> {
  const url = `${r.npmRegistryUrl}/${name.replace('/', '%2F')}`;
  const got = await json(fetcher, prev, 'npm', url);
  if (got.fail) return got.fail;
  if (got.same) return got.same;
  const b = got.body!;
  const version = str(b['dist-tags']?.latest);
  if (!version) return failed('npm', url, { ok: false, url, code: 'http', reason: 'no latest version in the registry answer' });
  const facts: PackageFacts = { name: str(b.name) ?? name, version, releasedAt: str(b.time?.[version]), license: str(b.versions?.[version]?.license) ?? str(b.license) };
  return { kind: 'npm', url, status: got.res!.status, error: null, facts: { ...facts }, excerpt: excerpt(str(b.description) ?? '', 300), etag: got.res!.etag, lastModified: got.res!.lastModified };
}

async function pypiPackage(fetcher: Fetcher, prev: Prev, r: ResearchConfig, name: string): Promise<Snapshot> {
  const url = `${r.pypiUrl}/pypi/${encodeURIComponent(name)}/json`;
  const got = await json(fetcher, prev, 'pypi', url);
  if (got.fail) return got.fail;
  if (got.same) return got.same;
  const info = got.body!.info ?? {};
  const version = str(info.version);
  if (!version) return failed('pypi', url, { ok: false, url, code: 'http', reason: 'no version in the registry answer' });
  const files = Array.isArray(got.body!.urls) ? got.body!.urls : [];
  const facts: PackageFacts = { name: str(info.name) ?? name, version, releasedAt: str(files[0]?.upload_time_iso_8601), license: str(info.license_expression) ?? shortLicense(str(info.license)) };
  return { kind: 'pypi', url, status: got.res!.status, error: null, facts: { ...facts }, excerpt: excerpt(str(info.summary) ?? '', 300), etag: got.res!.etag, lastModified: got.res!.lastModified };
}

/** The other sources a homepage names. */
interface Found {
  pricing?: string;
  docs?: string;
  huggingface: { id: string; type: 'model' | 'space' }[];
  npm: string[];
  pypi: string[];
}

/** Every source for one tool, fetched (one request at a time per host) and turned into snapshots. */
/** What gather reads of a tool: a catalog tool, or a discovered candidate not listed yet. */
export type Researchable = Pick<ToolRow, 'url' | 'repo' | 'description'>;

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
