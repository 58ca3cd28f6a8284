import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { axeCheck, BROWSER_SKIP, formatViolations, launchChromium } from './helpers/chromium.js';
import { words } from './helpers/fixtures.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { addReview } from '../src/catalog/reviews.repo.js';
import { linkReviewEvidence, storeSnapshots } from '../src/research/evidence.repo.js';
import { executeTx } from '../src/db/db.js';

const TOOL = 'smolvlm2';
const OTHER = 'karpathy-coding-skills';

for (const { dialect, skip } of DIALECTS) {
  describe(`evidence on the tool page, compare page and API (${dialect})`, { skip }, () => {
    let t: TestSite;
    let ids: number[] = [];
    // Relative to now, after the demo catalog's own reviews: checked, then reviewed, then a change was seen.
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    const [checked, reviewed, changed] = [at(1), at(2), at(3)];
    before(async () => {
      t = await startTestSite(dialect);
      const db = t.store.db;
      const tool = (await findToolBySlug(db, TOOL))!;
      const snap = (kind: 'pricing' | 'github', url: string, facts: object, fetchedAt: string, changes: string[] = []) => ({
        toolId: tool.id,
        kind,
        url,
        fetchedAt,
        status: 200,
        error: null,
        contentHash: 'a'.repeat(64),
        etag: null,
        lastModified: null,
        facts: JSON.stringify(facts),
        excerpt: kind === 'pricing' ? 'Free forever. Pro $9/month.' : 'A small vision model.',
        changes: JSON.stringify(changes),
      });
      ids = await storeSnapshots(db, [
        snap('pricing', 'https://smol.example/pricing', { title: 'Pricing', prices: ['$0', '$9/month'], plans: ['Free', 'Pro'] }, checked),
        snap('github', 'https://api.github.com/repos/hf/smolvlm', { repo: 'hf/smolvlm', stars: 4321, forks: 12, openIssues: 3, license: 'Apache-2.0', archived: false, pushedAt: '2026-11-18T00:00:00Z', latestRelease: { tag: 'v2.0.0', publishedAt: '2026-11-01T00:00:00Z' } }, checked),
      ]);
      // The builder's newest take cites the repository snapshot.
      await executeTx(db, async (tx) => {
        const reviewId = await addReview(tx, { toolId: tool.id, critic: 'builder', kind: 'take', score: 77, verdict: 'ship', take: words(40, 'checked'), reason: null, origin: 'panel', importSource: null, author: null, runId: null, model: 'm', promptVersion: 'p', inputTokens: 1, outputTokens: 1, latencyMs: 1, createdAt: reviewed });
        await linkReviewEvidence(tx, reviewId, ids, [ids[1]!]);
      });
      // A later check saw the price change.
      ids.push(...(await storeSnapshots(db, [snap('pricing', 'https://smol.example/pricing', { title: 'Pricing', prices: ['$0', '$19/month'], plans: ['Free', 'Pro'] }, changed, ['Pricing changed on the pricing page: $0, $9/month → $0, $19/month'])])));
    });
    after(async () => t.close());

    test('the tool page lists its sources with dates, footnotes point at them, and a change since the review is flagged', async () => {
      const html = await (await t.get(`/tools/${TOOL}`)).text();
      assert.ok(html.includes(`Facts last checked on <time datetime="${changed}">`));
      assert.match(html, new RegExp(`<li id="source-${ids[1]}">`));
      assert.match(html, /4321 stars · 12 forks · licence Apache-2.0/);
      assert.match(html, /prices seen: \$0, \$19\/month/);
      assert.match(html, new RegExp(`href="#source-${ids[1]}"[^>]*>\\[\\d\\]</a>`), 'the builder take has a footnote to the repository snapshot');
      assert.match(html, /<strong>Pricing changed on the pricing page<\/strong> since the panel reviewed it on/);
      assert.match(html, /href="https:\/\/github.com\/hf\/smolvlm"/, 'API sources link to their public page');
      const other = await (await t.get(`/tools/${OTHER}`)).text();
      assert.match(other, /Facts not checked yet/);
      assert.doesNotMatch(other, /Facts last checked/);
    });

    test('the compare decision table gains rows from evidence', async () => {
      const [a, b] = [OTHER, TOOL].sort();
      const html = await (await t.get(`/compare/${a}-vs-${b}`)).text();
      for (const label of ['Licence', 'Latest release', 'Repository activity', 'Pricing seen on the vendor page', 'Facts checked']) assert.ok(html.includes(`<th scope="row">${label}</th>`), label);
      assert.match(html, /<td data-label="[^"]+">Apache-2.0<\/td>/);
      assert.match(html, /<td data-label="[^"]+">v2.0.0 \(2026-11-01\)<\/td>/);
      assert.match(html, /<td data-label="[^"]+">\$0, \$19\/month<\/td>/);
      assert.match(html, /Not checked yet/);
      // The other tool was never checked: its cells say so, and no row stands empty for both (issue 20, point 5).
      assert.doesNotMatch(html, /Facts not checked yet/, 'one tool was checked, so the rows stay');
    });

    test('the JSON API includes the evidence and each take\'s citations', async () => {
      const body = await (await t.get(`/api/v1/tools/${TOOL}`)).json();
      assert.equal(body.evidence.checkedAt, changed);
      // The newest snapshot of each source; the older pricing snapshot is not cited, so it is not listed.
      assert.deepEqual(body.evidence.sources.map((s: any) => s.id), [ids[1], ids[2]]);
      assert.deepEqual(body.reviews.find((r: any) => r.critic === 'builder').citations, [ids[1]]);
      const other = await (await t.get(`/api/v1/tools/${OTHER}`)).json();
      assert.deepEqual(other.evidence, { checkedAt: null, sources: [] });
    });

    test('axe: a tool page with sources has no serious or critical violations', { skip: BROWSER_SKIP }, async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${t.url}/tools/${TOOL}`);
        const violations = await axeCheck(page);
        assert.equal(violations.length, 0, formatViolations(violations));
      } finally {
        await browser.close();
      }
    });
  });
}
