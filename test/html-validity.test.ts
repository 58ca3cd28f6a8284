import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSite, type TestSite } from './helpers/web.js';
import { getSecret, signValue } from '../src/community/secret.js';
import { createVisitor } from '../src/community/visitor.js';
import { findOrCreateUser } from '../src/community/accounts.repo.js';
import { addBookmark } from '../src/community/bookmarks.repo.js';
import { findToolBySlug } from '../src/catalog/tools.repo.js';

/**
 * The Nu HTML Checker (vnu.jar from npm's vnu-jar, run by Debian's default-jre-headless) on every page type: 0 errors
 * (issue 20, point 10). Markup does not depend on the database, so this runs on SQLite. CI installs Java (.ci/run);
 * elsewhere the test is skipped, saying why, when there is no `java`.
 */

const VNU_JAR = createRequire(import.meta.url)('vnu-jar') as string;
const JAVA_SKIP: string | false =
  spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0 ? false : 'no java on PATH (apt-get install default-jre-headless): the HTML checker cannot run';

/** The pages the issue names (home, tool, compare for 2, 3 and 4 tools, search, critic, methodology) and the other page types. */
const PAGES: Record<string, string> = {
  home: '/',
  tool: '/tools/smolvlm2',
  'compare-2': '/compare/langchain-vs-llamaindex',
  'compare-3': '/compare?tools=cursor,v0,bolt-new',
  'compare-4': '/compare?tools=langchain,llamaindex,vllm,hugging-face-transformers',
  'compare-all-takes': '/compare/langchain-vs-llamaindex?takes=all',
  search: '/search?q=vision',
  'search-empty': '/search?q=zzqx',
  critic: '/critics/skeptic',
  methodology: '/methodology',
  tools: '/tools?category=developer-tools&sort=ship',
  critics: '/critics',
  categories: '/categories',
  category: '/categories/developer-tools',
  picker: '/compare?tools=cursor&add=v0',
  digest: '/digest',
  bookmarks: '/bookmarks',
  feeds: '/feeds',
  submit: '/submit',
  signin: '/signin',
  report: '/tools/smolvlm2/report',
  'not-found': '/tools/smolvlm',
};

interface VnuMessage {
  type: string;
  url: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

describe('the Nu HTML Checker finds no error (sqlite)', { skip: JAVA_SKIP }, () => {
  let t: TestSite;
  let dir: string;
  before(async () => {
    t = await startTestSite('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'verdict-vnu-'));
  });
  after(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every page type is valid HTML', async () => {
    const files: string[] = [];
    // A signed-in reader with bookmarks gets pages of their own (account line, bookmark grid with compare boxes).
    const user = await findOrCreateUser(t.store.db, 'valid@example.org');
    const visitor = await createVisitor(t.store.db, user);
    for (const slug of ['cursor', 'v0']) await addBookmark(t.store.db, visitor.ownerId, (await findToolBySlug(t.store.db, slug))!.id);
    const cookie = `verdict_v=${signValue(await getSecret(t.store.db, t.site.config), 'visitor-cookie', visitor.id)}`;
    const pages = Object.entries(PAGES).map(([name, path]) => [name, path, {}] as [string, string, RequestInit]);
    pages.push(['bookmarks-signed-in', '/bookmarks', { headers: { cookie } }], ['tool-signed-in', '/tools/cursor', { headers: { cookie } }]);
    for (const [name, path, init] of pages) {
      const res = await t.get(path, init);
      assert.ok(res.status === 200 || (name === 'not-found' && res.status === 404), `${path}: ${res.status}`);
      const file = join(dir, `${name}.html`);
      writeFileSync(file, await res.text());
      files.push(file);
    }
    // --errors-only: warnings (e.g. a redundant role) are advice, not errors. The JSON report goes to stderr.
    const report = await new Promise<string>((resolve, reject) =>
      execFile('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) =>
        stderr.trim().startsWith('{') ? resolve(stderr) : reject(err ?? new Error(stderr)),
      ),
    );
    const messages = (JSON.parse(report) as { messages: VnuMessage[] }).messages;
    const text = messages.map((m) => `${m.url.split('/').pop()}:${m.lastLine ?? '?'} ${m.type}: ${m.message}\n    ${m.extract ?? ''}`).join('\n');
    assert.equal(messages.length, 0, text);
  });
});
