import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { freshStore, type TestStore } from './helpers/db.js';
import { CRITICS, seedDemo } from './helpers/fixtures.js';
import { loadConfig } from '../src/config.js';
import { createSite, type Site } from '../src/web/site.js';
import { startServer, type RunningServer } from '../src/web/server.js';
import { createApp } from '../src/web/app.js';
import { CACHED_ROUTES } from '../src/web/freshness.js';
import { startPanelRun, finishPanelRun } from '../src/panel/runs.repo.js';
import { insertIssueOnce } from '../src/digest/issues.repo.js';
import { previewIssue } from '../src/digest/digest.service.js';
import { issueSubject } from '../src/digest/issue.js';
import { isoWeek } from '../src/domain/week.js';
import { castVote } from '../src/community/votes.repo.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';

/**
 * Issue 21, point 1: the freshness declaration (src/web/freshness.ts) is the truth about every cached page.
 *  - Every GET route is either declared (cached) or listed here as never cached, so a new page is a decision.
 *  - Every declared route is cached when it answers 200, and a route declared to show tools names them.
 *  - Every table a cached page reads is one whose writes drop cached pages (a data-version trigger), or derived
 *    from one in the same transaction; a page that read another table would serve stale bytes silently.
 *  - A page declared 'catalog' does not change when votes arrive.
 *  - A page declared 'votes' is kept through votes on its tools, and what it then serves (its vote slots re-spliced
 *    from the stored counts, docs/decisions/029) is byte for byte what a render would give.
 */

/** GET routes that are never cached, and why: they are personal, change state on follow-up, or are assets. */
const NEVER_CACHED: Record<string, string> = {
  '/bookmarks': "the visitor's own",
  '/bookmarks.json': "the visitor's own",
  '/bookmarks/compare': 'redirects from the visitor’s bookmarks',
  '/reports/confirm': 'a signed link for one reporter',
  '/signin/verify': 'a signed link for one reader',
  '/admin': 'the operator',
  '/admin/submissions.json': 'the operator',
  '/admin/status.json': 'the operator',
  '/admin/reports.json': 'the operator',
  '/digest/subscribe': 'a redirect',
  '/digest/confirm': 'a signed link for one subscriber',
  '/digest/unsubscribe': 'a signed link for one subscriber',
  '/favicon.svg': 'a fixed asset, cached by browsers a day',
  '/favicon.ico': 'a redirect',
};
const isAsset = (path: string) => path.startsWith('/assets/');
// Operations routes (issue 18), when present: never cached by design.
const isOps = (path: string) => ['/healthz', '/readyz', '/metrics'].includes(path);

/**
 * Tables whose every write happens in a transaction that also bumps the data version (they are derived from a
 * table with the trigger, and written only with it), besides those the triggers name.
 */
const DERIVED: Record<string, string> = {
  tools_fts: 'tools (FTS5 mirror kept by triggers on tools)',
  tools_fts_data: 'tools', tools_fts_idx: 'tools', tools_fts_docsize: 'tools', tools_fts_config: 'tools',
  critic_tallies: 'reviews (refreshed with each review write)',
  review_evidence: 'reviews (linked in the transaction of the review it belongs to)',
  submissions: "tools (the tool page's listing line reads the approved submission, written with the tool)",
  categories: 'tools (counts kept by triggers on tools)',
  tool_tag_pairs: 'tools',
  // Read by every render, not data: the signing secret (written once) and the versions themselves.
  app_settings: 'the secret, written once at first start',
  data_version: 'the versions',
};

/** Records the tables every query reads or writes, by the SQL the dialect compiles. */
class TableTracer implements KyselyPlugin {
  readonly tables = new Set<string>();
  constructor(private readonly compile: (node: RootOperationNode, id: PluginTransformQueryArgs['queryId']) => { sql: string }) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { sql } = this.compile(args.node, args.queryId);
    for (const m of sql.matchAll(/\b(?:from|join|update|into)\s+"?([a-z_][a-z0-9_]*)"?/gi)) this.tables.add(m[1]!.toLowerCase());
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describe('the freshness declaration (SQLite)', () => {
  let store: TestStore;
  let site: Site;
  let server: RunningServer;
  let tracer: TableTracer;
  const samples = new Map<string, string>();
  before(async () => {
    store = await freshStore('sqlite');
    await seedDemo(store.db);
    const tool = (await findToolBySlug(store.db, 'cursor'))!;
    const runId = await startPanelRun(store.db, { toolId: tool.id, provider: 'test', model: 'm', promptVersion: 'v' });
    await finishPanelRun(store.db, runId, { status: 'done', inputTokens: 1, outputTokens: 1 });
    const week = isoWeek(new Date());
    const { content } = await previewIssue(store.db, week);
    await insertIssueOnce(store.db, { week, subject: issueSubject(content), content: JSON.stringify(content) });
    const executor = store.db.getExecutor();
    tracer = new TableTracer((node, id) => executor.compileQuery(node, id));
    site = await createSite({ ...store, db: store.db.withPlugin(tracer) }, loadConfig({ PUBLIC_URL: 'http://verdict.test' }), CRITICS);
    server = await startServer(site, 0, '127.0.0.1');
    // One URL per declared route that answers 200 on the demo catalog.
    const fill: Record<string, string> = {
      '/tools/:slug': '/tools/cursor',
      '/tools/:slug/report': '/tools/cursor/report',
      '/tools/:slug/report/thanks': '/tools/cursor/report/thanks',
      '/compare/:pair': '/compare/cursor-vs-github-copilot',
      '/compare': '/compare?tools=cursor,github-copilot,aider',
      '/critics/:id': '/critics/builder',
      '/categories/:slug': '/categories/developer-tools',
      '/runs/:id{[0-9]+}': `/runs/${runId}`,
      '/digest/:week': `/digest/${week}`,
      '/sitemaps/:file{tools-[0-9]{1,12}\\.xml}': `/sitemaps/tools-${(await store.db.selectFrom('tools').select('id').orderBy('id').executeTakeFirstOrThrow()).id}.xml`,
      '/badge/:file{[^/]+\\.svg}': '/badge/cursor.svg',
      '/og/tools/:file{[^/]+\\.png}': '/og/tools/cursor.png',
      '/og/compare/:file{[^/]+\\.png}': '/og/compare/cursor-vs-github-copilot.png',
      '/search': '/search?q=vision',
      '/api/v1/suggest': '/api/v1/suggest?q=cur',
      '/api/v1/tools/:slug': '/api/v1/tools/cursor',
      '/api/v1/tools/:slug/reviews': '/api/v1/tools/cursor/reviews',
      '/api/v1/tools/:slug/summary': '/api/v1/tools/cursor/summary',
      '/api/v1/critics/:id': '/api/v1/critics/builder',
      '/api/v1/compare': '/api/v1/compare?tools=cursor,aider',
    };
    for (const r of CACHED_ROUTES) samples.set(r.path, fill[r.path] ?? r.path);
  });
  after(async () => {
    await server?.close();
    await site?.close();
    await store?.close();
  });
  const get = (path: string) => fetch(server.url + path, { redirect: 'manual' });

  test('every GET route is declared cached, or said here to be never cached', () => {
    const app = createApp(site);
    const declared = new Set(CACHED_ROUTES.map((r) => r.path));
    const routes = [...new Set(app.routes.filter((r) => r.method === 'GET').map((r) => r.path))];
    const undecided = routes.filter((p) => !declared.has(p) && !(p in NEVER_CACHED) && !isAsset(p) && !isOps(p));
    assert.deepEqual(undecided, [], 'add each to CACHED_ROUTES in src/web/freshness.ts, or here with the reason it is never cached');
    const missing = [...declared].filter((p) => !routes.includes(p));
    assert.deepEqual(missing, [], 'declared routes that the app does not serve');
  });

  test('every declared route is cached when it answers 200 (a route showing tools names them)', async () => {
    for (const r of CACHED_ROUTES) {
      site.cache.clear();
      const url = samples.get(r.path)!;
      const first = await get(url);
      assert.equal(first.status, 200, `${r.path}: ${url}`);
      await first.arrayBuffer();
      const second = await get(url);
      await second.arrayBuffer();
      assert.equal(second.headers.get('x-cache'), 'hit', `${r.path} (${url}) was not stored`);
    }
  });

  test('cached pages read only tables whose writes drop them', async () => {
    // The tables the triggers cover, from the database itself: whatever a trigger that bumps the data version is on.
    const { rows: triggers } = await sql<{ tbl: string; body: string }>`select tbl_name as tbl, sql as body from sqlite_master where type = 'trigger'`.execute(store.db);
    const covered = new Set(triggers.filter((t) => /data_version/.test(t.body)).map((t) => t.tbl));
    assert.ok(covered.has('tools') && covered.has('reviews'), `triggers found on: ${[...covered].join(', ')}`);
    const uncovered = new Map<string, string[]>();
    for (const r of CACHED_ROUTES) {
      site.cache.clear();
      tracer.tables.clear();
      await (await get(samples.get(r.path)!)).arrayBuffer();
      for (const t of tracer.tables) if (!covered.has(t) && !(t in DERIVED)) uncovered.set(t, [...(uncovered.get(t) ?? []), r.path]);
    }
    assert.deepEqual(Object.fromEntries(uncovered), {}, 'tables a cached page reads that no invalidation covers (add a trigger, or stop caching the page)');
  });

  test("a page declared 'catalog' is the same after votes on every tool", async () => {
    const catalog = CACHED_ROUTES.filter((r) => r.shows === 'catalog');
    const render = async () => {
      const out = new Map<string, string>();
      for (const r of catalog) {
        site.cache.clear();
        out.set(r.path, await (await get(samples.get(r.path)!)).text());
      }
      return out;
    };
    const before = await render();
    const ids = (await store.db.selectFrom('tools').select('id').execute()).map((t) => t.id);
    for (const id of ids) await castVote(store.db, id, `v:freshness-${id}`, id % 3 ? 'ship' : 'skip');
    await site.refreshVersion();
    const after = await render();
    const changed = catalog.filter((r) => before.get(r.path) !== after.get(r.path)).map((r) => r.path);
    assert.deepEqual(changed, [], "these show vote counts: declare them 'votes' (slots), 'tools' (naming the tools) or 'any-votes'");
  });

  test("a page declared 'votes' is kept through votes on its tools and serves what a render would", async () => {
    const spliced = CACHED_ROUTES.filter((r) => r.shows === 'votes');
    assert.ok(spliced.length >= 3, 'the tool page and both compare addresses');
    const ids = (await store.db.selectFrom('tools').select('id').execute()).map((t) => t.id);
    for (const r of spliced) {
      site.cache.clear();
      const url = samples.get(r.path)!;
      await (await get(url)).arrayBuffer();
      const misses = site.cache.stats.misses;
      // Enough votes on every tool to cross MIN_VOTES and flip labels, so every vote-dependent part moves.
      for (const id of ids) for (let i = 0; i < 11; i++) await castVote(store.db, id, `v:splice-${r.path}-${i}`, (id + i) % 4 ? 'skip' : 'ship');
      await site.refreshVersion();
      const kept = await get(url);
      const keptText = await kept.text();
      assert.equal(kept.headers.get('x-cache'), 'hit', `${r.path}: kept, not rendered`);
      assert.equal(site.cache.stats.misses, misses, `${r.path}: no render`);
      site.cache.clear();
      const rendered = await (await get(url)).text();
      assert.equal(keptText, rendered, `${r.path} (${url}): a vote-dependent part is outside a <VoteSlot>`);
    }
  });
});
