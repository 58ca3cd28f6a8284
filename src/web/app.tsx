// Builds the site's Hono app: ops endpoints, the page cache, security headers, body limits, assets, every page's routes and the one error path.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { contextStorage } from 'hono/context-storage';
import { AppError } from '../errors.js';
import { COMBOBOX_NAV, CSS, JS, TOOL_SEARCH } from './assets.js';
import { errorResponse } from './errors.js';
import { chooseEncoding, compressVariants } from './compression.js';
import { pageCache, rejectUnstorableInput, type AppEnv } from './http.js';
import type { Site } from './site.js';
import { registerPages } from './routes.js';
import { communityContext, HSTS, isHttpsRequest } from './identity.js';
import { recordRoute } from './request-log.js';
import { registerOps } from './ops.js';

export type App = Hono<AppEnv>;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b4cca"/><text x="16" y="23" font-family="system-ui,sans-serif" font-size="20" font-weight="800" fill="#fff" text-anchor="middle">V</text></svg>`;

export function createApp(site: Site): App {
  const app = new Hono<AppEnv>({ strict: true });
  app.use(recordRoute);

  // Outside the page cache, so cached pages get it exactly when this request is https.
  app.use(async (c, next) => {
    await next();
    if (isHttpsRequest(c, site)) c.res.headers.set('strict-transport-security', HSTS);
  });
  // Health, readiness and metrics come before the page cache and the page middleware: never cached, no cookies.
  registerOps(app, { db: site.store.db, config: site.config, workerId: () => site.ops.workerId, stopping: () => site.ops.stopping });
  app.use(pageCache(site));

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      crossOriginResourcePolicy: 'same-site',
      strictTransportSecurity: false, // set above, on https responses only
      referrerPolicy: 'strict-origin-when-cross-origin',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
      // Images and badges set their own Cross-Origin-Resource-Policy so other sites can embed them.
      overwrite: false,
    }),
  );
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, site, new AppError('too_large', 'That request is too large.', 413)) }));
  app.use(rejectUnstorableInput);

  for (const asset of [CSS, JS, COMBOBOX_NAV, TOOL_SEARCH]) {
    const variants = compressVariants(asset.body, asset.type); // once, at start
    app.get(asset.path, (c) => {
      const encoding = chooseEncoding(c.req.header('accept-encoding'), variants);
      const headers = { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding', ...(encoding ? { 'content-encoding': encoding } : {}) };
      return c.body(new Uint8Array(encoding ? variants[encoding]! : asset.body), 200, headers);
    });
  }
  app.get('/favicon.svg', (c) => c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301));

  // Every page route: components read the request's community state through hono/context-storage.
  app.use(contextStorage(), communityContext(site));
  registerPages(app, site);

  app.notFound((c) => errorResponse(c, site, new AppError('not_found', `There is no page at ${c.req.path}.`, 404)));
  app.onError((err, c) => errorResponse(c, site, err));
  return app;
}
