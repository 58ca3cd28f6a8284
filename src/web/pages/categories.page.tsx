// /categories and /categories/:slug: every category with its count, and one category's tools paged.
import type { App } from '../app.js';
import type { Site } from '../site.js';
import { renderPage } from '../layout.js';
import { errorPage } from '../errors.js';
import { CategoryChips, Pagination, ToolGrid } from '../components/lists.js';
import { withPanels, type ToolWithPanel } from '../../catalog/catalog.service.js';
import { listTools } from '../../catalog/tools.repo.js';
import { findCategory, listCategories, type CategoryCount } from '../../catalog/categories.repo.js';
import { urls } from '../../urls.js';

export const CATEGORY_PAGE_SIZE = 24;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function CategoriesIndex({ categories }: { categories: CategoryCount[] }) {
  const total = categories.reduce((n, c) => n + c.tools, 0);
  return (
    <>
      <h1>Categories</h1>
      <p class="lede">
        {plural(total, 'tool')} in {plural(categories.length, 'category', 'categories')}. Pick one to see its tools, newest first, with the panel’s verdict on
        each.
      </p>
      {categories.length ? (
        <ul class="category-grid">
          {categories.map((c) => (
            <li>
              <a class="card category-card" href={urls.category(c.slug)}>
                <span class="category-name">{c.name}</span>
                <span class="muted small">{plural(c.tools, 'tool')}</span>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="notice">No tools yet, so no categories.</p>
      )}
    </>
  );
}

function CategoryPage(p: { category: CategoryCount; items: ToolWithPanel[]; page: number; pages: number; others: CategoryCount[] }) {
  const { category } = p;
  return (
    <>
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={urls.categories}>Categories</a> › {category.name}
      </nav>
      <h1>{category.name}</h1>
      <p class="lede">
        {plural(category.tools, 'tool')}, newest first. <a href={urls.tools({ category: category.slug, sort: 'ship' })}>Sort by ship rate</a> or{' '}
        <a href={urls.tools({ category: category.slug })}>search within {category.name}</a>.
      </p>
      <h2 class="visually-hidden">Tools in {category.name}</h2>
      {p.items.length ? <ToolGrid items={p.items} label={`Tools in ${category.name}`} /> : <p class="notice">No tools on this page.</p>}
      <Pagination page={p.page} pages={p.pages} href={(page) => urls.category(category.slug, { page: page > 1 ? page : undefined })} />
      <section aria-labelledby="other-categories">
        <h2 id="other-categories">All categories</h2>
        <CategoryChips categories={p.others} current={category.slug} />
      </section>
    </>
  );
}

export function registerCategories(app: App, site: Site): void {
  app.get('/categories', async (c) => {
    const categories = await site.perVersion('categories', () => listCategories(site.store.db));
    return c.html(
      renderPage(
        site,
        {
          title: 'Categories',
          description: `Browse AI tools by category: ${categories.map((x) => x.name).join(', ')}. Every tool comes with the critics’ ship-or-skip verdict.`,
          path: urls.categories,
          nav: 'categories',
        },
        <CategoriesIndex categories={categories} />,
      ),
    );
  });

  // Lists show panel figures, not vote counts: votes never drop them.
  app.get('/categories/:slug', async (c) => {
    const db = site.store.db;
    const slug = c.req.param('slug');
    const [category, categories] = await Promise.all([findCategory(db, slug), site.perVersion('categories', () => listCategories(db))]);
    if (!category) {
      const list = <CategoryChips categories={categories} />;
      return c.html(errorPage(site, 404, `There is no category “${slug}”. These are the categories:`, list), 404, { 'cache-control': 'no-store' });
    }
    const pages = Math.max(1, Math.ceil(category.tools / CATEGORY_PAGE_SIZE));
    const raw = c.req.query('page');
    // A page that is not a number falls back to the first; a number past the end is a missing page.
    const page = raw && /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
    if (page > pages) {
      const back = <p><a href={urls.category(slug)}>First page of {category.name}</a></p>;
      return c.html(errorPage(site, 404, `${category.name} has ${plural(pages, 'page')} of tools, so there is no page ${page}.`, back), 404, { 'cache-control': 'no-store' });
    }
    const items = await withPanels(db, await listTools(db, { categorySlug: slug, limit: CATEGORY_PAGE_SIZE, offset: (page - 1) * CATEGORY_PAGE_SIZE }));
    return c.html(
      renderPage(
        site,
        {
          title: page > 1 ? `${category.name} AI tools, page ${page}` : `${category.name} AI tools`,
          description: `${plural(category.tools, 'tool')} in ${category.name}, newest first, each with the panel’s ship-or-skip verdict: ${items
            .slice(0, 5)
            .map((i) => i.tool.name)
            .join(', ')}${category.tools > 5 ? ' and more' : ''}.`,
          path: urls.category(slug, { page: page > 1 ? page : undefined }),
          nav: 'categories',
        },
        <CategoryPage category={category} items={items} page={page} pages={pages} others={categories} />,
      ),
    );
  });
}
