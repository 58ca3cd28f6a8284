// Discovery source: PyPI's newest packages whose words suggest AI, looked up for a homepage and repository.
import { isHttp, str, type DiscoveredItem, type DiscoverySource } from '../source.js';
import { relevance } from '../relevance.js';
import { FEED_TYPES, parseFeed } from './feed-parse.js';

/**
 * PyPI's newest packages (PYPI_URL): the RSS 2.0 feed `/rss/packages.xml`, whose items read "NAME added to PyPI"
 * with the project page as link and the summary as description. It lists everything, so only items whose words
 * suggest AI are looked up further, in the JSON API (`/pypi/NAME/json`: info.home_page, info.project_urls,
 * info.license_expression), for a homepage and a repository. PyPI publishes no measure of interest.
 */
export const pypiSource: DiscoverySource = {
  id: 'pypi',
  label: 'PyPI',
  aiListing: false,
  async list({ discovery: d, research: r, http }) {
    const res = await http.get(`${r.pypiUrl}/rss/packages.xml`, { accept: FEED_TYPES });
    if (res.notModified) return [];
    const out: DiscoveredItem[] = [];
    for (const e of parseFeed(res.text, res.contentType).slice(0, d.perSource)) {
      const name = e.title.replace(/\s+added to PyPI$/i, '').trim();
      if (!name || !/^[\w.-]+$/.test(name)) continue;
      const page = `${r.pypiUrl}/project/${encodeURIComponent(name)}/`;
      const item: DiscoveredItem = {
        source: 'pypi',
        sourceId: name,
        name,
        url: page,
        description: e.summary,
        tags: [],
        signal: { value: null, metric: '' },
        link: page,
        hints: { pypi: name },
      };
      if (relevance(item).kind !== 'not-ai') {
        try {
          const info = ((await http.json(`${r.pypiUrl}/pypi/${encodeURIComponent(name)}/json`)) as { info?: Record<string, any> }).info ?? {};
          const urls = Object.entries((info.project_urls ?? {}) as Record<string, unknown>).filter((u): u is [string, string] => isHttp(str(u[1])));
          const home = str(info.home_page) ?? urls.find(([k]) => /home/i.test(k))?.[1];
          const repo = urls.find(([, u]) => /github\.com\//i.test(u))?.[1];
          if (isHttp(home)) item.url = home;
          if (isHttp(repo)) item.repo = repo;
          const license = str(info.license_expression);
          if (license) item.license = license;
          if (str(info.summary)) item.description = str(info.summary)!;
          item.hints = { pypi: name, url: isHttp(home) ? home : undefined, repo: isHttp(repo) ? repo : undefined };
        } catch {
          /* no details: the project page stands as its homepage */
        }
      }
      out.push(item);
    }
    return out;
  },
};
