// The home page: latest verdicts, the categories, and suggested comparisons of recent tools doing the same job.
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { withPanels, type ToolWithPanel } from '../../catalog/catalog.service.js';
import { countTools, listTools } from '../../catalog/tools.repo.js';
import { listCategories, type CategoryCount } from '../../catalog/categories.repo.js';
import { ToolSearch } from '../components/tool-search.js';

import { CategoryChips, SectionHead, ToolGrid } from '../components/lists.js';
import { urls } from '../../urls.js';
import { sameJob } from '../../domain/compare.js';

export const HOME_LATEST = 12;
const SUGGESTIONS = 4;

export interface Suggestion {
  href: string;
  label: string;
}

/**
 * Comparisons worth a click: each recent tool (newest first) with another recent tool doing the same job
 * (sameJob: a shared use-case or two shared tags, not merely a category; no "Suno vs Whisper"), each tool in
 * one pair at most, so the suggestions follow what the catalog just gained.
 */
export function suggestComparisons(recent: readonly ToolWithPanel[], max = SUGGESTIONS): Suggestion[] {
  const job = (t: ToolWithPanel['tool']) => ({ tags: JSON.parse(t.tags) as string[], bestFor: t.bestFor });
  const out: Suggestion[] = [];
  const used = new Set<number>();
  for (const { tool } of recent) {
    if (out.length >= max) break;
    if (used.has(tool.id)) continue;
    // A partner among the cards right below.
    const partner = recent.find((r) => r.tool.id !== tool.id && !used.has(r.tool.id) && sameJob(job(tool), job(r.tool)))?.tool;
    if (!partner) continue;
    used.add(tool.id).add(partner.id);
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
            <a class="btn" href={urls.tools()}>
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
          <a href={urls.tools()}>See all {p.total} tools →</a>
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
  app.get('/', async (c) => {
    const db = site.store.db;
    const [rows, total, categories] = await Promise.all([listTools(db, { limit: HOME_LATEST }), site.perVersion('tool-count', () => countTools(db)), site.perVersion('categories', () => listCategories(db))]);
    // Match-ups pair tools doing the same job among the newest cards (suggestComparisons).
    const latest = await withPanels(db, rows);
    return c.html(
      renderPage(
        site,
        {
          title: 'Verdict — Which AI tool should you ship with?',
          description: `A panel of ${site.critics.length} AI critics reviews every AI tool and says ship or skip. Compare tools side by side, browse ${total} verdicts by category, and see how each critic decides.`,
          path: urls.home,
          nav: 'home',
        },
        <HomePage site={site} latest={latest} total={total} categories={categories} suggestions={suggestComparisons(latest)} />,
      ),
    );
  });
}
