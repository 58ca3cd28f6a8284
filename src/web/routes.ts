// The one list where every feature registers its routes, so every URL is found from one place.
import type { App } from './app.js';
import type { Site } from './site.js';
import { registerVotes } from './pages/votes.page.js';
import { registerBookmarks } from './pages/bookmarks.page.js';
import { registerSubmit } from './pages/submit.page.js';
import { registerReports } from './pages/report.page.js';
import { registerSignin } from './pages/signin.page.js';
import { registerAdmin } from './pages/admin.page.js';
import { registerToolPages } from './pages/tool.page.js';
import { registerComparePages } from './pages/compare.page.js';
import { registerDigest } from './pages/digest.page.js';
import { registerApi } from './api/api.js';
import { registerFeed } from './feed.js';
import { registerSitemaps } from './sitemap.js';
import { registerFeedsPage } from './pages/feeds.page.js';
import { registerOg } from './og.js';
import { registerBadges } from './badge.js';
import { registerHome } from './pages/home.page.js';
import { registerCritics } from './pages/critics.page.js';
import { registerCategories } from './pages/categories.page.js';
import { registerSearch } from './pages/search.page.js';
import { registerRunPages } from './pages/runs.page.js';
import { registerMethodology } from './pages/methodology.page.js';

/** Each feature registers its routes here, in one list, so a newcomer finds every URL from one place. */
export function registerPages(app: App, site: Site): void {
  registerVotes(app, site);
  registerBookmarks(app, site);
  registerSubmit(app, site);
  registerReports(app, site);
  registerSignin(app, site);
  registerAdmin(app, site);
  registerToolPages(app, site);
  registerComparePages(app, site);
  registerApi(app, site);
  registerFeed(app, site);
  registerSitemaps(app, site);
  registerFeedsPage(app, site);
  registerOg(app, site);
  registerBadges(app, site);
  registerHome(app, site);
  registerCritics(app, site);
  registerCategories(app, site);
  registerSearch(app, site);
  registerDigest(app, site);
  registerRunPages(app, site);
  registerMethodology(app, site);
}
