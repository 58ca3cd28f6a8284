import { readFileSync } from 'node:fs';
import { importTools, parseImport } from '../../src/catalog/import.js';
import { loadCritics } from '../../src/panel/critics.js';
import type { Db } from '../../src/db/db.js';

export const CRITICS = loadCritics('critics');
export const CRITIC_IDS = CRITICS.map((c) => c.id);
export const DEMO = JSON.parse(readFileSync('data/demo.json', 'utf8')) as { tools: Record<string, unknown>[] };

export const words = (n: number, w = 'solid') => Array.from({ length: n }, () => w).join(' ');

/** A valid take body as an LLM would answer it. */
export const takeJson = (score: number, verdict = score >= 60 ? 'ship' : 'skip') =>
  JSON.stringify({ review: { score, verdict, take: words(45) } });

export async function seedDemo(db: Db, only?: string[]) {
  const doc = only ? { tools: DEMO.tools.filter((t) => only.includes(t.slug as string)) } : DEMO;
  return importTools(db, parseImport(doc, { threshold: 60, critics: CRITIC_IDS }));
}

export const toolDoc = (slug: string, extra: Record<string, unknown> = {}) => ({
  slug,
  name: slug,
  tagline: `${slug} does things`,
  description: `${slug} is a tool.`,
  category: 'Developer Tools',
  pricing: { model: 'free', entry: 'Free' },
  url: `https://example.com/${slug}`,
  ...extra,
});
