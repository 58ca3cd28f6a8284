import type { App } from './app.js';
import type { Site } from './site.js';
import { registerCommunity } from './pages/community.page.js';
import { registerDigest } from './pages/digest.page.js';

/** Each feature registers its routes here, in one list, so a newcomer finds every URL from one place. */
export function registerPages(app: App, site: Site): void {
  void app;
  void site;
  registerCommunity(app, site); // first: its context (visitor, CSRF token) serves every route below
  registerDigest(app, site);
}
