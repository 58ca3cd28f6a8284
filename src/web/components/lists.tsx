// Shared list pieces: pagination, tool grids, category chips, ship bars, section heads and select fields.
import type { Child } from 'hono/jsx';
import type { CategoryCount } from '../../catalog/categories.repo.js';
import type { ToolWithPanel } from '../../catalog/catalog.service.js';
import { ToolCard } from './verdict.js';
import { urls } from '../../urls.js';

/** Previous / next links and "Page 2 of 3"; nothing when everything fits on one page. */
export function Pagination({ page, pages, href, label = 'Pages' }: { page: number; pages: number; href: (page: number) => string; label?: string }) {
  if (pages <= 1 && page <= 1) return null;
  return (
    <nav class="pagination" aria-label={label}>
      {page > 1 ? (
        <a rel="prev" href={href(Math.min(page - 1, pages))}>
          ← Previous
        </a>
      ) : (
        <span aria-hidden="true"></span>
      )}
      <span class="muted small">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a rel="next" href={href(page + 1)}>
          Next →
        </a>
      ) : (
        <span aria-hidden="true"></span>
      )}
    </nav>
  );
}

export function ToolGrid({ items, label }: { items: ToolWithPanel[]; label?: string }) {
  return (
    <ul class="grid tool-grid" aria-label={label}>
      {items.map((item) => (
        <li>
          <ToolCard item={item} />
        </li>
      ))}
    </ul>
  );
}

/** Category links as chips: "Developer Tools 12". */
export function CategoryChips({ categories, current }: { categories: CategoryCount[]; current?: string }) {
  return (
    <ul class="chips">
      {categories.map((cat) => (
        <li>
          <a class="chip" href={urls.category(cat.slug)} aria-current={cat.slug === current ? 'page' : undefined}>
            {cat.name} <span class="chip-count">{cat.tools}<span class="visually-hidden"> {cat.tools === 1 ? 'tool' : 'tools'}</span></span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** A stacked bar of ships, skips and abstentions; the text beside it carries the numbers for screen readers. */
export function ShipBar({ ships, skips, abstentions, size = 'normal' }: { ships: number; skips: number; abstentions: number; size?: 'normal' | 'large' }) {
  const total = ships + skips + abstentions;
  const height = size === 'large' ? 14 : 8;
  if (total === 0) {
    return (
      <svg class="ship-bar" viewBox={`0 0 100 ${height}`} width="100%" height={height} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="bar-none" x="0" y="0" width="100" height={height} rx="2" />
      </svg>
    );
  }
  const w = (n: number) => (n / total) * 100;
  return (
    <svg class="ship-bar" viewBox={`0 0 100 ${height}`} width="100%" height={height} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="bar-none" x="0" y="0" width="100" height={height} />
      <rect class="bar-ship" x="0" y="0" width={w(ships)} height={height} />
      <rect class="bar-skip" x={w(ships)} y="0" width={w(skips)} height={height} />
    </svg>
  );
}

/** A heading row with an optional link on the right ("Latest verdicts · See all 30 tools →"). */
export function SectionHead({ id, title, children }: { id: string; title: string; children?: Child }) {
  return (
    <div class="section-head">
      <h2 id={id}>{title}</h2>
      {children}
    </div>
  );
}

/** One labelled <select> of a GET filter form; an empty `any` option first when given. */
export function SelectField({ id, name, label, options, selected, any }: { id: string; name: string; label: string; options: readonly (readonly [string, string])[]; selected?: string; any?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {any !== undefined && <option value="">{any}</option>}
        {options.map(([value, text]) => (
          <option value={value} selected={value === selected}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
