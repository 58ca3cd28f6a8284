// The page layout every HTML page renders in (head, meta and share tags, header, footer) and renderPage.
import type { Child } from 'hono/jsx';
import { CSS, JS, TOOL_SEARCH } from './assets.js';
import type { Site } from './site.js';
import { NewsletterBlock } from './components/newsletter.js';
import { urls } from '../urls.js';
import { currentCommunity } from './identity.js';

export interface PageMeta {
  title: string;
  description: string;
  /** Path of the canonical URL, e.g. `/tools/smolvlm2`. */
  path: string;
  /** Path or absolute URL of the share image (PNG, 1200x630). */
  ogImage?: string;
  noindex?: boolean;
  nav?: 'home' | 'tools' | 'compare' | 'critics' | 'categories' | 'search' | 'bookmarks';
  /** false on pages with a subscribe box of their own (/digest): the footer's would offer Subscribe twice. */
  newsletter?: boolean;
}

const NAV: [NonNullable<PageMeta['nav']>, string, string][] = [
  ['tools', urls.tools(), 'Tools'],
  ['compare', urls.compare(), 'Compare'],
  ['critics', urls.critics, 'Critics'],
  ['categories', urls.categories, 'Categories'],
  ['bookmarks', urls.bookmarks, 'Bookmarks'],
];

export function Layout({ site, meta, children }: { site: Site; meta: PageMeta; children?: Child }) {
  const base = site.config.publicUrl;
  const url = base + meta.path;
  const image = meta.ogImage ? (meta.ogImage.startsWith('http') ? meta.ogImage : base + meta.ogImage) : undefined;
  const title = meta.path === '/' ? meta.title : `${meta.title} · Verdict`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={meta.description} />
        <link rel="canonical" href={url} />
        {meta.noindex && <meta name="robots" content="noindex" />}
        <meta property="og:site_name" content="Verdict" />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={meta.title} />
        <meta property="og:description" content={meta.description} />
        <meta property="og:url" content={url} />
        {image && <meta property="og:image" content={image} />}
        {image && <meta property="og:image:width" content="1200" />}
        {image && <meta property="og:image:height" content="630" />}
        <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
        <meta name="twitter:title" content={meta.title} />
        <meta name="twitter:description" content={meta.description} />
        {image && <meta name="twitter:image" content={image} />}
        <meta name="theme-color" content="#3b4cca" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="alternate" type="application/atom+xml" title="New verdicts" href={urls.feed} />
        <link rel="stylesheet" href={CSS.path} />
        <script src={JS.path} defer></script>
        <script type="module" src={TOOL_SEARCH.path}></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href={urls.home}>
              <span class="brand-mark" aria-hidden="true">V</span>Verdict
            </a>
            <nav class="site-nav" aria-label="Main">
              {NAV.map(([key, href, label]) => (
                <a href={href} aria-current={meta.nav === key ? 'page' : undefined}>
                  {label}
                </a>
              ))}
            </nav>
            <form class="header-search" role="search" action={urls.search()} method="get">
              <label class="visually-hidden" for="site-search">Search tools</label>
              <input id="site-search" type="search" name="q" placeholder="Search tools" />
              <button type="submit">Search</button>
            </form>
            {/* On phones the form above is hidden (it took a row of its own): search is one tap away, on the catalog page. */}
            <a class="header-search-link" href={urls.tools()}>
              <SearchIcon />
              Search
            </a>
            <AccountLink />
          </div>
        </header>
        {/* tabindex -1: the skip link moves focus here, not just the scroll position, so the next Tab starts inside main. */}
        <main id="main" tabindex={-1}>
          <div class="wrap">{children}</div>
        </main>
        <footer class="site-footer">
          <div class="wrap cols">
            {meta.newsletter !== false && <NewsletterBlock />}
            <div>
              <p>
                <strong>Verdict</strong> — a panel of AI critics reviews every AI tool, so you know which one to ship with. Verdicts never contradict their
                scores, and nothing is pay-to-rank.
              </p>
            </div>
            <ul>
              <li><a href={urls.submit}>Submit a tool</a></li>
              <li><a href={urls.signIn()}>Sign in</a></li>
              <li><a href={urls.digest}>Digest archive</a></li>
              <li><a href={urls.critics}>Meet the critics</a></li>
              <li><a href={urls.feeds}>Follow new verdicts (feed)</a></li>
              <li><a href={urls.openapi}>JSON API</a></li>
              <li><a href="/sitemap.xml">Sitemap</a></li>
            </ul>
          </div>
        </footer>
      </body>
    </html>
  );
}

const SearchIcon = () => (
  <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round">
    <circle cx="10.5" cy="10.5" r="6.5" />
    <path d="m15.5 15.5 5 5" />
  </svg>
);

/**
 * Who is signed in, or a way to sign in. Pages for browsers without a personal cookie are cached and shared,
 * and those browsers are never signed in, so the shared copy always says "Sign in".
 */
function AccountLink() {
  const state = currentCommunity();
  const email = state?.visitor?.email;
  return email ? (
    <a class="header-account" href={urls.signIn()} title={`Signed in as ${email}`}>
      <span class="header-account-label">Signed in as </span>
      <span class="header-account-email">{email}</span>
    </a>
  ) : (
    <a class="header-account" href={urls.signIn(state && !state.path.startsWith(urls.signIn()) ? state.path : undefined)}>
      Sign in
    </a>
  );
}

/** A whole HTML document as a string. */
export const renderPage = (site: Site, meta: PageMeta, body: Child): string =>
  '<!doctype html>' + String(<Layout site={site} meta={meta}>{body}</Layout>);

