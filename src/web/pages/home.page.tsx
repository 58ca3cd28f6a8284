import type { App } from '../app.js';
import type { Site } from '../site.js';
import { cacheable, showsTools } from '../http.js';
import { renderPage } from '../layout.js';
import { withPanels, type ToolWithPanel } from '../../catalog/catalog.service.js';
import { countTools, listTools } from '../../catalog/tools.repo.js';
import { listCategories, type CategoryCount } from '../../catalog/categories.repo.js';
import { ToolSearch } from '../components/tool-search.js';

type ToolName = { slug: string; name: string; categorySlug: string };
import { CategoryChips, SectionHead, ToolGrid } from '../components/lists.js';
import { urls } from '../../urls.js';

export const HOME_LATEST = 12;
const SUGGESTIONS = 4;

export interface Suggestion {
  href: string;
  label: string;
}

/**
 * Comparisons worth a click: each recent tool (newest first) with another tool of its category (people
 * compare like with like), one pair per category, so the suggestions follow what the catalog just gained.
 */
export function suggestComparisons(recent: readonly ToolWithPanel[], all: readonly ToolName[], max = SUGGESTIONS): Suggestion[] {
  const out: Suggestion[] = [];
  const usedCategories = new Set<string>();
  for (const { tool } of recent) {
    if (out.length >= max) break;
    if (usedCategories.has(tool.categorySlug)) continue;
    // Prefer a partner that is also recent (the cards right below), then any tool of the category.
    const partner =
      recent.find((r) => r.tool.categorySlug === tool.categorySlug && r.tool.id !== tool.id)?.tool ??
      all.find((t) => t.categorySlug === tool.categorySlug && t.slug !== tool.slug);
    if (!partner) continue;
    usedCategories.add(tool.categorySlug);
    const [first, second] = tool.slug < partner.slug ? [tool, partner] : [partner, tool];
    out.push({ href: urls.compare([tool.slug, partner.slug]), label: `${first.name} vs ${second.name}` });
  }
  return out;
}

function CompareForm({ suggestions }: { suggestions: Suggestion[] }) {
  return (
    <section class="card compare-start" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two tools</h2>
      <p class="small muted">Side by side: every critic's score, the panel verdict, pricing and community votes.</p>
      <ToolSearch id="compare-1" label="Find a tool to compare" />
      {suggestions.length > 0 && (
        <div class="home-suggestions">
          <h3 class="small">Or try a match-up</h3>
          <ul class="pair-list">
            {suggestions.map((s) => (
              <li>
                <a href={s.href}>{s.label}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function HomePage(p: { site: Site; latest: ToolWithPanel[]; total: number; categories: CategoryCount[]; suggestions: Suggestion[] }) {
  const critics = p.site.critics;
  return (
    <>
      <section class="hero" aria-labelledby="hero-title">
        <div class="hero-text">
          <p class="hero-eyebrow">Independent verdicts on AI tools</p>
          <h1 id="hero-title">Which AI tool should you ship with?</h1>
          <p class="lede">
            A panel of {critics.length} AI critics, each with its own lens, reviews every tool and says <strong>ship</strong> or <strong>skip</strong>. Scores
            and verdicts never contradict each other, and nothing is pay-to-rank.
          </p>
          <p class="hero-links">
            <a class="btn" href={urls.search()}>
              Browse all {p.total} tools
            </a>
            <a class="btn btn-quiet" href={urls.critics}>
              Meet the critics
            </a>
          </p>
          <ul class="critic-strip" aria-label="The panel">
            {critics.map((c) => (
              <li>
                <a href={urls.critic(c.id)}>{c.name}</a>
              </li>
            ))}
          </ul>
        </div>
        <CompareForm suggestions={p.suggestions} />
      </section>

      <section aria-labelledby="latest-title">
        <SectionHead id="latest-title" title="Latest verdicts">
          <a href={urls.search({ sort: 'newest' })}>See all {p.total} tools →</a>
        </SectionHead>
        {p.latest.length ? (
          <ToolGrid items={p.latest} label="Latest verdicts" />
        ) : (
          <p class="notice">No tools yet. Import a catalog with <code>verdict import</code> to get started.</p>
        )}
      </section>

      <section aria-labelledby="categories-title">
        <SectionHead id="categories-title" title="Categories">
          <a href={urls.categories}>All categories →</a>
        </SectionHead>
        <CategoryChips categories={p.categories} />
      </section>

      {/* No newsletter block here: the footer has it on every page, and a second copy would repeat its landmark. */}
    </>
  );
}

export function registerHome(app: App, site: Site): void {
  app.get('/', cacheable, async (c) => {
    const db = site.store.db;
    showsTools(c, []); // no vote counts on this page
    const [rows, total, categories] = await Promise.all([listTools(db, { limit: HOME_LATEST }), countTools(db), listCategories(db)]);
    // Partners for the suggested match-ups: the newest two tools of each category shown (a bounded read, not every name).
    const shown = [...new Set(rows.map((r) => r.categorySlug))];
    const [latest, partners] = await Promise.all([withPanels(db, rows), Promise.all(shown.map((slug) => listTools(db, { categorySlug: slug, limit: 2 })))]);
    const tools = partners.flat();
    return c.html(
      renderPage(
        site,
        {
          title: 'Verdict — Which AI tool should you ship with?',
          description: `A panel of ${site.critics.length} AI critics reviews every AI tool and says ship or skip. Compare tools side by side, browse ${total} verdicts by category, and see how each critic decides.`,
          path: urls.home,
          nav: 'home',
        },
        <HomePage site={site} latest={latest} total={total} categories={categories} suggestions={suggestComparisons(latest, tools)} />,
      ),
    );
  });
}
