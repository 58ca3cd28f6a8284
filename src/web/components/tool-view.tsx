/** The tool page's view: hero, verdicts, scorecards, evidence, alternatives, the compare and badge boxes. */
import type { Site } from '../site.js';
import type { CorrectionRow, ReviewRow, ToolRow } from '../../db/types.js';
import { Avatar, CommunityVerdict, PanelVerdict, ToolCard } from './verdict.js';
import { ScoreChart, type ChartRow } from './score-chart.js';
import { CommunityActions } from './community.js';
import { Provenance, Scorecard } from './scorecard.js';
import { criticName, criticOrder, escapeAttr, formatDate, safeHref } from './tool-helpers.js';
import { type ToolWithPanel } from '../../catalog/catalog.service.js';
import { ToolSearch } from './tool-search.js';
import { MIN_SHARED_TAGS } from '../../domain/compare.js';
import { toPanelReview } from '../../catalog/reviews.repo.js';
import { disagree, disagreementText, percentText, summarizeVotes, type CommunitySummary, type PanelSummary } from '../../domain/summary.js';
import { VoteSlot } from '../vote-slots.js';
import { badgeFor, badgeWidth } from '../badge.js';
import { PRICING_LABELS, pricingText } from '../../domain/pricing.js';
import { absolute, urls } from '../../urls.js';
import { bestForOf } from '../../catalog/tool.js';
import { type ToolEvidence } from '../../research/evidence.service.js';
import { Citations, Sources } from './evidence.js';
import { listingOf } from '../../discovery/candidates.repo.js';
import { foundByText, parseFoundBy } from '../../discovery/found-by.js';
import { ReviewHistory } from './review-history.js';

export interface ToolPageProps {
  site: Site;
  item: ToolWithPanel;
  community: CommunitySummary;
  history: ReviewRow[];
  neighbours: ToolWithPanel[];
  /** Tools doing the same job (shared use-case or tags), not merely the same broad category. */
  alternatives: ToolWithPanel[];
  corrections: CorrectionRow[];
  evidence: ToolEvidence;
  /** How the tool came to be listed, when it came through the moderation queue. */
  listing?: Listing;
}

/** The notice when critics and voters disagree (a vote slot: redrawn from the stored counts after a vote). */
function Disagreement({ summary, community }: { summary: PanelSummary; community: CommunitySummary }) {
  if (!disagree(summary, community)) return null;
  return <p class="notice disagree">{disagreementText(summary, community)} Read the takes below and decide which side sounds like your situation.</p>;
}

export function ToolPage({ site, item, community, history, neighbours, alternatives, corrections, evidence, listing }: ToolPageProps) {
  const { tool, summary } = item;
  const tags = parseTags(tool.tags);
  const order = criticOrder(site.critics);
  const rank = (id: string) => (order.indexOf(id) === -1 ? order.length : order.indexOf(id));
  const reviews = [...item.reviews].sort((a, b) => rank(a.critic) - rank(b.critic) || a.critic.localeCompare(b.critic));
  const notReviewed = site.critics.filter((c) => !reviews.some((r) => r.critic === c.id));
  const rows: ChartRow[] = reviews.map((r) => ({ critic: r.critic, name: criticName(site.critics, r.critic), review: toPanelReview(r) }));
  const threshold = site.config.shipThreshold;
  const bestFor = bestForOf(tool);
  const website = safeHref(tool.url);
  const repo = safeHref(tool.repo);
  return (
    <article class="tool-page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={urls.tools()}>Tools</a> › <a href={urls.category(tool.categorySlug)}>{tool.category}</a> › <span aria-current="page">{tool.name}</span>
      </nav>

      <header class="tool-hero">
        <Avatar name={tool.name} />
        <div class="tool-hero-text">
          <h1>{tool.name}</h1>
          <p class="tool-tagline">{tool.tagline}</p>
          {bestFor && (
            <p class="tool-best-for">
              <strong>Best for:</strong> {bestFor.text}
              {bestFor.source === 'panel' && (
                <span class="muted small">
                  {' '}
                  · {bestFor.runId ? <a href={urls.run(bestFor.runId)}>summarised by the panel from its takes</a> : 'summarised by the panel from its takes'}
                </span>
              )}
            </p>
          )}
          <div class="tool-verdicts">
            <div class="verdict-line">
              <span class="verdict-label">Panel</span>
              <div class="verdict-values">
                <PanelVerdict summary={summary} explain />
              </div>
            </div>
            <div class="verdict-line">
              <span class="verdict-label">Community</span>
              <div class="verdict-values">
                <VoteSlot tools={[tool.id]} counts={[community]} render={([v]) => <CommunityVerdict summary={summarizeVotes(v!.ships, v!.skips)} />} />
                <CommunityActions tool={tool} />
              </div>
            </div>
            {/* The entry price and pricing model in the hero, at every width (it sat at 4,692px of 7,770 on a phone). */}
            <div class="verdict-line tool-pricing">
              <span class="verdict-label">Pricing</span>
              <div class="verdict-values">{pricingText({ model: tool.pricingModel, entry: tool.pricingEntry, license: tool.pricingLicense })}</div>
            </div>
          </div>
          <VoteSlot tools={[tool.id]} counts={[community]} render={([v]) => <Disagreement summary={summary} community={summarizeVotes(v!.ships, v!.skips)} />} />
          <p class="tool-actions">
            {website && (
              <a class="btn" href={website} rel="noopener">
                Visit website <span aria-hidden="true">↗</span>
              </a>
            )}
            {repo && (
              <a class="btn btn-quiet" href={repo} rel="noopener">
                Source code <span aria-hidden="true">↗</span>
              </a>
            )}
            <a class="btn btn-quiet" href="#compare">
              Compare
            </a>
          </p>
        </div>
      </header>

      <div class="tool-layout">
        <div class="tool-main">
          <section aria-labelledby="about-title">
            <h2 id="about-title">What it is</h2>
            <p class="tool-description">{tool.description}</p>
            {tags.length > 0 && (
              <ul class="tag-list" aria-label="Tags">
                {tags.map((t) => (
                  <li>
                    <a class="tag" href={urls.search({ q: t })}>
                      {t}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="panel-title">
            <h2 id="panel-title">What the panel thinks</h2>
            <p class="panel-summary">
              {summary.label ? (
                <>
                  <strong>{summary.text}</strong> — {percentText(summary.shipPct!)} of the critics who took a position would ship with {tool.name}.
                  {summary.abstentions > 0 && ` ${summary.abstentions} ${summary.abstentions === 1 ? 'critic' : 'critics'} had no panel take.`}
                </>
              ) : (
                <>No critic has taken a position on {tool.name} yet.</>
              )}
            </p>
            {rows.length > 0 && <ScoreChart id="panel-chart" toolName={tool.name} rows={rows} threshold={threshold} />}
            <div class="scorecards">
              {reviews.map((r) => (
                <Scorecard
                  criticId={r.critic}
                  name={criticName(site.critics, r.critic)}
                  motto={site.critics.find((c) => c.id === r.critic)?.motto}
                  review={r}
                  reportHref={urls.toolReport(tool.slug, r.id)}
                >
                  <Citations ids={evidence.citations.get(r.id)} sources={evidence.sources} />
                  {r.runId && evidence.reasons.has(r.runId) && <p class="small muted">Re-reviewed because: {evidence.reasons.get(r.runId)}</p>}
                </Scorecard>
              ))}
            </div>
            {notReviewed.length > 0 && (
              <p class="small muted">
                Not reviewed yet by{' '}
                {notReviewed.map((c, i) => (
                  <>
                    {i > 0 && (i === notReviewed.length - 1 ? ' and ' : ', ')}
                    <a href={urls.critic(c.id)}>{c.name}</a>
                  </>
                ))}
                .
              </p>
            )}
          </section>

          <Sources toolName={tool.name} evidence={evidence} />
          {listing && <ListingLine listing={listing} />}

          <ReviewHistory site={site} current={reviews} history={history} corrections={corrections} reasons={evidence.reasons} />
        </div>

        <aside class="tool-side" aria-label={`About ${tool.name}`}>
          <section class="card side-card" aria-labelledby="pricing-title">
            <h2 id="pricing-title">Pricing</h2>
            <dl class="facts">
              <div>
                <dt>Model</dt>
                <dd>{PRICING_LABELS[tool.pricingModel] ?? tool.pricingModel}</dd>
              </div>
              <div>
                <dt>Entry price</dt>
                <dd>{tool.pricingEntry}</dd>
              </div>
              <div>
                <dt>Licence</dt>
                <dd>{tool.pricingLicense ?? <span class="muted">Not stated</span>}</dd>
              </div>
            </dl>
            <h2 class="side-subtitle">Links</h2>
            <ul class="link-list">
              {website && (
                <li>
                  <a href={website} rel="noopener">
                    Website
                  </a>{' '}
                  <span class="small muted url">{hostOf(website)}</span>
                </li>
              )}
              {repo && (
                <li>
                  <a href={repo} rel="noopener">
                    Repository
                  </a>{' '}
                  <span class="small muted url">{hostOf(repo)}</span>
                </li>
              )}
              <li>
                <a href={urls.category(tool.categorySlug)}>More {tool.category}</a>
              </li>
            </ul>
          </section>

          <CompareBox tool={tool} neighbours={alternatives} />

          <BadgeBox site={site} tool={tool} summary={summary} />
        </aside>
      </div>

      <section class="tool-alternatives" aria-labelledby="alternatives-title">
        <h2 id="alternatives-title">Alternatives to {tool.name}</h2>
        {alternatives.length === 0 ? (
          <p class="muted">
            Nothing else in the catalog does the same job yet: no tool shares {tool.name}'s use-case or {MIN_SHARED_TAGS} of its tags.
          </p>
        ) : (
          <>
            <p class="small muted">Tools that do the same job: the same use-case, or at least {MIN_SHARED_TAGS} shared tags.</p>
            <div class="grid">
              {alternatives.map((n) => (
                <ToolCard
                  item={n}
                  actions={
                    <a class="small" href={urls.compare([tool.slug, n.tool.slug])}>
                      {tool.name} vs {n.tool.name}
                    </a>
                  }
                />
              ))}
            </div>
          </>
        )}
      </section>

      {neighbours.length > 0 && (
        <section class="tool-related" aria-labelledby="related-title">
          <h2 id="related-title">Other {tool.category}</h2>
          <div class="grid">
            {neighbours.map((n) => (
              <ToolCard item={n} />
            ))}
          </div>
          <p>
            <a href={urls.category(tool.categorySlug)}>All {tool.category} →</a>
          </p>
        </section>
      )}
    </article>
  );
}

/** Earlier revisions per critic, newest first, with who or what wrote them and when; then the corrections made to this page. */
function CompareBox({ tool, neighbours }: { tool: ToolRow; neighbours: ToolWithPanel[] }) {
  return (
    <section class="card side-card" id="compare" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare with…</h2>
      <ToolSearch id="compare-with" label={`Compare ${tool.name} with`} picked={[tool.slug]} hideLabel />
      {neighbours.length > 0 && (
        <>
          <p class="small muted side-subtitle">Or head to head with:</p>
          <ul class="link-list">
            {neighbours.map((n) => (
              <li>
                <a href={urls.compare([tool.slug, n.tool.slug])}>
                  {tool.name} vs {n.tool.name}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The embeddable badge and the HTML to paste; the snippet's attributes are escaped for the page it will live on. */
function BadgeBox({ site, tool, summary }: { site: Site; tool: ToolRow; summary: PanelSummary }) {
  const base = site.config.publicUrl;
  // The preview reserves the badge's own size (no layout shift); the snippet leaves width out, as the verdict, and so the width, can change.
  const width = badgeWidth(badgeFor(tool.name, summary));
  const alt = `Verdict: ${tool.name} — the AI critics' panel verdict`;
  const snippet = `<a href="${escapeAttr(absolute(base, urls.tool(tool.slug)))}"><img src="${escapeAttr(absolute(base, urls.badge(tool.slug)))}" alt="${escapeAttr(alt)}"></a>`;
  return (
    <section class="card side-card" aria-labelledby="badge-title">
      <h2 id="badge-title">Badge for your README</h2>
      <p class="badge-preview">
        <img src={urls.badge(tool.slug)} alt={alt} width={width} height="20" />
      </p>
      <p class="small muted">Paste this HTML where you want the badge; it always shows the current verdict.</p>
      <pre class="snippet" data-copy="">
        {/* <wbr> after each path slash: a narrow box breaks the URLs there, not mid-word ("htt p://", "curs or"). */}
        <code id="badge-code">{snippet.split(/(?<=\/(?!\/))/).flatMap((part, i) => (i ? [<wbr />, part] : [part]))}</code>
      </pre>
    </section>
  );
}

function parseTags(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return '';
  }
}

export type Listing = NonNullable<Awaited<ReturnType<typeof listingOf>>>;

/** Provenance of the listing itself: who proposed the tool and who (or which rule) let it in. */
function ListingLine({ listing }: { listing: Listing }) {
  const found = parseFoundBy(listing.foundBy);
  return (
    <p class="small muted listing-provenance">
      {listing.origin === 'discovery' ? `Found by ${foundByText(found) || 'discovery'}` : 'Submitted by a reader'} on{' '}
      <time datetime={listing.createdAt}>{formatDate(listing.createdAt)}</time>;{' '}
      {listing.autoReason ? `approved automatically (DISCOVERY_AUTO_APPROVE): ${listing.autoReason}.` : 'approved by a moderator.'}
    </p>
  );
}
