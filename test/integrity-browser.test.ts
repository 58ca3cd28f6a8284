import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestSite, type TestSite } from './helpers/web.js';
import { axeCheck, BROWSER_SKIP, formatViolations, launchChromium } from './helpers/chromium.js';
import { startFakeLlm, criticOf } from './helpers/fake-llm.js';
import { CRITICS, takeJson } from './helpers/fixtures.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { createLlmClient } from '../src/panel/llm.js';
import { runPanel } from '../src/panel/runner.js';

const ADMIN_TOKEN = 'admin-token-for-integrity-browser-0123';

/** The integrity pages in Chromium: axe on each, and the report form used without JavaScript. */
describe('integrity pages in a browser (sqlite)', { skip: BROWSER_SKIP }, () => {
  let t: TestSite;
  let browser: Browser;
  let runId: number;
  before(async () => {
    [t, browser] = await Promise.all([startTestSite('sqlite', { env: { ADMIN_TOKEN } }), launchChromium()]);
    const fake = await startFakeLlm(({ body }) => (criticOf(body) === 'founder' ? { status: 500 } : { content: takeJson(75) }));
    try {
      const llm = createLlmClient({ provider: 'openai-compatible', baseURL: fake.url, apiKey: 'test', model: 'fake-model' }, 60);
      const tool = (await findToolBySlug(t.store.db, 'whisper'))!;
      const r = await runPanel(t.store.db, llm, [tool], CRITICS.filter((c) => c.id === 'builder' || c.id === 'founder'), { threshold: 60, concurrency: 2, timeoutMs: 2000, maxAttempts: 2, backoffMs: 1 });
      runId = r.runs[0]!.runId;
    } finally {
      await fake.close();
    }
    await t.site.refreshVersion();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function withPage<T>(fn: (page: Page) => Promise<T>, opts: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark'; headers?: Record<string, string> } = {}): Promise<T> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: opts.javaScriptEnabled ?? true, colorScheme: opts.colorScheme, extraHTTPHeaders: opts.headers });
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  test('without JavaScript: report an error from a take, fix a bad field, and land on the thanks page', async () => {
    await withPage(
      async (page) => {
        await page.goto(t.url + '/tools/whisper');
        await page.locator('a.report-link').first().click();
        await page.waitForURL(/\/tools\/whisper\/report\?review=\d+$/);
        // The browser's own checks pass an ftp:// URL; the server's do not, and the form comes back with what was typed.
        await page.getByLabel('What is wrong').fill('The take says it needs a GPU; it runs on a CPU as well.');
        await page.getByLabel('Source (optional)').fill('ftp://example.com/proof');
        await page.getByRole('button', { name: 'Send report' }).click();
        assert.match(await page.locator('.field-error').first().innerText(), /Source must be an http\(s\) URL/);
        assert.equal(await page.getByLabel('What is wrong').inputValue(), 'The take says it needs a GPU; it runs on a CPU as well.');
        await page.getByLabel('Source (optional)').fill('https://example.com/proof');
        await page.getByRole('button', { name: 'Send report' }).click();
        await page.waitForURL(/\/tools\/whisper\/report\/thanks$/);
        assert.equal(await page.locator('h1').innerText(), 'Thanks! We will check it');
      },
      { javaScriptEnabled: false },
    );
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core, ${colorScheme}: methodology, a run, the report form (with errors) and the admin reports`, async () => {
      const failures: string[] = [];
      const check = async (page: Page, name: string) => {
        const v = await axeCheck(page);
        if (v.length) failures.push(`${name} (${page.url()}):\n${formatViolations(v)}`);
      };
      await withPage(
        async (page) => {
          for (const path of ['/methodology', `/runs/${runId}`, '/tools/whisper/report', '/tools/whisper']) {
            assert.equal((await page.goto(t.url + path))!.status(), 200, path);
            await check(page, path);
          }
          await page.goto(t.url + '/tools/whisper/report');
          await page.getByLabel('Your email (optional)').fill('not-an-email');
          await page.getByLabel('What is wrong').fill('short');
          await page.evaluate(() => document.querySelector('form.submit-form')!.setAttribute('novalidate', ''));
          await page.getByRole('button', { name: 'Send report' }).click();
          await page.waitForSelector('.field-error');
          await check(page, 'report form with errors');
        },
        { colorScheme },
      );
      await withPage(
        async (page) => {
          await page.goto(t.url + '/admin');
          assert.ok(await page.locator('#reports-title').count());
          await check(page, 'admin with a pending report');
        },
        { colorScheme, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      );
      assert.equal(failures.length, 0, `\n${failures.join('\n\n')}`);
    });
  }
});
