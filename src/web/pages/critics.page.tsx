// /critics and /critics/:id: the panel's critics with their ship rates, and one critic's lens and verdicts paged.
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { Avatar } from '../components/verdict.js';
import { Pagination, SelectField, ShipBar } from '../components/lists.js';
import { criticsWithStats, criticStatsText, criticVerdicts, type CriticStats, type CriticVerdicts } from '../../catalog/critics.service.js';
import { listCategories, type CategoryCount } from '../../catalog/categories.repo.js';
import { countsText, NO_PANEL_TAKE, percentText } from '../../domain/summary.js';
import { excerpt } from '../../domain/text.js';
import type { Critic } from '../../domain/schemas.js';
import { urls } from '../../urls.js';
import { formatDate } from '../components/tool-helpers.js';

function ShipRate({ stats, large }: { stats: CriticStats; large?: boolean }) {
  return (
    <div class={large ? 'ship-rate ship-rate-large' : 'ship-rate'}>
      <p class="ship-rate-text">
        {stats.shipPct === null ? (
          <span class="muted">{criticStatsText(stats)}</span>
        ) : (
          <>
            <strong class="ship-rate-pct">Ships {percentText(stats.shipPct)}</strong>
            <span class="muted small">
              <span class="ship-rate-sep"> · </span>
              {countsText(stats.ships, stats.skips)} of {stats.takes} {stats.takes === 1 ? 'take' : 'takes'} · {stats.abstentions}{' '}
              {stats.abstentions === 1 ? 'abstention' : 'abstentions'}
            </span>
          </>
        )}
      </p>
      <ShipBar ships={stats.ships} skips={stats.skips} abstentions={stats.abstentions} size={large ? 'large' : 'normal'} />
    </div>
  );
}

function CriticsIndex({ items, threshold }: { items: { critic: Critic; stats: CriticStats }[]; threshold: number }) {
  return (
    <>
      <h1>The critics</h1>
      <p class="lede">
        Every tool is reviewed by the same panel of {items.length} AI critics. Each one has a lens — what it looks for, what excites it, what tires it — and
        scores from 0 to 100. A score of {threshold} or more is a ship; below is a skip. When a tool is outside its lens, a critic abstains instead of guessing.
      </p>
      <ul class="critic-grid">
        {items.map(({ critic, stats }) => (
          <li class="card critic-card">
            <div class="critic-card-head">
              <Avatar name={critic.name} />
              <div>
                <h2>
                  <a href={urls.critic(critic.id)}>{critic.name}</a>
                </h2>
                <p class="motto">“{critic.motto}”</p>
              </div>
            </div>
            <p class="small">{critic.lens}</p>
            <ShipRate stats={stats} />
          </li>
        ))}
      </ul>
    </>
  );
}

function VerdictList({ data }: { data: CriticVerdicts }) {
  return (
    <ol class="verdict-list">
      {data.items.map(({ review, tool }) => (
        <li class="card verdict-item">
          <div class="verdict-item-head">
            <h3>
              <a href={urls.tool(tool.slug)}>{tool.name}</a>
            </h3>
            {review.kind === 'take' ? (
              <span class="verdict-score">
                <span class={`pill pill-${review.verdict}`}>{review.verdict === 'ship' ? 'Ship' : 'Skip'}</span>{' '}
                {/* Worded like the verdict chip ("avg 83"): a named figure, not a bare "47/100". */}
                <span class="score">score {review.score}</span>
              </span>
            ) : (
              <span class="pill pill-none">{NO_PANEL_TAKE}</span>
            )}
          </div>
          <p class="small muted">
            <a class="muted" href={urls.category(tool.categorySlug)}>
              {tool.category}
            </a>{' '}
            · <time datetime={review.createdAt}>{formatDate(review.createdAt)}</time>
          </p>
          <p class="verdict-excerpt">{review.kind === 'take' ? excerpt(review.take ?? '', 180) : `Abstained: ${excerpt(review.reason ?? '', 180)}`}</p>
        </li>
      ))}
    </ol>
  );
}

function CriticPage(p: { critic: Critic; data: CriticVerdicts; categories: CategoryCount[]; category?: string; unknownCategory?: string }) {
  const { critic, data } = p;
  const current = p.categories.find((c) => c.slug === p.category);
  const scope = current ? ` in ${current.name}` : '';
  return (
    <>
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={urls.critics}>Critics</a> › {critic.name}
      </nav>
      <header class="critic-head">
        <Avatar name={critic.name} />
        <div>
          <h1>{critic.name}</h1>
          <p class="motto">“{critic.motto}”</p>
        </div>
      </header>
      <div class="critic-layout">
        <section class="critic-persona" aria-labelledby="lens-title">
          <h2 id="lens-title">Lens</h2>
          <p>{critic.lens}</p>
          <div class="two-lists">
            <div>
              <h3>What excites it</h3>
              <ul>
                {critic.excites.map((x) => (
                  <li>{x}</li>
                ))}
              </ul>
            </div>
            <div>
              <h3>What tires it</h3>
              <ul>
                {critic.tiredOf.map((x) => (
                  <li>{x}</li>
                ))}
              </ul>
            </div>
          </div>
          <h3>When it abstains</h3>
          <p>{critic.abstainsWhen}</p>
          <details class="persona-text">
            <summary>The full persona it reviews with</summary>
            {critic.persona.split(/\n\s*\n/).map((para) => (
              <p>{para.trim()}</p>
            ))}
          </details>
        </section>
        <aside class="card critic-stats" aria-labelledby="stats-title">
          <h2 id="stats-title">How often it ships</h2>
          <ShipRate stats={data.stats} large />
          <dl class="stat-list">
            <div>
              <dt>Ships</dt>
              <dd>{data.stats.ships}</dd>
            </div>
            <div>
              <dt>Skips</dt>
              <dd>{data.stats.skips}</dd>
            </div>
            <div>
              <dt>Abstentions</dt>
              <dd>{data.stats.abstentions}</dd>
            </div>
          </dl>
          <p class="small muted">Counts its latest review of each tool. Ship rate is ships divided by takes; abstentions are not takes.</p>
        </aside>
      </div>

      <section aria-labelledby="verdicts-title">
        <h2 id="verdicts-title">
          Verdicts{scope} <span class="muted count">({data.total})</span>
        </h2>
        <form class="inline-form filter-form" action={urls.critic(critic.id)} method="get">
          <SelectField id="critic-category" name="category" label="Category" any="All categories" options={p.categories.map((c) => [c.slug, c.name] as const)} selected={p.category} />
          <div class="field">
            <button type="submit">Filter</button>
          </div>
        </form>
        {p.unknownCategory !== undefined && (
          <p class="notice" role="status">
            There is no category “{p.unknownCategory}”. Choose one from the list, or <a href={urls.critic(critic.id)}>see all of {critic.name}’s verdicts</a>.
          </p>
        )}
        {data.items.length > 0 ? (
          <VerdictList data={data} />
        ) : p.unknownCategory === undefined ? (
          <p class="notice">
            {critic.name} has not reviewed any tools{scope} yet.{' '}
            {current && <a href={urls.critic(critic.id)}>See all of its verdicts</a>}
          </p>
        ) : null}
        <Pagination page={data.page} pages={data.pages} href={(page) => urls.critic(critic.id, { category: p.category, page: page > 1 ? page : undefined })} label="Verdict pages" />
      </section>
    </>
  );
}

const pageNumber = (v: string | undefined) => (v && /^\d{1,6}$/.test(v) && Number(v) >= 1 ? Number(v) : 1);

export function registerCritics(app: App, site: Site): void {
  // Critics' tallies and panel figures, no vote counts: votes never drop these pages.
  app.get('/critics', async (c) => {
    const items = await criticsWithStats(site.store.db, site.critics);
    return c.html(
      renderPage(
        site,
        {
          title: 'The critics',
          description: `Meet the ${items.length} AI critics behind every Verdict: their lenses, what excites and tires them, and how often each one says ship.`,
          path: urls.critics,
          nav: 'critics',
        },
        <CriticsIndex items={items} threshold={site.config.shipThreshold} />,
      ),
    );
  });

  app.get('/critics/:id', async (c) => {
    const critic = site.critics.find((x) => x.id === c.req.param('id'));
    if (!critic) {
      const list = (
        <ul>
          {site.critics.map((x) => (
            <li>
              <a href={urls.critic(x.id)}>{x.name}</a> — “{x.motto}”
            </li>
          ))}
        </ul>
      );
      return c.html(errorPage(site, 404, `There is no critic “${c.req.param('id')}”. The panel is:`, list), 404, { 'cache-control': 'no-store' });
    }
    const db = site.store.db;
    const categories = await site.perVersion('categories', () => listCategories(db));
    const requested = c.req.query('category')?.trim() || undefined;
    // An unknown category filter shows the page with an empty list and says why (a typo should not look like a missing critic).
    const known = requested && categories.some((x) => x.slug === requested) ? requested : undefined;
    const unknownCategory = requested && !known ? requested : undefined;
    const page = pageNumber(c.req.query('page'));
    // Filtering by an unknown slug matches nothing, which is the empty list we want.
    const data = await criticVerdicts(db, critic.id, { categorySlug: requested, page });
    const categoryName = categories.find((x) => x.slug === known)?.name;
    return c.html(
      renderPage(
        site,
        {
          title: categoryName ? `${critic.name}’s verdicts on ${categoryName}` : `${critic.name}, the critic`,
          description: `“${critic.motto}” ${critic.name} ${data.stats.shipPct === null ? 'has no takes yet' : `ships ${percentText(data.stats.shipPct)} of the ${data.stats.takes} tools it took a view on`}. Its lens, its verdicts and what makes it abstain.`,
          path: urls.critic(critic.id, { category: known, page: page > 1 ? page : undefined }),
          nav: 'critics',
          noindex: unknownCategory !== undefined,
        },
        <CriticPage critic={critic} data={data} categories={categories} category={known} unknownCategory={unknownCategory} />,
      ),
    );
  });
}
