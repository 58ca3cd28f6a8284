// Registers the catalog commands: import and export (streamed, with progress), tools list|show, critics list and compare.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { findCategory, listCategories } from '../catalog/categories.repo.js';
import { quote } from '../domain/text.js';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.js';
import { importStream, type ImportProgress } from '../catalog/import.js';
import { writeExport } from '../catalog/export.js';
import { listTools } from '../catalog/tools.repo.js';
import { compareBySlugs, getTool, withPanels } from '../catalog/catalog.service.js';
import { bestForOf, toToolFields } from '../catalog/tool.js';
import { compareProblem, decisionRows, DECISION_RULE, differentJobsText, MAX_COMPARE, overallText } from '../domain/compare.js';
import { pricingText } from '../domain/pricing.js';
import { chipText, NO_PANEL_TAKE } from '../domain/summary.js';
import { provenanceText } from '../domain/provenance.js';
import { control, type CliContext, type CliStream } from './context.js';
import { keepFigures, plural, table, wrap } from './format.js';

/** A file (or standard input) to stream, with its size when known, for "time left". */
function openInput(file: string): { input: Readable; size?: number } {
  if (file === '-') return { input: process.stdin };
  let size: number;
  try {
    size = statSync(file).size; // before the stream exists: a stream opened on a missing file errors later, unheard
  } catch (err) {
    throw new AppError('not_found', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 404);
  }
  return { input: createReadStream(file, { highWaterMark: 1 << 20 }), size };
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** One self-rewriting line on a terminal's stderr: tools done, tools/s, time left (by bytes read of the size). */
function progressLine(err: CliStream, size: number | undefined) {
  const start = Date.now();
  return {
    update({ tools, bytesRead }: ImportProgress) {
      const secs = (Date.now() - start) / 1000;
      const rate = secs > 0 ? Math.round(tools / secs) : 0;
      const left = size && bytesRead > 0 && bytesRead < size ? ` · ${clock((secs * (size - bytesRead)) / bytesRead)} left` : '';
      control(err, '\r\x1b[K');
      err.write(`${tools.toLocaleString('en')} tools · ${rate.toLocaleString('en')} tools/s${left}`);
    },
    done: () => control(err, '\r\x1b[K'),
  };
}

export function registerCatalog(program: Command, ctx: () => CliContext) {
  program
    .command('import')
    .description('Import tools (and reviews) from a JSON file in the public format, streamed; all or nothing')
    .argument('<file>', 'JSON file, or - for standard input')
    .option('--source <name>', "where the reviews come from, shown on each imported revision (default: the file's name)")
    .action(async (file: string, opts: { source?: string }) => {
      const c = ctx();
      const parse = { threshold: c.config.shipThreshold, critics: c.critics.map((x) => x.id) };
      const source = opts.source?.trim() || (file === '-' ? undefined : basename(file));
      const { input, size } = openInput(file);
      const progress = !c.json && c.io.stderr.isTTY ? progressLine(c.io.stderr, size) : undefined;
      let r;
      try {
        const { db } = await c.store();
        r = await importStream(db, input, { ...parse, name: file, source, onProgress: progress?.update });
      } finally {
        progress?.done();
        if (input !== process.stdin) input.destroy();
      }
      c.out(r, () => `Imported ${file}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${plural(r.reviewsAdded, 'review revision')} added`);
    });

  program
    .command('export')
    .description('Export the catalog with each critic\'s latest review, in the import format (streamed)')
    .argument('[file]', 'file to write (default: standard output)')
    .action(async (file?: string) => {
      const c = ctx();
      const { db } = await c.store();
      if (!file || file === '-') await writeExport(db, c.io.stdout);
      else {
        const out = createWriteStream(file);
        // A bad path fails here, before any query.
        await once(out, 'open').catch((err: Error) => {
          throw new AppError('cannot_write', `Cannot write ${file}: ${err.message}`);
        });
        const n = await writeExport(db, out);
        out.end();
        await finished(out);
        c.out({ file, tools: n }, () => `Exported ${plural(n, 'tool')} to ${file}`);
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
      if (opts.category && !(await findCategory(db, opts.category))) {
        const known = (await listCategories(db)).map((k) => k.slug);
        throw new AppError('not_found', `No category ${quote(opts.category)}.${known.length ? ` Categories: ${known.join(', ')}` : ' The catalog is empty.'}`);
      }
      const rows = await withPanels(db, await listTools(db, { categorySlug: opts.category }));
      c.out(
        rows.map((t) => ({ ...toToolFields(t.tool), summary: t.summary })),
        () =>
          rows.length === 0
            ? 'No tools yet. Import some: verdict import data/demo.json'
            : [['Tool', 'Category', 'Panel'], ...rows.map((t) => [t.tool.slug, t.tool.category, chipText(t.summary)])]
                .map(([slug, cat, panel]) => `${slug!.padEnd(26)} ${cat!.padEnd(23)} ${panel}`.trimEnd())
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
      const bestFor = bestForOf(t.tool);
      c.out(
        { ...toToolFields(t.tool), ...(bestFor && { bestFor: bestFor.text, bestForSource: bestFor.source }), summary: t.summary, reviews: t.reviews.map((r) => ({ ...r, provenance: provenanceText(r, r.createdAt.slice(0, 10)) })) },
        () => {
          const lines = [
            `${t.tool.name} — ${t.tool.tagline}`,
            `${t.tool.category} · ${pricingText({ model: t.tool.pricingModel, entry: t.tool.pricingEntry, license: t.tool.pricingLicense })}`,
            ...(bestFor ? [`Best for: ${bestFor.text}${bestFor.source === 'panel' ? ` (summarised by the panel from its takes${bestFor.runId ? `, run #${bestFor.runId}` : ''})` : ''}`] : []),
            t.tool.url,
            '',
            ...wrap(t.tool.description, 80),
            '',
            `Panel: ${chipText(t.summary)}${t.summary.abstentions ? ` · ${plural(t.summary.abstentions, 'abstention')}` : ''}`,
          ];
          for (const r of t.reviews) {
            const who = names.get(r.critic) ?? r.critic;
            lines.push('');
            if (r.kind === 'take') {
              lines.push(`${who}: score ${r.score} · ${r.verdict}`);
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
      // A repeated slug counts once, as on the site; a wrong count is bad usage (exit code 2).
      if (compareProblem([...new Set(slugs)])) throw new AppError('usage', `compare takes 2 to ${MAX_COMPARE} tool slugs, got ${slugs.length}`);
      const { comparison: cmp } = await compareBySlugs((await c.store()).db, slugs, c.critics.map((x) => x.id));
      const names = new Map(c.critics.map((x) => [x.id, x.name]));
      c.out({ ...cmp, decision: decisionRows(cmp), overallText: overallText(cmp) }, () => {
        const header = ['', ...cmp.tools.map((t) => t.name)];
        const out = [`${cmp.tools.map((t) => t.name).join(' vs ')} — which one should you ship with?`, '', table(header, decisionRows(cmp).map((r) => [r.label, ...r.values.map(keepFigures)]))];
        out.push('', 'Scorecard', table(
          ['Critic', ...cmp.tools.map((t) => t.name)],
          cmp.scorecard.map((row) => [
            names.get(row.critic) ?? row.critic,
            ...row.cells.map((cell, i) => {
              const p = row.pick;
              // A critic who skips every tool picks none; it only says which it would rather have.
              const mark = p.kind === 'tool' && p.index === i ? ' ◀ pick' : p.kind === 'tie' && p.indices.includes(i) ? ' = tie' : p.kind === 'rather' && p.indices.length === 1 && p.indices[0] === i ? ' (higher score)' : '';
              return cell == null ? 'Not reviewed yet' : cell.kind === 'take' ? `${cell.score} ${cell.verdict}${mark}` : NO_PANEL_TAKE + mark;
            }),
          ]),
        ));
        if (cmp.scorecard.length === 0) out.push('No critic has reviewed these tools yet.');
        const jobs = differentJobsText(cmp);
        out.push('', ...wrap(`Overall pick: ${overallText(cmp)}`, 80), ...(jobs ? wrap(jobs, 80) : []), '', ...wrap(`How the pick is made: ${DECISION_RULE}`, 80));
        return out.join('\n');
      });
    });
}
