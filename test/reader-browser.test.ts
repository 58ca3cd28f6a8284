import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startTestSite, type TestSite } from './helpers/web.js';
import { BROWSER_SKIP, launchChromium } from './helpers/chromium.js';
import { getSecret, signValue } from '../src/community/secret.js';
import { createVisitor } from '../src/community/visitor.js';
import { findOrCreateUser } from '../src/community/accounts.repo.js';

/**
 * A first-time reader's view (issue 12, points 6-8) in Chromium at phone, tablet and desktop widths: tables
 * that reflow instead of clipping, a phone layout that leads with the answer, and the small things (undoing a
 * vote, coming back to the card after a form post, the badge snippet, dates, the feed link).
 * Layout does not depend on the database, so this runs on SQLite only; the repos are tested on both elsewhere.
 * SCREENSHOT_DIR=/some/dir saves what it checks, for a human to look at.
 */

const shotDir = process.env.SCREENSHOT_DIR;
const PHONE = { isMobile: true, hasTouch: true } as const;
const at = (width: number): BrowserContextOptions =>
  width < 600 ? { viewport: { width, height: width === 390 ? 844 : 740 }, ...PHONE } : { viewport: { width, height: 900 } };

/** Two, three and four tools (demo slugs). */
const COMPARES: Record<string, string> = {
  two: '/compare/cursor-vs-v0',
  three: '/compare?tools=cursor,v0,bolt-new',
  four: '/compare?tools=cursor,v0,bolt-new,smolvlm2',
};

/**
 * Every cell of the compare tables that is cut: outside its table's box, or with content wider than itself
 * (a pill whose word runs past its edge counts too). Also any table box that would scroll sideways.
 */
async function cutCells(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // No named inner functions: tsx would wrap them in a helper that does not exist in the page.
    const out: string[] = [];
    for (const sel of ['.decision-table', '.critic-table']) {
      const table = document.querySelector(sel);
      if (!table) {
        out.push(`${sel}: missing`);
        continue;
      }
      const box = table.closest('.table-box')!;
      if (box.scrollWidth > box.clientWidth + 1) out.push(`${sel}: its box scrolls sideways (${box.scrollWidth}px in ${box.clientWidth}px)`);
      const b = box.getBoundingClientRect();
      for (const el of table.querySelectorAll('th, td, .pill, .big-num, .score-num')) {
        const r = el.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1 || getComputedStyle(el).visibility === 'hidden') continue;
        const name = `${sel} ${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
        if (r.left < b.left - 1 || r.right > b.right + 1) out.push(`${name}: at ${Math.round(r.left)}-${Math.round(r.right)}px, box ${Math.round(b.left)}-${Math.round(b.right)}px`);
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) out.push(`${name}: content ${el.scrollWidth}px wide in ${el.clientWidth}px`);
      }
    }
    if (document.documentElement.scrollWidth > innerWidth) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px`);
    return out;
  });
}

describe('a first-time reader in a browser (sqlite)', { skip: BROWSER_SKIP }, () => {
  let t: TestSite;
  let browser: Browser;
  const url = (path: string) => t.url + path;

  before(async () => {
    [t, browser] = await Promise.all([startTestSite('sqlite'), launchChromium()]);
    if (shotDir) mkdirSync(shotDir, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function withPage<T>(options: BrowserContextOptions, fn: (page: Page) => Promise<T>): Promise<T> {
    const context = await browser.newContext(options);
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }
  const shot = async (page: Page, name: string, fullPage = false) => {
    if (shotDir) await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage });
  };

  for (const width of [360, 768, 1366]) {
    test(`6. at ${width}px no cell of the compare tables is cut, for two, three and four tools`, async () => {
      await withPage(at(width), async (page) => {
        for (const [n, path] of Object.entries(COMPARES)) {
          await page.goto(url(path));
          assert.deepEqual(await cutCells(page), [], `${n} tools at ${width}px`);
          // Every tool is named above its values, and every value of a row is on screen.
          const names = await page.locator('.decision-table thead th').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()));
          assert.equal(names.length, Object.keys(COMPARES).indexOf(n) + 2);
          await shot(page, `tables-${width}-${n}`, true);
        }
      });
    });
  }

  for (const width of [360, 390]) {
    test(`7. at ${width}px the header is compact, with search one tap away and the sign-in state`, async () => {
      await withPage(at(width), async (page) => {
        await page.goto(url('/categories'));
        const header = page.locator('.site-header');
        const height = (await header.boundingBox())!.height;
        assert.ok(height <= 100, `header is ${height}px tall`);
        // The nav is one row: "Bookmarks" no longer wraps onto a line of its own.
        const tops = await page.locator('.site-nav a').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
        assert.equal(new Set(tops).size, 1, `nav rows: ${tops}`);
        assert.ok(await page.getByRole('link', { name: 'Sign in' }).first().isVisible());
        await shot(page, `header-${width}`);
        await page.getByRole('link', { name: 'Search', exact: true }).tap();
        await page.waitForURL(url('/tools'));
        await page.getByRole('searchbox', { name: 'Search for' }).fill('whisper');
        await page.getByRole('searchbox', { name: 'Search for' }).press('Enter');
        await page.waitForURL(/\/search\?q=whisper/);
        assert.ok((await page.locator('.tool-card h3').allInnerTexts()).includes('Whisper'));
      });
    });
  }

  test('7. signed in, the header says who (phone and desktop); the sign-in link returns to the page', async () => {
    const user = await findOrCreateUser(t.store.db, 'reader@example.org');
    const visitor = await createVisitor(t.store.db, user);
    const secret = await getSecret(t.store.db, t.site.config);
    const cookie = { name: 'verdict_v', value: signValue(secret, 'visitor-cookie', visitor.id), url: t.url };
    for (const width of [360, 390, 1366]) {
      await withPage(at(width), async (page) => {
        await page.goto(url('/tools/cursor'));
        assert.equal(await page.locator('.header-account').getAttribute('href'), '/signin?next=%2Ftools%2Fcursor');
        await page.context().addCookies([cookie]);
        await page.reload();
        const account = page.locator('.header-account');
        assert.ok(await account.isVisible());
        assert.equal(await account.getAttribute('title'), 'Signed in as reader@example.org');
        assert.match(await account.innerText(), width > 560 ? /^Signed in as reader@example\.org$/ : /^reader@example\.org$/);
        const box = (await account.boundingBox())!;
        assert.ok(box.x + box.width <= width, 'on screen');
        const brand = (await page.locator('.brand').boundingBox())!;
        assert.ok(Math.abs(box.y + box.height / 2 - (brand.y + brand.height / 2)) < 4, 'on the brand\'s row');
        assert.ok((await page.locator('.site-header').boundingBox())!.height <= 100);
        await shot(page, `header-signed-in-${width}`);
      });
    }
  });

  test('7. at 390px home shows a verdict card in the first screen; compare leads with one line, the winner said once', async () => {
    await withPage(at(390), async (page) => {
      await page.goto(url('/'));
      const card = (await page.locator('.tool-card').first().boundingBox())!;
      assert.ok(card.y + 120 < 844, `first card starts at ${card.y}px`);
      await shot(page, 'home-390');

      await page.goto(url('/compare/karpathy-coding-skills-vs-smolvlm2'));
      const lead = page.locator('.compare-lead');
      assert.equal((await lead.innerText()).trim(), 'Pick: SmolVLM2 — 4 of 5 critics, avg 83.3 vs 71.3');
      const box = (await lead.boundingBox())!;
      assert.ok(box.y + box.height <= 844, `lead line ends at ${box.y + box.height}px`);
      // The contender card no longer says "The panel's pick" a second time (its border marks it).
      assert.equal(await page.locator('.contender').getByText("The panel's pick").count(), 0);
      await shot(page, 'compare-390');

      await page.goto(url(COMPARES.four!));
      assert.match((await page.locator('.compare-lead').innerText()).trim(), /^Pick: \S+ — \d of \d+ critics, avg [\d.]+ vs (\S+ [\d.]+, ){2}\S+ [\d.]+$/);
    });
  });

  test('7. at 1366px the header keeps its search form; the phone search link is hidden', async () => {
    await withPage(at(1366), async (page) => {
      await page.goto(url('/'));
      assert.ok(await page.getByRole('searchbox', { name: 'Search tools' }).isVisible());
      assert.equal(await page.locator('.header-search-link').isVisible(), false);
      const height = (await page.locator('.site-header').boundingBox())!.height;
      assert.ok(height <= 70, `header ${height}px`);
    });
  });

  test('8. without JavaScript, bookmarking from home comes back to the card and says so; the shared page never shows it', async () => {
    await withPage({ ...at(390), javaScriptEnabled: false }, async (page) => {
      await page.goto(url('/'));
      const form = page.locator('.tool-card form.bookmark-form').nth(3);
      const slug = (await form.getAttribute('data-tool'))!;
      await form.getByRole('button').tap();
      await page.waitForURL((u) => u.hash === `#bookmark-${slug}`);
      assert.equal(new URL(page.url()).search, `?done=bookmarked&tool=${slug}`);
      const back = page.locator(`#bookmark-${slug}`);
      assert.equal(await back.locator('button').getAttribute('aria-pressed'), 'true');
      assert.match(await back.locator('[role="status"]').innerText(), /^Bookmarked\. Your bookmarks$/);
      const box = (await back.boundingBox())!;
      assert.ok(await page.evaluate(() => scrollY) > 0 && box.y >= 0 && box.y + box.height <= 844, `the form is in view at ${box.y}px`);
      await shot(page, 'bookmark-nojs-390');

      // Un-bookmark: the same, in other words.
      await back.getByRole('button').tap();
      await page.waitForURL((u) => u.search.includes('done=unbookmarked'));
      assert.equal(await page.locator(`#bookmark-${slug} [role="status"]`).innerText(), 'Bookmark removed.');
    });
    // A cookie-less request for the same address gets the shared page: no message, no id.
    const html = await (await t.get('/?done=bookmarked&tool=cursor')).text();
    assert.doesNotMatch(html, /Bookmarked\.|id="bookmark-/);
  });

  test('8. with JavaScript, pressing your vote again undoes it; the status does not repeat the pill', async () => {
    await withPage(at(1366), async (page) => {
      await page.goto(url('/tools/cursor'));
      const form = page.locator('form.vote-form[data-tool="cursor"]');
      const ship = form.getByRole('button', { name: 'Ship' });
      const status = form.locator('[data-community-status]');
      const pill = page.locator('.verdict-line .pill').filter({ hasText: /community votes|vote/ });
      await ship.click();
      await status.filter({ hasText: 'You voted ship.' }).waitFor();
      assert.equal(await status.innerText(), 'You voted ship.', 'the figures are in the pill beside it, said once');
      assert.equal(await pill.textContent(), '1 vote so far · 1 ship / 0 skip');
      assert.equal(await ship.getAttribute('aria-pressed'), 'true');
      await ship.click();
      await status.filter({ hasText: 'Vote removed.' }).waitFor();
      assert.equal(await ship.getAttribute('aria-pressed'), 'false');
      assert.equal(await pill.textContent(), 'No community votes yet');
      await page.reload();
      assert.equal(await page.locator('form.vote-form[data-tool="cursor"] button[aria-pressed="true"]').count(), 0, 'the server agrees');
    });
  });

  test('8. without JavaScript, pressing your vote again undoes it too', async () => {
    await withPage({ ...at(390), javaScriptEnabled: false }, async (page) => {
      await page.goto(url('/tools/v0'));
      const skip = () => page.locator('form.vote-form[data-tool="v0"]').getByRole('button', { name: 'Skip' });
      await skip().tap();
      await page.waitForURL((u) => u.search.includes('done=voted'));
      assert.equal(await skip().getAttribute('aria-pressed'), 'true');
      await skip().tap();
      await page.waitForURL((u) => u.search.includes('done=unvoted'));
      assert.equal(await skip().getAttribute('aria-pressed'), 'false');
      assert.equal(await page.locator('#vote-v0 [data-community-status]').innerText(), 'Vote removed.');
    });
  });

  test('8. the badge snippet wraps between words and after slashes, never inside a word (390px)', async () => {
    await withPage(at(390), async (page) => {
      await page.goto(url('/tools/cursor'));
      const breaks = await page.locator('#badge-code').evaluate((code) => {
        // The characters on either side of every line break.
        const out: string[] = [];
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        let prev: { ch: string; top: number } | undefined;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent ?? '';
          for (let i = 0; i < text.length; i++) {
            const r = document.createRange();
            r.setStart(n, i);
            r.setEnd(n, i + 1);
            const top = Math.round(r.getBoundingClientRect().top);
            if (prev && top > prev.top + 2) out.push(prev.ch + text[i]);
            prev = { ch: text[i]!, top };
          }
        }
        return out;
      });
      assert.ok(breaks.length >= 2, 'the snippet wraps at this width');
      for (const pair of breaks) assert.ok(pair[0] === ' ' || pair[0] === '/' || pair[1] === ' ', `a line breaks inside "${pair}"`);
      assert.match(await page.locator('#badge-code').innerText(), /^<a href="http:\/\/verdict\.test\/tools\/cursor"><img src=/, 'the text (and so the copy) is unchanged');
    });
  });

  test('8. dates read the same on tool and critic pages, each in a <time datetime>', async () => {
    await withPage(at(1366), async (page) => {
      for (const path of ['/tools/cursor', '/critics/skeptic']) {
        await page.goto(url(path));
        const times = await page.locator('main time').evaluateAll((els) => els.map((e) => [e.getAttribute('datetime'), (e as HTMLElement).innerText.trim()]));
        assert.ok(times.length > 0, path);
        for (const [iso, text] of times) {
          assert.ok(iso && !Number.isNaN(Date.parse(iso)), `${path}: datetime ${iso}`);
          assert.match(text!, /^\d{1,2} [A-Z][a-z]{2} \d{4}$/, `${path}: "${text}"`);
        }
      }
    });
  });

  test('8. the footer feed link opens a page that explains the feed, not raw XML', async () => {
    await withPage(at(390), async (page) => {
      await page.goto(url('/'));
      await page.locator('.site-footer').getByRole('link', { name: /feed/i }).tap();
      await page.waitForURL(url('/feeds'));
      assert.equal(await page.locator('h1').innerText(), 'Follow new verdicts');
      assert.match(await page.locator('main pre').innerText(), /^http:\/\/verdict\.test\/feed\.xml$/);
      assert.equal(await page.getByRole('link', { name: 'Open the feed file' }).getAttribute('href'), '/feed.xml');
      await shot(page, 'feeds-390');
    });
  });
});
