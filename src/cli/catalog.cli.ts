import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { exportCatalog, importTools, parseImport } from '../catalog/import.js';
import { listTools } from '../catalog/tools.repo.js';
import { compareBySlugs, getTool, withPanels } from '../catalog/catalog.service.js';
import { toToolFields } from '../catalog/tool.js';
import { decisionRows, MAX_COMPARE, overallText } from '../domain/compare.js';
import { pricingText } from '../domain/pricing.js';
import { NO_PANEL_TAKE } from '../domain/summary.js';
import { provenanceText } from '../domain/provenance.js';
import type { CliContext } from './context.js';
import { plural, table, wrap } from './format.js';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('not_found', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 404);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_import', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export function registerCatalog(program: Command, ctx: () => CliContext) {
  program
    .command('import')
    .description('Import tools (and reviews) from a JSON file in the public format; all or nothing')
    .argument('<file>', 'JSON file, or - for standard input')
    .option('--source <name>', "where the reviews come from, shown on each imported revision (default: the file's name)")
    .action(async (file: string, opts: { source?: string }) => {
      const c = ctx();
      const tools = parseImport(readJsonFile(file), { threshold: c.config.shipThreshold, critics: c.critics.map((x) => x.id) });
      const { db } = await c.store();
      const source = opts.source?.trim() || (file === '-' ? undefined : basename(file));
      const r = await importTools(db, tools, { source });
      c.out(r, () => `Imported ${file}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${plural(r.reviewsAdded, 'review revision')} added`);
    });

  program
    .command('export')
    .description('Export the catalog with each critic\'s latest review, in the import format')
    .argument('[file]', 'file to write (default: standard output)')
    .action(async (file?: string) => {
      const c = ctx();
      const doc = await exportCatalog((await c.store()).db);
      const text = JSON.stringify(doc, null, 2) + '\n';
      if (!file || file === '-') c.io.stdout.write(text);
      else {
        writeFileSync(file, text);
        c.out({ file, tools: doc.tools.length }, () => `Exported ${plural(doc.tools.length, 'tool')} to ${file}`);
      }
    });

  const tools = program.command('tools').description('List and show tools');
  tools
    .command('list')
    .description('List tools with their panel verdicts, newest first')
    .option('--category <slug>', 'only this category (slug, e.g. developer-tools)')
    .action(async (opts: { category?: string }) => {
      const c = ctx();
      const { db } = await c.store();
      const rows = await withPanels(db, await listTools(db, { categorySlug: opts.category }));
      c.out(
        rows.map((t) => ({ ...toToolFields(t.tool), summary: t.summary })),
        () =>
          rows.length === 0
            ? 'No tools yet. Import some: verdict import data/demo.json'
            : [['Tool', 'Category', 'Panel', 'Ship %'], ...rows.map((t) => [t.tool.slug, t.tool.category, t.summary.text, t.summary.shipPct == null ? '—' : `${t.summary.shipPct}%`])]
                .map(([slug, cat, panel, pct]) => `${slug!.padEnd(26)} ${cat!.padEnd(23)} ${panel!.padEnd(23)} ${pct}`.trimEnd())
                .join('\n'),
      );
    });
  tools
    .command('show')
    .description('Show one tool, its panel verdict and every critic\'s latest take')
    .argument('<slug>')
    .action(async (slug: string) => {
      const c = ctx();
      const t = await getTool((await c.store()).db, slug);
      const names = new Map(c.critics.map((x) => [x.id, x.name]));
      c.out(
        { ...toToolFields(t.tool), summary: t.summary, reviews: t.reviews.map((r) => ({ ...r, provenance: provenanceText(r, r.createdAt.slice(0, 10)) })) },
        () => {
          const lines = [
            `${t.tool.name} — ${t.tool.tagline}`,
            `${t.tool.category} · ${pricingText({ model: t.tool.pricingModel, entry: t.tool.pricingEntry, license: t.tool.pricingLicense })}`,
            t.tool.url,
            '',
            ...wrap(t.tool.description, 80),
            '',
            `Panel: ${t.summary.text}${t.summary.shipPct == null ? '' : ` · ${t.summary.shipPct}%`}${t.summary.abstentions ? ` · ${plural(t.summary.abstentions, 'abstention')}` : ''}`,
          ];
          for (const r of t.reviews) {
            const who = names.get(r.critic) ?? r.critic;
            lines.push('');
            if (r.kind === 'take') {
              lines.push(`${who}: ${r.score}/100 · ${r.verdict}`);
              lines.push(...wrap(r.take!, 78).map((l) => `  ${l}`));
            } else lines.push(`${who}: ${NO_PANEL_TAKE} — ${r.reason}`);
            lines.push(`  (${provenanceText(r, r.createdAt.slice(0, 10))})`);
          }
          return lines.join('\n');
        },
      );
    });

  program
    .command('critics')
    .description('The critic panel')
    .command('list')
    .description('List the critics loaded from the critics folder')
    .action(() => {
      const c = ctx();
      c.out(c.critics, () => table(['Critic', 'Motto'], c.critics.map((x) => [`${x.name} (${x.id})`, x.motto]), 80, 24));
    });

  program
    .command('compare')
    .description('Compare two to four tools: decision table and scorecard side by side')
    .argument('<tools...>', '2 to 4 tool slugs')
    .action(async (slugs: string[]) => {
      const c = ctx();
      if (slugs.length < 2 || slugs.length > MAX_COMPARE) throw new AppError('usage', `compare takes 2 to ${MAX_COMPARE} tool slugs, got ${slugs.length}`);
      const { comparison: cmp } = await compareBySlugs((await c.store()).db, slugs, c.critics.map((x) => x.id));
      const names = new Map(c.critics.map((x) => [x.id, x.name]));
      c.out({ ...cmp, decision: decisionRows(cmp), overallText: overallText(cmp) }, () => {
        const header = ['', ...cmp.tools.map((t) => t.name)];
        const out = [`${cmp.tools.map((t) => t.name).join(' vs ')} — which one should you ship with?`, '', table(header, decisionRows(cmp).map((r) => [r.label, ...r.values]))];
        out.push('', 'Scorecard', table(
          ['Critic', ...cmp.tools.map((t) => t.name)],
          cmp.scorecard.map((row) => [
            names.get(row.critic) ?? row.critic,
            ...row.cells.map((cell, i) => {
              const mark = (row.pick.kind === 'tool' && row.pick.index === i) || (row.pick.kind === 'tie' && row.pick.indices.includes(i)) ? (row.pick.kind === 'tie' ? ' = tie' : ' ◀ pick') : '';
              return cell == null ? 'Not reviewed yet' : cell.kind === 'take' ? `${cell.score} ${cell.verdict}${mark}` : NO_PANEL_TAKE + mark;
            }),
          ]),
        ));
        if (cmp.scorecard.length === 0) out.push('No critic has reviewed these tools yet.');
        out.push('', `Overall pick: ${overallText(cmp)}`);
        return out.join('\n');
      });
    });
}
