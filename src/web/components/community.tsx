// Vote and bookmark forms and the account line, reading the request's community state, the same bytes for every cookie-less visitor.
import { tryGetContext } from 'hono/context-storage';
import { currentCommunity } from '../identity.js';
import { CSRF_FIELD } from '../csrf.js';
import { summarizeVotes } from '../../domain/summary.js';
import { urls } from '../../urls.js';
import { VoteSlot } from '../vote-slots.js';

/**
 * Vote and bookmark controls. Plain forms (POST, then 303 back to this page) that 40-community.js turns
 * into in-place updates. They read the request's community state (CSRF token, the visitor's own vote and
 * bookmarks) themselves, so pages just place them: `<VoteForm tool={tool} counts={counts} />`.
 * For cookie-less visitors they render the same bytes for everyone, so public pages stay cacheable.
 */

export interface ToolRef {
  id: number;
  slug: string;
  name: string;
}

function Hidden() {
  const state = currentCommunity();
  if (!state) return null;
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={state.csrf} />
      <input type="hidden" name="return_to" value={state.path} />
    </>
  );
}

/** What a form POST without JavaScript just did, said beside the form it came from (`?done=…&tool=…#id`). */
export type Done = 'voted' | 'unvoted' | 'bookmarked' | 'unbookmarked';
const DONE: readonly string[] = ['voted', 'unvoted', 'bookmarked', 'unbookmarked'] satisfies Done[];

/** The id of a tool's vote or bookmark form that the redirect after a POST scrolls back to. */
export const formId = (kind: 'vote' | 'bookmark', slug: string) => `${kind}-${slug}`;

/**
 * The `done` of this request for this tool, if any. Only visitors with a cookie see it: their pages bypass
 * the shared cache, so a made-up `?done=` can never end up in a page served to others.
 */
function doneFor(slug: string, kinds: readonly Done[]): Done | undefined {
  if (!currentCommunity()?.visitor) return undefined;
  const req = tryGetContext()?.req;
  const done = req?.query('done');
  return req?.query('tool') === slug && done && DONE.includes(done) && kinds.includes(done as Done) ? (done as Done) : undefined;
}

const pillClass = (label: string | null) => `pill pill-${label ? label.toLowerCase() : 'none'}`;

/**
 * Ship / Skip buttons for one tool; the pressed one is this visitor's vote. With `counts`, also shows the
 * community line ("68% ship · 41 votes"), which the script keeps current after a vote.
 */
export function VoteForm({ tool, counts, showSummary = true }: { tool: ToolRef; counts?: { ships: number; skips: number }; showSummary?: boolean }) {
  const state = currentCommunity();
  const mine = state?.personal?.votes.get(tool.id);
  const done = doneFor(tool.slug, ['voted', 'unvoted']);
  // The pressed button sends "none": pressing your vote again withdraws it.
  const value = (v: 'ship' | 'skip') => (mine === v ? 'none' : v);
  return (
    <form class="vote-form" id={done && formId('vote', tool.slug)} method="post" action={urls.toolVote(tool.slug)} data-community="vote" data-tool={tool.slug}>
      <Hidden />
      {showSummary && counts && (
        <VoteSlot
          tools={[tool.id]}
          counts={[counts]}
          render={([v]) => {
            const summary = summarizeVotes(v!.ships, v!.skips);
            return (
              <span class={pillClass(summary.label)} data-community-summary={tool.slug}>
                {summary.text}
              </span>
            );
          }}
        />
      )}
      <span class="vote-buttons" role="group" aria-label={`Your vote on ${tool.name}`}>
        <button type="submit" name="vote" value={value('ship')} data-vote="ship" class="vote-btn vote-ship" aria-pressed={mine === 'ship' ? 'true' : 'false'}>
          <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
            <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          Ship
        </button>
        <button type="submit" name="vote" value={value('skip')} data-vote="skip" class="vote-btn vote-skip" aria-pressed={mine === 'skip' ? 'true' : 'false'}>
          <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
            <path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
          </svg>
          Skip
        </button>
      </span>
      <span class="vote-status small muted" role="status" data-community-status>
        {mine ? `You voted ${mine}.` : done === 'unvoted' ? 'Vote removed.' : ''}
      </span>
    </form>
  );
}

/** Bookmark / un-bookmark one tool. */
export function BookmarkButton({ tool, compact }: { tool: ToolRef; compact?: boolean }) {
  const state = currentCommunity();
  if (!state) return null;
  const on = state.personal?.bookmarks.has(tool.id) ?? false;
  const done = doneFor(tool.slug, ['bookmarked', 'unbookmarked']);
  return (
    <form class={`bookmark-form${compact ? ' compact' : ''}`} id={done && formId('bookmark', tool.slug)} method="post" action={urls.toolBookmark(tool.slug)} data-community="bookmark" data-tool={tool.slug}>
      <Hidden />
      <input type="hidden" name="action" value={on ? 'remove' : 'add'} />
      <button type="submit" class="btn btn-quiet bookmark-btn" aria-pressed={on ? 'true' : 'false'} aria-label={`Bookmark ${tool.name}`}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
          <path d="M4 2h8v12l-4-3-4 3z" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
        </svg>
        <span data-bookmark-label>{on ? 'Bookmarked' : 'Bookmark'}</span>
      </button>
      {done ? (
        <span class="bookmark-status small" role="status" data-community-status>
          {done === 'bookmarked' ? (
            <>
              Bookmarked. <a href={urls.bookmarks}>Your bookmarks</a>
            </>
          ) : (
            'Bookmark removed.'
          )}
        </span>
      ) : (
        <span class="visually-hidden" role="status" data-community-status></span>
      )}
    </form>
  );
}

/** Vote and bookmark together, as placed beside the community line of a tool page (a block: forms cannot sit in a span). */
export function CommunityActions({ tool, counts }: { tool: ToolRef; counts?: { ships: number; skips: number } }) {
  return (
    <div class="community-actions">
      <VoteForm tool={tool} counts={counts} showSummary={!!counts} />
      <BookmarkButton tool={tool} />
    </div>
  );
}

/** "Signed in as …" or an invitation to sign in, with the right form. */
export function AccountLine({ next }: { next?: string }) {
  const state = currentCommunity();
  const v = state?.visitor;
  if (v?.email) {
    return (
      <div class="account-line small">
        Signed in as <strong>{v.email}</strong>: your votes and bookmarks follow you to any device where you sign in.{' '}
        <form class="inline-form signout-form" method="post" action={urls.signOut}>
          <input type="hidden" name={CSRF_FIELD} value={state!.csrf} />
          <button type="submit" class="btn-quiet linkish">
            Sign out
          </button>
        </form>
      </div>
    );
  }
  return (
    <p class="account-line small muted">
      Votes and bookmarks are kept in this browser. <a href={urls.signIn(next)}>Sign in by email</a> to keep
      them across devices.
    </p>
  );
}
