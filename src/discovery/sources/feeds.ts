// Discovery source: the RSS, Atom or JSON Feed URLs the operator lists in DISCOVERY_FEEDS.
import { isHttp, type DiscoveredItem, type DiscoverySource } from '../source.js';
import { FEED_TYPES, parseFeed } from './feed-parse.js';

/**
 * Any RSS 2.0, Atom or JSON Feed URLs the operator lists in DISCOVERY_FEEDS. A feed lists articles as much as
 * tools, so every entry needs a clear AI word; a feed gives no measure of interest. A feed that fails is reported
 * and the others are still read.
 */
export const feedsSource: DiscoverySource = {
  id: 'feeds',
  label: 'Feed',
  aiListing: false,
  async list({ discovery: d, http }) {
    const out: DiscoveredItem[] = [];
    const errors: string[] = [];
    for (const feed of d.feeds) {
      try {
        const res = await http.get(feed, { accept: FEED_TYPES });
        if (res.notModified) continue;
        for (const e of parseFeed(res.text, res.contentType).slice(0, d.perSource)) {
          if (!isHttp(e.link) || !e.title) continue;
          out.push({
            source: 'feeds',
            sourceId: e.link,
            name: e.title.replace(/^show hn:\s*/i, '').split(/\s+[–—|-]\s+|:\s+/)[0]!.trim(),
            url: e.link,
            description: [e.title, e.summary].filter(Boolean).join('. '),
            tags: e.tags,
            signal: { value: null, metric: '' },
            link: e.link,
            hints: { url: e.link },
          });
        }
      } catch (err) {
        errors.push(`${feed}: ${(err as Error).message}`);
      }
    }
    if (errors.length && out.length === 0) throw new Error(errors.join('; '));
    return out;
  },
};
