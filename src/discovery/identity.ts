/**
 * Who a discovered item is, whatever source listed it (pure). A tool's stable identities are its GitHub
 * `owner/name`, its Hugging Face repo id, its npm or PyPI name, and its canonical homepage; two items sharing any
 * one of them are the same tool.
 */

const TRACKING = /^(utm_.*|fbclid|gclid|ref|ref_src|source)$/i;

/**
 * A URL as we compare them: lower-case host without `www.`, no scheme, no tracking parameters (utm_*, fbclid,
 * gclid, ref), no fragment, no trailing slash. `https://WWW.Example.com/app/?utm_source=hn#top` is `example.com/app`.
 */
export function normalizeUrl(url: string): string {
  const u = new URL(url);
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const port = u.port ? `:${u.port}` : '';
  const path = u.pathname.replace(/\/+$/, '');
  for (const k of [...u.searchParams.keys()]) if (TRACKING.test(k)) u.searchParams.delete(k);
  const search = u.searchParams.size ? `?${u.searchParams.toString()}` : '';
  return `${host}${port}${path}${search}`;
}

export const safeNormalizeUrl = (url: string | null | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? normalizeUrl(url) : undefined;
  } catch {
    return undefined;
  }
};

/** PEP 503: PyPI names compare lower-case with runs of `-`, `_` and `.` as one `-`. */
export const pypiName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** What an item names about itself; any of these may be missing. */
export interface IdentityHints {
  url?: string | null;
  repo?: string | null;
  github?: string | null;
  huggingface?: { id: string; type: 'model' | 'space' } | null;
  npm?: string | null;
  pypi?: string | null;
}

/** Hosts whose root is not a tool's homepage: a key `url:github.com` would join unrelated tools. */
const SHARED_HOSTS = /^(github\.com|huggingface\.co|npmjs\.com|pypi\.org|news\.ycombinator\.com|producthunt\.com|x\.com|twitter\.com|youtube\.com|medium\.com)$/;

/** The stable identity keys of an item, most specific first, without repeats. */
export function identityKeys(h: IdentityHints): string[] {
  const keys: string[] = [];
  const add = (k: string | undefined) => k && !keys.includes(k) && keys.push(k);
  for (const link of [h.repo, h.url]) {
    const n = safeNormalizeUrl(link);
    if (!n) continue;
    const gh = /^github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:\/|$)/.exec(n);
    if (gh) add(`github:${gh[1]}/${gh[2]}`.toLowerCase());
    const hf = /^huggingface\.co\/(spaces\/)?([\w.-]+\/[\w.-]+)(?:\/|$)/.exec(n);
    if (hf && !/^(models|datasets|docs|blog|papers|spaces)\//.test(hf[2]!)) add(`hf:${hf[1] ? 'space' : 'model'}:${hf[2]}`.toLowerCase());
    const npm = /^npmjs\.com\/package\/((?:@[\w.-]+\/)?[\w.-]+)/.exec(n);
    if (npm) add(`npm:${npm[1]!.toLowerCase()}`);
    const pypi = /^pypi\.org\/project\/([\w.-]+)/.exec(n);
    if (pypi) add(`pypi:${pypiName(pypi[1]!)}`);
  }
  if (h.github) add(`github:${h.github.toLowerCase()}`);
  if (h.huggingface) add(`hf:${h.huggingface.type}:${h.huggingface.id.toLowerCase()}`);
  if (h.npm) add(`npm:${h.npm.toLowerCase()}`);
  if (h.pypi) add(`pypi:${pypiName(h.pypi)}`);
  const home = safeNormalizeUrl(h.url);
  if (home && !SHARED_HOSTS.test(home)) add(`url:${home}`);
  return keys;
}

/**
 * The spellings a catalog's `url` or `repo` may have for one normalised URL (scheme, `www.`, trailing slash), all
 * lower-case: looked up in the lower(url) and lower(repo) indexes instead of scanning the catalog.
 */
export function urlSpellings(normalized: string): string[] {
  const out: string[] = [];
  for (const scheme of ['https://', 'http://']) for (const www of ['', 'www.']) for (const slash of ['', '/']) out.push(`${scheme}${www}${normalized}${slash}`.toLowerCase());
  return out;
}

/** The catalog spellings that mean the same tool as these keys (homepage and repository URLs). */
export function catalogSpellings(keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    if (k.startsWith('url:')) for (const s of urlSpellings(k.slice(4))) out.add(s);
    else if (k.startsWith('github:')) for (const s of [...urlSpellings(`github.com/${k.slice(7)}`), `https://github.com/${k.slice(7)}.git`]) out.add(s);
    else if (k.startsWith('hf:model:')) for (const s of urlSpellings(`huggingface.co/${k.slice(9)}`)) out.add(s);
    else if (k.startsWith('hf:space:')) for (const s of urlSpellings(`huggingface.co/spaces/${k.slice(9)}`)) out.add(s);
    else if (k.startsWith('npm:')) for (const s of urlSpellings(`npmjs.com/package/${k.slice(4)}`)) out.add(s);
    else if (k.startsWith('pypi:')) for (const s of urlSpellings(`pypi.org/project/${k.slice(5)}`)) out.add(s);
  }
  return [...out];
}
