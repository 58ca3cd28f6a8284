import type { App } from '../app.js';
import type { Site } from '../site.js';
import { communityContext } from '../../community/visitor.js';

/** Votes, bookmarks, sign-in, submissions and the admin page. Registered first: its context serves every route. */
export function registerCommunity(app: App, site: Site): void {
  app.use('*', communityContext(site));
}
