// The bookmarks page and the bookmark toggle: a reader's saved tools, personal and never cached.
import type { App } from '../app.js';
import * as metrics from '../../ops/metrics.js';
import type { Site } from '../site.js';
import { readForm, wantsJson } from '../http.js';
import { renderPage } from '../layout.js';
import { ToolCard } from '../components/verdict.js';
import { AccountLine, BookmarkButton } from '../components/community.js';
import { clientAddress, communityState, ensureVisitor, getVisitor } from '../identity.js';
import { verifyCsrf } from '../csrf.js';
import { AppError } from '../../errors.js';
import { withPanels } from '../../catalog/catalog.service.js';
import { MAX_COMPARE } from '../../domain/compare.js';
import { numberWord } from '../../domain/text.js';
import { limiterFor, type LimitName } from '../../community/rate-limit.js';
import { addBookmark, bookmarkedTools, removeBookmark } from '../../community/bookmarks.repo.js';
import { absolute, urls, withQuery } from '../../urls.js';
import { backTo, toolOr404 } from './votes.page.js';

/** Bookmarks (POST, 303 back, or JSON for the script), and /bookmarks with export and compare: personal, never cached. */
export function registerBookmarks(app: App, site: Site): void {
  const db = site.store.db;
  const limit = (checks: [LimitName, string][], message: string) => limiterFor(site).take(checks, message);

  app.post('/tools/:slug/bookmark', verifyCsrf, async (c) => {
    const body = await readForm(c);
    const action = body.action ?? 'add';
    if (action !== 'add' && action !== 'remove') throw new AppError('invalid_action', 'A bookmark action is either "add" or "remove".', 400);
    const tool = await toolOr404(site, c.req.param('slug'));
    const ip = clientAddress(c, site);
    const known = getVisitor(c);
    await limit(known ? [['bookmarkIp', ip], ['bookmarkVisitor', known.ownerId]] : [['bookmarkIp', ip], ['newVisitorIp', ip]], 'You are bookmarking too fast.');
    const visitor = await ensureVisitor(c, site);
    if (action === 'add') await addBookmark(db, visitor.ownerId, tool.id);
    else await removeBookmark(db, visitor.ownerId, tool.id);
    metrics.bookmarks.inc({ action });
    if (wantsJson(c)) return c.json({ ok: true, tool: tool.slug, bookmarked: action === 'add', csrf: communityState(c).csrf });
    return c.redirect(backTo(body.return_to, tool.slug, action === 'add' ? 'bookmarked' : 'unbookmarked', 'bookmark'), 303);
  });

  app.get('/bookmarks', async (c) => {
    const v = getVisitor(c);
    const rows = v ? await bookmarkedTools(db, v.ownerId) : [];
    const items = await withPanels(db, rows);
    const error = c.req.query('error');
    return c.html(
      renderPage(
        site,
        { title: 'Your bookmarks', description: 'Tools you bookmarked on Verdict.', path: urls.bookmarks, noindex: true, nav: 'bookmarks' },
        <section class="bookmarks-page">
          <h1>Your bookmarks</h1>
          <AccountLine next={urls.bookmarks} />
          {error === 'pick' && (
            <p class="notice" role="alert">
              Pick {numberWord(2)} to {numberWord(MAX_COMPARE)} bookmarked tools to compare.
            </p>
          )}
          {items.length === 0 ? (
            <div class="card empty-state">
              <p>No bookmarks yet. Use the Bookmark button on any tool to keep it here, then compare your shortlist side by side.</p>
              <p>
                <a class="btn" href={urls.tools()}>Browse tools</a>
              </p>
            </div>
          ) : (
            <>
              <form id="compare-bookmarks" class="bookmarks-toolbar" method="get" action={urls.bookmarksCompare}>
                <p class="small muted">
                  {items.length} {items.length === 1 ? 'tool' : 'tools'}. Tick {numberWord(2)} to {numberWord(MAX_COMPARE)}, then compare them side by side.
                </p>
                <button type="submit">Compare selected</button>
                <a class="btn btn-quiet" href={urls.bookmarksJson} download="verdict-bookmarks.json">
                  Export JSON
                </a>
              </form>
              <h2 class="visually-hidden">Bookmarked tools</h2>
              <ul class="grid tool-grid" aria-label="Bookmarked tools">
                {items.map((item) => (
                  <li>
                    <ToolCard
                      item={item}
                      actions={
                        <div class="bookmark-actions">
                          <label class="compare-pick">
                            <input type="checkbox" name="tools" value={item.tool.slug} form="compare-bookmarks" /> Compare
                            <span class="visually-hidden"> {item.tool.name}</span>
                          </label>
                          <BookmarkButton tool={item.tool} compact />
                        </div>
                      }
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>,
      ),
      200,
      { 'cache-control': 'private, no-store' },
    );
  });

  app.get('/bookmarks.json', async (c) => {
    const v = getVisitor(c);
    const rows = v ? await bookmarkedTools(db, v.ownerId) : [];
    const base = site.config.publicUrl;
    const doc = {
      exportedAt: new Date().toISOString(),
      account: v?.email ?? null,
      count: rows.length,
      bookmarks: rows.map((t) => ({
        slug: t.slug,
        name: t.name,
        tagline: t.tagline,
        category: t.category,
        url: t.url,
        page: absolute(base, urls.tool(t.slug)),
        bookmarkedAt: t.bookmarkedAt,
      })),
    };
    return c.body(JSON.stringify(doc, null, 2) + '\n', 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="verdict-bookmarks.json"',
      'cache-control': 'private, no-store',
    });
  });

  // The checkbox form sends tools=a&tools=b; the compare pages take one comma-separated list.
  app.get('/bookmarks/compare', (c) => {
    const picked = [...new Set((c.req.queries('tools') ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => /^[a-z0-9-]{1,80}$/.test(s)))];
    if (picked.length < 2 || picked.length > MAX_COMPARE) return c.redirect(withQuery(urls.bookmarks, { error: 'pick' }), 303);
    return c.redirect(urls.compare(picked), 303);
  });
}
