// Embeddable SVG verdict badges ("verdict | Ship · 75% ship") and their routes.
import { withPanels } from '../catalog/catalog.service.js';
import { findToolBySlug } from '../catalog/tools.repo.js';
import { slugSchema } from '../domain/schemas.js';
import { shipShareText, type PanelSummary } from '../domain/summary.js';
import type { App } from './app.js';
import { escapeXml } from './xml.js';
import { CORP_CROSS_ORIGIN } from './og.js';
import type { Site } from './site.js';
import { verdictTone } from '../palette.js';

/**
 * Embeddable SVG badge in the shields.io "flat" style: "verdict | Ship · 75% ship". Colours are the site's
 * verdict tokens, dark enough for white text (contrast >= 4.5:1).
 */

// The label side is shields.io's grey, so the badge sits well beside other README badges.
const LABEL_GREY = '#555555';

// Approximate advance widths of Verdana at 11px, the font shields-style badges are drawn in.
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    if (/[ijlI|.,:;'!]/.test(ch)) w += 3.6;
    else if (/[ frt()\-1]/.test(ch)) w += 4.8;
    else if (/[mwMW%@]/.test(ch)) w += 10.5;
    else if (/[A-Z0-9#]/.test(ch)) w += 7.5;
    else w += 6.6;
  }
  return Math.ceil(w);
}

export interface BadgeSpec {
  left: string;
  right: string;
  colour: string;
  /** Accessible name (title and aria-label). */
  title: string;
}

/** "Ship · 75% ship", "Skip · 40% ship", or "no takes yet": the panel label, and its ship % said as such. */
export function badgeFor(name: string, panel: PanelSummary): BadgeSpec {
  const right = panel.label ? `${panel.label} · ${shipShareText(panel.shipPct!)}` : 'no takes yet';
  const detail = panel.label ? `${panel.text} (${shipShareText(panel.shipPct!)})` : panel.text;
  return { left: 'verdict', right, colour: verdictTone(panel.label).fg, title: `${name} on Verdict: ${detail}` };
}

const PAD = 6;
/** The badge's width in pixels (its height is 20), for an <img> that reserves its space. */
export const badgeWidth = (b: Pick<BadgeSpec, 'left' | 'right'>) => textWidth(b.left) + textWidth(b.right) + PAD * 4;

export function badgeSvg(b: BadgeSpec): string {
  const pad = PAD;
  const lw = textWidth(b.left) + pad * 2;
  const rw = textWidth(b.right) + pad * 2;
  const w = lw + rw;
  const title = escapeXml(b.title);
  // Text is drawn twice (a faint shadow, then white), scaled x10 for sub-pixel placement, as shields.io does.
  const text = (s: string, x: number) =>
    `<text aria-hidden="true" x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${textWidth(s) * 10}">${escapeXml(s)}</text>` +
    `<text x="${x * 10}" y="140" transform="scale(.1)" fill="#fff" textLength="${textWidth(s) * 10}">${escapeXml(s)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${LABEL_GREY}"/><rect x="${lw}" width="${rw}" height="20" fill="${b.colour}"/><rect width="${w}" height="20" fill="url(#s)"/></g>`,
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">',
    text(b.left, lw / 2),
    text(b.right, lw + rw / 2),
    '</g>',
    '</svg>',
  ].join('');
}

const SVG_HEADERS = { 'content-type': 'image/svg+xml; charset=utf-8', ...CORP_CROSS_ORIGIN };

export function registerBadges(app: App, site: Site): void {
  app.get('/badge/:file{[^/]+\\.svg}', async (c) => {
    const slug = c.req.param('file').slice(0, -'.svg'.length);
    const tool = slugSchema.safeParse(slug).success ? await findToolBySlug(site.store.db, slug) : undefined;
    if (!tool) {
      // Still an image, so an embed shows something readable instead of a broken-image icon.
      const svg = badgeSvg({ left: 'verdict', right: 'unknown tool', colour: verdictTone(null).fg, title: `No tool "${slug}" on Verdict` });
      return c.body(svg, 404, { ...SVG_HEADERS, 'cache-control': 'no-store' });
    }
    const [item] = await withPanels(site.store.db, [tool]);
    return c.body(badgeSvg(badgeFor(tool.name, item!.summary)), 200, SVG_HEADERS);
  });
}
