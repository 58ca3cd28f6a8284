import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startTestSite, type TestSite } from './helpers/web.js';
import { axeCheck, BROWSER_SKIP, formatViolations, launchChromium } from './helpers/chromium.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { refreshVoteCounts } from '../src/catalog/figures.repo.js';

/**
 * Issue 12, points 2-5, in a real browser: the compare page states its rule and shows every figure it uses, no
 * Pick badge sits on a Skip, chips name their parts, alternatives do the same job, and one vote is not a crowd.
 * SCREENSHOT_DIR=/some/dir saves the pages looked at.
 */

const THREE = '/compare?tools=cursor,v0,bolt-new';
const WIDTHS: { name: string; options: BrowserContextOptions }[] = [
  { name: '390', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  { name: '768', options: { viewport: { width: 768, height: 1024 } } },
  { name: '1366', options: { viewport: { width: 1366, height: 900 } } },
];
const shotDir = process.env.SCREENSHOT_DIR;
/** Visible text on one line: a chip may wrap after its pill on a phone. */
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

async function shot(page: Page, name: string) {
  if (!shotDir) return;
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

describe('reader experience (issue 12, points 2-5)', { skip: BROWSER_SKIP }, () => {
  let site: TestSite;
  let browser: Browser;

  before(async () => {
    site = await startTestSite('sqlite');
    const db = site.store.db;
    const now = new Date().toISOString();
    // Claude (panel: Ship) gets twelve votes, ten of them skips; Aider (panel: Ship) a single skip.
    const claude = (await findToolBySlug(db, 'claude'))!;
    const aider = (await findToolBySlug(db, 'aider'))!;
    await db
      .insertInto('votes')
      .values([
        ...Array.from({ length: 12 }, (_, i) => ({ toolId: claude.id, voterId: `b${i}`, vote: i < 2 ? ('ship' as const) : ('skip' as const), createdAt: now, updatedAt: now })),
        { toolId: aider.id, voterId: 'lonely', vote: 'skip' as const, createdAt: now, updatedAt: now },
      ])
      .execute();
    await refreshVoteCounts(db, [claude.id, aider.id]);
    await site.site.refreshVersion();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const { name, options } of WIDTHS) {
    test(`compare Cursor vs v0 vs bolt.new at ${name} px: one rule, its figures, no Pick on a Skip`, async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      try {
        assert.equal((await page.goto(site.url + THREE))!.status(), 200);
        // The pick is said once, the rule folded under it.
        assert.equal(await page.locator('.compare-lead').innerText(), 'Pick: Cursor — 3 of 7 critics, avg 68 vs v0 62.3, bolt.new 54');
        assert.equal(await page.locator('details.decision-rule').getAttribute('open'), null);
        await page.locator('details.decision-rule summary').click();
        await assert.doesNotReject(page.getByText('The tool with the most critic picks is the panel\'s pick').waitFor());
        // The figures the rule uses are rows a reader can see; the winner's figure is the coloured one.
        for (const label of ['Critic picks', 'Mean score']) assert.ok(await page.getByRole('rowheader', { name: label }).isVisible(), label);
        const picks = page.locator('.decision-table tr', { has: page.getByRole('rowheader', { name: 'Critic picks' }) }).locator('td');
        assert.deepEqual(await picks.allInnerTexts(), ['3 of 7', '1 of 7', '0 of 7']);
        assert.equal(await picks.nth(0).getAttribute('class'), 'lead-cell');
        const mean = page.locator('.decision-table tr', { has: page.getByRole('rowheader', { name: 'Mean score' }) }).locator('td');
        assert.deepEqual(await mean.allInnerTexts(), ['68', '62.3', '54']);
        // Each Pick badge sits on a Ship; the Skeptic, who skips all three, gets none and says what it would rather have.
        const badges = page.locator('.critic-table td.picked');
        assert.ok((await badges.count()) > 0);
        for (const cell of await badges.all()) assert.equal(await cell.locator('.pill-ship').count(), 1);
        const skeptic = page.locator('.critic-table tr', { has: page.locator('a[href="/critics/skeptic"]') });
        assert.equal(await skeptic.locator('.pick-badge').count(), 0);
        assert.match(await skeptic.locator('.pick-cell').innerText(), /No pick · skips all · would rather have Cursor \(higher score\)/);
        assert.match(await page.locator('.different-jobs').innerText(), /Cursor does a different job from the others/);
        await shot(page, `compare-three-${name}`);
      } finally {
        await context.close();
      }
    });
  }

  test('tool pages: chips with named parts, Best for, Alternatives to X, and disagreement only past ten votes', async () => {
    const context = await browser.newContext(WIDTHS[0]!.options);
    const page = await context.newPage();
    try {
      await page.goto(site.url + '/tools/smolvlm2');
      assert.equal(flat(await page.locator('.tool-hero .verdict-chip').innerText()), 'Ship · 4 ship / 0 skip · avg 83.3');
      assert.equal(await page.locator('.tool-best-for').innerText(), 'Best for: Image and video understanding on-device');
      const alternatives = page.locator('.tool-alternatives');
      assert.equal(await alternatives.getByRole('heading').innerText(), 'Alternatives to SmolVLM2');
      assert.match(await alternatives.innerText(), /Nothing else in the catalog does the same job yet/);
      assert.equal(await page.locator('#compare').getByText('Or head to head with').count(), 0, 'no bolt.new or LangChain head to head');
      await shot(page, 'tool-smolvlm2-390');

      await page.goto(site.url + '/tools/cursor');
      const names = await page.locator('.tool-alternatives .tool-card h3').allInnerTexts();
      assert.equal(names[0], 'GitHub Copilot');
      assert.ok(!names.includes('bolt.new') && !names.includes('LangChain'), names.join());
      // Every card chip names its parts.
      for (const chip of (await page.locator('.tool-card .verdict-chip').allInnerTexts()).map(flat)) assert.match(chip, /^(Ship|Skip|Split) · \d+ ship \/ \d+ skip · avg [\d.]+$/);

      await page.goto(site.url + '/tools/claude');
      assert.match(await page.locator('.notice.disagree').innerText(), /Critics and community disagree: the panel says Ship · 6 ship \/ 0 skip, voters say Skip · 2 ship \/ 10 skip \(12 votes; shown from 10 votes\)/);
      await shot(page, 'tool-claude-disagree-390');
      await page.goto(site.url + '/tools/aider');
      assert.equal(await page.getByText('Critics and community disagree').count(), 0, 'one vote is not a crowd');
      assert.equal(await page.locator('.verdict-line .pill', { hasText: 'so far' }).innerText(), '1 vote so far · 0 ship / 1 skip');
    } finally {
      await context.close();
    }
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`axe: no serious or critical violation on the new parts (${scheme})`, async () => {
      const context = await browser.newContext({ ...WIDTHS[2]!.options, colorScheme: scheme });
      const page = await context.newPage();
      try {
        for (const path of [THREE, '/tools/cursor', '/tools/claude', '/critics/skeptic', '/search?sort=score']) {
          await page.goto(site.url + path);
          const bad = (await axeCheck(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
          assert.equal(bad.length, 0, `${path}: ${formatViolations(bad)}`);
        }
        if (scheme === 'dark') {
          await page.goto(site.url + THREE);
          await shot(page, 'compare-three-1366-dark');
        }
      } finally {
        await context.close();
      }
    });
  }
});
