/** GET /tools/:slug: loads a tool and what its page shows (panel, history, neighbours, evidence), or a 404 with suggestions. */
import type { App } from '../app.js';
import { ToolPage } from '../components/tool-view.js';
import type { Site } from '../site.js';
import { correctionsOfTool } from '../../community/corrections.repo.js';
import { showsTools } from '../http.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { similarTools, withPanels } from '../../catalog/catalog.service.js';
import { alternativesTo, findToolBySlug, listTools } from '../../catalog/tools.repo.js';
import { reviewHistory } from '../../catalog/reviews.repo.js';
import { chipText, summarizeVotes } from '../../domain/summary.js';
import { excerpt } from '../../domain/text.js';
import { urls } from '../../urls.js';
import { communityCounts } from '../../catalog/tool.js';
import { toolEvidence } from '../../research/evidence.service.js';
import { listingOf } from '../../discovery/candidates.repo.js';

const NEIGHBOURS = 6;
const ALTERNATIVES = 4;

export function registerToolPages(app: App, site: Site): void {
  app.get('/tools/:slug', async (c) => {
    const db = site.store.db;
    const slug = c.req.param('slug');
    const tool = await findToolBySlug(db, slug);
    if (!tool) {
      // "/tools/SmolVLM2" is a typo worth forgiving.
      const lower = slug.toLowerCase();
      if (lower !== slug && (await findToolBySlug(db, lower))) return c.redirect(urls.tool(lower), 301);
      return c.html(await unknownToolPage(site, slug), 404, { 'cache-control': 'no-store' });
    }
    // Its vote counts are the only per-tool figures here: a vote on it drops this page, a vote elsewhere does not.
    showsTools(c, [tool.id]);
    // Independent reads run together (on PostgreSQL each is a round trip).
    const [[item], history, sameCategory, corrections, sameJob, listing] = await Promise.all([
      withPanels(db, [tool]),
      reviewHistory(db, tool.id),
      listTools(db, { categorySlug: tool.categorySlug, limit: NEIGHBOURS + 1 }),
      correctionsOfTool(db, tool.id),
      alternativesTo(db, tool, ALTERNATIVES),
      listingOf(db, tool.id),
    ]);
    const [neighbours, alternatives, evidence] = await Promise.all([
      withPanels(db, sameCategory.filter((t) => t.id !== tool.id).slice(0, NEIGHBOURS)),
      withPanels(db, sameJob),
      toolEvidence(db, tool.id, item!.reviews.map((r) => r.id), [...new Set(history.flatMap((r) => (r.runId ? [r.runId] : [])))]),
    ]);
    const v = communityCounts(tool);
    const community = summarizeVotes(v.ships, v.skips);
    const s = item!.summary;
    const description = excerpt(
      `${tool.tagline.replace(/[.\s]+$/, '')}. Panel verdict: ${chipText(s)}.`,
      200,
    );
    return c.html(
      renderPage(
        site,
        { title: excerpt(`${tool.name}: ${tool.tagline}`, 70), description, path: urls.tool(tool.slug), ogImage: urls.toolImage(tool.slug) },
        <ToolPage site={site} item={item!} community={community} history={history} neighbours={neighbours} alternatives={alternatives} corrections={corrections} evidence={evidence} listing={listing} />,
      ),
    );
  });
}

async function unknownToolPage(site: Site, slug: string): Promise<string> {
  const db = site.store.db;
  const close = await similarTools(db, slug);
  const matches = close.map((t) => t.slug);
  const names = new Map(close.map((r) => [r.slug, r.name]));
  return errorPage(
    site,
    404,
    `There is no tool "${excerpt(slug, 80)}" in the catalog.`,
    <div class="suggestions">
      {matches.length > 0 && (
        <>
          <p>Did you mean:</p>
          <ul>
            {matches.map((m) => (
              <li>
                <a href={urls.tool(m)}>{names.get(m) ?? m}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href={urls.search({ q: slug.replace(/-/g, ' ') })}>Search for “{excerpt(slug.replace(/-/g, ' '), 80)}”</a>
      </p>
    </div>,
  );
}
