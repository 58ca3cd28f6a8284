/**
 * The search vocabulary of `npm run bench:scale` (issue 19): what relevance search is timed on at catalog scale.
 *
 * - COMMON_WORDS: words the generator (bench/scale/generate.ts) writes into a large share of its catalog, so
 *   each matches thousands of tools (a third to two thirds at any size): the case whose cost used to grow with
 *   the number of matches.
 * - heldOutWords(): real-world AI-tool words nobody tuned the search on, picked by rules rather than by hand:
 *   the words issue 19 measured on main; the section headings of a public list of AI tools; and the words most
 *   often found in the descriptions of data/demo.json, leaving out English function words and every word the
 *   generator writes. On the generated catalog most of them match few tools or none (the "did you mean" path);
 *   on a catalog of real descriptions they are the common words.
 */
import { readFileSync } from 'node:fs';
import { generateTool } from './generate.js';

export const COMMON_WORDS = ['model', 'agent', 'the', 'open', 'team', 'data', 'api', 'local', 'privacy', 'open weights', 'quality model', 'customer emails'];

/** Measured on main with a held-out catalog when issue 19 was filed. */
const ISSUE_WORDS = ['model', 'agent', 'pricing', 'open source'];

/**
 * The section and subsection headings of https://github.com/steven2358/awesome-generative-ai (README.md at commit
 * 000201dbd6fe44696530f4470b819edb73005472), less the ones that name no kind of tool (Contents, Recommended reading,
 * Milestones, Other, Learning resources, More lists, Lists on ChatGPT), lower-cased.
 */
const PUBLIC_LIST_HEADINGS = [
  'text', 'models', 'chatbots', 'search engines', 'local search engines', 'writing assistants', 'chatgpt extensions',
  'productivity platforms', 'meeting assistants', 'academia', 'other text generators', 'developer tools', 'code', 'image',
  'services', 'image libraries', 'model libraries', 'stable diffusion resources', 'video', 'audio', 'speech', 'music',
  'autonomous agents',
];

/** English function words, which nobody searches a catalog for. */
const FUNCTION_WORDS = new Set(
  ('about above across after also among because been before being below between both could does down each either from have ' +
    'here into just like many more most much must only other over same should some such than that their them then there ' +
    'these they this those through under until upon very were what when where which while will with within without would your').split(' '),
);

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Every word the generator writes, from enough of its tools to have met each of its lists' entries. */
function generatorWords(): Set<string> {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const t = generateTool(i, { seed: 1, critics: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
    for (const w of words([t.name, t.tagline, t.description, t.tags.join(' ')].join(' '))) seen.add(w);
  }
  return seen;
}

/** The `n` words found in most descriptions of data/demo.json (ties alphabetical), 4+ letters, not the generator's. */
export function demoWords(n: number, file = 'data/demo.json'): string[] {
  const demo = JSON.parse(readFileSync(file, 'utf8')) as { tools: { description: string }[] };
  const skip = generatorWords();
  const df = new Map<string, number>();
  for (const t of demo.tools) for (const w of new Set(words(t.description))) df.set(w, (df.get(w) ?? 0) + 1);
  return [...df]
    .filter(([w]) => w.length >= 4 && !/^\d+$/.test(w) && !FUNCTION_WORDS.has(w) && !skip.has(w))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([w]) => w);
}

export function heldOutWords(): string[] {
  return [...new Set([...ISSUE_WORDS, ...PUBLIC_LIST_HEADINGS, ...demoWords(20)])];
}
