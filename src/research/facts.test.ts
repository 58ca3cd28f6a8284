// Tests of fact extraction from pages and of which differences between snapshots are material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSubpages, githubRepo, huggingfaceRefs, materialChanges, packageRefs, parsePage } from './facts.js';

test('parsePage: title, description, prices in page order, plan headings, absolute links', () => {
  const p = parsePage(
    '<html><head><title> Acme </title><meta name="description" content="Agents."></head><body><h2>Free</h2><p>$0</p><h2>Pro plan</h2><p>$20/month or 200 EUR per year</p><a href="/pricing">Pricing</a><a href="javascript:alert(1)">x</a></body></html>',
    'https://acme.dev/',
  );
  assert.equal(p.facts.title, 'Acme');
  assert.equal(p.facts.description, 'Agents.');
  assert.deepEqual(p.facts.prices, ['$0', '$20/month', '200 EUR per year']);
  assert.deepEqual(p.facts.plans, ['Free', 'Pro plan']);
  assert.deepEqual(p.links.map((l) => l.href), ['https://acme.dev/pricing']);
});

test('findSubpages stays on the site; refs are read from links and install commands', () => {
  const links = [
    { href: 'https://other.com/pricing', text: 'Pricing' },
    { href: 'https://docs.acme.dev/start', text: 'Docs' },
    { href: 'https://www.acme.dev/plans', text: 'Plans' },
  ];
  assert.deepEqual(findSubpages(links, 'https://www.acme.dev/'), { pricing: 'https://www.acme.dev/plans', docs: 'https://docs.acme.dev/start' });
  assert.equal(githubRepo('https://github.com/acme/tool.git'), 'acme/tool');
  assert.equal(githubRepo('https://gitlab.com/acme/tool'), undefined);
  assert.deepEqual(huggingfaceRefs(['https://huggingface.co/spaces/acme/demo', 'https://huggingface.co/docs/x', 'https://huggingface.co/acme/m-7b']), [
    { id: 'acme/demo', type: 'space' },
    { id: 'acme/m-7b', type: 'model' },
  ]);
  assert.deepEqual(packageRefs('Run npm install -g @acme/cli. Or pip install acme-sdk.', ['https://pypi.org/project/other/']), { npm: ['@acme/cli'], pypi: ['acme-sdk', 'other'] });
});

test('materialChanges: prices, licence, archived, major releases; minor releases and equal sets are not material', () => {
  assert.deepEqual(materialChanges('pricing', { prices: ['$0', '$9'] }, { prices: ['$9', '$0'] }), []);
  assert.match(materialChanges('pricing', { prices: ['$9'] }, { prices: ['$19'] })[0]!, /Pricing changed/);
  assert.deepEqual(materialChanges('github', { license: 'MIT', archived: false, latestRelease: { tag: 'v1.2.0' } }, { license: 'BUSL-1.1', archived: true, latestRelease: { tag: 'v2.0.0' } }), [
    'Licence changed: MIT → BUSL-1.1',
    'Repository archived',
    'New major release: v1.2.0 → v2.0.0',
  ]);
  assert.deepEqual(materialChanges('npm', { version: '1.2.0', license: 'MIT' }, { version: '1.3.0', license: 'MIT' }), []);
});
