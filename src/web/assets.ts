import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

export const CSS = bundle('css', '.css', 'site', 'text/css; charset=utf-8');
export const JS = bundle('js', '.js', 'app', 'text/javascript; charset=utf-8');
