/** A tool's review history: every revision of every critic's take, and the corrections record. */
import type { Site } from '../site.js';
import type { CorrectionRow, ReviewRow } from '../../db/types.js';
import { Provenance, ScoreVerdict } from './scorecard.js';
import { criticName, formatDate } from './tool-helpers.js';
import { urls } from '../../urls.js';

export function ReviewHistory({ site, current, history, corrections, reasons }: { site: Site; current: ReviewRow[]; history: ReviewRow[]; corrections: CorrectionRow[]; reasons: Map<number, string> }) {
  const latest = new Set(current.map((r) => r.id));
  const earlier = history.filter((r) => !latest.has(r.id));
  const critics = current.map((r) => r.critic);
  for (const r of earlier) if (!critics.includes(r.critic)) critics.push(r.critic);
  const byCritic = critics.map((id) => ({ id, revisions: earlier.filter((r) => r.critic === id) })).filter((g) => g.revisions.length > 0);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Review history</h2>
      {earlier.length === 0 ? (
        <p class="muted">No earlier revisions: every take above is its critic's first.</p>
      ) : (
        <details class="history">
          <summary>
            {earlier.length} earlier {earlier.length === 1 ? 'revision' : 'revisions'} from {byCritic.length} {byCritic.length === 1 ? 'critic' : 'critics'}
          </summary>
          {byCritic.map((g) => (
            <div class="history-critic">
              <h3>
                <a href={urls.critic(g.id)}>{criticName(site.critics, g.id)}</a>
              </h3>
              <ol class="history-list">
                {g.revisions.map((r) => (
                  <li>
                    <p class="history-meta small">
                      <Provenance review={r} />
                      {r.runId && reasons.has(r.runId) && ` · re-reviewed because: ${reasons.get(r.runId)}`}
                    </p>
                    {r.kind === 'take' ? (
                      <>
                        <ScoreVerdict score={r.score!} verdict={r.verdict!} />
                        <p class="take">{r.take}</p>
                      </>
                    ) : (
                      <p>
                        <span class="pill pill-none">No panel take</span> {r.reason}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </details>
      )}
      <Corrections site={site} corrections={corrections} />
    </section>
  );
}

/** Accepted error reports: what changed and why, newest first (see /methodology for the whole record). */
function Corrections({ site, corrections }: { site: Site; corrections: CorrectionRow[] }) {
  if (corrections.length === 0) return null;
  return (
    <div class="corrections" id="corrections">
      <h3>Corrections</h3>
      <ol class="corrections-list">
        {corrections.map((k) => (
          <li>
            <p class="small muted">
              <time datetime={k.createdAt}>{formatDate(k.createdAt)}</time>
              {k.critic && <> · {criticName(site.critics, k.critic)}'s take</>}
              {k.jobId != null && <> · the panel is reviewing the tool again</>}
            </p>
            <p>
              <strong>What changed:</strong> {k.whatChanged}
            </p>
            <p>
              <strong>Why:</strong> {k.why}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** "Compare with…": a search for the other tool (a GET form without JS, a combobox with it) plus one-click links to the category neighbours. */
