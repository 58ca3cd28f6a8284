import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { BROWSER_SKIP, launchChromium } from './helpers/chromium.js';

/** Counts main-frame navigations after the first load: in-place updates must not navigate. */
function watchNavigations(page: Page) {
  const seen: string[] = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) seen.push(f.url());
  });
  return seen;
}

/** Console errors and CSP violations fail the test. */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

for (const { dialect, skip } of DIALECTS) {
  describe(`community in a real browser (${dialect})`, { skip: BROWSER_SKIP || skip }, () => {
    let s: TestSite;
    let browser: Browser;
    before(async () => {
      s = await startTestSite(dialect);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await s?.close();
    });

    describe('with JavaScript: in place, no navigation', () => {
      let ctx: BrowserContext;
      let page: Page;
      let navigations: string[];
      let errors: string[];
      before(async () => {
        ctx = await browser.newContext();
        page = await ctx.newPage();
        errors = watchErrors(page);
        await page.goto(`${s.url}/tools/cursor`);
        navigations = watchNavigations(page);
      });
      after(() => ctx?.close());

      test('vote ship, then change to skip: counts update from the JSON answer', async () => {
        const form = page.locator('form.vote-form[data-tool="cursor"]');
        const pill = page.locator('.verdict-line .pill').filter({ hasText: /community votes|so far/ });
        assert.equal(await pill.textContent(), 'No community votes yet');
        await form.getByRole('button', { name: 'Ship' }).click();
        await form.locator('[data-community-status]').filter({ hasText: 'You voted ship' }).waitFor();
        assert.equal(await form.getByRole('button', { name: 'Ship' }).getAttribute('aria-pressed'), 'true');
        assert.equal(await pill.textContent(), '1 vote so far · 1 ship / 0 skip');
        await form.getByRole('button', { name: 'Skip' }).click();
        await form.locator('[data-community-status]').filter({ hasText: 'You voted skip' }).waitFor();
        assert.equal(await form.getByRole('button', { name: 'Ship' }).getAttribute('aria-pressed'), 'false');
        assert.equal(await form.getByRole('button', { name: 'Skip' }).getAttribute('aria-pressed'), 'true');
        assert.equal(await pill.textContent(), '1 vote so far · 0 ship / 1 skip');
        assert.deepEqual(navigations, [], 'no page load');
        // The first vote minted a visitor: every form on the page now carries its token.
        const tokens = await page.locator('input[name="_csrf"]').evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).value))]);
        assert.equal(tokens.length, 1);
        assert.match(tokens[0]!, /^v\./);
      });

      test('bookmark in place; reload shows the saved state rendered by the server', async () => {
        const form = page.locator('.tool-verdicts form.bookmark-form[data-tool="cursor"]');
        const button = form.getByRole('button', { name: 'Bookmark Cursor' });
        assert.equal(await button.getAttribute('aria-pressed'), 'false');
        await button.click();
        await form.locator('[data-bookmark-label]').filter({ hasText: 'Bookmarked' }).waitFor();
        assert.equal(await button.getAttribute('aria-pressed'), 'true');
        assert.deepEqual(navigations, [], 'no page load');

        await page.reload();
        const again = page.locator('.tool-verdicts form.bookmark-form[data-tool="cursor"] button');
        assert.equal(await again.getAttribute('aria-pressed'), 'true');
        assert.equal(await page.locator('form.vote-form[data-tool="cursor"] button[data-vote="skip"]').getAttribute('aria-pressed'), 'true');
      });

      test('bookmarks page: bookmark a card from a list, compare two in one click', async () => {
        await page.goto(`${s.url}/tools/smolvlm2`);
        // A neighbour card's bookmark button (ToolCard's default action).
        const card = page.locator('.tool-card form.bookmark-form').first();
        const slug = await card.getAttribute('data-tool');
        await card.getByRole('button').click();
        await card.locator('[data-bookmark-label]').filter({ hasText: 'Bookmarked' }).waitFor();

        await page.goto(`${s.url}/bookmarks`);
        const picks = page.locator('input[name="tools"]');
        assert.equal(await picks.count(), 2);
        await page.getByRole('checkbox', { name: /Cursor/ }).check();
        await page.locator(`input[name="tools"][value="${slug}"]`).check();
        await page.getByRole('button', { name: 'Compare selected' }).click();
        await page.waitForURL(/\/compare\/[a-z0-9-]+-vs-[a-z0-9-]+$/);
        assert.equal(new URL(page.url()).pathname, `/compare/${['cursor', slug].sort().join('-vs-')}`);
        // The compare page shows both as bookmarked, with vote buttons.
        assert.equal(await page.locator('.contender form.bookmark-form button[aria-pressed="true"]').count(), 2);
        assert.deepEqual(errors, []);
      });
    });

    describe('without JavaScript: form POST, then 303 back', () => {
      let ctx: BrowserContext;
      let page: Page;
      before(async () => {
        ctx = await browser.newContext({ javaScriptEnabled: false });
        page = await ctx.newPage();
      });
      after(() => ctx?.close());

      test('vote and bookmark reload the same page with the new state', async () => {
        await page.goto(`${s.url}/tools/smolvlm2`);
        const navigations = watchNavigations(page);
        await page.locator('form.vote-form[data-tool="smolvlm2"]').getByRole('button', { name: 'Ship' }).click();
        await page.waitForLoadState();
        assert.ok(navigations.length >= 1, 'the form posted and came back');
        assert.equal(new URL(page.url()).pathname, '/tools/smolvlm2');
        const form = page.locator('form.vote-form[data-tool="smolvlm2"]');
        assert.equal(await form.getByRole('button', { name: 'Ship' }).getAttribute('aria-pressed'), 'true');
        assert.match((await form.locator('[data-community-status]').textContent()) ?? '', /You voted ship/);
        assert.equal(await page.locator('.verdict-line .pill').filter({ hasText: /so far/ }).textContent(), '1 vote so far · 1 ship / 0 skip');

        await page.locator('.tool-verdicts form.bookmark-form[data-tool="smolvlm2"] button').click();
        await page.waitForLoadState();
        assert.equal(new URL(page.url()).pathname, '/tools/smolvlm2');
        assert.equal(await page.locator('.tool-verdicts form.bookmark-form[data-tool="smolvlm2"] button').getAttribute('aria-pressed'), 'true');

        await page.goto(`${s.url}/bookmarks`);
        assert.equal(await page.locator('input[name="tools"]').count(), 1);
        // Un-bookmark from the bookmarks page: back to it, now empty.
        await page.locator('form.bookmark-form[data-tool="smolvlm2"] button').click();
        await page.waitForLoadState();
        assert.equal(new URL(page.url()).pathname, '/bookmarks');
        assert.match((await page.locator('main').textContent()) ?? '', /No bookmarks yet/);
      });
    });
  });
}
