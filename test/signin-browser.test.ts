import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { BROWSER_SKIP, launchChromium } from './helpers/chromium.js';

/**
 * Sign-in by emailed link in a real browser: the form, the .eml in the outbox, the confirm page, a signed-in
 * page. Chromium posts the confirm form with whatever Origin its Referrer-Policy allows, which is what broke.
 */
for (const { dialect, skip } of DIALECTS) {
  describe(`sign-in by email link in a real browser (${dialect})`, { skip: BROWSER_SKIP || skip }, () => {
    let s: TestSite;
    let browser: Browser;
    let outbox: string;
    before(async () => {
      outbox = mkdtempSync(join(tmpdir(), 'verdict-outbox-'));
      s = await startTestSite(dialect, { env: { OUTBOX_DIR: outbox } });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await s?.close();
      rmSync(outbox, { recursive: true, force: true });
    });

    /** The sign-in link from the newest email to `to`, pointed at the test server (PUBLIC_URL is a fake host). */
    function linkFromOutbox(to: string): string {
      const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      const mails = files.map((f) => readFileSync(join(outbox, f), 'utf8')).filter((m) => m.includes(to));
      assert.ok(mails.length > 0, `an email to ${to} is in the outbox`);
      const text = mails.at(-1)!.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const m = text.match(/http:\/\/verdict\.test(\/signin\/verify\?token=[^\s"<>]+)/);
      assert.ok(m, 'the email holds a sign-in link');
      return s.url + m[1];
    }

    for (const javaScriptEnabled of [true, false]) {
      test(`form → email → confirm → signed in (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const email = `reader-${javaScriptEnabled ? 'js' : 'nojs'}-${dialect}@example.com`;
        const ctx = await browser.newContext({ javaScriptEnabled });
        try {
          const page = await ctx.newPage();
          await page.goto(`${s.url}/signin`);
          await page.locator('#signin-email').fill(email);
          await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
          await page.getByRole('heading', { name: 'Check your email' }).waitFor();

          await page.goto(linkFromOutbox(email));
          await page.getByRole('heading', { name: 'Sign in to Verdict' }).waitFor();
          // Opening the link (as a mail scanner would) signs nobody in.
          assert.equal((await ctx.cookies()).some((c) => c.name === 'verdict_v'), false);
          const response = page.waitForResponse((r) => r.url().endsWith('/signin/verify') && r.request().method() === 'POST');
          await page.locator('main form[action="/signin/verify"] button').click();
          assert.equal((await response).status(), 303, 'the confirm POST is accepted, not refused as cross-site');
          await page.waitForURL(/\/bookmarks$/);
          assert.match((await page.locator('main').textContent()) ?? '', new RegExp(`Signed in as\\s*${email.replace(/[.]/g, '\\.')}`));

          // The link is used up: opening it again says so rather than signing in.
          const again = await page.goto(linkFromOutbox(email));
          assert.ok(again && again.status() >= 400);
        } finally {
          await ctx.close();
        }
      });
    }
  });
}
