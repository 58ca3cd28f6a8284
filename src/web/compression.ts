// Brotli and gzip copies of a body, made once when cached, and the one chosen per request by Accept-Encoding.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Compressed copies of a response body, made once (when a page is cached, or an asset at start) and chosen per
 * request by Accept-Encoding: brotli, else gzip, else the bytes as they are. Never compressed per request.
 */

export type Encoding = 'br' | 'gzip';

export interface Variants {
  br?: Buffer;
  gzip?: Buffer;
}

/** Bodies under this size gain nothing worth a header; images and fonts are compressed already. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|xml|atom\+xml|javascript)|image\/svg\+xml)/;

/**
 * Brotli at quality 5 and gzip at level 6: about 0.6 and 0.4 ms for a 30 KB page, within a point or two of the
 * best ratio (quality 11 saves 3% more for 35 ms). A variant that does not come out smaller is not kept.
 * `quick` (a page re-spliced after a vote, docs/decisions/029): brotli 3 and gzip 2, about 0.2 ms each for a 32 KB
 * page, for 10% more bytes until its next render (still under a quarter of the page), so a vote costs the page
 * under 1 ms of CPU in all.
 */
export function compressVariants(body: Buffer, contentType: string | undefined, quick = false): Variants {
  if (body.length < MIN_BYTES || !COMPRESSIBLE.test(contentType ?? '')) return {};
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: quick ? 3 : 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  const gzip = gzipSync(body, { level: quick ? 2 : 6 });
  return { ...(br.length < body.length ? { br } : {}), ...(gzip.length < body.length ? { gzip } : {}) };
}

/** The ETag of an encoded variant: each encoding has its own, so a cache never answers one with another. */
export const variantEtag = (etag: string, encoding: Encoding | undefined) => (encoding ? `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"` : etag);

const chosen = new Map<string, Encoding | ''>();

/**
 * The encoding to send for an Accept-Encoding header, among those `variants` has: br before gzip, each only
 * when listed with q > 0 (or covered by `*`). Browsers send a handful of distinct headers, so answers are
 * remembered per header (bounded), keeping the cache-hit fast path free of parsing.
 */
export function chooseEncoding(acceptEncoding: string | undefined, variants: Variants): Encoding | undefined {
  if (!acceptEncoding || (!variants.br && !variants.gzip)) return undefined;
  let best = chosen.get(acceptEncoding);
  if (best === undefined) {
    best = negotiate(acceptEncoding) ?? '';
    if (chosen.size >= 200) chosen.clear();
    chosen.set(acceptEncoding, best);
  }
  if (best === 'br') return variants.br ? 'br' : variants.gzip && acceptable(acceptEncoding, 'gzip') ? 'gzip' : undefined;
  return best === 'gzip' && variants.gzip ? 'gzip' : undefined;
}

function negotiate(header: string): Encoding | undefined {
  if (acceptable(header, 'br')) return 'br';
  if (acceptable(header, 'gzip')) return 'gzip';
  return undefined;
}

/** Whether `coding` is acceptable: listed with q > 0, or not listed and `*` is (RFC 9110 §12.5.3). */
function acceptable(header: string, coding: Encoding): boolean {
  let star: number | undefined;
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const weight = Number.isFinite(q) ? q : 0;
    if (name === coding || (coding === 'gzip' && name === 'x-gzip')) return weight > 0;
    if (name === '*') star = weight;
  }
  return star !== undefined && star > 0;
}
