/** The compare page's picker: the tools picked so far, a search to add one, and suggested pairs. */
import { MAX_COMPARE } from '../../domain/compare.js';
import type { ToolChoice } from '../../catalog/tools.repo.js';
import type { ToolSuggestion } from '../../catalog/search.repo.js';
import { ToolSearch } from './tool-search.js';
import { excerpt } from '../../domain/text.js';
import { urls } from '../../urls.js';

export const QUESTION = 'Which one should you ship with?';

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
