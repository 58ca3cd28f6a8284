// /compare pages: the comparison of 2–4 tools, and the picker that adds tools to it without JavaScript.
import type { Context } from 'hono';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { showsTools } from '../http.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { ComparePage, compareTitle, QUESTION } from '../components/compare-view.js';
import { ComparePicker } from '../components/compare-picker.js';
import { criticOrder } from '../components/tool-helpers.js';
import { compareBySlugs, loadComparables, similarTools } from '../../catalog/catalog.service.js';
import { alternativesTo, categoryLeads, countTools, findToolsBySlugs, type ToolChoice } from '../../catalog/tools.repo.js';
import { suggestTools } from '../../catalog/search.repo.js';
import { COMPARE_RULE, compareProblem, MAX_COMPARE, overallText } from '../../domain/compare.js';
import { excerpt } from '../../domain/text.js';
import { pairSplits, urls } from '../../urls.js';
import { compareFacts } from '../../research/evidence.service.js';

/** Matches the no-JavaScript picker offers for what was typed. */
export const ADD_MATCHES = 12;

/** The tools named by `?tools=a,b&tools=c`: comma lists and repeated params alike; empty picker fields dropped. */
export function toolsParam(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** `?takes=all`: every take in full ("Expand all takes", without JavaScript). */
const takesOf = (c: Context): { takes?: 'all' } => (c.req.query('takes') === 'all' ? { takes: 'all' } : {});

/** Suggestions per request of the picker's combobox. */
export const SUGGEST_LIMIT = 8;

export function registerComparePages(app: App, site: Site): void {
  // The picker's combobox feed: a few matches by name, from the full-text index, cached like a page and by browsers.
  app.get('/api/v1/suggest', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const tools = await suggestTools(site.store.db, q, SUGGEST_LIMIT);
    return c.json({ tools: tools.map((t) => ({ slug: t.slug, name: t.name, category: t.category })) }, 200, { 'cache-control': 'public, max-age=300' });
  });

  app.get('/compare', async (c) => {
    const slugs = toolsParam(c.req.queries('tools'));
    // `add` is what the picker's search box sent (no JavaScript): show matches to add instead of comparing.
    const add = (c.req.query('add') ?? '').trim();
    if (slugs.length === 0 && !add) return c.html(await pickerPage(site, []));

    const problem = compareProblem(slugs);
    if (problem?.kind === 'duplicate') return badRequest(c, site, `"${excerpt(problem.slug, 80)}" is listed twice. ${COMPARE_RULE}.`);
    if (problem?.kind === 'too-many') return badRequest(c, site, `Compare takes at most ${MAX_COMPARE} tools at once; this asks for ${problem.count}.`);

    const rows = await findToolsBySlugs(site.store.db, slugs);
    const bySlug = new Map(rows.map((r) => [r.slug, r]));
    const unknown = slugs.filter((s) => !bySlug.has(s));
    if (unknown.length) return c.html(await unknownPage(site, slugs, unknown), 404, { 'cache-control': 'no-store' });

    const picked = slugs.map((s) => bySlug.get(s)!);
    if (add) return c.html(await pickerPage(site, picked, undefined, add));
    if (slugs.length === 1) return c.html(await pickerPage(site, picked, `Pick at least one more tool to compare with ${picked[0]!.name}.`));
    // Two tools have one address; the picker and "compare with…" forms land here first.
    if (slugs.length === 2) return c.redirect(urls.compare([slugs[0]!, slugs[1]!], takesOf(c)), 301);
    showsTools(c, picked.map((t) => t.id));
    return c.html(await comparisonPage(site, slugs, c.req.query('takes') === 'all'));
  });

  app.get('/compare/:pair', async (c) => {
    const db = site.store.db;
    const pair = c.req.param('pair');
    if (pair !== pair.toLowerCase()) return c.redirect(`/compare/${encodeURIComponent(pair.toLowerCase())}`, 301);
    const splits = pairSplits(pair);
    if (splits.length === 0) {
      const tool = (await findToolsBySlugs(db, [pair]))[0];
      return c.html(
        errorPage(
          site,
          404,
          'A comparison address names two tools, like /compare/first-tool-vs-second-tool.',
          tool ? (
            <p>
              <a href={urls.compare([tool.slug])}>Compare {tool.name} with another tool</a>
            </p>
          ) : (
            <p>
              <a href={urls.compare()}>Pick the tools to compare</a>
            </p>
          ),
        ),
        404,
        { 'cache-control': 'no-store' },
      );
    }
    const rows = await findToolsBySlugs(db, [...new Set(splits.flat())]);
    const known = new Set(rows.map((r) => r.slug));
    const valid = splits.filter(([a, b]) => known.has(a) && known.has(b));
    if (valid.length === 0) {
      // Report on the most plausible reading: the cut where one side is a real tool, else the first cut.
      const [a, b] = splits.find(([x, y]) => known.has(x) || known.has(y)) ?? splits[0]!;
      return c.html(await unknownPage(site, [a, b], [a, b].filter((s) => !known.has(s))), 404, { 'cache-control': 'no-store' });
    }
    const [a, b] = valid.find(([x, y]) => x < y) ?? valid[0]!;
    if (a === b) return badRequest(c, site, `That compares ${rows.find((r) => r.slug === a)?.name ?? a} with itself. Pick a second, different tool.`, a);
    if (a > b) return c.redirect(urls.compare([a, b], takesOf(c)), 301);
    showsTools(c, rows.filter((r) => r.slug === a || r.slug === b).map((r) => r.id));
    return c.html(await comparisonPage(site, [a, b], c.req.query('takes') === 'all'));
  });
}

async function comparisonPage(site: Site, slugs: string[], fullTakes: boolean): Promise<string> {
  const db = site.store.db;
  // Each tool's panel is loaded once per data version (and again after a vote on it), so any new pairing of
  // known tools renders without a query.
  const cached = (list: readonly string[]) =>
    Promise.all(list.map((s) => site.perVersion(`comparable:${s}`, async () => (await loadComparables(db, [s]))[0]!, (t) => [t.tool.id])));
  const { comparison, tools } = await compareBySlugs(db, slugs, criticOrder(site.critics), cached);
  const facts = await site.perVersion(`compare-facts:${tools.map((t) => t.tool.id).join(',')}`, () => compareFacts(db, tools.map((t) => t.tool.id)));
  const title = compareTitle(comparison);
  const verdicts = comparison.tools.map((t, i) => `${t.name}: ${comparison.panels[i]!.text}`).join('; ');
  const pair = slugs.length === 2;
  return renderPage(
    site,
    {
      title,
      description: excerpt(`${QUESTION} ${overallText(comparison)}. ${verdicts}.`, 240),
      path: urls.compare(pair ? slugs : [...slugs].sort()),
      ogImage: pair ? urls.compareImage(slugs[0]!, slugs[1]!) : undefined,
      nav: 'compare',
    },
    <ComparePage comparison={comparison} tools={tools} critics={site.critics} threshold={site.config.shipThreshold} facts={facts} fullTakes={fullTakes} />,
  );
}

async function pickerPage(site: Site, picked: ToolChoice[], notice?: string, add = ''): Promise<string> {
  const db = site.store.db;
  const full = picked.length >= MAX_COMPARE;
  const [total, pairs, found] = await Promise.all([
    site.perVersion('tool-count', () => countTools(db)),
    // Suggested pairs show panel figures only, so they live as long as the data version.
    site.perVersion('suggested-pairs', () => suggestedPairs(db)),
    add && !full ? suggestTools(db, add, ADD_MATCHES + picked.length) : Promise.resolve([]),
  ]);
  const taken = new Set(picked.map((t) => t.slug));
  const matches = found.filter((t) => !taken.has(t.slug)).slice(0, ADD_MATCHES);
  return renderPage(
    site,
    {
      title: add ? `Compare AI tools: “${excerpt(add, 60)}”` : 'Compare AI tools',
      description: `${QUESTION} Compare two to four AI tools: panel verdicts side by side, every critic's score and pick, and an overall pick.`,
      path: urls.compare(),
      nav: 'compare',
      noindex: picked.length > 0 || add !== '',
    },
    <ComparePicker
      total={total}
      picked={picked}
      add={add}
      matches={matches}
      suggestions={pairs}
      notice={notice ?? (full && add ? `Compare takes at most ${MAX_COMPARE} tools at once; remove one to add another.` : undefined)}
    />,
  );
}

/**
 * One head-to-head per category: one of its most-reviewed tools against its closest alternative, a tool doing the
 * same job (alternativesTo), so no pair is "Suno vs Whisper". A few bounded queries per category, once per data version.
 */
async function suggestedPairs(db: Site['store']['db']): Promise<[ToolChoice, ToolChoice][]> {
  const leads = await categoryLeads(db, 3);
  const pairs: [ToolChoice, ToolChoice][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  for (const lead of leads) {
    if (done.has(lead.categorySlug)) continue;
    const other = (await alternativesTo(db, lead, 4)).find((a) => !seen.has([lead.slug, a.slug].sort().join(' ')));
    if (!other) continue;
    seen.add([lead.slug, other.slug].sort().join(' '));
    done.add(lead.categorySlug);
    pairs.push([lead, other]);
  }
  return pairs;
}

/** 404 for unknown slugs, with close matches as links to the comparison they probably meant. */
async function unknownPage(site: Site, slugs: string[], unknown: string[]): Promise<string> {
  const db = site.store.db;
  // Candidates come from a bounded search on the slugs' words, never from every name in the catalog.
  const close = await Promise.all(unknown.map((u) => similarTools(db, u)));
  const matches = new Map(unknown.map((u, i) => [u, close[i]!.map((t) => t.slug)]));
  const named = [...(await findToolsBySlugs(db, slugs.filter((s) => !unknown.includes(s)))), ...close.flat()];
  const names = new Map(named.map((t) => [t.slug, t.name]));
  const quoted = unknown.map((u) => `"${excerpt(u, 80)}"`);
  const message = `There is no tool ${quoted.join(' or ')} in the catalog, so there is nothing to compare yet.`;
  return errorPage(
    site,
    404,
    message,
    <div class="suggestions">
      {unknown.map((u) => {
        const close = matches.get(u)!;
        if (close.length === 0) return <p>Nothing in the catalog is close to “{excerpt(u, 80)}”.</p>;
        return (
          <>
            <p>Instead of “{excerpt(u, 80)}”, did you mean:</p>
            <ul>
              {close.map((m) => {
                const fixed = slugs.map((s) => (s === u ? m : s));
                // Link to the corrected comparison when that fixes everything; else to the tool itself.
                const fixes = new Set(fixed).size === fixed.length && fixed.every((s) => names.has(s));
                return (
                  <li>
                    {fixes ? (
                      <a href={urls.compare(fixed)}>{fixed.map((s) => names.get(s)).join(' vs ')}</a>
                    ) : (
                      <a href={urls.tool(m)}>{names.get(m) ?? m}</a>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        );
      })}
      <p>
        <a href={urls.compare()}>Search for the tools instead</a>
      </p>
    </div>,
  );
}

function badRequest(c: Context, site: Site, message: string, preselect?: string) {
  return c.html(
    errorPage(
      site,
      400,
      message,
      <p>
        <a href={urls.compare(preselect ? [preselect] : [])}>Pick the tools to compare</a>
      </p>,
    ),
    400,
    { 'cache-control': 'no-store' },
  );
}
