/**
 * A deterministic synthetic catalog in the public import format, for scale benches and tests.
 *
 *   tsx bench/scale/generate.ts --tools 100000 [--seed 1] [--out catalog.json]
 *
 * Tool i depends only on (seed, i), so the file is written one tool at a time (flat memory) and the same
 * seed always gives the same bytes. Every record is valid: takes of 20-300 words, verdict ship iff
 * score >= threshold, some abstentions, 5-7 distinct critics per tool.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { DEFAULT_SHIP_THRESHOLD, PRICING_MODELS, TAKE_MAX_WORDS, TAKE_MIN_WORDS } from '../../src/domain/schemas.js';

/** mulberry32: tiny, fast, and the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-mixed 32-bit seed for item i of a run, so items can be made independently and in any order. */
const mix = (seed: number, i: number, salt = 0) => {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ Math.imul(salt + 7, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
};

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

const ADJECTIVES = ['quantum', 'swift', 'lucid', 'vivid', 'nimble', 'clever', 'silent', 'bright', 'deep', 'open', 'rapid', 'smart', 'tiny', 'grand', 'neural', 'cosmic', 'steady', 'bold', 'calm', 'keen'];
const NOUNS = ['lens', 'pilot', 'forge', 'scribe', 'canvas', 'agent', 'studio', 'engine', 'atlas', 'echo', 'spark', 'loom', 'relay', 'vault', 'compass', 'beacon', 'sketch', 'chorus', 'harbor', 'prism'];
const CATEGORIES = ['Developer Tools', 'Writing', 'Image Generation', 'Video', 'Audio & Voice', 'Research', 'Productivity', 'Data & Analytics', 'Design', 'Marketing', 'Customer Support', 'Education', 'Legal', 'Healthcare', 'Security', 'Open Models'];
const TAGS = ['coding', 'chat', 'agents', 'vision', 'speech', 'translation', 'summaries', 'search', 'rag', 'local', 'api', 'plugins', 'privacy', 'teams', 'mobile', 'browser', 'notes', 'slides', 'sql', 'charts', 'music', 'podcasts', 'video-editing', 'avatars', '3d', 'ocr', 'email', 'crm', 'seo', 'tests', 'docs', 'review', 'fine-tuning', 'embeddings', 'open-weights', 'gpu', 'no-code', 'workflow', 'compliance', 'tutoring'];
const VERBS = ['Turns', 'Drafts', 'Checks', 'Builds', 'Explains', 'Organises', 'Edits', 'Answers', 'Tracks', 'Generates'];
const OBJECTS = ['messy notes', 'pull requests', 'product photos', 'customer emails', 'research papers', 'meeting recordings', 'spreadsheets', 'landing pages', 'contracts', 'lesson plans'];
const AUDIENCES = ['small teams', 'solo developers', 'marketers', 'students', 'researchers', 'support desks', 'designers', 'clinicians', 'lawyers', 'founders'];
const VOCAB = ('the a it this tool works well fast slow model output quality price team setup docs api latency privacy data ' +
  'local cloud useful clear rough edges onboarding export import workflow reliable accurate hallucinates sometimes rarely ' +
  'often cheap expensive free plan limits context window memory agents search results citations benchmark real tasks ' +
  'daily use teams solo developers writers designers support ships skips worth trying later stable beta roadmap vendor ' +
  'lock-in open weights license integrations plugins editor browser mobile offline sync history undo review tests').split(' ');
const REASONS = ['Outside my lens: nothing here for the way I judge tools.', 'Too early to judge: the public beta was closed when I looked.', 'No access: the product requires an enterprise contract.', 'Not enough public information to form a fair view.'];
const LICENSES = ['MIT', 'Apache-2.0', 'GPL-3.0', 'BSD-3-Clause', 'AGPL-3.0'];

/** Tool i's slug, from its index alone, so votes and benches can name tools without the file. */
export const toolSlug = (i: number) => `${ADJECTIVES[i % ADJECTIVES.length]}-${NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]}-${i}`;

function take(rand: () => number): string {
  // Mostly short takes with a long tail up to the maximum.
  const n = TAKE_MIN_WORDS + Math.floor(rand() ** 4 * (TAKE_MAX_WORDS - TAKE_MIN_WORDS + 1));
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(pick(rand, VOCAB));
  words[0] = cap(words[0]!);
  return words.join(' ') + '.';
}

export interface GenerateOptions {
  seed: number;
  critics: readonly string[];
  threshold?: number;
}

/** The four priced models only, as before `unknown` existed: the same seed still makes the same catalog. */
const GENERATED_PRICING = PRICING_MODELS.filter((m) => m !== 'unknown') as Exclude<(typeof PRICING_MODELS)[number], 'unknown'>[];

/** Tool i of the catalog for this seed, in the import format. */
export function generateTool(i: number, opts: GenerateOptions) {
  const rand = rng(mix(opts.seed, i));
  const slug = toolSlug(i);
  const [adj, noun] = slug.split('-') as [string, string];
  const model = pick(rand, GENERATED_PRICING);
  const price = 5 + Math.floor(rand() * 20) * 5;
  const entry = { free: 'Free', freemium: `Free tier; Pro $${price}/mo`, paid: `$${price}/mo`, 'open-source': 'Free (self-hosted)' }[model];
  const tags = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(rand, TAGS)))];
  const critics = [...opts.critics];
  for (let k = critics.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [critics[k], critics[j]] = [critics[j]!, critics[k]!];
  }
  const count = Math.min(critics.length, 5 + Math.floor(rand() * 3));
  const threshold = opts.threshold ?? DEFAULT_SHIP_THRESHOLD;
  const reviews = critics.slice(0, count).map((critic) => {
    if (rand() < 0.08) return { critic, abstain: true, reason: pick(rand, REASONS) };
    const score = Math.min(100, Math.max(0, Math.round(30 + rand() * 45 + rand() * 25)));
    return { critic, score, verdict: score >= threshold ? 'ship' : 'skip', take: take(rand) };
  });
  return {
    slug,
    name: `${cap(adj)} ${cap(noun)} ${i}`,
    tagline: `${pick(rand, VERBS)} ${pick(rand, OBJECTS)} into something useful for ${pick(rand, AUDIENCES)}`,
    description: `${cap(adj)} ${cap(noun)} ${i} ${take(rand).slice(0, 400).trimEnd().toLowerCase()}`,
    category: pick(rand, CATEGORIES),
    pricing: model === 'open-source' ? { model, entry, license: pick(rand, LICENSES) } : { model, entry },
    url: `https://${slug}.example.com`,
    ...(model === 'open-source' ? { repo: `https://github.com/example/${slug}` } : {}),
    tags,
    reviews,
  };
}

/** Writes a catalog of n tools to a stream, one tool at a time, honouring backpressure. */
export async function writeCatalog(out: Writable, n: number, opts: GenerateOptions): Promise<void> {
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"tools":[\n');
  for (let i = 0; i < n; i++) await write((i ? ',\n' : '') + JSON.stringify(generateTool(i, opts)));
  await write('\n]}\n');
}

export interface VoteRow {
  toolSlug: string;
  /** `v:<visitor id>` as the site stores anonymous voters. */
  ownerId: string;
  vote: 'ship' | 'skip';
}

/**
 * `votes` votes from `voters` visitors over tools 0..tools-1, each voter voting at most once per tool
 * (the table's rule), popular tools getting more. Deterministic for a seed; yields rows one at a time.
 */
export function* generateVotes(opts: { tools: number; voters: number; votes: number; seed: number }): Generator<VoteRow> {
  const { tools, voters, votes, seed } = opts;
  if (tools <= 0 || voters <= 0) return;
  const perVoter = Math.ceil(votes / voters);
  if (perVoter > tools) throw new RangeError(`${votes} votes from ${voters} voters needs at least ${perVoter} tools`);
  let made = 0;
  for (let v = 0; v < voters && made < votes; v++) {
    const rand = rng(mix(seed, v, 1));
    const id = Array.from({ length: 24 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(rand() * 64)]).join('');
    const seen = new Set<number>();
    for (let k = 0; k < perVoter && made < votes; k++) {
      // Squaring skews towards low indices (popular tools); probe forward past tools this voter already chose.
      let t = Math.floor(rand() ** 2 * tools);
      while (seen.has(t)) t = (t + 1) % tools;
      seen.add(t);
      made++;
      yield { toolSlug: toolSlug(t), ownerId: `v:${id}`, vote: rand() < 0.6 ? 'ship' : 'skip' };
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: { tools: { type: 'string' }, seed: { type: 'string', default: '1' }, out: { type: 'string' }, critics: { type: 'string', default: process.env.CRITICS_DIR ?? 'critics' } },
  });
  const n = Number(values.tools);
  if (!Number.isInteger(n) || n < 0) throw new Error('usage: tsx bench/scale/generate.ts --tools N [--seed S] [--out FILE]');
  const { loadCritics } = await import('../../src/panel/critics.js');
  const critics = loadCritics(values.critics!).map((c) => c.id);
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  await writeCatalog(out, n, { seed: Number(values.seed), critics });
  if (out !== process.stdout) {
    out.end();
    await finished(out);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
