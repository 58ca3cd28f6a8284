import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { axeCheck, BROWSER_SKIP, formatViolations, launchChromium } from './helpers/chromium.js';

/**
 * The site as people use it, in a real browser: the journey home → tool → compare, the compare picker,
 * phone and desktop widths, axe-core in light and dark, the keyboard, and the same forms without JavaScript.
 * SCREENSHOT_DIR=/some/dir also saves a full-page screenshot of every page type at every width, for a human to look at.
 */

const PAIR = '/compare/karpathy-coding-skills-vs-smolvlm2';

/** One URL per page type. */
const PAGES: Record<string, string> = {
  home: '/',
  tool: '/tools/smolvlm2',
  'compare-pair': PAIR,
  'compare-picker': '/compare',
  'compare-three': '/compare?tools=smolvlm2,karpathy-coding-skills,whisper',
  critics: '/critics',
  critic: '/critics/skeptic',
  categories: '/categories',
  category: '/categories/developer-tools',
  search: '/search?q=vision',
  'search-empty': '/search?q=zzqxv',
  'not-found': '/tools/smolvlm',
  feeds: '/feeds',
};
const STATUS: Record<string, number> = { 'not-found': 404 };

const PHONE = { isMobile: true, hasTouch: true } as const;
const WIDTHS: { name: string; options: BrowserContextOptions }[] = [
  { name: 'phone-360', options: { viewport: { width: 360, height: 740 }, ...PHONE } },
  { name: 'phone-390', options: { viewport: { width: 390, height: 844 }, ...PHONE } },
  { name: 'desktop-1280', options: { viewport: { width: 1280, height: 800 } } },
];

const shotDir = process.env.SCREENSHOT_DIR;

/** Fails the test on uncaught page errors and console errors (a CSP violation is one). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // The 404 page's own status shows up as a console error for the document; that one is expected.
    if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** The visible text of each cell of a table row, keyed by the row's header (its text, not its CSS-uppercased form). */
async function tableRows(page: Page, selector: string): Promise<Map<string, string[]>> {
  const rows = await page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => [
      tr.querySelector('th[scope="row"]')?.textContent?.trim() ?? '',
      [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
    ]),
  );
  return new Map(rows as [string, string[]][]);
}

for (const { dialect, skip } of DIALECTS) {
  describe(`the site in a browser (${dialect})`, { skip: skip || BROWSER_SKIP }, () => {
    let t: TestSite;
    let browser: Browser;
    const url = (path: string) => t.url + path;

    before(async () => {
      [t, browser] = await Promise.all([startTestSite(dialect), launchChromium()]);
      if (shotDir) mkdirSync(shotDir, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    /** A fresh context and page; closes them when `fn` is done. */
    async function withPage<T>(options: BrowserContextOptions, fn: (page: Page) => Promise<T>): Promise<T> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      try {
        return await fn(await context.newPage());
      } finally {
        await context.close();
      }
    }

    test('journey: home → search → tool page → "compare with…" → the comparison', async () => {
      await withPage({}, async (page) => {
        const errors = watchErrors(page);
        await page.goto(url('/'));
        assert.equal(await page.locator('h1').innerText(), 'Which AI tool should you ship with?');
        // The home page lists the latest tools; SmolVLM2 is among the oldest, so find it as a visitor would.
        await page.getByRole('searchbox', { name: 'Search tools' }).fill('smolvlm');
        await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/\/search\?q=smolvlm$/);
        await page.locator('.tool-card').filter({ hasText: 'SmolVLM2' }).click();
        await page.waitForURL(url('/tools/smolvlm2'));

        assert.equal(await page.locator('h1').innerText(), 'SmolVLM2');
        const panel = page.locator('.verdict-line', { hasText: 'Panel' });
        assert.equal(await panel.locator('.pill').innerText(), 'Ship');
        assert.equal((await panel.locator('.verdict-chip').innerText()).replace(/\s+/g, ' '), 'Ship · 4 ship / 0 skip · avg 83.3');
        const chart = page.getByRole('img', { name: 'Panel scores for SmolVLM2' });
        assert.ok(await chart.isVisible(), 'the score chart is drawn');
        assert.deepEqual(await chart.locator('.sc-label').allTextContents(), ['Builder', 'Skeptic', 'Futurist', 'Creator', 'Founder']);

        // "Compare with…" is a combobox over the suggest feed: type, then click a match.
        await page.getByRole('combobox', { name: 'Compare SmolVLM2 with' }).pressSequentially('karpathy');
        await page.getByRole('option', { name: /Karpathy Coding Skills/ }).click();
        await page.waitForURL(url(PAIR));
        assert.equal(await page.locator('h1').innerText(), 'Karpathy Coding Skills vs SmolVLM2');

        const rows = await tableRows(page, '.decision-table');
        assert.deepEqual(rows.get('Panel verdict'), ['Ship · 3 ship / 1 skip', 'Ship · 4 ship / 0 skip']);
        assert.deepEqual(rows.get('Panel ship %'), ['75%', '100%']);
        // No votes on either: no row of "No community votes yet" (the cards say it once each).
        assert.equal(rows.has('Community'), false);
        assert.deepEqual(await page.locator('.decision-table thead th').allInnerTexts(), ['Karpathy Coding Skills', 'SmolVLM2']);

        // Critic by critic: Founder gave Karpathy Coding Skills no take, Creator gave SmolVLM2 none.
        const critic = (name: string) => page.locator('.critic-table tbody tr').filter({ has: page.locator('th[scope="row"] a', { hasText: name }) });
        assert.deepEqual(await critic('Founder').locator('td').first().locator('.pill').allInnerTexts(), ['No panel take']);
        assert.deepEqual(await critic('Creator').locator('td').nth(1).locator('.pill').allInnerTexts(), ['No panel take']);
        assert.equal((await page.locator('.compare-lead').innerText()).trim(), 'Pick: SmolVLM2 — 4 of 5 critics, avg 83.3 vs 71.3');
        assert.deepEqual(errors, []);
      });
    });

    test('compare combobox with the keyboard alone: two tools land on the pair page, a third on the three-way comparison', async () => {
      await withPage({}, async (page) => {
        const errors = watchErrors(page);
        await page.goto(url('/compare'));
        const box = page.getByRole('combobox', { name: 'Find the first tool' });
        // Reach it with Tab, as a keyboard user would.
        for (let i = 0; i < 40 && !(await box.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
        assert.ok(await box.evaluate((el) => el === document.activeElement), 'Tab reaches the combobox');
        assert.equal(await box.getAttribute('aria-expanded'), 'false');
        await page.keyboard.type('smol');
        const list = page.getByRole('listbox', { name: 'Find the first tool' });
        await list.getByRole('option', { name: /SmolVLM2/ }).waitFor();
        assert.equal(await box.getAttribute('aria-expanded'), 'true');
        assert.equal(await box.getAttribute('aria-controls'), await list.getAttribute('id'));
        await page.keyboard.press('ArrowDown');
        const active = await box.getAttribute('aria-activedescendant');
        assert.ok(active, 'the highlighted option is announced through aria-activedescendant');
        assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
        assert.match(await page.locator('[data-combobox-status]').innerText(), /tools? match/);
        // Open combobox: no serious or critical accessibility violations.
        const violations = await axeCheck(page);
        assert.equal(violations.length, 0, formatViolations(violations));
        await page.keyboard.press('Enter');
        await page.waitForURL(url('/compare?tools=smolvlm2'));

        await page.getByRole('combobox', { name: 'Find the second tool' }).focus();
        await page.keyboard.type('karpathy');
        await page.getByRole('option', { name: /Karpathy Coding Skills/ }).waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForURL(url(PAIR));
        assert.equal(await page.locator('h1').innerText(), 'Karpathy Coding Skills vs SmolVLM2');

        // Escape closes the list without leaving the page; then a third tool from the page's own box.
        const add = page.getByRole('combobox', { name: 'Add a tool to this comparison' });
        await add.focus();
        await page.keyboard.type('whisper');
        await page.getByRole('option', { name: /Whisper/ }).waitFor();
        await page.keyboard.press('Escape');
        assert.equal(await add.getAttribute('aria-expanded'), 'false');
        await page.keyboard.press('Backspace');
        await page.getByRole('option', { name: /Whisper/ }).waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForURL((u) => u.pathname === '/compare' && (u.searchParams.get('tools') ?? '').split(',').length === 3);
        assert.equal(await page.locator('h1').innerText(), 'Karpathy Coding Skills vs SmolVLM2 vs Whisper');
        assert.match((await page.locator('.compare-lead').innerText()).trim(), /^Pick: SmolVLM2 — 4 of 7 critics, avg /);
        assert.deepEqual(errors, []);
      });
    });

    for (const { name: width, options } of WIDTHS) {
      test(`${width}: no page scrolls sideways; header search and nav are usable`, async () => {
        await withPage(options, async (page) => {
          const errors = watchErrors(page);
          const viewport = options.viewport!.width;
          for (const [name, path] of Object.entries(PAGES)) {
            const res = await page.goto(url(path));
            assert.equal(res?.status(), STATUS[name] ?? 200, `${name} status`);
            const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
            assert.ok(scrollWidth <= innerWidth, `${name} (${path}) at ${width}: document is ${scrollWidth}px wide in a ${innerWidth}px window`);
            assert.equal(innerWidth, viewport, 'the page sets a device-width viewport');
            // Every header control shown at this width is on screen, not pushed past the right edge (phones show a
            // search link instead of the search form, wider screens the form).
            for (const box of await page.locator('.site-header a, .site-header input, .site-header button').evaluateAll((els) =>
              els.filter((e) => e.getClientRects().length > 0).map((e) => ({ text: e.textContent?.trim() || e.getAttribute('name'), ...e.getBoundingClientRect().toJSON() })),
            )) {
              assert.ok(box.width > 0 && box.left >= 0 && box.right <= innerWidth, `${name} at ${width}: header "${box.text}" at ${box.left}–${box.right}px`);
            }
            if (shotDir) await page.screenshot({ path: join(shotDir, `${dialect}-${width}-${name}.png`), fullPage: true });
          }

          // The header works at this width: search from it, then take the nav to the critics. On phones the header's
          // search is a link to the search page (the form took a row of its own).
          await page.goto(url('/categories'));
          if (viewport <= 560) {
            await page.locator('.site-header').getByRole('link', { name: 'Search', exact: true }).tap();
            await page.waitForURL(url('/tools'));
          }
          const search = page.getByRole('searchbox', { name: viewport <= 560 ? 'Search for' : 'Search tools' });
          await search.fill('whisper');
          await search.press('Enter');
          await page.waitForURL(/\/search\?q=whisper(&|$)/); // the search page's own form also sends its (empty) filters
          assert.ok((await page.locator('.tool-card h3').allInnerTexts()).includes('Whisper'));
          const nav = page.getByRole('navigation', { name: 'Main' });
          for (const label of ['Tools', 'Compare', 'Critics', 'Categories']) assert.ok(await nav.getByRole('link', { name: label }).isVisible(), `nav ${label}`);
          if (options.hasTouch) await nav.getByRole('link', { name: 'Critics' }).tap();
          else await nav.getByRole('link', { name: 'Critics' }).click();
          await page.waitForURL(url('/critics'));
          assert.equal(await nav.getByRole('link', { name: 'Critics' }).getAttribute('aria-current'), 'page');
          assert.deepEqual(errors, []);
        });
      });
    }

    for (const colorScheme of ['light', 'dark'] as const) {
      test(`axe-core (WCAG 2.1 AA and best practices), ${colorScheme} scheme: no serious or critical violations on any page type`, async () => {
        await withPage({ colorScheme }, async (page) => {
          const failures: string[] = [];
          for (const [name, path] of Object.entries(PAGES)) {
            await page.goto(url(path));
            assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), colorScheme === 'dark');
            const violations = await axeCheck(page);
            if (violations.length) failures.push(`${name} (${path}):\n${formatViolations(violations)}`);
          }
          assert.equal(failures.length, 0, `\n${failures.join('\n\n')}`);
        });
      });
    }

    test('keyboard: the first Tab reaches the skip link, which moves focus to main; focus is visible', async () => {
      await withPage({}, async (page) => {
        await page.goto(url('/tools/smolvlm2'));
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => {
          const a = document.activeElement as HTMLElement;
          const r = a.getBoundingClientRect();
          return { cls: a.className, text: a.textContent, href: a.getAttribute('href'), left: r.left, top: r.top, right: r.right, outline: getComputedStyle(a).outlineStyle };
        });
        assert.deepEqual([first.cls, first.text, first.href], ['skip-link', 'Skip to content', '#main']);
        assert.ok(first.left >= 0 && first.right <= 1280 && first.top >= 0, `the focused skip link is on screen: ${JSON.stringify(first)}`);
        assert.notEqual(first.outline, 'none', 'the focused skip link shows a focus ring');

        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus moved to main');
        assert.ok(page.url().endsWith('#main'));
        // The next Tab continues inside main (the breadcrumb), not back in the header.
        await page.keyboard.press('Tab');
        assert.ok(await page.evaluate(() => document.querySelector('main')!.contains(document.activeElement)), 'next Tab stays in main');

        // A focused link, reached by keyboard, has a visible outline.
        await page.goto(url('/'));
        await page.keyboard.press('Tab'); // skip link
        await page.keyboard.press('Tab'); // brand
        await page.keyboard.press('Tab'); // first nav link
        const focused = await page.evaluate(() => {
          const a = document.activeElement as HTMLElement;
          const s = getComputedStyle(a);
          return { tag: a.tagName, text: a.textContent?.trim(), style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
        });
        assert.deepEqual([focused.tag, focused.text], ['A', 'Tools']);
        assert.notEqual(focused.style, 'none', 'focus ring style');
        assert.ok(focused.width >= 2, `focus ring is at least 2px (${focused.width}px)`);
      });
    });

    test('without JavaScript: the tool page\'s "compare with…" form round trip, and the picker', async () => {
      await withPage({ javaScriptEnabled: false }, async (page) => {
        await page.goto(url('/tools/karpathy-coding-skills'));
        // Without JavaScript the box is a search form: its answer lists the matches as links that add them.
        await page.getByRole('searchbox', { name: 'Compare Karpathy Coding Skills with' }).fill('smolvlm');
        await page.locator('#compare').getByRole('button', { name: 'Find' }).click();
        await page.waitForURL((u) => u.pathname === '/compare' && u.searchParams.get('add') === 'smolvlm');
        await page.getByRole('link', { name: 'Add SmolVLM2' }).click();
        await page.waitForURL(url(PAIR));
        const rows = await tableRows(page, '.decision-table');
        assert.deepEqual(rows.get('Panel verdict'), ['Ship · 3 ship / 1 skip', 'Ship · 4 ship / 0 skip']);
        assert.deepEqual(rows.get('Panel ship %'), ['75%', '100%']);

        // And on from there: add a third tool with the page's own search.
        await page.getByRole('searchbox', { name: 'Add a tool to this comparison' }).fill('whisper');
        await page.locator('.keep-comparing').getByRole('button', { name: 'Find' }).click();
        await page.getByRole('link', { name: 'Add Whisper' }).click();
        await page.waitForURL((u) => u.pathname === '/compare' && (u.searchParams.get('tools') ?? '').split(',').length === 3);
        assert.equal(await page.locator('h1').innerText(), 'Karpathy Coding Skills vs SmolVLM2 vs Whisper');
      });
    });
  });
}
