import type { Context } from 'hono';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import type { ToolRow } from '../../db/types.js';
import { cacheable } from '../http.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { ComparePage, ComparePicker, compareTitle, QUESTION } from '../components/compare-view.js';
import { criticOrder } from '../components/tool-helpers.js';
import { closeMatches, compareBySlugs, loadComparables, withPanels } from '../../catalog/catalog.service.js';
import { alternativesTo, findToolsBySlugs, listToolChoices, listTools } from '../../catalog/tools.repo.js';
import { COMPARE_RULE, compareProblem, MAX_COMPARE, overallText } from '../../domain/compare.js';
import { excerpt } from '../../domain/text.js';
import { pairSplits, urls } from '../../urls.js';

const SELECT_LIMIT = 1000;

/** The tools named by `?tools=a,b&tools=c`: comma lists and repeated params alike; empty picker fields dropped. */
export function toolsParam(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

export function registerComparePages(app: App, site: Site): void {
  app.get('/compare', cacheable, async (c) => {
    const slugs = toolsParam(c.req.queries('tools'));
    if (slugs.length === 0) return c.html(await pickerPage(site, []));

    const problem = compareProblem(slugs);
    if (problem?.kind === 'duplicate') return badRequest(c, site, `"${excerpt(problem.slug, 80)}" is listed twice. ${COMPARE_RULE}.`);
    if (problem?.kind === 'too-many') return badRequest(c, site, `Compare takes at most ${MAX_COMPARE} tools at once; this asks for ${problem.count}.`);

    const rows = await toolChoices(site);
    const known = new Set(rows.map((r) => r.slug));
    const unknown = slugs.filter((s) => !known.has(s));
    if (unknown.length) return c.html(await unknownPage(site, slugs, unknown), 404, { 'cache-control': 'no-store' });

    const first = rows.find((r) => r.slug === slugs[0])!;
    if (slugs.length === 1) return c.html(await pickerPage(site, slugs, `Pick at least one more tool to compare with ${first.name}.`));
    // Two tools have one address; the picker and "compare with…" forms land here first.
    if (slugs.length === 2) return c.redirect(urls.compare([slugs[0]!, slugs[1]!]), 301);
    return c.html(await comparisonPage(site, slugs));
  });

  app.get('/compare/:pair', cacheable, async (c) => {
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
    const rows = await toolChoices(site);
    const known = new Set(rows.map((r) => r.slug));
    const valid = splits.filter(([a, b]) => known.has(a) && known.has(b));
    if (valid.length === 0) {
      // Report on the most plausible reading: the cut where one side is a real tool, else the first cut.
      const [a, b] = splits.find(([x, y]) => known.has(x) || known.has(y)) ?? splits[0]!;
      return c.html(await unknownPage(site, [a, b], [a, b].filter((s) => !known.has(s))), 404, { 'cache-control': 'no-store' });
    }
    const [a, b] = valid.find(([x, y]) => x < y) ?? valid[0]!;
    if (a === b) return badRequest(c, site, `That compares ${rows.find((r) => r.slug === a)?.name ?? a} with itself. Pick a second, different tool.`, a);
    if (a > b) return c.redirect(urls.compare([a, b]), 301);
    return c.html(await comparisonPage(site, [a, b]));
  });
}

/** Every tool's slug, name and category: the pick lists, and which slugs exist. */
export const toolChoices = (site: Site) => site.perVersion('tool-choices', () => listToolChoices(site.store.db));

async function comparisonPage(site: Site, slugs: string[]): Promise<string> {
  const db = site.store.db;
  // Each tool's panel is loaded once per data version, so any new pairing of known tools renders without a query.
  const cached = (list: readonly string[]) => Promise.all(list.map((s) => site.perVersion(`comparable:${s}`, async () => (await loadComparables(db, [s]))[0]!)));
  const [{ comparison, tools }, everyone] = await Promise.all([compareBySlugs(db, slugs, criticOrder(site.critics), cached), toolChoices(site)]);
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
    <ComparePage comparison={comparison} tools={tools} critics={site.critics} threshold={site.config.shipThreshold} everyone={everyone} />,
  );
}

async function pickerPage(site: Site, preselected: string[], notice?: string): Promise<string> {
  const everyone = await listTools(site.store.db, { limit: SELECT_LIMIT });
  return renderPage(
    site,
    {
      title: 'Compare AI tools',
      description: `${QUESTION} Compare two to four AI tools: panel verdicts side by side, every critic's score and pick, and an overall pick.`,
      path: urls.compare(),
      nav: 'compare',
      noindex: preselected.length > 0,
    },
    <ComparePicker everyone={everyone} preselected={preselected} suggestions={await suggestedPairs(site, everyone)} notice={notice} />,
  );
}

/**
 * One head-to-head per category: its most-reviewed tool (then higher mean score, then name) against its closest
 * alternative, a tool doing the same job (alternativesTo), so no pair is "Suno vs Whisper". One query per category.
 */
async function suggestedPairs(site: Site, everyone: ToolRow[]): Promise<[ToolRow, ToolRow][]> {
  const items = await withPanels(site.store.db, everyone);
  const byCategory = new Map<string, typeof items>();
  for (const it of items) byCategory.set(it.tool.category, [...(byCategory.get(it.tool.category) ?? []), it]);
  const takes = (it: (typeof items)[number]) => it.summary.ships + it.summary.skips;
  const pairs: [ToolRow, ToolRow][] = [];
  const seen = new Set<string>();
  for (const [, list] of [...byCategory.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    const ranked = [...list].sort(
      (x, y) => takes(y) - takes(x) || (y.summary.meanScore ?? -1) - (x.summary.meanScore ?? -1) || x.tool.name.localeCompare(y.tool.name),
    );
    for (const lead of ranked.slice(0, 3)) {
      const other = (await alternativesTo(site.store.db, lead.tool, 4)).find((a) => !seen.has([lead.tool.slug, a.slug].sort().join(' ')));
      if (!other) continue;
      seen.add([lead.tool.slug, other.slug].sort().join(' '));
      pairs.push([lead.tool, other]);
      break;
    }
  }
  return pairs;
}

/** 404 for unknown slugs, with close matches as links to the comparison they probably meant. */
async function unknownPage(site: Site, slugs: string[], unknown: string[]): Promise<string> {
  const every = await toolChoices(site);
  const matches = new Map(unknown.map((u) => [u, closeMatches(u, every.map((t) => t.slug))]));
  const names = new Map(every.map((t) => [t.slug, t.name]));
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
        <a href={urls.compare()}>Pick the tools from a list instead</a>
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
