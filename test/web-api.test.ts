import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { validate, compileErrors } from '@readme/openapi-parser';
import type { z } from 'zod';
import { DIALECTS } from './helpers/db.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { CRITIC_IDS, DEMO } from './helpers/fixtures.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { insertReview } from '../src/catalog/reviews.repo.js';
import { castVote } from '../src/community/votes.repo.js';
import { nowIso } from '../src/db/db.js';
import { formatDate } from '../src/web/components/tool-helpers.js';
import { describeIssues } from '../src/web/api/api.js';
import { API_PATHS } from '../src/web/api/routes.js';
import {
  comparisonSchema,
  criticListSchema,
  criticOutSchema,
  errorSchema,
  toolDetailSchema,
  toolPageSchema,
  toolReviewsSchema,
  toolSummarySchema,
} from '../src/web/api/schemas.js';

const BASE = 'http://verdict.test';

test('validation messages name each bad parameter', () => {
  assert.equal(
    describeIssues([
      { path: ['per_page'], message: 'Too big' },
      { path: [], message: 'Bad' },
    ]),
    'per_page: Too big; Bad',
  );
});

for (const { dialect, skip } of DIALECTS) {
  describe(`JSON API (${dialect})`, { skip }, () => {
    let s: TestSite;
    before(async () => (s = await startTestSite(dialect)));
    after(() => s?.close());

    /** GETs a path, checks status and content type, and parses the body with the schema. */
    async function getJson<T extends z.ZodType>(path: string, status: number, schema: T): Promise<z.infer<T>> {
      const res = await s.get(path);
      const text = await res.text();
      assert.equal(res.status, status, `${path}: ${text.slice(0, 300)}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const parsed = schema.safeParse(JSON.parse(text));
      assert.ok(parsed.success, `${path}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`);
      return parsed.data;
    }

    /** The one error shape: exactly {"error":{"code","message"}}, nothing from zod. */
    async function getError(path: string, status: number, code: string, message?: RegExp) {
      const body = await getJson(path, status, errorSchema.strict());
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
      assert.equal(body.error.code, code);
      if (message) assert.match(body.error.message, message);
      return body.error.message;
    }

    test('tools are listed newest first, 20 a page by default, with the pagination envelope', async () => {
      const first = await getJson('/api/v1/tools', 200, toolPageSchema);
      assert.equal(first.page, 1);
      assert.equal(first.perPage, 20);
      assert.equal(first.total, DEMO.tools.length);
      assert.equal(first.data.length, 20);
      const second = await getJson('/api/v1/tools?page=2', 200, toolPageSchema);
      assert.equal(second.data.length, DEMO.tools.length - 20);
      const slugs = [...first.data, ...second.data].map((t) => t.slug);
      assert.equal(new Set(slugs).size, DEMO.tools.length, 'pages do not overlap');
      assert.deepEqual(new Set(slugs), new Set(DEMO.tools.map((t) => t.slug)));
      const all = await getJson('/api/v1/tools?per_page=100', 200, toolPageSchema);
      assert.equal(all.data.length, DEMO.tools.length);
      assert.deepEqual(all.data.map((t) => t.slug), slugs, 'the same order across page sizes');
      const beyond = await getJson('/api/v1/tools?page=9', 200, toolPageSchema);
      assert.deepEqual([beyond.data, beyond.total], [[], DEMO.tools.length]);
      const t = all.data.find((x) => x.slug === 'karpathy-coding-skills')!;
      assert.equal(t.panel.text, 'Ship · 3 ship / 1 skip');
      assert.equal(t.community.text, 'No community votes yet');
      assert.deepEqual(t.links, {
        html: `${BASE}/tools/karpathy-coding-skills`,
        api: `${BASE}/api/v1/tools/karpathy-coding-skills`,
        badge: `${BASE}/badge/karpathy-coding-skills.svg`,
        image: `${BASE}/og/tools/karpathy-coding-skills.png`,
      });
    });

    test('bad pagination parameters get 400 in the one error shape', async () => {
      await getError('/api/v1/tools?per_page=101', 400, 'invalid', /^per_page: /);
      await getError('/api/v1/tools?per_page=0', 400, 'invalid', /per_page/);
      await getError('/api/v1/tools?page=0', 400, 'invalid', /^page: /);
      await getError('/api/v1/tools?page=abc', 400, 'invalid', /page/);
      await getError('/api/v1/tools?category=Not%20A%20Slug', 400, 'invalid', /^category: must be lowercase/);
    });

    test('?category= filters by category slug', async () => {
      const dev = await getJson('/api/v1/tools?category=developer-tools&per_page=100', 200, toolPageSchema);
      const expected = DEMO.tools.filter((t) => t.category === 'Developer Tools').length;
      assert.equal(dev.total, expected);
      assert.equal(dev.data.length, expected);
      assert.ok(dev.data.every((t) => t.categorySlug === 'developer-tools' && t.category === 'Developer Tools'));
      const paged = await getJson('/api/v1/tools?category=developer-tools&per_page=5&page=3', 200, toolPageSchema);
      assert.deepEqual(paged.data.map((t) => t.slug), dev.data.slice(10, 15).map((t) => t.slug));
      const none = await getJson('/api/v1/tools?category=no-such-category', 200, toolPageSchema);
      assert.deepEqual([none.total, none.data], [0, []]);
    });

    test('?q= searches case-insensitively, every word must match, and combines with category and paging', async () => {
      const vision = await getJson('/api/v1/tools?q=VISION', 200, toolPageSchema);
      assert.ok(vision.data.some((t) => t.slug === 'smolvlm2'), 'finds SmolVLM2 by its tagline');
      assert.equal(vision.total, vision.data.length);
      const byName = await getJson('/api/v1/tools?q=smolvlm2', 200, toolPageSchema);
      assert.equal(byName.data[0]?.slug, 'smolvlm2', 'name matches come first');
      const two = await getJson(`/api/v1/tools?q=${encodeURIComponent('vision language')}`, 200, toolPageSchema);
      assert.ok(two.data.length >= 1 && two.data.length <= vision.data.length);
      // Full-text, like /search: whole words, the last one also as a prefix; never the middle of a word.
      const prefix = await getJson('/api/v1/tools?q=visi', 200, toolPageSchema);
      assert.deepEqual(prefix.data.map((t) => t.slug).sort(), vision.data.map((t) => t.slug).sort());
      assert.equal((await getJson('/api/v1/tools?q=ision', 200, toolPageSchema)).total, 0);
      const narrowed = await getJson('/api/v1/tools?q=open&category=audio-and-voice', 200, toolPageSchema);
      assert.ok(narrowed.data.every((t) => t.categorySlug === 'audio-and-voice'));
      // LIKE wildcards and quotes are plain text, not syntax.
      for (const q of ['%', '_', "'; drop table tools; --", '\\']) {
        const r = await getJson(`/api/v1/tools?q=${encodeURIComponent(q)}`, 200, toolPageSchema);
        assert.equal(r.total, 0, `q=${q}`);
      }
      const blank = await getJson('/api/v1/tools?q=%20%20', 200, toolPageSchema);
      assert.equal(blank.total, DEMO.tools.length, 'a blank query lists everything');
      const page = await getJson('/api/v1/tools?q=a&per_page=3&page=2', 200, toolPageSchema);
      assert.equal(page.perPage, 3);
      assert.ok(page.total > 6 && page.data.length === 3);
    });

    test('one tool by slug, with its latest reviews in panel order; unknown slugs 404 with "Did you mean"', async () => {
      const t = await getJson('/api/v1/tools/smolvlm2', 200, toolDetailSchema);
      assert.equal(t.name, 'SmolVLM2');
      assert.equal(t.panel.text, 'Ship · 4 ship / 0 skip');
      assert.equal(t.panel.shipPct, 100);
      const critics = t.reviews.map((r) => r.critic);
      assert.deepEqual(critics, CRITIC_IDS.filter((c) => critics.includes(c)), 'panel order');
      assert.equal(t.reviews.filter((r) => r.kind === 'take').length, 4);
      await getError('/api/v1/tools/cursr', 404, 'not_found', /^No tool "cursr"\. Did you mean: cursor\?$/);
      await getError('/api/v1/tools/Cursor', 400, 'invalid', /^slug: /);
      await getError('/api/v1/tools/cursor/nope', 404, 'not_found');
      await getError('/api/v1/nothing-here', 404, 'not_found');
    });

    test("a tool's reviews: latest per critic and every revision with its provenance", async () => {
      const before = await getJson('/api/v1/tools/whisper/reviews', 200, toolReviewsSchema);
      assert.equal(before.tool, 'whisper');
      assert.equal(before.history.length, before.latest.length, 'the demo has one revision per critic');
      assert.ok(before.history.every((r) => r.origin === 'import' && r.importSource === 'demo' && r.author === null && r.model === null));
      assert.match(before.history[0]!.provenance, /^Demo review · imported on \d{1,2} [A-Z][a-z]{2} \d{4}$/);
      const critic = before.latest.find((r) => r.kind === 'take')!.critic;
      const tool = (await findToolBySlug(s.store.db, 'whisper'))!;
      await insertReview(s.store.db, {
        toolId: tool.id,
        critic,
        kind: 'take',
        score: 31,
        verdict: 'skip',
        take: 'A new revision. '.repeat(8),
        reason: null,
        origin: 'panel',
        importSource: null,
        author: null,
        runId: null,
        model: 'test-model-1',
        promptVersion: 'v7',
        inputTokens: 1234,
        outputTokens: 321,
        latencyMs: 4567,
        createdAt: nowIso(),
      });
      await s.site.refreshVersion();
      const after = await getJson('/api/v1/tools/whisper/reviews', 200, toolReviewsSchema);
      assert.equal(after.history.length, before.history.length + 1);
      assert.equal(after.latest.length, before.latest.length);
      const newest = after.history[0]!;
      assert.deepEqual(
        { ...newest, id: 0, createdAt: '' },
        { id: 0, createdAt: '', critic, kind: 'take', score: 31, verdict: 'skip', take: 'A new revision. '.repeat(8), origin: 'panel', provenance: `Panel run · test-model-1 · prompt v7 · ${formatDate(newest.createdAt)}`, runId: null, importSource: null, author: null, model: 'test-model-1', promptVersion: 'v7', inputTokens: 1234, outputTokens: 321, latencyMs: 4567 },
      );
      assert.deepEqual(after.latest.find((r) => r.critic === critic), newest);
      const ids = after.history.map((r) => r.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'history is newest first');
      await getError('/api/v1/tools/whispr/reviews', 404, 'not_found', /Did you mean: whisper\?/);
    });

    test('panel and community summary; community counts come from votes', async () => {
      const before = await getJson('/api/v1/tools/karpathy-coding-skills/summary', 200, toolSummarySchema);
      assert.equal(before.panel.text, 'Ship · 3 ship / 1 skip');
      assert.equal(before.panel.shipPct, 75);
      assert.deepEqual(before.community, { ships: 0, skips: 0, votes: 0, shipPct: null, label: null, text: 'No community votes yet' });
      assert.equal(before.disagree, false);
      const tool = (await findToolBySlug(s.store.db, 'karpathy-coding-skills'))!;
      // Through the vote write path, which touches the tool (docs/decisions/017) so its cached answers go.
      // Twelve votes: past MIN_VOTES (10), so the community has a side and can disagree with the panel.
      for (const [i, vote] of (['ship', ...Array<'skip'>(11).fill('skip')] as const).entries()) await castVote(s.store.db, tool.id, `voter-${i}`, vote);
      await s.site.refreshVersion();
      const after = await getJson('/api/v1/tools/karpathy-coding-skills/summary', 200, toolSummarySchema);
      assert.equal(after.community.text, 'Skip · 1 ship / 11 skip · 12 votes');
      assert.equal(after.community.label, 'Skip');
      assert.equal(after.disagree, true);
      const detail = await getJson('/api/v1/tools/karpathy-coding-skills', 200, toolDetailSchema);
      assert.equal(detail.community.text, 'Skip · 1 ship / 11 skip · 12 votes');
      await getError('/api/v1/tools/nope/summary', 404, 'not_found', /^No tool "nope"/);
    });

    test('critics: the list in panel order, and one by id', async () => {
      const list = await getJson('/api/v1/critics', 200, criticListSchema);
      assert.deepEqual(list.data.map((c) => c.id), CRITIC_IDS);
      const builder = await getJson('/api/v1/critics/builder', 200, criticOutSchema);
      assert.equal(builder.id, 'builder');
      assert.ok(builder.name && builder.motto && builder.excites.length > 0);
      assert.deepEqual(builder.links, { html: `${BASE}/critics/builder`, api: `${BASE}/api/v1/critics/builder` });
      await getError('/api/v1/critics/buildr', 404, 'not_found', /^No critic "buildr"\. Did you mean: builder\?$/);
      await getError('/api/v1/critics/Builder!', 400, 'invalid', /^id: /);
    });

    test('the seed comparison: decision table, scorecard with picks, overall pick SmolVLM2', async () => {
      const c = await getJson('/api/v1/compare?tools=karpathy-coding-skills,smolvlm2', 200, comparisonSchema);
      assert.deepEqual(c.tools.map((t) => t.slug), ['karpathy-coding-skills', 'smolvlm2']);
      assert.deepEqual(c.tools.map((t) => t.panel.shipPct), [75, 100]);
      const row = (label: string) => c.decisionTable.find((r) => r.label === label)?.values;
      assert.deepEqual(row('Panel verdict'), ['Ship · 3 ship / 1 skip · avg 71.3', 'Ship · 4 ship / 0 skip · avg 83.3']);
      assert.deepEqual(row('Critic picks'), ['1 of 5', '4 of 5']);
      assert.deepEqual(row('Mean score'), ['71.3', '83.3']);
      assert.deepEqual(row('Panel ship %'), ['75%', '100%']);
      // The votes cast in the summary test show up here: the comparison is given the vote counts.
      assert.deepEqual(row('Community'), ['Skip · 1 ship / 11 skip · 12 votes', 'No community votes yet']);
      assert.match(c.rule, /^Each critic picks the tool they scored highest, if they would ship it/);
      assert.deepEqual(c.overall.kind === 'tool' && [c.overall.tool, c.overall.reason], ['smolvlm2', 'picks']);
      assert.match(c.overall.text, /^SmolVLM2: picked by \d of \d critics$/);
      const smolPicks = c.picks.find((p) => p.tool === 'smolvlm2')!.critics;
      assert.equal(smolPicks, c.scorecard.filter((r) => r.pick.kind === 'tool' && r.pick.tool === 'smolvlm2').length);
      assert.ok(c.scorecard.every((r) => r.cells.length === 2));
      assert.deepEqual(c.links, {
        html: `${BASE}/compare/karpathy-coding-skills-vs-smolvlm2`,
        image: `${BASE}/og/compare/karpathy-coding-skills-vs-smolvlm2.png`,
      });
      const reversed = await getJson('/api/v1/compare?tools=smolvlm2,karpathy-coding-skills', 200, comparisonSchema);
      assert.deepEqual(reversed.tools.map((t) => t.slug), ['smolvlm2', 'karpathy-coding-skills'], 'keeps the order asked for');
      assert.equal(reversed.links.html, c.links.html, 'links to the canonical pair');
      const three = await getJson('/api/v1/compare?tools=cursor,aider,continue', 200, comparisonSchema);
      assert.equal(three.tools.length, 3);
      assert.equal(three.links.html, `${BASE}/compare?tools=cursor,aider,continue`);
      assert.equal(three.links.image, undefined);
    });

    test('bad comparisons: 400 for the wrong number of tools, 404 with "Did you mean" for unknown ones', async () => {
      await getError('/api/v1/compare', 400, 'invalid', /^tools: /);
      await getError('/api/v1/compare?tools=', 400, 'invalid', /^tools: /);
      await getError('/api/v1/compare?tools=cursor', 400, 'invalid', /2 to 4/);
      await getError('/api/v1/compare?tools=cursor,cursor', 400, 'invalid', /2 to 4/);
      await getError('/api/v1/compare?tools=cursor,aider,continue,v0,claude', 400, 'invalid', /2 to 4/);
      await getError('/api/v1/compare?tools=cursor,smolvlm', 404, 'not_found', /^No tool "smolvlm"\. Did you mean: smolvlm2\?$/);
    });

    test('API responses carry an ETag and answer If-None-Match with 304; CORS allows reads from anywhere', async () => {
      const path = '/api/v1/tools/smolvlm2';
      const first = await s.get(path);
      await first.arrayBuffer();
      const etag = first.headers.get('etag');
      assert.ok(etag, 'has an ETag');
      assert.equal(first.headers.get('access-control-allow-origin'), '*');
      const second = await s.get(path);
      assert.equal(second.headers.get('etag'), etag);
      assert.equal(await second.text(), JSON.stringify(await (await s.get(path)).json()));
      const revalidated = await s.get(path, { headers: { 'if-none-match': etag! } });
      assert.equal(revalidated.status, 304);
      assert.equal(await revalidated.text(), '');
      const cors = await s.get(path, { headers: { origin: 'https://elsewhere.example' } });
      assert.equal(cors.headers.get('access-control-allow-origin'), '*');
      const preflight = await s.get(path, {
        method: 'OPTIONS',
        headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
      });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/);
      assert.doesNotMatch(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      // Errors are not cached.
      const missing = await s.get('/api/v1/tools/nope');
      assert.equal(missing.headers.get('etag'), null);
    });

    test('the OpenAPI document is valid OpenAPI 3.1, lists every /api/v1 path, and each path answers', async () => {
      const res = await s.get('/api/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(res.headers.get('etag'));
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const doc = (await res.json()) as {
        openapi: string;
        servers: { url: string }[];
        paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>>;
        components: { schemas: Record<string, unknown> };
      };
      assert.match(doc.openapi, /^3\.1\./);
      const result = await validate(structuredClone(doc) as never);
      assert.ok(result.valid, compileErrors(result));
      assert.equal(doc.servers[0]?.url, `${BASE}/api/v1`);
      assert.deepEqual(Object.keys(doc.paths).sort(), [...API_PATHS].sort());
      assert.deepEqual(
        [...API_PATHS].sort(),
        ['/compare', '/critics', '/critics/{id}', '/tools', '/tools/{slug}', '/tools/{slug}/reviews', '/tools/{slug}/summary'],
      );
      for (const name of ['Tool', 'ToolDetail', 'ToolPage', 'Review', 'Critic', 'Comparison', 'Error', 'PanelSummary', 'CommunitySummary']) {
        assert.ok(doc.components.schemas[name], `components.schemas.${name}`);
      }
      // Every documented operation exists at the server URL, and documents its 200 and error responses.
      const prefix = new URL(doc.servers[0]!.url).pathname;
      const examples: Record<string, string> = { slug: 'smolvlm2', id: 'builder' };
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          assert.equal(method, 'get');
          assert.ok(op.responses['200'], `${path} documents 200`);
          const query = path === '/compare' ? '?tools=karpathy-coding-skills,smolvlm2' : '';
          const real = prefix + path.replace(/\{(\w+)\}/g, (_, p: string) => examples[p]!) + query;
          const r = await s.get(real);
          assert.equal(r.status, 200, real);
          await r.arrayBuffer();
          if (op.parameters?.length) assert.ok(op.responses['400'], `${path} documents 400`);
        }
      }
    });
  });
}
