// The evidence a take cites and a tool's checked sources, as shown on tool and compare pages.
import type { Source, ToolEvidence } from '../../research/evidence.service.js';
import { formatDate, safeHref } from './tool-helpers.js';
import { excerpt } from '../../domain/text.js';

/** Where a snapshot came from, in words. */
const KIND_LABELS: Record<Source['kind'], string> = {
  homepage: 'Homepage',
  pricing: 'Pricing page',
  docs: 'Documentation',
  github: 'GitHub repository',
  huggingface: 'Hugging Face',
  npm: 'npm package',
  pypi: 'PyPI package',
};

const anchor = (id: number) => `source-${id}`;

/** "Sources: [1] [3]", linking each take's citations to the numbered sources list on the same page. */
export function Citations({ ids, sources }: { ids: readonly number[] | undefined; sources: readonly Source[] }) {
  const cited = (ids ?? []).map((id) => ({ id, n: sources.findIndex((s) => s.id === id) + 1 })).filter((c) => c.n > 0);
  if (cited.length === 0) return null;
  return (
    <p class="small citations">
      Sources:{' '}
      {cited.map((c) => (
        <a href={`#${anchor(c.id)}`} aria-label={`source ${c.n}: ${KIND_LABELS[sources[c.n - 1]!.kind]}`}>
          [{c.n}]
        </a>
      ))}
    </p>
  );
}

/** What Verdict checked about the tool, when, and what it said; or, plainly, that nothing was checked yet. */
export function Sources({ toolName, evidence }: { toolName: string; evidence: ToolEvidence }) {
  const { sources, checkedAt, changes } = evidence;
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">Sources</h2>
      {changes.reviewedAt && changes.changes.length > 0 && (
        <div class="notice" role="status">
          {[...new Set(changes.changes.map((c) => c.text.split(':')[0]!))].map((what) => (
            <p>
              <strong>{what}</strong> since the panel reviewed it on <time datetime={changes.reviewedAt!}>{formatDate(changes.reviewedAt!)}</time>. A new
              review is queued.
            </p>
          ))}
        </div>
      )}
      {checkedAt ? (
        <p class="muted small">
          Facts last checked on <time datetime={checkedAt}>{formatDate(checkedAt)}</time>. Verdict fetched these pages itself; numbers in the takes
          point here.
        </p>
      ) : (
        <p class="muted">Facts not checked yet: Verdict has not fetched {toolName}'s pages, so the takes rest on the tool's own description.</p>
      )}
      {sources.length > 0 && (
        <ol class="sources-list">
          {sources.map((s) => (
            <li id={anchor(s.id)}>
              <strong>{KIND_LABELS[s.kind]}</strong>
              {safeHref(s.link) && (
                <>
                  {' '}
                  <a href={safeHref(s.link)} rel="noopener nofollow">
                    {excerpt(s.link.replace(/^https?:\/\//, ''), 60)}
                  </a>
                </>
              )}{' '}
              · checked <time datetime={s.fetchedAt}>{formatDate(s.fetchedAt)}</time>
              {s.summary && <p class="small source-excerpt">{s.summary}</p>}
              {s.excerpt && <p class="small muted source-excerpt">“{excerpt(s.excerpt, 200)}”</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
