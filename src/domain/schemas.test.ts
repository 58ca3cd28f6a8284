// Tests of the shared zod schemas: the verdict rule, scores, takes, abstentions, tools, import errors and emails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeIssuePath, emailSchema, importDocumentSchema, reviewBodySchema, slugSchema, toolFieldsSchema } from './schemas.js';

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
const tool = {
  slug: 'smolvlm2',
  name: 'SmolVLM2',
  tagline: 'Small vision-language model',
  description: 'A model.',
  category: 'Developer Tools',
  pricing: { model: 'open-source', entry: 'Free', license: 'Apache-2.0' },
  url: 'https://huggingface.co/blog/smolvlm2',
};

test('a take must have a verdict that follows its score', () => {
  const s = reviewBodySchema(60);
  assert.ok(s.safeParse({ score: 60, verdict: 'ship', take: words(40) }).success);
  assert.ok(s.safeParse({ score: 59, verdict: 'skip', take: words(40) }).success);
  const bad = s.safeParse({ score: 45, verdict: 'ship', take: words(40) });
  assert.ok(!bad.success);
  assert.match(bad.error!.issues.map((i) => i.message).join(' '), /contradicts/);
  // the threshold is configurable
  assert.ok(reviewBodySchema(70).safeParse({ score: 65, verdict: 'skip', take: words(40) }).success);
});

test('scores are whole numbers from 0 to 100 and takes have a sane length', () => {
  const s = reviewBodySchema(60);
  for (const score of [-1, 101, 50.5]) assert.ok(!s.safeParse({ score, verdict: 'skip', take: words(40) }).success, String(score));
  assert.ok(!s.safeParse({ score: 80, verdict: 'ship', take: words(5) }).success);
  assert.ok(!s.safeParse({ score: 80, verdict: 'ship', take: words(400) }).success);
  assert.ok(!s.safeParse({ score: 80, verdict: 'maybe', take: words(40) }).success);
});

test('an abstention needs a one-line reason and nothing else', () => {
  const s = reviewBodySchema(60);
  assert.ok(s.safeParse({ abstain: true, reason: 'Not for writers' }).success);
  assert.ok(!s.safeParse({ abstain: true, reason: '' }).success);
  assert.ok(!s.safeParse({ abstain: true, reason: 'a\nb' }).success);
  assert.ok(!s.safeParse({ abstain: true, reason: 'x', score: 10 }).success);
});

test('tools: slug, pricing model, URL and licence are checked', () => {
  assert.ok(toolFieldsSchema.safeParse(tool).success);
  assert.deepEqual(toolFieldsSchema.parse(tool).tags, []);
  for (const slug of ['Bad Slug', 'a--b', '-a', '']) assert.ok(!slugSchema.safeParse(slug).success, slug);
  assert.ok(!toolFieldsSchema.safeParse({ ...tool, pricing: { model: 'cheap', entry: 'Free' } }).success);
  assert.ok(!toolFieldsSchema.safeParse({ ...tool, url: 'javascript:alert(1)' }).success);
  assert.ok(!toolFieldsSchema.safeParse({ ...tool, pricing: { ...tool.pricing, license: 'not a licence!' } }).success);
  assert.ok(!toolFieldsSchema.safeParse({ ...tool, extra: 1 }).success, 'unknown fields are rejected, so typos are caught');
});

test('import errors name the record and the field', () => {
  const doc = { tools: [tool, { ...tool, slug: 'other', reviews: [{ critic: 'builder', score: 45, verdict: 'ship', take: words(40) }] }] };
  const r = importDocumentSchema(60).safeParse(doc);
  assert.ok(!r.success);
  const issue = r.error!.issues[0]!;
  assert.equal(describeIssuePath(issue.path, doc), 'tools[1] ("other").reviews[0].verdict');
  const dup = importDocumentSchema(60).safeParse({ tools: [{ ...tool, reviews: [{ critic: 'a', abstain: true, reason: 'x' }, { critic: 'a', abstain: true, reason: 'y' }] }] });
  assert.ok(!dup.success);
  assert.match(dup.error!.issues[0]!.message, /appears twice/);
});

test('one email schema: trims and lower-cases, and says the same thing to sign-in, digest and submissions', () => {
  assert.equal(emailSchema.parse('  Ada@Example.COM '), 'ada@example.com');
  const message = (input: unknown) => emailSchema.safeParse(input).error?.issues[0]?.message;
  assert.equal(message('not-an-email'), 'Enter a valid email address, like name@example.com.');
  assert.equal(message('  '), 'Enter your email address.');
  assert.equal(message(undefined), 'Enter your email address.');
  assert.equal(message(`${'a'.repeat(250)}@x.io`), 'That email address is too long.');
});
