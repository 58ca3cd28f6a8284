// The vote action (POST then 303, or JSON for the script); bookmarks are in bookmarks.page.tsx.
import type { App } from '../app.js';
import * as metrics from '../../ops/metrics.js';
import type { Site } from '../site.js';
import { readForm, safePath, wantsJson } from '../http.js';
import { formId, type Done } from '../components/community.js';
import { clientAddress, communityState, ensureVisitor, getVisitor } from '../identity.js';
import { verifyCsrf } from '../csrf.js';
import { AppError, notFound } from '../../errors.js';
import { summarizeVotes } from '../../domain/summary.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { castVote, removeVote } from '../../community/votes.repo.js';
import { urls } from '../../urls.js';
import { findToolRefBySlug } from '../../catalog/tools.repo.js';
import { executeTx, type DbOrTx } from '../../db/db.js';

/** Votes (POST, 303 back, or JSON for the script). Bookmarks are in bookmarks.page.tsx. */
export function registerVotes(app: App, site: Site): void {
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string, tx: DbOrTx) => limiterFor(site).take(checks, message, tx);

  app.post('/tools/:slug/vote', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const vote = body.vote;
    // "none" withdraws the vote: the pressed button sends it, so pressing your vote again undoes it.
    if (vote !== 'ship' && vote !== 'skip' && vote !== 'none') throw new AppError('invalid_vote', 'A vote is "ship", "skip" or "none".', 400);
    const tool = await toolOr404(site, c.req.param('slug'));
    const ip = clientAddress(c, site);
    const known = getVisitor(c);
    // One transaction: the limits' tokens, a new reader's visitor row and the vote commit together or not at all.
    const stored = await executeTx(db, async (tx) => {
      await limit(known ? [['voteIp', ip], ['voteVisitor', known.ownerId]] : [['voteIp', ip], ['newVisitorIp', ip]], 'You are voting too fast.', tx);
      const visitor = await ensureVisitor(c, site, tx);
      return vote === 'none' ? removeVote(tx, tool.id, visitor.ownerId) : castVote(tx, tool.id, visitor.ownerId, vote);
    });
    metrics.votes.inc({ vote });
    await site.noteVote(tool.id, stored);
    if (wantsJson(c)) {
      // The counts the vote's transaction stored on the tool, as every page shows them: no recount of `votes`.
      const counts = { ships: stored.ships, skips: stored.skips };
      return c.json({ ok: true, tool: tool.slug, vote: vote === 'none' ? null : vote, counts, community: summarizeVotes(counts.ships, counts.skips), csrf: communityState(c).csrf });
    }
    return c.redirect(backTo(body.return_to, tool.slug, vote === 'none' ? 'unvoted' : 'voted', 'vote'), 303);
  });
}

/**
 * Back to the page the form was on (without JavaScript), at the tool's form, saying what happened: the form
 * with that id renders the `done` message (see DoneNote in components/community.tsx). Page caches ignore
 * `done` and `tool`, and only visitors with a cookie (whose pages are never cached) see the message.
 */
export function backTo(returnTo: unknown, slug: string, done: Done, kind: 'vote' | 'bookmark'): string {
  const page = safePath(returnTo, urls.tool(slug)).split('#')[0]!;
  return `${page}${page.includes('?') ? '&' : '?'}done=${done}&tool=${encodeURIComponent(slug)}#${formId(kind, slug)}`;
}

/** The tool a vote or bookmark names: its id and slug, all those actions need. */
export async function toolOr404(site: Site, slug: string) {
  const tool = await findToolRefBySlug(site.store.db, slug);
  if (!tool) throw notFound(`There is no tool "${slug.slice(0, 80)}" in the catalog.`);
  return tool;
}
