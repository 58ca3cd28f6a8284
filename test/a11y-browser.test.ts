import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { startTestSite, type TestSite } from './helpers/web.js';
import { axeCheck, BROWSER_SKIP, formatViolations, launchChromium } from './helpers/chromium.js';
import { startFakeLlm, criticOf } from './helpers/fake-llm.js';
import { CRITICS, takeJson } from './helpers/fixtures.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { createLlmClient } from '../src/panel/llm.js';
import { runPanel } from '../src/panel/runner.js';
import { getSecret, signValue } from '../src/community/secret.js';
import { createVisitor } from '../src/community/visitor.js';
import { findOrCreateUser } from '../src/community/accounts.repo.js';
import { addBookmark } from '../src/community/bookmarks.repo.js';
import { buildIssueContent, issueSubject } from '../src/digest/issue.js';
import { insertIssueOnce } from '../src/digest/issues.repo.js';
import { isoWeek, previousWeek } from '../src/domain/week.js';

/**
 * axe-core on every page type, light and dark, on a phone and a desktop: nothing at moderate impact or above
 * (issue 20, "Done means"). Colours and landmarks do not depend on the database, so this runs on SQLite.
 */

const ADMIN_TOKEN = 'admin-token-for-a11y-browser-0123456789';
const LAST_WEEK = previousWeek(isoWeek(new Date()));

/** One address per page type (and the states that change a page's landmarks or colours). */
const PAGES: Record<string, string> = {
  home: '/',
  tools: '/tools',
  'tools-filtered': '/tools?category=developer-tools&label=ship&sort=ship',
  tool: '/tools/smolvlm2',
  'tool-with-run': '/tools/whisper',
  report: '/tools/smolvlm2/report',
  'compare-picker': '/compare',
  'compare-picker-matches': '/compare?tools=cursor&add=v0',
  'compare-2': '/compare/langchain-vs-llamaindex',
  'compare-3': '/compare?tools=cursor,v0,bolt-new',
  'compare-4': '/compare?tools=langchain,llamaindex,vllm,hugging-face-transformers',
  'compare-all-takes': '/compare/langchain-vs-llamaindex?takes=all',
  'compare-unknown': '/compare/cursor-vs-nothing',
  critics: '/critics',
  critic: '/critics/skeptic',
  categories: '/categories',
  category: '/categories/developer-tools',
  search: '/search?q=vision',
  'search-empty': '/search?q=zzqx',
  bookmarks: '/bookmarks',
  digest: '/digest',
  'digest-issue': `/digest/${LAST_WEEK}`,
  methodology: '/methodology',
  feeds: '/feeds',
  submit: '/submit',
  signin: '/signin',
  'not-found': '/tools/smolvlm',
  'admin-login': '/admin',
};

describe('axe on every page type, light and dark (sqlite)', { skip: BROWSER_SKIP }, () => {
  let t: TestSite;
  let browser: Browser;
  let cookie: { name: string; value: string; url: string };

  before(async () => {
    [t, browser] = await Promise.all([startTestSite('sqlite', { env: { ADMIN_TOKEN } }), launchChromium()]);
    const db = t.store.db;
    // A panel run (for /runs/:id and a tool page with provenance links), through the fake LLM.
    const fake = await startFakeLlm(({ body }) => (criticOf(body) === 'founder' ? { status: 500 } : { content: takeJson(75) }));
    try {
      const llm = createLlmClient({ provider: 'openai-compatible', baseURL: fake.url, apiKey: 'test', model: 'fake-model' }, 60);
      const tool = (await findToolBySlug(db, 'whisper'))!;
      const r = await runPanel(db, llm, [tool], CRITICS.filter((c) => c.id === 'builder' || c.id === 'founder'), { threshold: 60, concurrency: 2, timeoutMs: 2000, maxAttempts: 2, backoffMs: 1 });
      PAGES.run = `/runs/${r.runs[0]!.runId}`;
    } finally {
      await fake.close();
    }
    // A sent issue for the archive.
    const content = await buildIssueContent(db, LAST_WEEK);
    await insertIssueOnce(db, { week: LAST_WEEK, subject: issueSubject(content), content: JSON.stringify(content) });
    // A signed-in reader with bookmarks (their pages are rendered for them, with the account line).
    const user = await findOrCreateUser(db, 'a11y@example.org');
    const visitor = await createVisitor(db, user);
    for (const slug of ['cursor', 'v0']) await addBookmark(db, visitor.ownerId, (await findToolBySlug(db, slug))!.id);
    cookie = { name: 'verdict_v', value: signValue(await getSecret(db, t.site.config), 'visitor-cookie', visitor.id), url: t.url };
    await t.site.refreshVersion();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const widths: [string, BrowserContextOptions][] = [
    ['390', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['1366', { viewport: { width: 1366, height: 900 } }],
  ];
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, options] of widths) {
      test(`nothing at moderate impact or above, ${colorScheme}, ${width}px`, async () => {
        const context = await browser.newContext({ ...options, colorScheme });
        try {
          const page = await context.newPage();
          const problems: string[] = [];
          const check = async (name: string, path: string) => {
            await page.goto(t.url + path);
            const found = await axeCheck(page, 'moderate');
            if (found.length) problems.push(`${name} (${path}):\n${formatViolations(found)}`);
          };
          for (const [name, path] of Object.entries(PAGES)) await check(name, path);
          // Signed in: the header's account link, the bookmarks grid and its compare form.
          await context.addCookies([cookie]);
          await check('bookmarks-signed-in', '/bookmarks');
          await check('tool-signed-in', '/tools/cursor');
          await context.clearCookies();
          // The admin page itself, with the token (its links and forms).
          await context.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_TOKEN}` });
          await check('admin', '/admin');
          assert.equal(problems.length, 0, problems.join('\n'));
        } finally {
          await context.close();
        }
      });
    }
  }
});
