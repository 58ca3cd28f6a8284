import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCritics, parseCritic } from '../src/panel/critics.js';
import { systemPrompt } from '../src/panel/prompt.js';

test('the seven shipped critics load, in order, with every field', () => {
  const critics = loadCritics('critics');
  assert.deepEqual(critics.map((c) => c.id), ['builder', 'skeptic', 'futurist', 'creator', 'founder', 'guardian', 'researcher']);
  for (const c of critics) {
    assert.ok(c.motto && c.lens && c.abstainsWhen && c.persona.length > 200, c.id);
    assert.ok(c.excites.length >= 1 && c.tiredOf.length >= 1, c.id);
  }
});

test('abstains_when reads as a condition about the tool: readers see it on critic pages and /methodology (issue 20, point 9)', () => {
  // The prompt says "You abstain when: <this>"; the pages show it as is, so it must not instruct the model
  // ("…but you give no take…"). A generic "you" ("something you install") reads fine to anyone.
  for (const c of loadCritics('critics')) assert.doesNotMatch(c.abstainsWhen, /\byou (give|abstain|review|score|write|must|should)\b|\bno take\b/i, `${c.id}: "${c.abstainsWhen}"`);
});

test('personas say "the ship line" and the system prompt states the configured number (issue 21, point 3)', () => {
  for (const c of loadCritics('critics')) {
    assert.doesNotMatch(JSON.stringify(c), /\b(?:score of|below|above|at least)\s+\d{1,3}\b/i, `${c.id} hard-codes a threshold`);
    assert.match(c.persona, /ship line/, c.id);
    const prompt = systemPrompt(c, 55);
    assert.match(prompt, /The ship line is 55: .*score >= 55/);
    assert.doesNotMatch(prompt, /\b60\b/, `${c.id}: with SHIP_THRESHOLD=55 the prompt must not say 60 anywhere`);
  }
});

test('an operator can add or remove a critic without touching code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'critics-'));
  writeFileSync(
    join(dir, 'ethicist.md'),
    '---\nname: Ethicist\norder: 1\nmotto: Who pays the price?\nlens: Harm and fairness.\nexcites: [consent]\ntired_of: [dark patterns]\nabstains_when: Never.\n---\nYou are the Ethicist.\n',
  );
  const critics = loadCritics(dir);
  assert.deepEqual(critics.map((c) => c.id), ['ethicist']);
});

test('a broken critic file is named with the field at fault', () => {
  assert.throws(() => parseCritic('x', '---\nname: X\n---\nbody', 'critics/x.md'), /critics\/x\.md: motto/);
  assert.throws(() => parseCritic('x', '---\nname: [\n---\n', 'critics/x.md'), /critics\/x\.md: front matter is not valid YAML/);
  assert.throws(() => loadCritics('/nonexistent-dir'), /Cannot read the critics folder/);
});
