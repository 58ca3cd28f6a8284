import type { RouteSpec } from './fixture-server.js';

/**
 * Listings in each API's documented response shape, for a fixture web: every field a source reads, plus the
 * neighbours a real answer carries. One `Tool` can be listed by several sources, as in life.
 */
export interface Tool {
  name: string;
  /** Path of its homepage on the fixture web; null: a homepage that does not answer. */
  home: string | null;
  description: string;
  github?: { full: string; stars: number; topics?: string[]; license?: string };
  hn?: { id: number; points: number; title?: string };
  hf?: { id: string; likes: number; type?: 'model' | 'space'; pipeline?: string };
  npm?: { name: string; weekly?: number; keywords?: string[] };
  pypi?: { name: string };
  feed?: boolean;
  ph?: { id: string; votes: number };
}

const JSON_TYPE = 'application/json; charset=utf-8';
const rate = { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) };

export function homepage(t: Tool): RouteSpec {
  return {
    body: `<!doctype html><html><head><title>${t.name}</title><meta name="description" content="${t.description}"></head><body><main><h1>${t.name}</h1><p>${t.description}</p></main></body></html>`,
  };
}

/** Routes for one "day" of listings: HN, GitHub, Hugging Face, npm, PyPI, the three feed formats and Product Hunt. */
export function listings(origin: string, tools: readonly Tool[]): Record<string, RouteSpec> {
  const home = (t: Tool) => (t.home ? `${origin}${t.home}` : `${origin}/gone/${t.name.toLowerCase().replace(/\W+/g, '-')}`);
  const routes: Record<string, RouteSpec> = {};
  const now = Math.floor(Date.now() / 1000);
  // Algolia HN Search API, search_by_date: hits with objectID, title, url, author, points, story_text, num_comments, created_at(_i), _tags.
  routes['/hn/search_by_date'] = {
    type: JSON_TYPE,
    body: {
      hits: tools
        .filter((t) => t.hn)
        .map((t) => ({
          created_at: new Date(now * 1000).toISOString(),
          created_at_i: now - 3600,
          title: t.hn!.title ?? `Show HN: ${t.name} – ${t.description}`,
          url: home(t),
          author: 'maker',
          points: t.hn!.points,
          story_text: null,
          num_comments: 12,
          story_id: t.hn!.id,
          objectID: String(t.hn!.id),
          _tags: ['story', 'author_maker', `story_${t.hn!.id}`, 'show_hn'],
        })),
      nbHits: tools.filter((t) => t.hn).length,
      page: 0,
      nbPages: 1,
      hitsPerPage: 100,
      processingTimeMS: 1,
      query: '',
      params: 'tags=show_hn',
    },
  };
  // GitHub REST search/repositories: total_count, incomplete_results, items[] of repository objects.
  const gh = tools.filter((t) => t.github);
  routes['/gh/search/repositories'] = {
    type: JSON_TYPE,
    headers: rate,
    body: {
      total_count: gh.length,
      incomplete_results: false,
      items: gh.map((t, i) => ({
        id: 1000 + i,
        node_id: `R_${i}`,
        name: t.github!.full.split('/')[1],
        full_name: t.github!.full,
        private: false,
        owner: { login: t.github!.full.split('/')[0], type: 'Organization' },
        html_url: `https://github.com/${t.github!.full}`,
        description: t.description,
        fork: false,
        homepage: t.home ? home(t) : null,
        stargazers_count: t.github!.stars,
        watchers_count: t.github!.stars,
        forks_count: 3,
        open_issues_count: 1,
        language: 'Python',
        topics: t.github!.topics ?? ['llm'],
        license: t.github!.license ? { key: t.github!.license.toLowerCase(), spdx_id: t.github!.license, name: t.github!.license } : null,
        archived: false,
        created_at: new Date().toISOString(),
        pushed_at: new Date().toISOString(),
        score: 1,
      })),
    },
  };
  // Hugging Face Hub /api/models and /api/spaces: arrays of {_id, id, likes, trendingScore, private, downloads, tags, pipeline_tag, library_name, createdAt}.
  for (const type of ['model', 'space'] as const) {
    routes[`/hf/api/${type}s`] = {
      type: JSON_TYPE,
      body: tools
        .filter((t) => t.hf && (t.hf.type ?? 'model') === type)
        .map((t) => ({
          _id: `id-${t.hf!.id}`,
          id: t.hf!.id,
          likes: t.hf!.likes,
          trendingScore: 10,
          private: false,
          ...(type === 'model' ? { downloads: 1234, pipeline_tag: t.hf!.pipeline ?? 'text-generation', library_name: 'transformers' } : { sdk: 'gradio' }),
          tags: ['transformers', 'safetensors', 'license:apache-2.0'],
          createdAt: new Date().toISOString(),
          modelId: t.hf!.id,
        })),
    };
  }
  // npm registry /-/v1/search: {objects: [{package, score, searchScore, downloads, dependents, updated, flags}], total, time}.
  const npm = tools.filter((t) => t.npm);
  routes['/npm/-/v1/search'] = {
    type: JSON_TYPE,
    body: {
      objects: npm.map((t) => ({
        package: {
          name: t.npm!.name,
          version: '1.0.0',
          description: t.description,
          keywords: t.npm!.keywords ?? ['llm', 'ai'],
          date: new Date().toISOString(),
          links: { npm: `https://www.npmjs.com/package/${t.npm!.name}`, ...(t.home ? { homepage: home(t) } : {}), ...(t.github ? { repository: `https://github.com/${t.github.full}` } : {}) },
          publisher: { username: 'maker', email: 'maker@example.org' },
          maintainers: [{ username: 'maker', email: 'maker@example.org' }],
        },
        score: { final: 0.5, detail: { quality: 0.5, popularity: 0.5, maintenance: 0.5 } },
        searchScore: 100,
        downloads: { monthly: (t.npm!.weekly ?? 1000) * 4, weekly: t.npm!.weekly ?? 1000 },
        dependents: 0,
        updated: new Date().toISOString(),
        flags: { insecure: 0 },
      })),
      total: npm.length,
      time: new Date().toUTCString(),
    },
  };
  // PyPI newest packages: RSS 2.0, "NAME added to PyPI"; and the JSON API for details.
  const py = tools.filter((t) => t.pypi);
  routes['/pypi/rss/packages.xml'] = {
    type: 'text/xml; charset=utf-8',
    body: `<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>PyPI newest packages</title><link>https://pypi.org/</link><description>Newest packages registered at the Python Package Index</description><language>en</language>
${py.map((t) => `<item><title>${t.pypi!.name} added to PyPI</title><link>https://pypi.org/project/${t.pypi!.name}/</link><description>${escapeXml(t.description)}</description><author>maker@example.org</author><pubDate>${new Date().toUTCString()}</pubDate></item>`).join('\n')}
</channel></rss>`,
  };
  for (const t of py) {
    routes[`/pypi/pypi/${t.pypi!.name}/json`] = {
      type: JSON_TYPE,
      body: { info: { name: t.pypi!.name, version: '0.1.0', summary: t.description, home_page: t.home ? home(t) : null, project_urls: t.github ? { Source: `https://github.com/${t.github.full}` } : null, license_expression: 'MIT' }, urls: [] },
    };
  }
  // Feeds: RSS 2.0, Atom and JSON Feed 1.1, the same entries in each.
  const fd = tools.filter((t) => t.feed);
  routes['/feeds/rss.xml'] = {
    type: 'application/rss+xml',
    body: `<?xml version="1.0"?><rss version="2.0"><channel><title>New tools</title><link>${origin}</link><description>d</description>${fd
      .slice(0, 1)
      .map((t) => `<item><title>${escapeXml(t.name)}</title><link>${home(t)}</link><description>${escapeXml(t.description)}</description><category>ai</category><guid>${home(t)}</guid></item>`)
      .join('')}</channel></rss>`,
  };
  routes['/feeds/atom.xml'] = {
    type: 'application/atom+xml',
    body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>New tools</title><id>urn:x</id><updated>2026-12-01T00:00:00Z</updated>${fd
      .slice(1, 2)
      .map((t) => `<entry><title>${escapeXml(t.name)}</title><link rel="alternate" href="${home(t)}"/><id>${home(t)}</id><updated>2026-12-01T00:00:00Z</updated><summary>${escapeXml(t.description)}</summary></entry>`)
      .join('')}</feed>`,
  };
  routes['/feeds/feed.json'] = {
    type: 'application/feed+json',
    body: { version: 'https://jsonfeed.org/version/1.1', title: 'New tools', items: fd.slice(2).map((t) => ({ id: home(t), url: home(t), title: t.name, content_text: t.description, tags: [] })) },
  };
  // Product Hunt GraphQL v2: {data: {posts: {edges: [{node: {...}}]}}}.
  routes['/ph/graphql'] = {
    type: JSON_TYPE,
    body: { data: { posts: { edges: tools.filter((t) => t.ph).map((t) => ({ node: { id: t.ph!.id, name: t.name, tagline: t.description, description: t.description, url: `https://www.producthunt.com/posts/${t.ph!.id}`, website: home(t), votesCount: t.ph!.votes, createdAt: new Date().toISOString(), topics: { edges: [{ node: { name: 'Artificial Intelligence' } }] } } })) } } },
  };
  for (const t of tools) if (t.home) routes[t.home] = homepage(t);
  // A model's or space's page under HUGGINGFACE_URL, which the Hugging Face source gives as its homepage.
  for (const t of tools) if (t.hf && t.home) routes[`/hf/${t.hf.type === 'space' ? 'spaces/' : ''}${t.hf.id}`] = homepage(t);
  return routes;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The environment that points every source at the fixture web. */
export const discoveryEnv = (origin: string): Record<string, string> => ({
  RESEARCH_ALLOW_PRIVATE: 'true',
  RESEARCH_HOST_DELAY_MS: '0',
  RESEARCH_TIMEOUT_MS: '3000',
  HN_API_URL: `${origin}/hn`,
  GITHUB_API_URL: `${origin}/gh`,
  HUGGINGFACE_URL: `${origin}/hf`,
  NPM_REGISTRY_URL: `${origin}/npm`,
  PYPI_URL: `${origin}/pypi`,
  PRODUCT_HUNT_API_URL: `${origin}/ph/graphql`,
  DISCOVERY_FEEDS: `${origin}/feeds/rss.xml,${origin}/feeds/atom.xml,${origin}/feeds/feed.json`,
  PUBLIC_URL: 'https://verdict.example',
});
