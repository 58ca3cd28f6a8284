// Loads the critic personas from critics/*.md (front matter and persona text).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import matter from 'gray-matter';
import { AppError } from '../errors.js';
import { criticSchema, type Critic } from '../domain/schemas.js';

/** Reads every `*.md` persona under `dir`: front matter (name, order, motto, lens, excites, tired_of, abstains_when) plus the persona text. */
export function loadCritics(dir: string): Critic[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.md') && !f.startsWith('_') && f.toLowerCase() !== 'readme.md');
  } catch {
    throw new AppError('config', `Cannot read the critics folder ${dir}: set CRITICS_DIR to a folder of critic files`);
  }
  const critics = files.map((f) => parseCritic(basename(f, '.md'), readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  if (critics.length === 0) throw new AppError('config', `No critic files (*.md) in ${dir}`);
  return critics.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

export function parseCritic(id: string, text: string, where = id): Critic {
  let fm: Record<string, unknown>;
  let body: string;
  try {
    const parsed = matter(text);
    fm = parsed.data;
    body = parsed.content;
  } catch (err) {
    throw new AppError('config', `${where}: front matter is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const result = criticSchema.safeParse({
    id,
    name: fm.name,
    order: fm.order,
    motto: fm.motto,
    lens: fm.lens,
    excites: fm.excites,
    tiredOf: fm.tired_of,
    abstainsWhen: fm.abstains_when,
    persona: body,
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    const names: Record<string, string> = { tiredOf: 'tired_of', abstainsWhen: 'abstains_when', persona: 'text (after the front matter)', id: 'file name' };
    throw new AppError('config', `${where}: ${names[field] ?? field} ${issue.message}`);
  }
  return result.data;
}
