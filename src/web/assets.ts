// The site's CSS and JavaScript, concatenated once from their partials under content-hashed names (cached for a year).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

export interface Asset {
  path: string;
  body: Buffer;
  type: string;
}

const dir = new URL('./assets/', import.meta.url).pathname;

/** Concatenates the partials of one kind, in name order, under a content-hashed name (cached for a year). */
function bundle(sub: string, ext: string, name: string, type: string): Asset {
  const files = readdirSync(join(dir, sub)).filter((f) => f.endsWith(ext)).sort();
  const body = Buffer.from(files.map((f) => readFileSync(join(dir, sub, f), 'utf8')).join('\n'));
  const hash = createHash('sha1').update(body).digest('hex').slice(0, 10);
  return { path: `/assets/${name}.${hash}${ext}`, body, type };
}

/** A file served as is under a content-hashed name. */
function single(body: Buffer, name: string): Asset {
  const hash = createHash('sha1').update(body).digest('hex').slice(0, 10);
  return { path: `/assets/${name}.${hash}.js`, body, type: 'text/javascript; charset=utf-8' };
}

/** @github/combobox-nav, as published: an ES module of its own (no inline scripts or styles, which our CSP forbids). */
export const COMBOBOX_NAV = single(readFileSync(fileURLToPath(new URL('../../node_modules/@github/combobox-nav/dist/index.js', import.meta.url))), 'combobox-nav');
/** The tool picker's combobox (a module script), importing combobox-nav by its hashed path. */
export const TOOL_SEARCH = single(Buffer.from(readFileSync(join(dir, 'modules', 'tool-search.js'), 'utf8').replace('__COMBOBOX_NAV__', COMBOBOX_NAV.path)), 'tool-search');

export const CSS = bundle('css', '.css', 'site', 'text/css; charset=utf-8');
export const JS = bundle('js', '.js', 'app', 'text/javascript; charset=utf-8');
