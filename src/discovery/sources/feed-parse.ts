// Parses RSS 2.0, Atom and JSON Feed documents into entries for the feeds discovery source.
import { XMLParser } from 'fast-xml-parser';
import { stripHtml } from './hn.js';

/** One entry of an RSS 2.0, Atom or JSON Feed document. */
export interface FeedEntry {
  title: string;
  link: string;
  summary: string;
  tags: string[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: true, isArray: (n) => ['item', 'entry', 'link', 'category'].includes(n) });

const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return String((v as Record<string, unknown>)['#text']);
  return '';
};

/**
 * RSS 2.0 (`rss > channel > item`: title, link, description, category), Atom (`feed > entry`: title,
 * link[rel=alternate]@href, summary or content, category@term) and JSON Feed 1.x (`items`: title, url or
 * external_url, summary or content_text, tags). Anything else: an error naming what it found.
 */
export function parseFeed(body: string, contentType: string): FeedEntry[] {
  const trimmed = body.trimStart();
  if (/json/.test(contentType) || trimmed.startsWith('{')) {
    const doc = JSON.parse(body) as { version?: unknown; items?: unknown };
    if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) throw new Error('not a JSON Feed');
    return (doc.items as Record<string, unknown>[]).map((i) => ({
      title: text(i.title),
      link: text(i.external_url) || text(i.url),
      summary: text(i.summary) || text(i.content_text) || stripHtml(text(i.content_html)),
      tags: Array.isArray(i.tags) ? i.tags.filter((t): t is string => typeof t === 'string') : [],
    }));
  }
  const doc = parser.parse(body) as Record<string, any>;
  if (doc.rss?.channel) {
    return ((doc.rss.channel.item ?? []) as Record<string, any>[]).map((i) => ({
      title: text(i.title),
      link: text(i.link?.[0] ?? i.link),
      summary: stripHtml(text(i.description)),
      tags: ((i.category ?? []) as unknown[]).map(text).filter(Boolean),
    }));
  }
  if (doc.feed) {
    return ((doc.feed.entry ?? []) as Record<string, any>[]).map((e) => {
      const links = (e.link ?? []) as Record<string, string>[];
      const link = links.find((l) => !l['@rel'] || l['@rel'] === 'alternate')?.['@href'] ?? '';
      return {
        title: text(e.title),
        link,
        summary: stripHtml(text(e.summary) || text(e.content)),
        tags: ((e.category ?? []) as Record<string, string>[]).map((c) => c['@term'] ?? '').filter(Boolean),
      };
    });
  }
  throw new Error(`not RSS 2.0, Atom or JSON Feed (root: ${Object.keys(doc).filter((k) => !k.startsWith('?'))[0] ?? 'none'})`);
}

export const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml', 'application/feed+json', 'application/json'] as const;
