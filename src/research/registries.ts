// The registry scrapers (GitHub, Hugging Face, npm, PyPI): each public JSON API read into one snapshot of facts.
import { excerpt } from '../domain/text.js';
import type { ResearchConfig } from '../config.js';
import type { Fetcher } from './fetcher.js';
import type { GithubFacts, HuggingfaceFacts, PackageFacts } from './facts.js';
import { EXCERPT_CHARS, failed, json, type Prev, type Snapshot } from './snapshot.js';

/**
 * The registry scrapers: GitHub, Hugging Face, npm and PyPI, each read through its public JSON API (with the previous
 * snapshot's validators) and turned into one snapshot of facts. Sources a tool names are found in research.service.ts.
 */

/** PyPI's free-text licence field sometimes holds the whole licence text. */
const shortLicense = (s: string | null) => (s && s.length <= 60 ? s : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function github(fetcher: Fetcher, prev: Prev, r: ResearchConfig, repo: string): Promise<Snapshot> {
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

export async function huggingface(fetcher: Fetcher, prev: Prev, r: ResearchConfig, ref: { id: string; type: 'model' | 'space' }): Promise<Snapshot> {
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

export async function npmPackage(fetcher: Fetcher, prev: Prev, r: ResearchConfig, name: string): Promise<Snapshot> {
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

export async function pypiPackage(fetcher: Fetcher, prev: Prev, r: ResearchConfig, name: string): Promise<Snapshot> {
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
