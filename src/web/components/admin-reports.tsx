// The /admin page's list of readers' error reports, with accept and reject forms.
import type { Context } from 'hono';
import { csrfField } from '../csrf.js';
import type { ReportWithTool } from '../../community/corrections.repo.js';

/** The admin page's error reports: accept (recording a correction, maybe queueing a re-review) or reject (with a reason). */
export function AdminReports({ c, pending }: { c: Context; pending: ReportWithTool[] }) {
  return (
    <section aria-labelledby="reports-title" class="admin-reports">
      <h2 id="reports-title">Error reports ({pending.length})</h2>
      {pending.length === 0 ? (
        <p class="muted">No reports waiting.</p>
      ) : (
        <ol class="report-list">
          {pending.map((r) => (
            <li class="card">
              <p>
                <strong>#{r.id}</strong> on <a href={`/tools/${r.toolSlug}`}>{r.toolName}</a>
                {r.critic && <> ({r.critic}'s take)</>} · <span class="small muted">{r.createdAt.slice(0, 16).replace('T', ' ')}</span>
                {r.email && <span class="small"> · {r.email}</span>}
              </p>
              <p class="report-what">{r.what}</p>
              {r.sourceUrl && (
                <p class="small">
                  Source:{' '}
                  <a href={r.sourceUrl} rel="noopener nofollow ugc">
                    {r.sourceUrl}
                  </a>
                </p>
              )}
              <form method="post" action={`/admin/reports/${r.id}/accept`} class="accept-form">
                {csrfField(c)}
                <div class="field">
                  <label for={`changed-${r.id}`}>What changed</label>
                  <input id={`changed-${r.id}`} type="text" name="what_changed" required maxlength={1000} />
                </div>
                <div class="field">
                  <label for={`why-${r.id}`}>Why</label>
                  <input id={`why-${r.id}`} type="text" name="why" required maxlength={1000} />
                </div>
                <div class="field">
                  <label>
                    <input type="checkbox" name="tool_data" value="1" /> The error is in the tool's data: review it again
                  </label>
                </div>
                <button type="submit">Accept and record the correction</button>
              </form>
              <form method="post" action={`/admin/reports/${r.id}/reject`} class="inline-form reject-form">
                {csrfField(c)}
                <label class="visually-hidden" for={`report-reason-${r.id}`}>
                  Reason for rejecting report #{r.id}
                </label>
                <input id={`report-reason-${r.id}`} type="text" name="reason" required maxlength={1000} placeholder={r.email ? 'Reason (emailed to the reporter)' : 'Reason'} />
                <button type="submit" class="btn-quiet">
                  Reject
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
