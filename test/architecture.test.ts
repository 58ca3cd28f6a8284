import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Rules of the house that no type checker enforces: where SQL lives and which way imports point. */

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const files = sourceFiles(src).map((p) => ({ path: relative(root, p).replaceAll('\\', '/'), text: readFileSync(p, 'utf8') }));

/** `file:line: text` for each line matching the pattern. */
const hits = (f: { path: string; text: string }, pattern: RegExp) =>
  f.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim().slice(0, 120)}`] : []));

/** Module specifiers a file imports or re-exports (static and dynamic). */
const importsOf = (text: string) => [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

test('SQL is written only in repos (*.repo.ts) and migrations', () => {
  // sql`…` and sql<T>`…`
  const SQL = /\b(selectFrom|insertInto|updateTable|deleteFrom)\b|\bsql(<[^`]*>)?`/;
  const outside = files.filter((f) => !f.path.endsWith('.repo.ts') && !f.path.startsWith('src/db/migrations/')).flatMap((f) => hits(f, SQL));
  assert.deepEqual(outside, [], `SQL outside repos; move each statement into the repo of its noun:\n${outside.join('\n')}`);
});

test('one transaction helper: only src/db/db.ts asks whether it already runs in a transaction', () => {
  const outside = files.filter((f) => f.path !== 'src/db/db.ts').flatMap((f) => hits(f, /\bisTransaction\b/));
  assert.deepEqual(outside, [], `use executeTx from src/db/db.ts:\n${outside.join('\n')}`);
});

test('migrations import nothing but kysely (not app code, not each other)', () => {
  const bad = files
    .filter((f) => f.path.startsWith('src/db/migrations/'))
    .flatMap((f) => importsOf(f.text).filter((m) => m !== 'kysely').map((m) => `${f.path} imports ${m}`));
  assert.ok(files.some((f) => f.path.startsWith('src/db/migrations/')), 'found the migrations');
  assert.deepEqual(bad, []);
});

test('community and catalog import nothing from web (requests stay in src/web)', () => {
  const bad = files
    .filter((f) => f.path.startsWith('src/community/') || f.path.startsWith('src/catalog/'))
    .flatMap((f) =>
      importsOf(f.text)
        .filter((m) => m.startsWith('.') && relative(src, resolve(root, dirname(f.path), m)).replaceAll('\\', '/').startsWith('web/'))
        .map((m) => `${f.path} imports ${m}`),
    );
  assert.deepEqual(bad, []);
});

test('reviews and votes are written only where the stored figures are refreshed with them (issue 21, point 2)', () => {
  // Each of these writes the table and refreshes the figures in the same transaction (addReview, insertReviewsBatch
  // with importTools, castVote/removeVote/mergeVotes). critics.repo.ts only moves the `latest` flags.
  const WRITERS: Record<string, string> = {
    'src/catalog/reviews.repo.ts': 'refreshPanelFigures',
    'src/catalog/import.repo.ts': 'insertReviewsBatch',
    'src/community/votes.repo.ts': 'refreshVoteCounts',
    'src/catalog/critics.repo.ts': 'latest',
  };
  const WRITE = /\b(insertInto|updateTable|deleteFrom)\(\s*'(reviews|votes)'|\b(insert into|update|delete from)\s+(reviews|votes)\b/i;
  const outside = files.filter((f) => !f.path.startsWith('src/db/migrations/') && !(f.path in WRITERS)).flatMap((f) => hits(f, WRITE));
  assert.deepEqual(outside, [], `reviews and votes are written through addReview, insertReviewsBatch or castVote, which keep the stored figures:\n${outside.join('\n')}`);
  const importer = files.find((f) => f.path === 'src/catalog/import.ts')!;
  assert.match(importer.text, /refreshPanelFigures/, 'importTools refreshes the figures of the reviews insertReviewsBatch wrote');
  for (const [path, must] of Object.entries(WRITERS)) assert.ok(files.find((f) => f.path === path)?.text.includes(must), `${path} mentions ${must}`);
});

test('only the page cache decides what is cached, from the freshness declaration (issue 21, point 1)', () => {
  // Routes do not mark themselves cacheable or public: src/web/freshness.ts lists them, and http.ts's pageCache reads it.
  const outside = files.filter((f) => f.path !== 'src/web/http.ts').flatMap((f) => hits(f, /\bcache\.set\(|PUBLIC_CACHE_CONTROL|s-maxage/));
  assert.deepEqual(outside, [], `declare the route in src/web/freshness.ts instead:\n${outside.join('\n')}`);
  const http = files.find((f) => f.path === 'src/web/http.ts')!;
  assert.match(http.text, /cachedRoute\(routePath\(c\)\)/, 'pageCache looks up the declaration of the route that answered');
});

/** The src/ folder (`web`, `queue`, …) each relative import of a file points into; top-level files count as ''. */
const importedFolders = (f: { path: string; text: string }) =>
  importsOf(f.text)
    .filter((m) => m.startsWith('.'))
    .map((m) => {
      const target = relative(src, resolve(root, dirname(f.path), m)).replaceAll('\\', '/');
      return { m, folder: target.includes('/') ? target.split('/')[0]! : '' };
    });

test('jobs are split in a low queue and a high worker (issue 21, point 4)', () => {
  // The queue (enqueue, the job tables, the schedule) sits below the features: it imports only db/ and domain/.
  // The worker dispatches to the features, so only the entry points (server.ts, cli/) may import it.
  const queue = files.filter((f) => f.path.startsWith('src/queue/'));
  assert.ok(queue.some((f) => f.path === 'src/queue/queue.ts'), 'found the queue');
  const queueBad = queue.flatMap((f) =>
    importedFolders(f)
      .filter(({ folder }) => !['queue', 'db', 'domain'].includes(folder))
      .map(({ m }) => `${f.path} imports ${m}`),
  );
  assert.deepEqual(queueBad, [], 'the queue imports no feature (only db/ and domain/)');
  const ENTRY = (p: string) => p === 'src/server.ts' || p.startsWith('src/cli/') || p.startsWith('src/worker/');
  const workerBad = files
    .filter((f) => !ENTRY(f.path))
    .flatMap((f) => importedFolders(f).filter(({ folder }) => folder === 'worker').map(({ m }) => `${f.path} imports ${m}`));
  assert.ok(files.some((f) => f.path === 'src/worker/worker.ts'), 'found the worker');
  assert.deepEqual(workerBad, [], 'no feature or page imports the worker: enqueue through src/queue/queue.ts');
});

test('no file over 300 lines mixes a route with more than one component (issue 21, point 5)', () => {
  const ROUTE = /\b(app|api|router)\.(get|post|put|delete|patch|all|route|openapi)\(/;
  const COMPONENT = /^(export )?(async )?(function [A-Z]\w*\s*[(<]|const [A-Z]\w* = (\([^)]*\)|\w+) =>)/;
  const bad = files.flatMap((f) => {
    const lines = f.text.split('\n');
    if (lines.length <= 300 || !lines.some((l) => ROUTE.test(l))) return [];
    const components = lines.filter((l) => COMPONENT.test(l)).length;
    return components > 1 ? [`${f.path}: ${lines.length} lines, routes and ${components} components`] : [];
  });
  assert.deepEqual(bad, [], 'move the components to src/web/components/ and keep the route and its loading in the page');
});

test('every file under src/ opens with a comment saying what it is for (issue 21, point 6)', () => {
  // Tests under src/ too: `files` leaves them out, so list them again here.
  const all = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
  const paths = all(src);
  assert.ok(paths.length > 100, 'found the sources');
  const bad = paths
    .filter((p) => {
      const first = readFileSync(p, 'utf8').split('\n', 1)[0]!;
      return !/^\/\/ \S/.test(first) && first !== '/**' && !/^\/\*\* \S/.test(first);
    })
    .map((p) => relative(root, p));
  assert.deepEqual(bad, [], 'open each file with one line (`// …`) saying what it is for');
});
