// The zod schemas for every concept (tool, review, verdict rule, email…), shared by HTTP input, CLI, import files and LLM output.
import { z } from 'zod';
import { CONTROL_CHARS, quote } from './text.js';

/** One schema per concept: these validate HTTP input, CLI arguments, import files and LLM output alike. */

export const slugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single hyphens (e.g. "my-tool")');

export const criticIdSchema = slugSchema;

/** An email address as people type it (sign-in, digest, submissions): trimmed and lower-cased. */
export const emailSchema = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter your email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }));

/** `unknown`: nobody checked (a discovered tool whose pages name no price); never a guess. */
export const PRICING_MODELS = ['free', 'freemium', 'paid', 'open-source', 'unknown'] as const;
export const pricingModelSchema = z.enum(PRICING_MODELS);

/**
 * Text we can store on both databases: PostgreSQL rejects U+0000 in text (SQLite keeps it), and a lone
 * surrogate is not UTF-8 at all. Every text field of a tool, review or critic is checked with this.
 */
export const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isStorableText = (s: string) => !UNSTORABLE_TEXT.test(s);
const STORABLE = 'must not contain NUL (U+0000) or unpaired surrogate characters';
const text = () => z.string().refine(isStorableText, STORABLE);

const ONE_LINE = 'must be one line, without control characters';
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500).refine(isStorableText, STORABLE).refine((s) => !CONTROL_CHARS.test(s), ONE_LINE);
/** One line of public text: no line breaks, and no control characters a terminal would obey (ESC, BEL, BS…). */
const line = (max: number) =>
  text()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), ONE_LINE);

export const pricingSchema = z.strictObject({
  model: pricingModelSchema,
  entry: line(60),
  license: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.+-]*$/, 'must be an SPDX licence id such as "MIT" or "Apache-2.0"')
    .max(60)
    .optional(),
});

export const toolFieldsSchema = z.strictObject({
  slug: slugSchema,
  name: line(120),
  tagline: line(200),
  description: text().trim().min(1, 'must not be empty').max(5000),
  category: line(60),
  pricing: pricingSchema,
  url: httpUrl,
  repo: httpUrl.optional(),
  tags: z.array(text().trim().toLowerCase().min(1).max(40).refine((s) => !CONTROL_CHARS.test(s), ONE_LINE)).max(20).default([]),
  /** A short use-case ("Local speech-to-text for transcripts"), shown as "Best for"; never the tagline. */
  bestFor: line(120).optional(),
});
export type ToolFields = z.infer<typeof toolFieldsSchema>;

export const VERDICTS = ['ship', 'skip'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** SHIP_THRESHOLD when unset (src/config.ts). Nothing else defaults to it: every rule takes the configured line. */
export const DEFAULT_SHIP_THRESHOLD = 60;
export const TAKE_MIN_WORDS = 20;
export const TAKE_MAX_WORDS = 300;

export const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The rule the brand rests on: ship if and only if score >= threshold. */
export const verdictFor = (score: number, threshold: number): Verdict =>
  score >= threshold ? 'ship' : 'skip';

/** The code (issue `params.code`) of a take whose verdict contradicts its score: code matches this, the message is for people. */
export const VERDICT_CONTRADICTS_SCORE = 'verdict_contradicts_score';

/**
 * A critic's answer about one tool: a take or an abstention. Same shape from an LLM and in import files.
 * `citations` are the ids of the evidence snapshots a take rests on; given `citable` (the ids the critic was
 * shown), citing any other id is invalid output, like a verdict that contradicts its score.
 */
export function reviewBodySchema(threshold: number, citable?: readonly number[]) {
  const take = z
    .strictObject({
      score: z.number().int('must be a whole number').min(0).max(100),
      verdict: z.enum(VERDICTS),
      take: text()
        .trim()
        // Counted once per take: imports check hundreds of thousands of them.
        .superRefine((s, ctx) => {
          const n = wordCount(s);
          if (n < TAKE_MIN_WORDS) ctx.addIssue({ code: 'custom', message: `must be at least ${TAKE_MIN_WORDS} words` });
          else if (n > TAKE_MAX_WORDS) ctx.addIssue({ code: 'custom', message: `must be at most ${TAKE_MAX_WORDS} words` });
        }),
      citations: z
        .array(z.number().int().positive())
        .max(20)
        .optional()
        .superRefine((ids, ctx) => {
          if (!citable || !ids) return;
          const bad = ids.find((id) => !citable.includes(id));
          if (bad !== undefined) {
            ctx.addIssue({
              code: 'custom',
              message: `cites evidence ${bad}, which was not given (${citable.length ? `cite only ${citable.join(', ')}` : 'no evidence was given: cite nothing'})`,
            });
          }
        }),
    })
    .refine((r) => r.verdict === verdictFor(r.score, threshold), {
      message: `verdict contradicts score: ship if and only if score >= ${threshold}`,
      path: ['verdict'],
      params: { code: VERDICT_CONTRADICTS_SCORE },
    });
  const abstention = z.strictObject({
    abstain: z.literal(true),
    reason: line(300),
  });
  return z.union([abstention, take]);
}
export type ReviewBody = z.infer<ReturnType<typeof reviewBodySchema>>;

export function importReviewSchema(threshold: number) {
  // The critic id, and optionally who wrote the review and where it comes from, sit beside the body in import files.
  // `author` is the only way a review is shown as written by a person; `source` names where it comes from
  // (overriding the name given at import; "demo" marks the demo catalog). The body schema is built once here,
  // not per review: rebuilding it for every review made checking 100,000 tools take minutes.
  const bodySchema = reviewBodySchema(threshold);
  return z
    .looseObject({ critic: criticIdSchema, author: line(120).optional(), source: line(120).optional() })
    .transform(({ critic, author, source, ...body }, ctx) => {
      const parsed = bodySchema.safeParse(body);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
        return z.NEVER;
      }
      return { critic, body: parsed.data, ...(author ? { author } : {}), ...(source ? { source } : {}) };
    });
}

export function importToolSchema(threshold: number) {
  return toolFieldsSchema.extend({
    // Exports carry the sources this site checked; an import accepts them so the file round-trips, and ignores
    // them: evidence is only ever what this site fetched itself (`verdict research`).
    evidence: z.array(z.unknown()).max(1000).optional(),
    reviews: z
      .array(importReviewSchema(threshold))
      .optional()
      .superRefine((reviews, ctx) => {
        const seen = new Set<string>();
        reviews?.forEach((r, i) => {
          if (seen.has(r.critic)) ctx.addIssue({ code: 'custom', path: [i, 'critic'], message: `critic "${r.critic}" appears twice` });
          seen.add(r.critic);
        });
      }),
  });
}
export type ImportTool = z.infer<ReturnType<typeof importToolSchema>>;

export function importDocumentSchema(threshold: number) {
  return z.strictObject({ tools: z.array(importToolSchema(threshold)) });
}

/** Where an issue points, as users write it: `tools[3] ("cursor").reviews[1].score`. */
export function describeIssuePath(path: readonly PropertyKey[], doc: unknown): string {
  let out = '';
  let node: unknown = doc;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      const item = Array.isArray(node) ? node[key] : undefined;
      if (out.startsWith('tools[') && out.indexOf(']') === out.length - 1 && item && typeof item === 'object' && 'slug' in item) {
        out += ` (${quote((item as { slug: unknown }).slug)})`;
      }
      node = item;
    } else {
      out += (out ? '.' : '') + String(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
    }
  }
  return out || '(document)';
}

/** A critic persona: front matter of a file under critics/, plus its text. */
export const criticSchema = z.object({
  id: criticIdSchema,
  name: line(60),
  order: z.number().int().default(100),
  motto: line(200),
  lens: z.string().trim().min(1).max(1000),
  excites: z.array(line(200)).min(1),
  tiredOf: z.array(line(200)).min(1),
  abstainsWhen: z.string().trim().min(1).max(500),
  persona: z.string().trim().min(1).max(8000),
});
export type Critic = z.infer<typeof criticSchema>;
