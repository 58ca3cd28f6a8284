/** The operator's /admin views: the login form, and the page of submissions, reports and the autopilot panel. */
import { type Context } from 'hono';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { csrfField } from '../csrf.js';
import { PRICING_LABELS } from '../../domain/pricing.js';
import type { SubmissionRow } from '../../db/types.js';
import type { ReportWithTool } from '../../community/corrections.repo.js';
import { AdminReports } from './admin-reports.js';
import { urls } from '../../urls.js';
import { ageText, minuteText as when, type Status } from '../../status/status.service.js';
import { foundByText, parseFoundBy } from '../../discovery/found-by.js';

export function adminLoginPage(site: Site, c: Context, message?: string): string {
  return renderPage(
    site,
    { title: 'Admin', description: 'Verdict operator page.', path: urls.admin, noindex: true },
    <section class="narrow">
      <h1>Admin</h1>
      {message && (
        <p class="notice notice-error" role="alert">
          {message}
        </p>
      )}
      <form method="post" action={urls.adminLogin} class="card">
        {csrfField(c)}
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input id="admin-token" type="password" name="token" required autocomplete="current-password" />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </section>,
  );
}

export function adminPage(site: Site, c: Context, pending: SubmissionRow[], decided: SubmissionRow[], done?: string, reports: ReportWithTool[] = [], status?: Status): string {
  const m = done?.match(/^(approved|rejected)-(\d+)$/);
  const rm = done?.match(/^report-(accepted|rejected)-(\d+)$/);
  return renderPage(
    site,
    { title: 'Submissions', description: 'Review submitted tools.', path: urls.admin, noindex: true },
    <section class="admin-page">
      <h1>Submissions</h1>
      <form method="post" action={urls.adminLogout} class="admin-logout">
        {csrfField(c)}
        <button type="submit" class="btn-quiet">
          Sign out of admin
        </button>
      </form>
      {m && (
        <p class="notice" role="status">
          Submission #{m[2]} {m[1]}.{m[1] === 'approved' ? ' The tool is listed; its research is queued, then its panel review.' : ''}
        </p>
      )}
      {rm && (
        <p class="notice" role="status">
          Report #{rm[2]} {rm[1]}.{rm[1] === 'accepted' ? ' The correction is on the tool page.' : ''}
        </p>
      )}
      {status && <AutopilotPanel status={status} />}
      <AdminReports c={c} pending={reports} />
      <h2>Waiting for review ({pending.length})</h2>
      {pending.length === 0 ? (
        <p class="muted">Nothing waiting.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Submissions waiting for review">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Tool</th>
                <th scope="col">Category · pricing</th>
                <th scope="col">Submitted</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((s) => (
                <tr>
                  <td>{s.id}</td>
                  <th scope="row">
                    <strong>{s.name}</strong> <span class="small muted">({s.slug})</span>
                    <br />
                    <span class="small">{s.tagline}</span>
                    <br />
                    <a class="small" href={s.url} rel="noopener nofollow ugc">
                      {s.url}
                    </a>
                    <br />
                    <span class="small muted">{s.origin === 'discovery' ? `Found by ${foundByText(parseFoundBy(s.foundBy))}` : 'Submitted by a reader'}</span>
                  </th>
                  <td>
                    {s.category}
                    <br />
                    <span class="small muted">
                      {PRICING_LABELS[s.pricingModel] ?? s.pricingModel} · {s.pricingEntry}
                    </span>
                  </td>
                  <td class="small">
                    {when(s.createdAt)}
                    {s.email && (
                      <>
                        <br />
                        {s.email}
                      </>
                    )}
                  </td>
                  <td>
                    <form method="post" action={urls.adminDecision(s.id, 'approve')} class="inline-form">
                      {csrfField(c)}
                      <button type="submit">Approve</button>
                    </form>
                    <form method="post" action={urls.adminDecision(s.id, 'reject')} class="inline-form reject-form">
                      {csrfField(c)}
                      <label class="visually-hidden" for={`reason-${s.id}`}>
                        Reason for rejecting {s.name}
                      </label>
                      <input id={`reason-${s.id}`} type="text" name="reason" maxlength={500} placeholder="Reason (optional)" />
                      <button type="submit" class="btn-quiet">
                        Reject
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Recently decided</h2>
      {decided.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul class="decided-list">
          {decided.map((s) => (
            <li>
              #{s.id} {s.name}: {s.status}
              {s.status === 'approved' && s.toolId ? (
                <>
                  {' '}
                  (<a href={urls.tool(s.slug)}>page</a>)
                </>
              ) : null}
              {s.reason ? ` (${s.reason})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>,
  );
}

/** Each worker's last heartbeat; a stale or stopped one is red (the warning above says when none is recent). */
function WorkersTable({ worker }: { worker: Status['worker'] }) {
  if (!worker.workers.length) return <p class="small">Worker heartbeat: none reported.</p>;
  return (
    <>
      <h3 id="workers-title">Workers</h3>
      <p class="small">
        {worker.alive} of {worker.workers.length} alive: a heartbeat within {worker.staleAfterS} s.
      </p>
      <div class="table-scroll" tabindex={0} role="region" aria-labelledby="workers-title">
        <table class="status-table">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Last heartbeat (UTC)</th>
              <th scope="col">State</th>
              <th scope="col">Running jobs</th>
            </tr>
          </thead>
          <tbody>
            {worker.workers.map((w) => (
              <tr class={w.alive ? undefined : 'stage-warning'}>
                <th scope="row">
                  {w.hostname} pid {w.pid}
                </th>
                <td>
                  {when(w.lastHeartbeat)} ({ageText(w.ageS)} ago)
                </td>
                <td>{w.alive ? 'alive' : w.stoppedAt ? `stopped ${when(w.stoppedAt)}` : 'stale'}</td>
                <td>{w.running}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The operator's view of the daily loop, the same figures as `verdict status`; a stage failing its last three runs is red. */
function AutopilotPanel({ status }: { status: Status }) {
  const b = status.tokens;
  return (
    <section aria-labelledby="autopilot-title">
      <h2 id="autopilot-title">Autopilot</h2>
      {status.warnings.map((w) => (
        <p class="notice notice-error" role="alert">
          {w}
        </p>
      ))}
      {/* Focusable, so a keyboard can scroll it on a phone (axe: scrollable-region-focusable). */}
      <div class="table-scroll" tabindex={0} role="region" aria-label="Autopilot stages">
        <table class="status-table">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Last run (UTC)</th>
              <th scope="col">In → out</th>
              <th scope="col">Failures, 24 h</th>
              <th scope="col">Queue</th>
              <th scope="col">Next run (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {status.stages.map((st) => (
              <tr class={st.warning ? 'stage-warning' : undefined}>
                <th scope="row">{st.label}</th>
                <td>{st.lastRun ? `${when(st.lastRun.at)} ${st.lastRun.ok ? 'ok' : 'failed'}` : 'never'}</td>
                <td>{st.lastRun ? `${st.lastRun.itemsIn} → ${st.lastRun.itemsOut}` : '—'}</td>
                <td>{st.failures24h}</td>
                <td>{st.queue.jobs ? `${st.queue.jobs}, oldest ${ageText(st.queue.oldestAgeS)}` : '0'}</td>
                <td>{when(st.nextRun)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="small">
        Candidates waiting: {status.candidates.discovery} discovered, {status.candidates.reader} from readers
        {status.candidates.oldestAgeS !== null ? ` (oldest ${ageText(status.candidates.oldestAgeS)})` : ''}. Tokens today: {b.spent.toLocaleString('en-US')}
        {b.budget !== undefined ? ` of ${b.budget.toLocaleString('en-US')} (LLM_DAILY_TOKEN_BUDGET)${b.exhausted ? ': spent, LLM calls wait for tomorrow' : ''}` : ' (no daily budget)'}.
      </p>
      <WorkersTable worker={status.worker} />
    </section>
  );
}
