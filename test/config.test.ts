import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';

test('SEED_DEMO and LLM_BACKOFF_MS are read with the rest of the config, with their defaults', () => {
  const d = loadConfig({});
  assert.equal(d.seedDemo, true);
  assert.equal(d.llmBackoffMs, 1000);
  const set = loadConfig({ SEED_DEMO: 'false', LLM_BACKOFF_MS: '5' });
  assert.equal(set.seedDemo, false);
  assert.equal(set.llmBackoffMs, 5);
  assert.throws(() => loadConfig({ SEED_DEMO: 'no' }), /Invalid SEED_DEMO/);
  assert.throws(() => loadConfig({ LLM_BACKOFF_MS: 'soon' }), /Invalid LLM_BACKOFF_MS/);
});
