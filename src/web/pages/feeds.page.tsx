// /feeds: what the site's feeds are and how to follow one.
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { absolute, urls } from '../../urls.js';

/**
 * What a feed is and how to follow one. The footer links here, not to the XML itself: a browser shows an
 * Atom file as raw markup, and browsers are removing XSLT (Chrome announced it), so a stylesheet on the feed is no lasting fix.
 */
export function registerFeedsPage(app: App, site: Site): void {
  app.get(urls.feeds, (c) => {
    const feed = absolute(site.config.publicUrl, urls.feed);
    return c.html(
      renderPage(
        site,
        { title: 'Follow new verdicts', description: 'Follow the panel’s new verdicts in a feed reader (Atom), or by email with the weekly digest.', path: urls.feeds },
        <section class="narrow feeds-page">
          <h1>Follow new verdicts</h1>
          <p class="lede">Every tool the panel reviews, as it happens: the verdict, the ship share and the tagline, with a link to the full page.</p>
          <h2>In a feed reader</h2>
          <p>
            A feed reader (such as NetNewsWire, Feedly, Inoreader or Thunderbird) checks sites for you and lists what is new. Add this address to
            yours:
          </p>
          <pre class="snippet feed-url">
            <code>{feed}</code>
          </pre>
          <p class="small muted">
            It is an Atom feed: a file for feed readers, so in a browser tab it shows as raw markup. <a href={urls.feed}>Open the feed file</a>.
          </p>
          <h2>By email</h2>
          <p>
            Prefer email? The <a href={urls.digest}>weekly digest</a> sends the week's verdicts and notable comparisons once a week.
          </p>
        </section>,
      ),
    );
  });
}
