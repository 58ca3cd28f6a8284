// /runs/:id: what one panel run did (model, prompt, retries, failures, reviews), so every revision is traceable.
import { urls } from '../../urls.js';
import { parseRowId } from '../../domain/ids.js';
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { criticName, formatDate } from '../components/tool-helpers.js';
import { findRunDetail, type RunDetail } from '../../panel/runs.repo.js';
import { NO_PANEL_TAKE } from '../../domain/summary.js';
import { BEST_FOR_ID } from '../../panel/prompt.js';

const STATUS: Record<string, string> = { running: 'Running', done: 'Done', partial: 'Partly failed', failed: 'Failed' };

/** /runs/:id: what one panel run did, so every panel revision can point at exactly how it was made. */
export function registerRunPages(app: App, site: Site): void {
  app.get('/runs/:id{[0-9]+}', async (c) => {
    const id = parseRowId(c.req.param('id'));
    const detail = id ? await findRunDetail(site.store.db, id) : undefined;
    if (!id || !detail) return c.html(errorPage(site, 404, `There is no panel run #${c.req.param('id').slice(0, 20)}.`), 404, { 'cache-control': 'no-store' });
    return c.html(
      renderPage(
        site,
        { title: `Panel run #${id}`, description: `Panel run #${id}${detail.tool ? ` on ${detail.tool.name}` : ''}: model, critics, tokens, latency and failures.`, path: urls.run(id) },
        <RunPage site={site} detail={detail} />,
      ),
    );
  });
}

function RunPage({ site, detail }: { site: Site; detail: RunDetail }) {
  const { run, tool, reviews, failures, retries } = detail;
  // A step is a critic's review or the "Best for" summary (BEST_FOR_ID).
  const who = (id: string) => (id === BEST_FOR_ID ? 'The "Best for" summary' : criticName(site.critics, id));
  const ms = run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : null;
  return (
    <section class="run-page">
      <h1>Panel run #{run.id}</h1>
      <dl class="facts">
        <div>
          <dt>Tool</dt>
          <dd>{tool ? <a href={`/tools/${tool.slug}`}>{tool.name}</a> : <span class="muted">Removed from the catalog</span>}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            {run.model} <span class="muted small">({run.provider})</span>
          </dd>
        </div>
        <div>
          <dt>Prompt version</dt>
          <dd>
            <code>{run.promptVersion}</code>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{STATUS[run.status] ?? run.status}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time datetime={run.startedAt}>{formatDate(run.startedAt)}</time>
            {ms != null && <span class="muted small"> · {(ms / 1000).toFixed(1)} s in all</span>}
          </dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>
            {run.inputTokens} in · {run.outputTokens} out
          </dd>
        </div>
      </dl>

      <h2 id="run-critics">Critics</h2>
      {reviews.length === 0 ? (
        <p class="muted">No critic's review was stored by this run.</p>
      ) : (
        <table class="run-table" aria-labelledby="run-critics">
          <thead>
            <tr>
              <th scope="col">Critic</th>
              <th scope="col">Answer</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Latency</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`/critics/${r.critic}`}>{criticName(site.critics, r.critic)}</a>
                </th>
                <td>{r.kind === 'take' ? `${r.score} · ${r.verdict === 'ship' ? 'Ship' : 'Skip'}` : NO_PANEL_TAKE}</td>
                <td>
                  {r.inputTokens ?? '—'} / {r.outputTokens ?? '—'}
                </td>
                <td>{r.latencyMs != null ? `${(r.latencyMs / 1000).toFixed(1)} s` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {tool?.panelBestFor && tool.panelBestForRunId === run.id && (
        <p class="run-best-for">
          <strong>Best for</strong> (summarised from the panel's takes by this run, shown while the catalog gives none): {tool.panelBestFor}
        </p>
      )}

      <h2 id="run-failures">Failures and retries</h2>
      {retries.length > 0 && (
        <ul class="run-retries">
          {retries.map((r) => (
            <li>
              <strong>{who(r.step)}</strong>, attempt {r.attempt}, asked again: {r.reason}
            </li>
          ))}
        </ul>
      )}
      {failures.length === 0 ? (
        <p class="muted">No critic failed in this run.</p>
      ) : (
        <ul class="run-failures">
          {failures.map((f) => (
            <li>
              <strong>{who(f.step)}</strong> failed after {f.attempts} {f.attempts === 1 ? 'attempt' : 'attempts'} ({f.attempts - 1}{' '}
              {f.attempts - 1 === 1 ? 'retry' : 'retries'}): {f.reason}
            </li>
          ))}
        </ul>
      )}
      <p class="small muted">
        <a href={urls.methodology}>How we decide</a>
      </p>
    </section>
  );
}
