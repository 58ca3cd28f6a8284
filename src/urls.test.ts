// Tests of the site's path builders: compare paths, query parameters and absolute links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absolute, pairSplits, urls } from './urls.js';

test('compare paths: the sorted pair for two tools, the query form (in the given order) otherwise', () => {
  assert.equal(urls.compare(), '/compare');
  assert.equal(urls.compare(['smolvlm2', 'cursor']), '/compare/cursor-vs-smolvlm2');
  assert.equal(urls.compare(['cursor', 'smolvlm2']), '/compare/cursor-vs-smolvlm2');
  assert.equal(urls.compare(['whisper', 'cursor', 'a-vs-b']), '/compare?tools=whisper,cursor,a-vs-b');
  assert.equal(urls.compare(['cursor']), '/compare?tools=cursor');
  assert.equal(urls.compareImage('smolvlm2', 'cursor'), '/og/compare/cursor-vs-smolvlm2.png');
  // Every reading of a pair name, since slugs may contain "-vs-".
  assert.deepEqual(pairSplits('ab-vs-cd-vs-ef'), [['ab', 'cd-vs-ef'], ['ab-vs-cd', 'ef']]);
});

test('query parameters: only those with a value; links for outside the site get the public URL', () => {
  assert.equal(urls.search(), '/search');
  assert.equal(urls.search({ q: 'vision model', category: undefined, page: 2 }), '/search?q=vision+model&page=2');
  assert.equal(urls.critic('builder', { category: '', page: undefined }), '/critics/builder');
  assert.equal(urls.digestUnsubscribe('a+b/c'), '/digest/unsubscribe?token=a%2Bb%2Fc');
  assert.equal(absolute('https://verdict.example', urls.tool('cursor')), 'https://verdict.example/tools/cursor');
});
