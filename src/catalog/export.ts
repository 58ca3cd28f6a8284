/** The catalog out in the public import format (verdict export), streamed a page of tools at a time. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DbOrTx } from '../db/db.js';
import { latestReviews } from './reviews.repo.js';
import { toolsAfterId } from './import.repo.js';
import { evidenceForExport } from '../research/evidence.service.js';
import { toToolFields } from './tool.js';
import type { ReviewRow } from '../db/types.js';


const BATCH = 500;

export type ExportReview = (
  | { critic: string; score: number; verdict: 'ship' | 'skip'; take: string }
  | { critic: string; abstain: true; reason: string }
) & { author?: string; source?: string };

/** Every tool in id order in the import shape, with each critic's latest review: one page in memory at a time. */
export async function* exportTools(db: DbOrTx, pageSize = BATCH) {
  let after = 0;
  for (;;) {
    const rows = await toolsAfterId(db, after, pageSize);
    if (rows.length === 0) return;
    const [latest, evidence] = await Promise.all([latestReviews(db, rows.map((r) => r.id)), evidenceForExport(db, rows.map((r) => r.id))]);
    for (const r of rows) {
      const sources = evidence.get(r.id) ?? [];
      yield {
        ...toToolFields(r),
        reviews: latest.get(r.id)!.map(
          (rev): ExportReview => ({
            ...(rev.kind === 'take'
              ? { critic: rev.critic, score: rev.score!, verdict: rev.verdict!, take: rev.take! }
              : { critic: rev.critic, abstain: true as const, reason: rev.reason! }),
            ...exportProvenance(rev),
          }),
        ),
        ...(sources.length ? { evidence: sources } : {}),
      };
    }
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * Writes the catalog to a stream in the import format, byte for byte what `JSON.stringify(doc, null, 2)`
 * gives, honouring backpressure. Returns the number of tools written.
 */
export async function writeExport(db: DbOrTx, out: Writable | { write(s: string): unknown }): Promise<number> {
  const write = async (s: string) => {
    // A real stream may ask us to wait; a captured one (tests) never does.
    if (out.write(s) === false && 'once' in out) await once(out, 'drain');
  };
  let n = 0;
  for await (const tool of exportTools(db)) {
    // Strings in JSON never hold a raw newline, so re-indenting by lines is safe.
    await write(`${n === 0 ? '{\n  "tools": [\n' : ',\n'}    ${JSON.stringify(tool, null, 2).replaceAll('\n', '\n    ')}`);
    n++;
  }
  await write(n === 0 ? '{\n  "tools": []\n}\n' : '\n  ]\n}\n');
  return n;
}

/** The whole catalog in the import format, in memory: for small catalogs and tests; files use writeExport. */
export async function exportCatalog(db: DbOrTx): Promise<{ tools: unknown[] }> {
  const tools: unknown[] = [];
  for await (const t of exportTools(db)) tools.push(t);
  return { tools };
}

/** Provenance in the import format, so a re-import says the same: an import keeps its source and author; a panel revision names its run. */
function exportProvenance(r: ReviewRow): { author?: string; source?: string } {
  if (r.origin === 'panel') return { source: `panel run${r.runId != null ? ` #${r.runId}` : ''} (${r.model ?? 'unknown model'})` };
  return { ...(r.author ? { author: r.author } : {}), ...(r.importSource ? { source: r.importSource } : {}) };
}
