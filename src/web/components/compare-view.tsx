// The compare page's view: the comparison of 2–4 tools laid out section by section, and links to keep comparing.
import type { Comparison } from '../../domain/compare.js';
import { MAX_COMPARE } from '../../domain/compare.js';
import type { Critic } from '../../domain/schemas.js';
import { ToolSearch } from './tool-search.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { Avatar, PanelVerdict } from './verdict.js';
import { CommunityActions } from './community.js';
import { disagree, disagreementText, summarizeVotes } from '../../domain/summary.js';
import { VoteSlot } from '../vote-slots.js';
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
              <VoteSlot
                tools={[t.tool.id]}
                counts={[c.communities[i]!]}
                render={([v]) => {
                  const community = summarizeVotes(v!.ships, v!.skips);
                  return disagree(c.panels[i]!, community) && <p class="small disagree-note">{disagreementText(c.panels[i]!, community)}</p>;
                }}
              />
            </li>
          ))}
        </ul>
      </header>

      <section aria-labelledby="decision-title">
        <h2 id="decision-title">Side by side</h2>
        <DecisionTable comparison={c} facts={facts} toolIds={tools.map((t) => t.tool.id)} />
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
