// Builds a discovered candidate's draft catalog entry, purely from what was checked, valid in the import format or not proposed.
import { excerpt } from '../domain/text.js';
import { toolFieldsSchema, type ToolFields } from '../domain/schemas.js';
import type { PricingModel } from '../domain/pricing.js';
import { slugify } from '../catalog/tool.js';
import type { Snapshot } from '../research/snapshot.js';
import type { DiscoveredItem } from './source.js';

/**
 * A discovered candidate as a draft catalog entry, built only from what was checked (pure): the listings' own
 * words and the research snapshots (homepage title and description, README, registry metadata). Without a licence
 * or prices seen, the pricing model is `unknown`: never a guess. The draft passes the import format's validation
 * (toolFieldsSchema) or is not proposed.
 */

/** Category by the words of the item, among the catalog's own categories (the demo catalog's names). */
const CATEGORY_RULES: [RegExp, string][] = [
  [/\b(agents?|agentic|automation|workflow|autonomous|mcp)\b/i, 'Agents & Automation'],
  [/\b(image|diffusion|design|photo|art|logo|vision|ocr)\b/i, 'Image & Design'],
  [/\b(video|animation)\b/i, 'Video'],
  [/\b(speech|voice|audio|tts|asr|transcri\w*|music)\b/i, 'Audio & Voice'],
  [/\b(chat|chatbot|assistant|conversational)\b/i, 'Chat Assistants'],
  [/\b(research|search|knowledge|rag|papers?|retrieval)\b/i, 'Research & Knowledge'],
  [/\b(writing|write|notes|docs|productivity|email|summari\w*)\b/i, 'Writing & Productivity'],
  [/\b(model|weights|inference|quantiz\w*|gguf|fine[- ]?tun\w*|text[- ]generation)\b/i, 'Models & Inference'],
  [/\b(code|coding|developer|sdk|api|cli|library|framework|ide|devtools?|programming)\b/i, 'Developer Tools'],
];

export function pickCategory(text: string, catalog: readonly string[]): string {
  const have = new Map(catalog.map((c) => [c.toLowerCase(), c]));
  for (const [re, name] of CATEGORY_RULES) if (re.test(text) && (have.size === 0 || have.has(name.toLowerCase()))) return have.get(name.toLowerCase()) ?? name;
  return catalog[0] ?? 'Developer Tools';
}

const SPDX = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;
const line = (s: string, max: number) => excerpt(s.replace(/\s+/g, ' ').trim(), max);

export interface Draft {
  fields: ToolFields;
  /** Why the pricing model is what it is, for the moderator. */
  pricingWhy: string;
}

export function buildDraft(items: readonly DiscoveredItem[], snapshots: readonly Snapshot[], slug: string, categories: readonly string[]): { draft: Draft } | { error: string } {
  const first = items[0]!;
  const facts = (kind: string) => snapshots.find((s) => s.kind === kind && !s.error)?.facts as Record<string, any> | undefined;
  const home = facts('homepage');
  const pricing = facts('pricing');
  const gh = facts('github');
  const pkg = facts('npm') ?? facts('pypi');
  const readme = snapshots.find((s) => s.kind === 'github' && !s.error)?.excerpt ?? '';
  const listed = items.map((i) => i.description).find((d) => d.trim().length >= 10) ?? '';
  const tagline = line(listed || home?.description || home?.title || `${first.name}, found on ${first.source}`, 200);
  const description = excerpt(
    [listed, home?.description && home.description !== listed ? home.description : '', readme].filter(Boolean).join('\n\n').trim() || tagline,
    2000,
  );
  const license = [gh?.license, pkg?.license, ...items.map((i) => i.license)].find((l): l is string => typeof l === 'string' && SPDX.test(l) && l.length <= 60);
  const prices: string[] = [...(pricing?.prices ?? []), ...(home?.prices ?? [])];
  const plans: string[] = [...(pricing?.plans ?? []), ...(home?.plans ?? [])].map((p) => String(p).toLowerCase());
  let model: PricingModel = 'unknown';
  let entry = 'Unknown';
  let pricingWhy = 'no licence or prices seen';
  // A licence from a repository or registry (the research snapshot, or the listing's own registry metadata).
  if (license) {
    model = 'open-source';
    entry = 'Free';
    pricingWhy = `${license} licence on ${gh?.license === license ? 'GitHub' : pkg?.license === license ? 'its package registry' : items.find((i) => i.license === license)!.source}`;
  } else if (prices.length > 0) {
    const free = plans.some((p) => /\bfree\b/.test(p)) || prices.some((p) => /^[$€£]\s?0(?:[.,]0+)?\b/.test(p));
    model = free ? 'freemium' : 'paid';
    entry = line(free ? `Free; paid from ${prices.find((p) => !/^[$€£]\s?0\b/.test(p)) ?? prices[0]}` : `From ${prices[0]}`, 60);
    pricingWhy = `prices seen on its ${pricing ? 'pricing page' : 'homepage'}`;
  }
  const tags = [...new Set(items.flatMap((i) => i.tags).map((t) => t.toLowerCase().trim()).filter((t) => t && t.length <= 40))].slice(0, 10);
  const repo = items.map((i) => i.repo).find(Boolean);
  const raw = {
    slug,
    name: line(first.name, 120),
    tagline,
    description,
    category: pickCategory(`${first.name} ${tagline} ${description} ${tags.join(' ')}`, categories),
    pricing: { model, entry, ...(license ? { license } : {}) },
    url: first.url,
    ...(repo ? { repo } : {}),
    tags,
  };
  const parsed = toolFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return { error: `draft is not a valid catalog entry: ${i.path.join('.')}: ${i.message}` };
  }
  return { draft: { fields: parsed.data, pricingWhy } };
}

/** Slugs to try for a candidate, the plain one first. */
export function slugCandidates(name: string, owner?: string): string[] {
  const base = slugify(name) || 'tool';
  const out = [base];
  if (owner) out.push(slugify(`${name}-${owner}`));
  for (let i = 2; i <= 9; i++) out.push(`${base}-${i}`);
  return [...new Set(out.filter((s) => s && s.length <= 80))];
}
