// Share images (1200x630 PNG) for tool and compare pages, drawn with satori and resvg, and their routes.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Context } from 'hono';
import { compareBySlugs, getTool, unknownToolMessage } from '../catalog/catalog.service.js';
import { findToolsBySlugs } from '../catalog/tools.repo.js';
import { communityCounts } from '../catalog/tool.js';
import type { Comparison } from '../domain/compare.js';
import { slugSchema } from '../domain/schemas.js';
import { excerpt } from '../domain/text.js';
import { countsText, summarizeVotes, type CommunitySummary, type PanelSummary, percentText } from '../domain/summary.js';
import { notFound } from '../errors.js';
import type { App } from './app.js';
import type { Site } from './site.js';
import { pairSplits, urls } from '../urls.js';
import { palette, verdictTone } from '../palette.js';

/**
 * Share images (1200x630 PNG) for tool and compare pages, drawn with satori (layout + text to SVG) and
 * resvg (SVG to PNG). Routes are cached (src/web/freshness.ts), so the page cache keeps each PNG per path and data version;
 * rendering happens at most once per image and version (concurrent first requests share one render).
 */

export const OG_WIDTH = 1200;
export const OG_HEIGHT = 630;

/** Images may be embedded by any site (link previews, blogs), unlike the app's pages. */
export const CORP_CROSS_ORIGIN = { 'cross-origin-resource-policy': 'cross-origin' } as const;

// Share images cannot follow the viewer's colour scheme: the light theme.
const C = palette.light;

// A tiny element builder for satori's React-like tree. Every box is a flex box (satori requires it for
// boxes with several children); text children are plain strings, which satori draws as glyph paths.
type Node = string | El | null | false;
interface El {
  type: 'div';
  props: { style: Record<string, string | number>; children?: Node | Node[] };
}
const box = (style: Record<string, string | number>, ...children: Node[]): El => {
  const kids = children.map((k) => (typeof k === 'string' ? drawable(k) : k));
  return { type: 'div', props: { style: { display: 'flex', ...style }, children: kids.length === 1 ? kids[0] : kids } };
};

// The Unicode ranges of the bundled Inter subsets (latin + latin-ext, from @fontsource/inter's CSS).
// Anything else (emoji, CJK, control characters) would draw as a "no glyph" box, so it is left out.
const NOT_DRAWABLE =
  /[^\u0020-\u007E\u00A0-\u02BA\u02BB-\u02C6\u02C7-\u02CC\u02CE-\u02D7\u02DA\u02DC-\u02FF\u0304\u0308\u0329\u1D00-\u1DBF\u1E00-\u1E9F\u1EF2-\u1EFF\u2000-\u200A\u2010-\u2029\u202F-\u205F\u20A0-\u20C0\u2113\u2122\u2191\u2193\u2212\u2215\u2C60-\u2C7F\uA720-\uA7FF]/gu;
export const drawable = (s: string) => s.replace(NOT_DRAWABLE, '').replace(/\s+/g, ' ').trim();

function brand(right?: Node): El {
  return box(
    { alignItems: 'center', justifyContent: 'space-between', width: '100%' },
    box(
      { alignItems: 'center', gap: 16 },
      box(
        { width: 56, height: 56, borderRadius: 14, background: C.accent, color: C.accentText, fontSize: 34, fontWeight: 700, alignItems: 'center', justifyContent: 'center' },
        'V',
      ),
      box({ fontSize: 36, fontWeight: 700, color: C.text }, 'Verdict'),
    ),
    right ?? null,
  );
}

const pill = (text: string, fg: string, bg: string, fontSize = 26) =>
  box({ fontSize, fontWeight: 700, color: fg, background: bg, borderRadius: 999, padding: '8px 22px' }, text);

function verdictBlock(panel: PanelSummary, size: 'large' | 'medium'): El {
  const t = verdictTone(panel.label);
  const big = size === 'large' ? 88 : 64;
  if (!panel.label) return box({ alignItems: 'center' }, pill(panel.text, t.fg, t.bg, size === 'large' ? 34 : 28));
  return box(
    { alignItems: 'center', gap: 24 },
    pill(panel.label, t.fg, t.bg, size === 'large' ? 40 : 32),
    box({ alignItems: 'baseline', gap: 10 }, box({ fontSize: big, fontWeight: 700, color: t.fg, lineHeight: 1 }, percentText(panel.shipPct!)), box({ fontSize: 28, color: C.muted }, 'ship')),
  );
}

const frame = (...children: Node[]) =>
  box(
    { width: OG_WIDTH, height: OG_HEIGHT, flexDirection: 'column', background: C.bg, fontFamily: 'Inter, "Inter Ext"', color: C.text },
    box({ width: OG_WIDTH, height: 14, background: C.accent }),
    box({ flexGrow: 1, flexDirection: 'column', justifyContent: 'space-between', padding: '48px 72px 56px' }, ...children),
  );

const siteHost = (site: Site) => {
  try {
    return new URL(site.config.publicUrl).host;
  } catch {
    return site.config.publicUrl;
  }
};

export interface ToolCardData {
  slug: string;
  name: string;
  tagline: string;
  category: string;
  panel: PanelSummary;
  community: CommunitySummary;
  critics: number;
}

export function toolCard(site: Site, d: ToolCardData): El {
  const name = drawable(d.name) || d.slug; // a name entirely in other scripts still gets a title
  const counts = d.panel.label ? `${countsText(d.panel.ships, d.panel.skips)}${d.panel.abstentions ? ` / ${d.panel.abstentions} abstain` : ''} · ${d.critics} critics` : `${d.critics} critics on the panel`;
  return frame(
    brand(pill(excerpt(d.category, 40), C.muted, C.surface2, 24)),
    box(
      { flexDirection: 'column', gap: 18 },
      box({ fontSize: name.length > 28 ? 60 : 76, fontWeight: 700, lineHeight: 1.1, color: C.text }, excerpt(name, 56)),
      box({ fontSize: 32, lineHeight: 1.35, color: C.muted }, excerpt(d.tagline, 120)),
    ),
    box(
      { alignItems: 'flex-end', justifyContent: 'space-between', width: '100%' },
      box({ flexDirection: 'column', gap: 14 }, verdictBlock(d.panel, 'large'), box({ fontSize: 24, color: C.muted }, `${counts} · Community: ${d.community.text}`)),
      box({ fontSize: 24, color: C.muted }, siteHost(site)),
    ),
  );
}

export function compareCard(site: Site, c: Comparison): El {
  const nameOf = (i: number) => drawable(c.tools[i]!.name) || c.tools[i]!.slug;
  const side = (i: number) =>
    box(
      { flex: 1, flexDirection: 'column', gap: 18, background: C.surface, border: `2px solid ${c.overall.kind === 'tool' && c.overall.index === i ? verdictTone(c.panels[i]!.label).fg : C.line}`, borderRadius: 24, padding: '28px 32px' },
      box({ fontSize: 40, fontWeight: 700, color: C.text, lineHeight: 1.15 }, excerpt(nameOf(i), 30)),
      verdictBlock(c.panels[i]!, 'medium'),
      box({ fontSize: 22, color: C.muted }, c.panels[i]!.label ? c.panels[i]!.text : `${c.tools[i]!.category}`),
    );
  const o = c.overall;
  const pick = o.kind === 'tool' ? excerpt(nameOf(o.index), 34) : o.kind === 'close' ? 'Close call' : 'It depends on who you are';
  const why =
    o.kind === 'tool'
      ? o.reason === 'picks'
        ? `picked by ${c.picks[o.index]} of ${c.scorecard.length} critics`
        : 'higher mean score'
      : o.kind === 'close'
        ? 'one pick apart, mean scores the other way'
        : 'the panel is split';
  return frame(
    brand(box({ fontSize: 26, color: C.muted }, 'Panel comparison')),
    box(
      { gap: 28, alignItems: 'stretch', width: '100%' },
      side(0),
      box({ alignItems: 'center', fontSize: 36, fontWeight: 700, color: C.muted }, 'vs'),
      side(1),
    ),
    box(
      { alignItems: 'flex-end', justifyContent: 'space-between', width: '100%' },
      box(
        { flexDirection: 'column', gap: 4 },
        box({ fontSize: 22, fontWeight: 700, color: C.muted, letterSpacing: 1 }, o.kind === 'tool' ? 'OVERALL PICK' : 'OVERALL'),
        box({ alignItems: 'baseline', gap: 14 }, box({ fontSize: 38, fontWeight: 700, color: C.text }, pick), box({ fontSize: 24, color: C.muted }, why)),
      ),
      box({ fontSize: 24, color: C.muted }, siteHost(site)),
    ),
  );
}

// Fonts and the renderers load on the first image, not at app start.
interface Renderer {
  render(tree: El): Promise<Buffer>;
}
let renderer: Promise<Renderer> | undefined;

function loadRenderer(): Promise<Renderer> {
  return (renderer ??= (async () => {
    const require = createRequire(import.meta.url);
    const font = async (subset: 'latin' | 'latin-ext', weight: 400 | 700) => ({
      name: subset === 'latin' ? 'Inter' : 'Inter Ext',
      data: await readFile(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`)),
      weight,
      style: 'normal' as const,
    });
    const [{ default: satori }, { Resvg }, ...fonts] = await Promise.all([
      import('satori'),
      import('@resvg/resvg-js'),
      font('latin', 400),
      font('latin', 700),
      font('latin-ext', 400),
      font('latin-ext', 700),
    ]);
    return {
      async render(tree: El) {
        const svg = await satori(tree as never, {
          width: OG_WIDTH,
          height: OG_HEIGHT,
          fonts,
          // Never fetch fonts from the network; `drawable` already dropped what these fonts cannot draw.
          loadAdditionalAsset: async () => [],
        });
        return new Resvg(svg, { fitTo: { mode: 'width', value: OG_WIDTH }, font: { loadSystemFonts: false } }).render().asPng();
      },
    };
  })().catch((err) => {
    renderer = undefined; // let a later request try again
    throw err;
  }));
}

export const renderPng = async (tree: El): Promise<Buffer> => (await loadRenderer()).render(tree);

// Concurrent first requests for one image share a render (the page cache serves later ones).
const inFlight = new Map<string, Promise<Buffer>>();
function once(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  let p = inFlight.get(key);
  if (!p) {
    p = make().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

const png = (c: Context, body: Buffer) => c.body(new Uint8Array(body), 200, { 'content-type': 'image/png', ...CORP_CROSS_ORIGIN });

/** Splits `a-vs-b` into two existing slugs, trying each "-vs-" (slugs may contain "-vs-" themselves). */
export async function splitPair(site: Site, pair: string): Promise<[string, string] | undefined> {
  const candidates = pairSplits(pair).filter(([a, b]) => slugSchema.safeParse(a).success && slugSchema.safeParse(b).success && a !== b);
  if (candidates.length === 0) return undefined;
  const known = new Set((await findToolsBySlugs(site.store.db, [...new Set(candidates.flat())])).map((t) => t.slug));
  const valid = candidates.filter(([a, b]) => known.has(a) && known.has(b));
  // Like the compare page: prefer the reading that is already canonical (a < b).
  return valid.find(([a, b]) => a < b) ?? valid[0];
}

export function registerOg(app: App, site: Site): void {
  app.get('/og/tools/:file{[^/]+\\.png}', async (c) => {
    const slug = c.req.param('file').slice(0, -'.png'.length);
    if (!slugSchema.safeParse(slug).success) throw notFound(await unknownToolMessage(site.store.db, slug));
    const key = `${c.req.path}@${site.version()}`;
    const body = await once(key, async () => {
      const item = await getTool(site.store.db, slug);
      const v = communityCounts(item.tool);
      return renderPng(
        toolCard(site, {
          slug: item.tool.slug,
          name: item.tool.name,
          tagline: item.tool.tagline,
          category: item.tool.category,
          panel: item.summary,
          community: summarizeVotes(v.ships, v.skips),
          critics: site.critics.length,
        }),
      );
    });
    return png(c, body);
  });

  app.get('/og/compare/:file{[^/]+\\.png}', async (c) => {
    const pairText = c.req.param('file').slice(0, -'.png'.length);
    const pair = await splitPair(site, pairText);
    if (!pair) throw notFound(`No comparison "${pairText}": use two tool slugs joined by "-vs-", e.g. /og/compare/cursor-vs-github-copilot.png`);
    const [a, b] = [...pair].sort() as [string, string];
    // One image per pair: the other order redirects to the canonical one, as the compare page does.
    if (pair[0] !== a) return c.redirect(urls.compareImage(a, b), 301);
    const key = `${c.req.path}@${site.version()}`;
    const body = await once(key, async () => {
      const { comparison } = await compareBySlugs(site.store.db, [a, b], site.critics.map((x) => x.id));
      return renderPng(compareCard(site, comparison));
    });
    return png(c, body);
  });
}
