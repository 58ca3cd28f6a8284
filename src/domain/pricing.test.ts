// Tests that pricing text names the model and licence without repeating the entry price.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pricingText } from './pricing.js';

test('pricing text names the model and licence, without repeating the entry price', () => {
  assert.equal(pricingText({ model: 'free', entry: 'Free' }), 'Free');
  assert.equal(pricingText({ model: 'open-source', entry: 'Free', license: 'Apache-2.0' }), 'Free (open source, Apache-2.0)');
  assert.equal(pricingText({ model: 'paid', entry: '$20/mo' }), '$20/mo (paid)');
  assert.equal(pricingText({ model: 'freemium', entry: 'Free tier; Pro $20/mo' }), 'Free tier; Pro $20/mo (freemium)');
});
