/** /feed.xml: the Atom feed of new verdicts, one entry per recently reviewed tool. */
import { withPanels } from '../catalog/catalog.service.js';
import { toolsByLatestReview } from '../catalog/reviews.repo.js';
import { communityCounts } from '../catalog/tool.js';
import { shipShareText, summarizeVotes } from '../domain/summary.js';
import type { App } from './app.js';
import type { Site } from './site.js';
import { absolute, urls } from '../urls.js';

import { escapeXml } from './xml.js';

export const FEED_ENTRIES = 50;

/** Atom feed of new verdicts: one entry per recently reviewed tool, newest first; a re-review is a new entry. */
export async function renderFeed(site: Site): Promise<string> {
  const db = site.store.db;
  const base = site.config.publicUrl;
  const recent = await toolsByLatestReview(db, FEED_ENTRIES);
  const panels = await withPanels(db, recent.map((r) => r.tool));
  const entries = recent.map(({ tool, reviewId, reviewedAt }, i) => {
    const panel = panels[i]!.summary;
    const v = communityCounts(tool);
    const community = summarizeVotes(v.ships, v.skips);
    const pct = panel.shipPct == null ? '' : ` (${shipShareText(panel.shipPct)})`;
    const url = absolute(base, urls.tool(tool.slug));
    const summary = `Panel: ${panel.text}${pct}. Community: ${community.text}. ${tool.tagline}`;
    return [
      '<entry>',
      `<title>${escapeXml(`${tool.name}: ${panel.text}${pct}`)}</title>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
      `<id>${escapeXml(`${url}#verdict-${reviewId}`)}</id>`,
      `<updated>${escapeXml(reviewedAt)}</updated>`,
      `<category term="${escapeXml(tool.categorySlug)}" label="${escapeXml(tool.category)}"/>`,
      `<summary type="text">${escapeXml(summary)}</summary>`,
      '</entry>',
    ].join('\n');
  });
  const updated = recent.reduce((max, r) => (r.reviewedAt > max ? r.reviewedAt : max), '1970-01-01T00:00:00.000Z');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    '<title>Verdict: new verdicts</title>',
    '<subtitle>What a panel of AI critics says about new AI tools: ship or skip.</subtitle>',
    `<id>${escapeXml(`${base}/`)}</id>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(absolute(base, urls.feed))}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(`${base}/`)}"/>`,
    `<updated>${escapeXml(updated)}</updated>`,
    `<author><name>Verdict</name><uri>${escapeXml(`${base}/`)}</uri></author>`,
    `<icon>${escapeXml(`${base}/favicon.svg`)}</icon>`,
    '<generator>Verdict</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export function registerFeed(app: App, site: Site): void {
  app.get('/feed.xml', async (c) => c.body(await renderFeed(site), 200, { 'content-type': 'application/atom+xml; charset=utf-8' }));
}
