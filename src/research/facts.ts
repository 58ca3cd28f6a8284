// Pure fact extraction from each kind of source (page, GitHub, Hugging Face, packages) and which differences between snapshots are material.
import { excerpt } from '../domain/text.js';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/**
 * What each kind of source says, extracted without an LLM, and which differences between two snapshots are
 * material (worth a flag and a new panel review). Pure: text in, plain data out.
 */

export type EvidenceKind = 'homepage' | 'pricing' | 'docs' | 'github' | 'huggingface' | 'npm' | 'pypi';

export interface PageFacts {
  title?: string;
  description?: string;
  /** Prices as written on the page ("$20/month"), in page order, without repeats. */
  prices: string[];
  /** Plan names from the page's headings (Free, Pro, Team, …). */
  plans: string[];
}
export interface GithubFacts {
  repo: string;
  stars: number;
  forks: number;
  openIssues: number;
  license: string | null;
  archived: boolean;
  pushedAt: string | null;
  latestRelease: { tag: string; publishedAt: string | null } | null;
}
export interface HuggingfaceFacts {
  id: string;
  type: 'model' | 'space';
  downloads: number | null;
  likes: number | null;
  license: string | null;
  lastModified: string | null;
}
export interface PackageFacts {
  name: string;
  version: string;
  releasedAt: string | null;
  license: string | null;
}
export type Facts = PageFacts | GithubFacts | HuggingfaceFacts | PackageFacts | Record<string, never>;

const PRICE = /(?:[$€£]\s?\d{1,6}(?:[.,]\d{1,2})?(?:\s?(?:\/|per)\s?(?:mo|month|yr|year|user|seat|member)\b)?)|(?:\b\d{1,6}(?:[.,]\d{1,2})?\s?(?:USD|EUR|GBP)\b(?:\s?(?:\/|per)\s?(?:mo|month|yr|year|user|seat)\b)?)/gi;
const PLAN = /\b(free|hobby|starter|basic|personal|pro|plus|premium|team|teams|business|scale|enterprise|custom)\b/i;

export interface ParsedPage {
  facts: PageFacts;
  /** Readable main text (Readability, falling back to the body's text). */
  text: string;
  /** Absolute http(s) links on the page, with their text. */
  links: { href: string; text: string }[];
}

export function parsePage(html: string, baseUrl: string): ParsedPage {
  let { document } = parseHTML(html);
  // linkedom builds no <html> element for a body without markup (plain text, a body cut mid-way), and Readability
  // and every query below need one: read such a body as the text of an otherwise empty page.
  if (!document.documentElement) ({ document } = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`));
  const meta = (name: string) =>
    document.querySelector(`meta[name="${name}"], meta[property="${name}"]`)?.getAttribute('content')?.trim() || undefined;
  const title = document.querySelector('title')?.textContent?.trim() || meta('og:title');
  const description = meta('description') ?? meta('og:description');
  const links: { href: string; text: string }[] = [];
  for (const a of document.querySelectorAll('a[href]')) {
    try {
      const href = new URL(a.getAttribute('href')!, baseUrl);
      if (href.protocol === 'http:' || href.protocol === 'https:') links.push({ href: href.toString(), text: (a.textContent ?? '').trim().slice(0, 100) });
    } catch {
      /* not a URL: ignore */
    }
    if (links.length >= 500) break;
  }
  const plans = unique(
    [...document.querySelectorAll('h1, h2, h3, h4')]
      .map((h) => (h.textContent ?? '').replace(/\s+/g, ' ').trim())
      .filter((t) => t.length <= 40 && PLAN.test(t)),
  ).slice(0, 10);
  // Text as a reader sees it: no scripts or styles, and a space between elements ("per year" + "Pricing" must not
  // read "yearPricing"). Readability changes the document it reads, so take everything else first.
  for (const el of document.querySelectorAll('script, style, noscript, template, svg')) el.remove();
  for (const el of document.body?.querySelectorAll('*') ?? []) el.after(' ');
  const bodyText = document.body?.textContent ?? '';
  let text = bodyText;
  try {
    const article = new Readability(document as unknown as Document).parse();
    if (article?.textContent && article.textContent.trim().length > 200) text = article.textContent;
  } catch {
    /* Readability gave up on this page: the body text stands */
  }
  const prices = unique([...bodyText.matchAll(PRICE)].map((m) => m[0].replace(/\s+/g, ' ').trim())).slice(0, 20);
  return {
    facts: { ...(title ? { title: excerpt(title, 200) } : {}), ...(description ? { description: excerpt(description, 300) } : {}), prices, plans },
    text: text.replace(/\s+/g, ' ').trim(),
    links,
  };
}

const unique = (xs: string[]) => [...new Set(xs)];

/** The pricing and docs pages a homepage links to, on its own site (same host or a subdomain of it). */
export function findSubpages(links: ParsedPage['links'], homepage: string): { pricing?: string; docs?: string } {
  const home = new URL(homepage);
  const site = home.hostname.replace(/^www\./, '');
  const own = links.filter((l) => {
    const h = new URL(l.href).hostname;
    return (h === site || h.endsWith(`.${site}`)) && l.href.split('#')[0] !== home.toString().split('#')[0];
  });
  const pick = (re: RegExp) => own.find((l) => re.test(new URL(l.href).pathname) || re.test(l.text))?.href.split('#')[0];
  return { pricing: pick(/\b(pricing|plans|prices)\b/i), docs: pick(/\b(docs|documentation|guide|guides)\b/i) };
}

/** `owner/name` of a github.com repository URL. */
export function githubRepo(url: string | null | undefined): string | undefined {
  const m = url && /^https?:\/\/(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[/?#]|$)/i.exec(url);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Hugging Face models and spaces named by these URLs. */
export function huggingfaceRefs(urls: readonly string[]): { id: string; type: 'model' | 'space' }[] {
  const out = new Map<string, { id: string; type: 'model' | 'space' }>();
  const reserved = new Set(['docs', 'blog', 'pricing', 'datasets', 'models', 'spaces', 'login', 'join', 'papers', 'learn', 'settings', 'organizations', 'api']);
  for (const u of urls) {
    const m = /^https?:\/\/(?:www\.)?huggingface\.co\/(spaces\/)?([\w.-]+)\/([\w.-]+)/i.exec(u);
    if (!m || (!m[1] && reserved.has(m[2]!.toLowerCase()))) continue;
    const ref = { id: `${m[2]}/${m[3]}`, type: m[1] ? ('space' as const) : ('model' as const) };
    out.set(`${ref.type}:${ref.id}`, ref);
  }
  return [...out.values()].slice(0, 2);
}

/** npm and PyPI packages named by install commands in the text or by links to their registry pages. */
export function packageRefs(text: string, urls: readonly string[]): { npm: string[]; pypi: string[] } {
  const npm = new Set<string>();
  const pypi = new Set<string>();
  const name = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
  // A sentence's full stop is not part of the name.
  const trim = (s: string) => s.replace(/[.-]+$/, '').toLowerCase();
  for (const m of text.matchAll(/\bnpm\s+(?:install|i)\s+(?:-[-\w]+\s+)*(@?[\w./-]+)/gi)) if (name.test(trim(m[1]!))) npm.add(trim(m[1]!));
  for (const m of text.matchAll(/\bpip3?\s+install\s+(?:-[-\w]+\s+)*([A-Za-z0-9][\w.-]*)/g)) pypi.add(trim(m[1]!));
  for (const u of urls) {
    const n = /^https?:\/\/(?:www\.)?npmjs\.com\/package\/((?:@[\w.-]+\/)?[\w.-]+)/i.exec(u);
    if (n) npm.add(decodeURIComponent(n[1]!).toLowerCase());
    const p = /^https?:\/\/pypi\.org\/project\/([\w.-]+)/i.exec(u);
    if (p) pypi.add(p[1]!.toLowerCase());
  }
  return { npm: [...npm].slice(0, 2), pypi: [...pypi].slice(0, 2) };
}

const major = (v: string | null | undefined) => {
  const m = v && /(\d+)\./.exec(v.replace(/^v/i, ''));
  return m ? Number(m[1]) : undefined;
};

/** Material differences between the previous facts of a source and the new ones, as short sentences. */
export function materialChanges(kind: EvidenceKind, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (kind === 'homepage' || kind === 'pricing') {
    const a = (before.prices as string[] | undefined) ?? [];
    const b = (after.prices as string[] | undefined) ?? [];
    if ([...a].sort().join('|') !== [...b].sort().join('|')) out.push(`Pricing changed on the ${kind === 'pricing' ? 'pricing page' : 'homepage'}: ${a.join(', ') || 'none'} → ${b.join(', ') || 'none'}`);
  }
  if ((kind === 'github' || kind === 'huggingface' || kind === 'npm' || kind === 'pypi') && (before.license ?? null) !== (after.license ?? null)) {
    out.push(`Licence changed: ${before.license ?? 'none'} → ${after.license ?? 'none'}`);
  }
  if (kind === 'github' && !before.archived && after.archived) out.push('Repository archived');
  const rel = (f: Record<string, unknown>) =>
    kind === 'github' ? (f.latestRelease as GithubFacts['latestRelease'])?.tag : kind === 'npm' || kind === 'pypi' ? (f.version as string | undefined) : undefined;
  const [m0, m1] = [major(rel(before)), major(rel(after))];
  if (m0 !== undefined && m1 !== undefined && m1 > m0) out.push(`New major release: ${rel(before)} → ${rel(after)}`);
  return out;
}

/** One line of what a snapshot said, for the sources list and the critic. */
export function summarizeFacts(kind: EvidenceKind, f: Record<string, unknown>): string {
  const parts: string[] = [];
  if (kind === 'homepage' || kind === 'pricing' || kind === 'docs') {
    if (f.title) parts.push(String(f.title));
    if ((f.prices as string[] | undefined)?.length) parts.push(`prices seen: ${(f.prices as string[]).slice(0, 6).join(', ')}`);
    if ((f.plans as string[] | undefined)?.length) parts.push(`plans: ${(f.plans as string[]).slice(0, 6).join(', ')}`);
  } else if (kind === 'github') {
    const g = f as unknown as GithubFacts;
    parts.push(`${g.stars} stars`, `${g.forks} forks`, `licence ${g.license ?? 'none stated'}`);
    if (g.archived) parts.push('archived');
    if (g.pushedAt) parts.push(`last push ${g.pushedAt.slice(0, 10)}`);
    if (g.latestRelease) parts.push(`latest release ${g.latestRelease.tag}${g.latestRelease.publishedAt ? ` (${g.latestRelease.publishedAt.slice(0, 10)})` : ''}`);
  } else if (kind === 'huggingface') {
    const h = f as unknown as HuggingfaceFacts;
    parts.push(`${h.type} ${h.id}`);
    if (h.downloads != null) parts.push(`${h.downloads} downloads`);
    if (h.likes != null) parts.push(`${h.likes} likes`);
    parts.push(`licence ${h.license ?? 'none stated'}`);
    if (h.lastModified) parts.push(`updated ${h.lastModified.slice(0, 10)}`);
  } else {
    const p = f as unknown as PackageFacts;
    parts.push(`${p.name} ${p.version}${p.releasedAt ? ` (${p.releasedAt.slice(0, 10)})` : ''}`);
    if (p.license) parts.push(`licence ${p.license}`);
  }
  return parts.join(' · ');
}
