import type { App } from './app.js';
import type { Site } from './site.js';

/** Each feature registers its routes here, in one list, so a newcomer finds every URL from one place. */
export function registerPages(app: App, site: Site): void {
  void app;
  void site;
}
