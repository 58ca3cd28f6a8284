import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './helpers/db.js';
import { CRITIC_IDS, toolDoc, words } from './helpers/fixtures.js';
import { startTestSite, type TestSite } from './helpers/web.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { addReview } from '../src/catalog/reviews.repo.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';
import { toolsParam } from '../src/web/pages/compare.page.js';
import { pairSplits } from '../src/urls.js';
import { refreshVoteCounts } from '../src/catalog/figures.repo.js';
import { excerpt } from '../src/domain/text.js';

const XSS = '<script>alert(1)</script>';
/** The text of every verdict chip on a page, in order (each chip's <span> read to its matching close). */
const chips = (html: string) =>
  [...html.matchAll(/<span class="verdict verdict-chip">/g)].map((m) => {
    let depth = 0;
    const re = /<(\/?)span\b[^>]*>/g;
    re.lastIndex = m.index!;
    for (let t = re.exec(html); t; t = re.exec(html)) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) return html.slice(m.index!, t.index).replace(/<[^>]+>/g, '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
    }
    return '';
  });
const SEED = '/compare/karpathy-coding-skills-vs-smolvlm2';

test('pair URLs split at every "-vs-", and tool lists accept commas and repeats', () => {
  assert.deepEqual(pairSplits('a-vs-b'), [['a', 'b']]);
  assert.deepEqual(pairSplits('ab-vs-cd-vs-ef'), [['ab', 'cd-vs-ef'], ['ab-vs-cd', 'ef']]);
  assert.deepEqual(pairSplits('-vs-b'), []);
  assert.deepEqual(pairSplits('cursor'), []);
  assert.deepEqual(toolsParam(['a,b', 'C', '', ' d ']), ['a', 'b', 'c', 'd']);
  assert.deepEqual(toolsParam(undefined), []);
  assert.equal(excerpt('Short take.', 170, { firstSentence: true }), 'Short take.');
  assert.ok(excerpt(words(80), 170, { firstSentence: true }).length <= 170);
});

/** The text of an element's inner HTML up to its closing tag (good enough for these flat fragments). */
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no #${id}`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
};

for (const { dialect, skip } of DIALECTS) {
  describe(`tool and compare pages (${dialect})`, { skip }, () => {
    let site: TestSite;
    let page: (path: string) => Promise<{ status: number; html: string; res: Response }>;

    before(async () => {
      site = await startTestSite(dialect);
      page = async (path) => {
        const res = await site.get(path);
        return { status: res.status, html: await res.text(), res };
      };
      const db = site.store.db;
      // A hostile tool and take, a slug that itself contains "-vs-", and a tool with an earlier revision.
      await importTools(
        db,
        parseImport(
          {
            tools: [
              toolDoc('xss-tool', {
                name: `Evil "<b>Tool</b>"`,
                tagline: `Tagline ${XSS}`,
                description: `Description ${XSS}`,
                tags: ['<img src=x onerror=alert(1)>'],
                reviews: [{ critic: 'builder', score: 70, verdict: 'ship', take: `${words(25)} ${XSS}` }, { critic: 'skeptic', abstain: true, reason: `Reason ${XSS}` }],
              }),
              toolDoc('ab-vs-cd', { name: 'AB vs CD', category: 'Odd Names', reviews: [{ critic: 'builder', score: 50, verdict: 'skip', take: words(30) }] }),
            ],
          },
          { threshold: 60, critics: CRITIC_IDS },
        ),
      );
      const cursor = (await findToolBySlug(db, 'cursor'))!;
      // addReview, as the panel writes: the stored figures the search sorts by move with it.
      await addReview(db, {
        toolId: cursor.id,
        critic: 'builder',
        kind: 'take',
        score: 91,
        verdict: 'ship',
        take: `Rerun by the panel. ${words(30, 'fresh')}`,
        reason: null,
        origin: 'panel',
        importSource: null,
        author: null,
        runId: null,
        model: 'test-model-7b',
        promptVersion: 'panel-v1+builder.abcd1234',
        inputTokens: 10,
        outputTokens: 20,
        latencyMs: 30,
        createdAt: new Date().toISOString(),
      });
      // Aider's panel says Ship; three voters say Skip.
      const aider = (await findToolBySlug(db, 'aider'))!;
      const now = new Date().toISOString();
      await db
        .insertInto('votes')
        .values(['v1', 'v2', 'v3'].map((voterId) => ({ toolId: aider.id, voterId, vote: 'skip' as const, createdAt: now, updatedAt: now })))
        .execute();
      // Claude (the panel says Ship) gets a crowd past MIN_VOTES that mostly skips: 2 ship, 10 skip.
      const claude = (await findToolBySlug(db, 'claude'))!;
      await db
        .insertInto('votes')
        .values(Array.from({ length: 12 }, (_, i) => ({ toolId: claude.id, voterId: `c${i}`, vote: i < 2 ? ('ship' as const) : ('skip' as const), createdAt: now, updatedAt: now })))
        .execute();
      // Written straight to the table, so recount as a vote's transaction does.
      await refreshVoteCounts(db, [aider.id, claude.id]);
      await site.site.refreshVersion();
    });
    after(() => site?.close());

    test('tool page: what it is, verdicts, chart, every critic, history, neighbours, compare form, badge', async () => {
      const { status, html, res } = await page('/tools/karpathy-coding-skills');
      assert.equal(status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /public/);
      assert.match(html, /<h1>Karpathy Coding Skills<\/h1>/);
      assert.match(html, /<title>Karpathy Coding Skills: A drop-in CLAUDE\.md[^<]*· Verdict<\/title>/);
      assert.match(html, /<meta name="description" content="A drop-in CLAUDE\.md[^"]*Panel verdict: Ship · 3 ship \/ 1 skip · avg 71\.3\."/);
      // The one verdict chip, its parts named; no separate "mean score" wording.
      assert.deepEqual(chips(html)[0], 'Ship · 3 ship / 1 skip · avg 71.3');
      assert.ok(!html.includes('mean score 71.3'));
      assert.ok(html.includes('No community votes yet'));
      assert.ok(html.includes('property="og:image" content="http://verdict.test/og/tools/karpathy-coding-skills.png"'));
      // Pricing and links.
      assert.match(html, /<dt>Model<\/dt><dd>Free<\/dd>/);
      assert.match(html, /<dt>Licence<\/dt><dd><span class="muted">Not stated<\/span><\/dd>/);
      assert.ok(html.includes('href="https://github.com/forrestchang/andrej-karpathy-skills"'));
      assert.ok(html.includes('>claude-code</a>'), 'tags');
      // The chart: an accessible SVG with the ship line and the abstention.
      const chart = html.slice(html.indexOf('<svg role="img"'), html.indexOf('</svg>', html.indexOf('<svg role="img"')));
      assert.ok(chart.length > 0, 'chart SVG present');
      assert.match(chart, /aria-labelledby="panel-chart-title panel-chart-desc"/);
      assert.match(chart, /<desc id="panel-chart-desc">Panel scores for Karpathy Coding Skills out of 100, ship line at 60: Builder 80 \(ship\), Skeptic 45 \(skip\)/);
      assert.ok(chart.includes('Ship line 60'));
      assert.ok(chart.includes('No panel take'));
      assert.ok(chart.includes('sc-bar sc-skip'));
      // Every critic's card, in panel order, linking to the critic; the abstention with its reason.
      const cards = [...html.matchAll(/<h3 id="critic-([a-z]+)"><a href="\/critics\/\1">([^<]+)<\/a>/g)].map((m) => m[2]);
      assert.deepEqual(cards, ['Builder', 'Skeptic', 'Futurist', 'Creator', 'Founder']);
      assert.ok(html.includes('No panel take</span><p class="reason">A free community instruction file with no product, buyer or business model to evaluate.</p>'));
      assert.ok(html.includes('Demo review · imported on <time'));
      assert.ok(!html.includes('human-written'));
      assert.match(html, /Not reviewed yet by <a href="\/critics\/[a-z]+">/);
      // History: none yet for this tool.
      assert.ok(section(html, 'history-title').includes('No earlier revisions'));
      // Neighbours in the same category (ToolCards, at most six, not itself) and direct compare links.
      const related = section(html, 'related-title');
      const cardsRelated = related.match(/class="card tool-card"/g) ?? [];
      assert.ok(cardsRelated.length >= 1 && cardsRelated.length <= 6, `${cardsRelated.length} neighbours`);
      assert.ok(!related.includes('href="/tools/karpathy-coding-skills"'));
      // Head to head with tools doing the same job (shared tags), not the whole category.
      assert.ok(section(html, 'compare-title').includes('href="/compare/claude-code-vs-karpathy-coding-skills"'));
      // The compare form is a search (a GET form without JS), never a list of the catalog.
      const form = section(html, 'compare-title');
      assert.match(form, /<form class="tool-search" action="\/compare" method="get" data-tool-search=""><input type="hidden" name="tools" value="karpathy-coding-skills"\/>/);
      assert.match(form, /<input id="compare-with" type="search" name="add" required=""/);
      assert.ok(!html.includes('<select') && !html.includes('<option'), 'no pick list');
      // The badge and its snippet.
      assert.ok(html.includes('<img src="/badge/karpathy-coding-skills.svg"'));
      // (<wbr> after each path slash lets the snippet wrap there; it is not part of the copied text.)
      assert.ok(
        html.replaceAll(/<wbr\s*\/?>/g, '').includes(
          '&lt;a href=&quot;http://verdict.test/tools/karpathy-coding-skills&quot;&gt;&lt;img src=&quot;http://verdict.test/badge/karpathy-coding-skills.svg&quot; alt=&quot;Verdict: Karpathy Coding Skills',
        ),
      );
    });

    test('tool page: the seed tool with every take a ship', async () => {
      const { status, html } = await page('/tools/smolvlm2');
      assert.equal(status, 200);
      assert.equal(chips(html)[0], 'Ship · 4 ship / 0 skip · avg 83.3');
      assert.match(html, /<p class="tool-best-for"><strong>Best for:<\/strong> Image and video understanding on-device<\/p>/);
      assert.ok(html.includes('A model for developers to build on; there is no writing, design or publishing workflow to judge until an app wraps it.'));
      assert.ok(!html.includes('<script>alert'), 'a hostile neighbour is escaped too');
    });

    test('tool page: review history names who wrote each revision, and when', async () => {
      const { html } = await page('/tools/cursor');
      const history = section(html, 'history-title');
      assert.match(history, /<details class="history"><summary>1 earlier revision from 1 critic<\/summary>/);
      assert.ok(history.includes('href="/critics/builder"'));
      assert.match(history, /Demo review · imported on <time datetime="[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}<\/time>/);
      // The current card is the panel run's, with its model and prompt version.
      assert.ok(html.includes('test-model-7b · prompt panel-v1+builder.abcd1234'));
      assert.ok(html.includes('Rerun by the panel.'));
    });

    test('tool page: critics and community disagree only past MIN_VOTES, in the panel\'s wording', async () => {
      const { html } = await page('/tools/claude');
      assert.ok(html.includes('Skip · 2 ship / 10 skip · 12 votes'));
      assert.ok(
        html.includes('Critics and community disagree: the panel says Ship · 6 ship / 0 skip, voters say Skip · 2 ship / 10 skip (12 votes; shown from 10 votes).'),
      );
      // Three skips on a Ship tool are not a crowd: no label, no disagreement.
      const few = await page('/tools/aider');
      assert.ok(few.html.includes('3 votes so far · 0 ship / 3 skip'));
      assert.ok(!/Critics and community disagree/.test(few.html));
      const calm = await page('/tools/smolvlm2');
      assert.ok(!/Critics and community disagree/.test(calm.html));
    });

    test('tool page: alternatives do the same job; a tool with none says so', async () => {
      const cursor = await page('/tools/cursor');
      const alt = section(cursor.html, 'alternatives-title');
      assert.ok(alt.includes('Alternatives to Cursor'), alt);
      const names = [...alt.matchAll(/<h3><a href="\/tools\/([^"]+)">/g)].map((m) => m[1]);
      assert.equal(names[0], 'github-copilot', 'most shared tags first');
      assert.ok(!names.includes('bolt-new') && !names.includes('langchain') && !names.includes('smolvlm2'), names.join());
      assert.ok(alt.includes('href="/compare/cursor-vs-github-copilot"'));
      // SmolVLM2 shares a broad category with bolt.new and LangChain, but not a job.
      const smol = await page('/tools/smolvlm2');
      assert.ok(section(smol.html, 'alternatives-title').includes('Nothing else in the catalog does the same job yet'), section(smol.html, 'alternatives-title'));
      const box = section(smol.html, 'compare-title');
      assert.ok(!box.includes('Or head to head with') && !box.includes('bolt-new-vs-smolvlm2') && !box.includes('langchain-vs-smolvlm2'), box);
      // Whisper and Suno share the "audio" tag and a category: still different jobs.
      assert.ok(!section((await page('/tools/whisper')).html, 'alternatives-title').includes('/tools/suno'));
    });

    test('tool page: unknown slug is a 404 that suggests close matches', async () => {
      const { status, html, res } = await page('/tools/smolvlm');
      assert.equal(status, 404);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(html.includes('There is no tool &quot;smolvlm&quot; in the catalog.'));
      assert.ok(html.includes('<a href="/tools/smolvlm2">SmolVLM2</a>'));
      const upper = await site.get('/tools/SmolVLM2');
      assert.equal(upper.status, 301);
      assert.equal(upper.headers.get('location'), '/tools/smolvlm2');
    });

    test('tool page: ETag and If-None-Match answer 304', async () => {
      const first = await site.get('/tools/smolvlm2');
      const etag = first.headers.get('etag');
      assert.ok(etag);
      await first.arrayBuffer();
      const again = await site.get('/tools/smolvlm2', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get('etag'), etag);
    });

    test('compare: the seed comparison, exactly', async () => {
      const { status, html, res } = await page(SEED);
      assert.equal(status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /public/);
      assert.ok(res.headers.get('etag'));
      assert.match(html, /<title>Karpathy Coding Skills vs SmolVLM2 · Verdict<\/title>/);
      assert.ok(html.includes(`<link rel="canonical" href="http://verdict.test${SEED}"/>`));
      assert.ok(html.includes(`content="http://verdict.test/og${SEED}.png"`));
      assert.ok(html.includes('Which one should you ship with?'));
      // The decision table, side by side, in URL order.
      const table = html.slice(html.indexOf('<table class="decision-table'), html.indexOf('</table>', html.indexOf('<table class="decision-table')));
      const row = (label: string) => {
        const m = table.match(new RegExp(`<th scope="row">${label}</th>(.*?)</tr>`));
        assert.ok(m, label);
        return [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((x) => x[1]!.replace(/<[^>]+>/g, '').replace(/\u00a0/g, ' '));
      };
      // The table's chip leaves the mean to its own row, two rows down.
      assert.deepEqual(row('Panel verdict'), ['Ship · 3 ship / 1 skip', 'Ship · 4 ship / 0 skip']);
      assert.ok(table.includes('<span class="pill pill-ship">Ship</span>'), 'the chip\'s pill: the label alone, no bare percentage');
      // Each cell names its tool (a phone shows three or four tools two to a row).
      assert.match(table, /<td data-label="Karpathy Coding Skills">/);
      // Every figure the rule uses is a row; the winner's figures, and only those, carry the lead colour.
      assert.deepEqual(row('Critic picks'), ['1 of 5', '4 of 5']);
      assert.deepEqual(row('Mean score'), ['71.3', '83.3']);
      assert.match(table, /<th scope="row">Critic picks<\/th><td data-label="Karpathy Coding Skills"><span class="big-num">1 of 5<\/span><\/td><td data-label="SmolVLM2" class="lead-cell">/);
      assert.deepEqual(row('Panel ship %'), ['75%', '100%']);
      assert.deepEqual(row('Best for'), ['Steering a coding agent with house rules', 'Image and video understanding on-device']);
      // No votes on either tool: no row of "No community votes yet" (the cards above say it).
      assert.ok(!table.includes('<th scope="row">Community</th>'));
      assert.deepEqual(row('Pricing'), ['Free', 'Free (open source, Apache-2.0)']);
      assert.deepEqual(row('Category'), ['Developer Tools', 'Developer Tools']);
      // Critic by critic: only critics who reviewed at least one of them, in panel order.
      const critics = html.slice(html.indexOf('<table class="critic-table'), html.indexOf('</table>', html.indexOf('<table class="critic-table')));
      const rows = [...critics.matchAll(/<tr><th scope="row"><a href="\/critics\/([a-z]+)">(.*?)<\/tr>/g)].map((m) => ({ id: m[1]!, body: m[2]! }));
      assert.deepEqual(rows.map((r) => r.id), ['builder', 'skeptic', 'futurist', 'creator', 'founder']);
      const cells = (id: string) => [...rows.find((r) => r.id === id)!.body.matchAll(/<td data-label="([^"]+)"(?: class="([^"]+)")?>(.*?)<\/td>/g)].map((m) => ({ label: m[1], picked: m[2] === 'picked', text: m[3]! }));
      const founder = cells('founder');
      assert.equal(founder[0]!.label, 'Karpathy Coding Skills');
      assert.ok(founder[0]!.text.includes('No panel take'));
      assert.ok(founder[0]!.text.includes('A free community instruction file'));
      assert.ok(founder[1]!.picked);
      const creator = cells('creator');
      assert.ok(creator[1]!.text.includes('No panel take'));
      assert.ok(creator[1]!.text.includes('there is no writing, design or publishing workflow'));
      assert.ok(creator[0]!.picked, 'a take beats no take');
      const builder = cells('builder');
      assert.ok(builder[0]!.text.includes('<span class="score-num">80'));
      assert.ok(builder[1]!.text.includes('<span class="score-num">88'));
      assert.ok(builder[1]!.picked && !builder[0]!.picked);
      assert.ok(builder[1]!.text.includes('<details class="full-take"><summary>Read the full take</summary>'));
      assert.equal(builder[2]!.label, 'Pick');
      assert.ok(builder[2]!.text.includes('Builder picks </span>SmolVLM2'));
      assert.ok(cells('creator')[2]!.text.includes('Creator picks </span>Karpathy Coding Skills'));
      assert.ok(!critics.includes('/critics/guardian') && !critics.includes('/critics/researcher'), 'critics who reviewed neither are not listed');
      // The pick is said once, and the rule is folded under it.
      assert.ok(html.includes('<p class="compare-lead"><span class="compare-lead-pick">Pick: <strong>SmolVLM2</strong></span> — 4 of 5 critics, avg 83.3 vs 71.3</p>'));
      assert.ok(html.includes('<details class="decision-rule small"><summary>How the pick is made</summary><p>Each critic picks the tool they scored highest, if they would ship it'));
      assert.equal(html.split('SmolVLM2: picked by').length - 1, 3, 'only in the three meta descriptions');
      // A coding-rules file and a vision model: the page says they do different jobs.
      assert.match(html, /<p class="notice different-jobs">These tools do different jobs/);
    });

    test('compare: Cursor vs v0 vs bolt.new — the pick agrees with the figures, and a critic who skips all gets no Pick', async () => {
      const { status, html } = await page('/compare?tools=bolt-new,cursor,v0');
      assert.equal(status, 200);
      const table = html.slice(html.indexOf('<table class="decision-table'), html.indexOf('</table>', html.indexOf('<table class="decision-table')));
      const row = (label: string) => [...table.match(new RegExp(`<th scope="row">${label}</th>(.*?)</tr>`))![1]!.matchAll(/<td([^>]*)>(.*?)<\/td>/g)].map((x) => ({ lead: x[1]!.includes('lead-cell'), text: x[2]!.replace(/<[^>]+>/g, '') }));
      assert.deepEqual(row('Critic picks').map((c) => c.text), ['0 of 7', '3 of 7', '1 of 7']);
      assert.deepEqual(row('Mean score').map((c) => c.text), ['54', '69', '62.3'], "Cursor's Builder was rerun at 91");
      // Only the pick's deciding figure is coloured; the ship % row no longer points at v0.
      assert.deepEqual(row('Critic picks').map((c) => c.lead), [false, true, false]);
      assert.ok(!row('Panel ship %').some((c) => c.lead));
      assert.ok(html.includes('Pick: <strong>Cursor</strong></span> — 3 of 7 critics, avg 69 vs bolt.new 54, v0 62.3</p>'));
      const critics = html.slice(html.indexOf('<table class="critic-table'), html.indexOf('</table>', html.indexOf('<table class="critic-table')));
      const skeptic = critics.slice(critics.indexOf('/critics/skeptic'), critics.indexOf('</tr>', critics.indexOf('/critics/skeptic')));
      assert.ok(!skeptic.includes('pick-badge'), 'no Pick badge on a Skip');
      assert.ok(skeptic.includes('No pick · skips all'));
      assert.ok(skeptic.includes('would rather have Cursor (higher score)'));
      const guardian = critics.slice(critics.indexOf('/critics/guardian'), critics.indexOf('</tr>', critics.indexOf('/critics/guardian')));
      assert.ok(!guardian.includes('pick-badge') && guardian.includes('would rather have v0 (higher score)'));
      // Every Pick badge sits on a Ship.
      const picked = critics.match(/<td data-label="[^"]+" class="picked">.*?<\/td>/g) ?? [];
      assert.ok(picked.length > 0, 'some critic picks a tool');
      for (const cell of picked) assert.ok(cell.includes('pill-ship'), cell);
      // Cursor is an editor; v0 and bolt.new build web apps.
      assert.ok(html.includes('Cursor does a different job from the others'));
      // A fourth tool with even picks: the deciding mean score is in the table and in the text.
      const four = await page('/compare?tools=bolt-new,claude-code,cursor,v0');
      assert.ok(four.html.includes('Pick: <strong>Cursor</strong></span> — 2 of 7 critics each, so the higher mean score decides: avg 69 vs bolt.new 54, Claude Code 68.3, v0 62.3'), 'four-tool text');
      assert.match(four.html, /<th scope="row">Mean score<\/th><td data-label="bolt.new"><span class="big-num">54<\/span><\/td><td data-label="Claude Code"><span class="big-num">68\.3<\/span><\/td><td data-label="Cursor" class="lead-cell"><span class="big-num">69<\/span>/);
    });

    test('one verdict chip, parts named, on every page type; search by mean score shows the mean it sorts by', async () => {
      const home = await page('/');
      assert.ok(chips(home.html).length > 0);
      for (const c of [...chips(home.html), ...chips((await page('/tools/cursor')).html)])
        assert.match(c, /^(Ship|Skip|Split) · \d+ ship \/ \d+ skip · avg \d+(\.\d)?$/, c);
      const search = await page('/tools?sort=score');
      const listed = chips(search.html).map((c) => Number(c.match(/avg ([\d.]+)$/)![1]));
      assert.ok(listed.length >= 10);
      assert.deepEqual(listed, [...listed].sort((a, b) => b - a), 'sorted by the mean score the cards show: ' + chips(search.html).join('\n'));
      assert.equal(chips(search.html)[0], 'Ship · 4 ship / 0 skip · avg 83.3');
      // Critic pages name their figure the same way: "score 47", not a bare "47/100".
      const critic = await page('/critics/skeptic');
      assert.ok(!critic.html.includes('/100</span>'));
      assert.match(critic.html, /<span class="pill pill-(ship|skip)">(Ship|Skip)<\/span> <span class="score">score \d+<\/span>/);
      const cmp = await page(SEED);
      assert.deepEqual(chips(cmp.html).slice(0, 2), ['Ship · 3 ship / 1 skip · avg 71.3', 'Ship · 4 ship / 0 skip · avg 83.3']);
    });

    test('compare: the other order answers 301 to the canonical URL', async () => {
      const res = await site.get('/compare/smolvlm2-vs-karpathy-coding-skills');
      assert.equal(res.status, 301);
      assert.equal(res.headers.get('location'), SEED);
      const upper = await site.get('/compare/SmolVLM2-vs-Karpathy-Coding-Skills');
      assert.equal(upper.status, 301);
    });

    test('compare: slugs that contain "-vs-" still resolve', async () => {
      const ok = await page('/compare/ab-vs-cd-vs-cursor');
      assert.equal(ok.status, 200);
      assert.ok(ok.html.includes('<title>AB vs CD vs Cursor · Verdict</title>'));
      const rev = await site.get('/compare/cursor-vs-ab-vs-cd');
      assert.equal(rev.status, 301);
      assert.equal(rev.headers.get('location'), '/compare/ab-vs-cd-vs-cursor');
    });

    test('compare: three tools from the query, in the order given', async () => {
      const { status, html } = await page('/compare?tools=smolvlm2,karpathy-coding-skills,cursor');
      assert.equal(status, 200);
      assert.ok(html.includes('<title>SmolVLM2 vs Karpathy Coding Skills vs Cursor · Verdict</title>'));
      assert.ok(html.includes('href="http://verdict.test/compare?tools=cursor,karpathy-coding-skills,smolvlm2"'), 'canonical');
      assert.ok(html.includes('<table class="decision-table cols-3">'));
      assert.ok(html.includes('Ship · 4 ship / 0 skip') && html.includes('Ship · 3 ship / 1 skip'));
      // Cursor has a guardian review, so critics appear that skipped the seed tools: they get "Not reviewed yet".
      assert.ok(html.includes('Not reviewed yet'));
      // Repeated params, as the forms send them, work the same.
      const repeated = await page('/compare?tools=smolvlm2&tools=karpathy-coding-skills&tools=cursor');
      assert.equal(repeated.status, 200);
      assert.ok(repeated.html.includes('<title>SmolVLM2 vs Karpathy Coding Skills vs Cursor · Verdict</title>'));
    });

    test('compare: two tools in the query redirect to the pair URL', async () => {
      for (const q of ['?tools=smolvlm2,karpathy-coding-skills', '?tools=karpathy-coding-skills&tools=smolvlm2', '?tools=smolvlm2&tools=karpathy-coding-skills&tools=&tools=']) {
        const res = await site.get(`/compare${q}`);
        assert.equal(res.status, 301, q);
        assert.equal(res.headers.get('location'), SEED);
      }
    });

    test('compare: the picker works without JS', async () => {
      const { status, html } = await page('/compare');
      assert.equal(status, 200);
      assert.match(html, /<form class="tool-search" action="\/compare" method="get" data-tool-search=""><label for="pick-tool">Find the first tool<\/label>/);
      assert.ok(!html.includes('<select') && !html.includes('<option'), 'no pick list');
      assert.match(html, /href="\/compare\/[a-z0-9-]+-vs-[a-z0-9-]+"/);
      // A search offers the matches as links that pick them.
      const found = await page('/compare?add=smol');
      assert.equal(found.status, 200);
      assert.ok(found.html.includes('<a href="/compare?tools=smolvlm2">Pick SmolVLM2</a>'));
      assert.ok(found.html.includes('value="smol"'), 'the search box keeps the words');
      const one = await page('/compare?tools=smolvlm2');
      assert.equal(one.status, 200);
      assert.ok(one.html.includes('Pick at least one more tool to compare with SmolVLM2.'));
      assert.ok(one.html.includes('<input type="hidden" name="tools" value="smolvlm2"/>'));
      // The second pick links straight to the pair; a third adds to the list; what is picked is not offered again.
      const second = await page('/compare?tools=smolvlm2&add=cursor');
      assert.ok(second.html.includes('<a href="/compare/cursor-vs-smolvlm2">Add Cursor</a>'));
      const third = await page('/compare?tools=smolvlm2,cursor&add=smolvlm2');
      assert.ok(!third.html.includes('Add SmolVLM2'));
      assert.ok(third.html.includes('href="/compare?tools=cursor"'), 'remove link');
      const nothing = await page('/compare?add=zzzzqqq');
      assert.ok(nothing.html.includes('No tool matches “zzzzqqq”'));
    });

    test('compare: unknown slugs are a 404 with close matches as links', async () => {
      const { status, html, res } = await page('/compare/karpathy-coding-skills-vs-smolvlm');
      assert.equal(status, 404);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(html.includes('There is no tool &quot;smolvlm&quot; in the catalog'));
      assert.ok(html.includes(`<a href="${SEED}">Karpathy Coding Skills vs SmolVLM2</a>`));
      const q = await page('/compare?tools=cursr,smolvlm2,aider');
      assert.equal(q.status, 404);
      assert.ok(q.html.includes('<a href="/compare?tools=cursor,smolvlm2,aider">Cursor vs SmolVLM2 vs Aider</a>'));
      const none = await page('/compare/nothing-like-this-vs-zzzzzzzz');
      assert.equal(none.status, 404);
      assert.ok(none.html.includes('Search for the tools instead'));
      const noPair = await page('/compare/smolvlm2');
      assert.equal(noPair.status, 404);
      assert.ok(noPair.html.includes('href="/compare?tools=smolvlm2"'));
    });

    test('compare: duplicate or too many slugs are a 400 with a clear message', async () => {
      const dupe = await page('/compare?tools=smolvlm2,cursor,smolvlm2');
      assert.equal(dupe.status, 400);
      assert.ok(dupe.html.includes('&quot;smolvlm2&quot; is listed twice.'));
      const self = await page('/compare/smolvlm2-vs-smolvlm2');
      assert.equal(self.status, 400);
      assert.ok(self.html.includes('That compares SmolVLM2 with itself.'));
      const many = await page('/compare?tools=smolvlm2,cursor,aider,claude-code,ollama');
      assert.equal(many.status, 400);
      assert.ok(many.html.includes('Compare takes at most 4 tools at once; this asks for 5.'));
    });

    test('everything from tools and reviews is escaped', async () => {
      const tool = await page('/tools/xss-tool');
      assert.equal(tool.status, 200);
      assert.ok(tool.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(!tool.html.includes('<script>alert'));
      assert.ok(!tool.html.includes('<b>Tool</b>'));
      assert.ok(!tool.html.includes('<img src=x'));
      assert.ok(tool.html.includes('Reason &lt;script&gt;'), 'abstention reason');
      // The badge snippet is escaped for the page it will be pasted into, then again for this one.
      assert.ok(tool.html.replaceAll(/<wbr\s*\/?>/g, '').includes('alt=&quot;Verdict: Evil &amp;quot;&amp;lt;b&amp;gt;Tool&amp;lt;/b&amp;gt;&amp;quot;'));
      const cmp = await page('/compare/smolvlm2-vs-xss-tool');
      assert.equal(cmp.status, 200);
      assert.ok(cmp.html.includes('&lt;script&gt;'));
      assert.ok(!cmp.html.includes('<script>alert'));
      assert.ok(!cmp.html.includes('<b>Tool</b>'));
      const missing = await page(`/compare?tools=${encodeURIComponent('<script>alert(1)</script>')},smolvlm2`);
      assert.equal(missing.status, 404);
      assert.ok(!missing.html.includes('<script>alert'));
    });
  });
}
