import type { Comparison } from '../../domain/compare.js';
import { MAX_COMPARE } from '../../domain/compare.js';
import type { Critic } from '../../domain/schemas.js';
import type { ToolChoice } from '../../catalog/tools.repo.js';
import type { ToolSuggestion } from '../../catalog/search.repo.js';
import { ToolSearch } from './tool-search.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { Avatar, PanelVerdict } from './verdict.js';
import { excerpt } from '../../domain/text.js';
import { CommunityActions } from './community.js';
import { disagree, disagreementText } from '../../domain/summary.js';
import { pricingText } from '../../domain/pricing.js';
import { urls } from '../../urls.js';
import type { DecisionFacts } from '../../research/evidence.service.js';
import { CompareOverall } from './compare-overall.js';
import { DecisionTable } from './compare-decision-table.js';
import { anyTakeCut, CriticTable, joinNames } from './compare-critics.js';

export const QUESTION = 'Which one should you ship with?';

/** "A vs B" / "A vs B vs C". */
export const compareTitle = (c: Comparison) => c.tools.map((t) => t.name).join(' vs ');

export function ComparePage({
  comparison: c,
  tools,
  critics,
  threshold,
  facts = [],
  fullTakes = false,
}: {
  comparison: Comparison;
  tools: ToolWithPanel[];
  critics: Critic[];
  threshold: number;
  /** Checked facts per tool, in the order of comparison.tools (src/research). */
  facts?: DecisionFacts[];
  /** Every take in full (`?takes=all`), instead of its lead sentence and an expander. */
  fullTakes?: boolean;
}) {
  const names = c.tools.map((t) => t.name);
  const picked = c.overall.kind === 'tool' ? c.overall.index : -1;
  const slugs = c.tools.map((t) => t.slug);
  return (
    <article class="compare-page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={urls.compare()}>Compare</a> › <span aria-current="page">{compareTitle(c)}</span>
      </nav>
      <header class="compare-hero">
        <h1>
          {names.map((n, i) => (
            <>
              {i > 0 && <span class="vs"> vs </span>}
              {n}
            </>
          ))}
        </h1>
        <p class="lead">{QUESTION}</p>
        <CompareOverall comparison={c} />
        <ul class={`contenders contenders-${c.tools.length}`}>
          {tools.map((t, i) => (
            <li class={`card contender${i === picked ? ' contender-picked' : ''}`}>
              <div class="contender-head">
                <Avatar name={t.tool.name} />
                <div>
                  <h2 class="contender-name">
                    <a href={urls.tool(t.tool.slug)}>{t.tool.name}</a>
                  </h2>
                  <span class="small muted">{t.tool.category}</span>
                </div>
              </div>
              <p class="contender-tagline small">{t.tool.tagline}</p>
              <p class="contender-pricing small">
                <span class="fact-label">Pricing</span> {pricingText(c.tools[i]!.pricing)}
              </p>
              <div class="contender-verdict">
                <PanelVerdict summary={c.panels[i]!} explain />
              </div>
              <CommunityActions tool={t.tool} counts={c.communities[i]} />
              {disagree(c.panels[i]!, c.communities[i]!) && <p class="small disagree-note">{disagreementText(c.panels[i]!, c.communities[i]!)}</p>}
            </li>
          ))}
        </ul>
      </header>

      <section aria-labelledby="decision-title">
        <h2 id="decision-title">Side by side</h2>
        <DecisionTable comparison={c} facts={facts} />
      </section>

      <section aria-labelledby="critics-title">
        <h2 id="critics-title">Critic by critic</h2>
        <p class="muted small">
          Each critic picks the tool they scored highest, if they would ship it; a take beats no take, and equal scores tie. A critic who skips every
          tool picks none and only says which it would rather have. Critics who reviewed none of these tools are not listed.
        </p>
        {c.scorecard.length === 0 ? (
          <p class="notice">No critic has reviewed {joinNames(names)} yet.</p>
        ) : (
          <>
            {(fullTakes || anyTakeCut(c)) && (
              <p class="takes-toggle">
                {fullTakes ? (
                  <a href={`${urls.compare(slugs)}#critics-title`}>Show the lead sentence of each take</a>
                ) : (
                  <a href={`${urls.compare(slugs, { takes: 'all' })}#critics-title`}>Expand all takes</a>
                )}
              </p>
            )}
            <CriticTable comparison={c} critics={critics} threshold={threshold} fullTakes={fullTakes} />
          </>
        )}
      </section>

      <KeepComparing comparison={c} />
    </article>
  );
}

/** Add a tool to this comparison (a search: GET form, or combobox with JS), or start over. */
function KeepComparing({ comparison: c }: { comparison: Comparison }) {
  const slugs = c.tools.map((t) => t.slug);
  return (
    <section class="keep-comparing card" aria-labelledby="more-title">
      <h2 id="more-title">Keep comparing</h2>
      {slugs.length < MAX_COMPARE && <ToolSearch id="add-tool" label="Add a tool to this comparison" picked={slugs} />}
      <p class="small">
        {c.tools.map((t, i) => (
          <>
            {i > 0 && ' · '}
            <a href={urls.tool(t.slug)}>All about {t.name}</a>
          </>
        ))}{' '}
        · <a href={urls.compare()}>Start a new comparison</a>
      </p>
    </section>
  );
}

/**
 * The compare picker: the tools picked so far (each removable), a search for the next one, and, after a search
 * without JavaScript, the matching tools as links that add them. Never a list of the whole catalog.
 */
export function ComparePicker(p: { total: number; picked: ToolChoice[]; add: string; matches: ToolSuggestion[]; suggestions: [ToolChoice, ToolChoice][]; notice?: string }) {
  const { picked, add, matches, suggestions, notice } = p;
  const slugs = picked.map((t) => t.slug);
  const ordinal = ['first', 'second', 'third', 'fourth'][picked.length] ?? 'next';
  return (
    <section class="compare-picker">
      <h1>Compare AI tools</h1>
      <p class="lead">{QUESTION} Pick two to four tools to see the panel's verdicts side by side, every critic's score and pick, and an overall pick.</p>
      {notice && <p class="notice">{notice}</p>}
      {p.total < 2 ? (
        <p class="notice">The catalog needs at least two tools before anything can be compared.</p>
      ) : (
        <div class="card picker-form">
          {picked.length > 0 && (
            <>
              <h2 class="small">Picked so far</h2>
              <ul class="picked-tools">
                {picked.map((t) => (
                  <li>
                    <a href={urls.tool(t.slug)}>{t.name}</a> <span class="small muted">{t.category}</span>{' '}
                    <a class="small" href={urls.compare(slugs.filter((s) => s !== t.slug))} aria-label={`Remove ${t.name}`}>
                      Remove
                    </a>
                  </li>
                ))}
              </ul>
              {picked.length >= 2 && (
                <p>
                  <a class="btn" href={urls.compare(slugs)}>
                    Compare {picked.map((t) => t.name).join(' vs ')}
                  </a>
                </p>
              )}
            </>
          )}
          {picked.length < MAX_COMPARE && <ToolSearch id="pick-tool" label={`Find the ${ordinal} tool`} picked={slugs} value={add || undefined} />}
          {add && picked.length < MAX_COMPARE && (
            <section aria-labelledby="matches-title" class="tool-matches">
              <h2 id="matches-title">{matches.length ? `Tools matching “${excerpt(add, 60)}”` : `No tool matches “${excerpt(add, 60)}”`}</h2>
              {matches.length > 0 ? (
                <ul class="link-list">
                  {matches.map((t) => (
                    <li>
                      <a href={urls.compare([...slugs, t.slug])}>
                        {slugs.length ? 'Add' : 'Pick'} {t.name}
                      </a>{' '}
                      <span class="small muted">{t.category}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">Try fewer or shorter words, or browse <a href={urls.tools()}>all tools</a>.</p>
              )}
            </section>
          )}
        </div>
      )}
      {suggestions.length > 0 && (
        <section aria-labelledby="suggested-title">
          <h2 id="suggested-title">Head to head, by category</h2>
          <ul class="suggested-pairs">
            {suggestions.map(([a, b]) => (
              <li>
                <a class="card pair-link" href={urls.compare([a.slug, b.slug])}>
                  <span class="pair-names">
                    {a.name} <span class="vs">vs</span> {b.name}
                  </span>
                  <span class="small muted">{a.category}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
