// A critic's scorecard: score with its ship/skip pill, or an abstention, with the review's provenance.
import type { ReviewRow } from '../../db/types.js';
import { NO_PANEL_TAKE } from '../../domain/summary.js';
import { formatDate } from './tool-helpers.js';
import { urls } from '../../urls.js';
import { provenanceText } from '../../domain/provenance.js';

/** A score with its ship/skip pill, e.g. "88" + "Ship". */
export function ScoreVerdict({ score, verdict }: { score: number; verdict: 'ship' | 'skip' }) {
  return (
    <span class="score-verdict">
      <span class="score-num">
        {score}
        <span class="visually-hidden"> out of 100</span>
      </span>{' '}
      <span class={`pill pill-${verdict}`}>{verdict === 'ship' ? 'Ship' : 'Skip'}</span>
    </span>
  );
}

/** "No panel take" and why. */
export function Abstention({ reason }: { reason: string }) {
  return (
    <div class="abstention">
      <span class="pill pill-none">{NO_PANEL_TAKE}</span>
      <p class="reason">{reason}</p>
    </div>
  );
}

/** One critic's latest review of a tool: name (linking to the critic), motto, score and verdict, the take or the abstention, and where it came from. */
/** `children`: shown under the take (the tool page puts the take's source footnotes there). */
export function Scorecard({ criticId, name, motto, review, reportHref, children }: { criticId: string; name: string; motto?: string; review: ReviewRow; reportHref?: string; children?: unknown }) {
  const take = review.kind === 'take';
  return (
    <article class={`card scorecard ${take ? `scorecard-${review.verdict}` : 'scorecard-abstain'}`} aria-labelledby={`critic-${criticId}`}>
      <header class="scorecard-head">
        <div>
          <h3 id={`critic-${criticId}`}>
            <a href={urls.critic(criticId)}>{name}</a>
          </h3>
          {motto && <p class="small muted motto">{motto}</p>}
        </div>
        {take && <ScoreVerdict score={review.score!} verdict={review.verdict!} />}
      </header>
      {take ? <p class="take">{review.take}</p> : <Abstention reason={review.reason ?? ''} />}
      {children}
      <p class="small muted provenance">
        <Provenance review={review} />
        {reportHref && (
          <>
            {' · '}
            <a class="report-link" href={reportHref} rel="nofollow">
              Report an error<span class="visually-hidden"> in {name}'s take</span>
            </a>
          </>
        )}
      </p>
    </article>
  );
}

/** Where a revision came from, its date in a <time>; a panel revision links to its run's page. */
export function Provenance({ review }: { review: ReviewRow }) {
  const [before, after] = provenanceText(review, '\u0000').split('\u0000');
  const text = (
    <>
      {before}
      <time datetime={review.createdAt}>{formatDate(review.createdAt)}</time>
      {after}
    </>
  );
  return review.origin === 'panel' && review.runId != null ? <a href={urls.run(review.runId)}>{text}</a> : text;
}
