// /methodology: how the panel decides (the ship line, labels, means), the critics, and the models used lately.
import { urls } from '../../urls.js';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { criticOrder, formatDate } from '../components/tool-helpers.js';
import { countCorrections, recentCorrections, type CorrectionWithTool } from '../../community/corrections.repo.js';
import { modelShares } from '../../panel/runs.repo.js';
import { MAX_COMPARE } from '../../domain/compare.js';
import { NO_PANEL_TAKE, NO_PANEL_TAKES } from '../../domain/summary.js';

/** How far back "the models used" looks. */
export const MODEL_WINDOW_DAYS = 90;
const RECENT_CORRECTIONS = 50;

/**
 * /methodology: how verdicts are made, generated from the live configuration (threshold, critic files) and data
 * (models used), so it cannot drift from what the site does. The rules it states are those of src/domain/summary.ts
 * and src/domain/compare.ts; change them together.
 */
export function registerMethodology(app: App, site: Site): void {
  app.get('/methodology', async (c) => {
    const since = new Date(Date.now() - MODEL_WINDOW_DAYS * 86_400_000).toISOString();
    const [models, corrections, correctionCount] = await Promise.all([
      modelShares(site.store.db, since),
      recentCorrections(site.store.db, RECENT_CORRECTIONS),
      countCorrections(site.store.db),
    ]);
    return c.html(
      renderPage(
        site,
        { title: 'How we decide', description: 'How Verdict reaches its verdicts: the critics, the threshold, the models, the maths, and what votes and money never change.', path: urls.methodology },
        <MethodologyPage site={site} models={models} corrections={corrections} correctionCount={correctionCount} />,
      ),
    );
  });
}

interface MethodologyProps {
  site: Site;
  models: { model: string; reviews: number }[];
  corrections: CorrectionWithTool[];
  correctionCount: number;
}

function MethodologyPage({ site, models, corrections, correctionCount }: MethodologyProps) {
  const threshold = site.config.shipThreshold;
  const order = criticOrder(site.critics);
  const critics = order.map((id) => site.critics.find((c) => c.id === id)!);
  const total = models.reduce((a, m) => a + m.reviews, 0);
  return (
    <article class="methodology narrow">
      <h1>How we decide</h1>
      <p class="lede">
        Every verdict on this site comes from a panel of {critics.length} AI critics. This page is generated from the site's live configuration and data, so it
        always describes what the site actually does.
      </p>

      <section aria-labelledby="m-threshold">
        <h2 id="m-threshold">Ship or skip: the threshold</h2>
        <p>
          Each critic scores a tool from 0 to 100. A score of <strong id="ship-threshold">{threshold}</strong> or more is a <em>ship</em>; below {threshold} is a{' '}
          <em>skip</em>. The verdict must agree with the score: an answer whose verdict contradicts its score is rejected and the critic is asked again.
        </p>
      </section>

      <section aria-labelledby="m-critics">
        <h2 id="m-critics">The critics</h2>
        <p>Each critic is a persona defined in a file; its lens is what it judges, and it abstains (“{NO_PANEL_TAKE}”) rather than guess when a tool is outside that lens.</p>
        <dl class="methodology-critics">
          {critics.map((c) => (
            <div id={`critic-${c.id}`}>
              <dt>
                <a href={`/critics/${c.id}`}>{c.name}</a>
              </dt>
              <dd>
                <p>
                  <strong>Lens:</strong> {c.lens}
                </p>
                <p>
                  <strong>Abstains when:</strong> {c.abstainsWhen}
                </p>
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="m-models">
        <h2 id="m-models">The models</h2>
        {models.length === 0 ? (
          <p>No panel review was written by a model in the last {MODEL_WINDOW_DAYS} days: every current take was imported (each says where from).</p>
        ) : (
          <>
            <p>
              Panel reviews written in the last {MODEL_WINDOW_DAYS} days, by model ({total} in all). Each panel take links to the run that wrote it: model, prompt version,
              tokens, latency, failures and retries.
            </p>
            <table class="methodology-models">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Reviews</th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr>
                    <td>
                      <code>{m.model}</code>
                    </td>
                    <td>{m.reviews}</td>
                    <td>{Math.round((m.reviews / total) * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <p>Reviews that were imported rather than written by the panel say so, with their source and date; only an import that names an author shows one.</p>
      </section>

      <section aria-labelledby="m-maths">
        <h2 id="m-maths">From takes to a verdict</h2>
        <p>For each tool, only each critic's latest review counts. An abstention is neither a ship nor a skip: it is left out of every figure below.</p>
        <ul>
          <li>
            <strong>Ship %</strong> is ships ÷ (ships + skips), as a whole percent rounded half up. With no takes there is no ship % and the verdict reads “{NO_PANEL_TAKES}”.
          </li>
          <li>
            <strong>Label</strong>: <em>Ship</em> when ships outnumber skips, <em>Skip</em> when skips outnumber ships, <em>Split</em> when they are equal.
          </li>
          <li>
            <strong>Mean score</strong> is the average score of the takes, to one decimal.
          </li>
          <li>
            <strong>A critic's pick</strong> when comparing 2 to {MAX_COMPARE} tools: the tool it scored highest. A take beats an abstention; equal top scores are a tie (no
            pick); a critic that has not reviewed every tool in the comparison, or took no position on any, picks nothing.
          </li>
          <li>
            <strong>The overall pick</strong> is the tool with the most critic picks, unless it leads by a single pick and a tool one pick behind has the higher mean
            score: then the page says it is a <em>close call</em> between them and crowns neither. If the lead is shared (or nobody picked), the higher mean score among
            the leaders decides; if that is equal too, or no leader has a take, the answer is “it depends on who you are”. The compare page, the API and{' '}
            <code>verdict compare</code> apply this one rule.
          </li>
        </ul>
      </section>

      <section aria-labelledby="m-community">
        <h2 id="m-community">What community votes do, and don't</h2>
        <p>
          Readers can vote ship or skip on any tool. Votes make a separate community verdict, shown beside the panel's, and the page says when the two disagree. Votes never
          change a critic's score, the panel's label or ship %, any critic's pick or the overall pick.
        </p>
      </section>

      <section aria-labelledby="m-catalog">
        <h2 id="m-catalog">How tools enter the catalog</h2>
        <p>
          Tools arrive two ways: an operator imports them from a file in the public import format, or anyone <a href="/submit">submits one</a> and an editor approves it,
          which queues a panel review. No tool gets a verdict without the same panel and the same rules as every other.
        </p>
        <p>
          A tool's “Best for” line comes from the catalog when it gives one. Otherwise, after each review the panel's model sums up the critics' current takes in
          a short use-case, shown as “summarised by the panel from its takes” with a link to the run that wrote it; a catalog value always replaces it.
        </p>
      </section>

      <section aria-labelledby="m-money">
        <h2 id="m-money">Never for sale</h2>
        <p>
          Ranking is never for sale. No one can pay for a review, a score, a verdict, a position in a list or the removal of a take. There are no sponsored placements.
        </p>
      </section>

      <section aria-labelledby="m-corrections">
        <h2 id="m-corrections">Corrections</h2>
        <p>
          Every take has a “Report an error” link. An editor checks each report: an accepted one is recorded as a correction (what changed and why) on the tool's page,
          and when the error was in the tool's data the panel reviews the tool again; a rejected one is answered by email when the reporter left an address.
        </p>
        {correctionCount === 0 ? (
          <p class="muted">No corrections so far.</p>
        ) : (
          <>
            <p>
              {correctionCount} {correctionCount === 1 ? 'correction' : 'corrections'} so far{correctionCount > corrections.length ? `; the latest ${corrections.length}` : ''}:
            </p>
            <ol class="corrections-list">
              {corrections.map((k) => (
                <li>
                  <a href={`/tools/${k.toolSlug}#corrections`}>{k.toolName}</a>, <time datetime={k.createdAt}>{formatDate(k.createdAt)}</time>: {k.whatChanged}{' '}
                  <span class="muted">({k.why})</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </article>
  );
}
