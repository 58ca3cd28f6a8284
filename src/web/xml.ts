/** Text inside XML (the Atom feed, sitemaps, SVG badges): illegal characters dropped, markup escaped. */

// XML 1.0 allows tab, LF, CR, and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; nothing else may appear,
// not even escaped. The `u` flag makes lone surrogates single code points, so they are stripped too.
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe inside XML elements and attributes (either quote): illegal characters dropped, markup characters escaped. */
export const escapeXml = (s: string): string => s.replace(ILLEGAL_XML, '').replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]!);

export const XML_TYPE = 'application/xml; charset=utf-8';
