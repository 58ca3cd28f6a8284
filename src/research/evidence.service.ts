// Evidence as pages, the API and the export show it: each tool's current sources with what they said, and facts for decisions and comparisons.
import type { DbOrTx } from '../db/db.js';
import type { EvidenceRow } from '../db/types.js';
import { citationsOf, currentEvidence, findEvidence, lastChecked } from './evidence.repo.js';
import { changesSinceReview, type ToolChanges } from './freshness.service.js';
import { runReasons } from '../panel/runs.repo.js';
import { summarizeFacts, type EvidenceKind, type GithubFacts } from './facts.js';

/** Evidence as pages, the API and the export show it: each snapshot with what it said in one line. */
export interface Source {
  id: number;
  kind: EvidenceKind;
  url: string;
  fetchedAt: string;
  status: number | null;
  summary: string;
  excerpt: string;
  facts: Record<string, unknown>;
  /** The page people can open for this source (API answers link to their public page). */
  link: string;
}

function publicLink(kind: EvidenceKind, url: string, f: Record<string, any>): string {
  if (kind === 'github' && f.repo) return `https://github.com/${f.repo}`;
  if (kind === 'huggingface' && f.id) return `https://huggingface.co/${f.type === 'space' ? 'spaces/' : ''}${f.id}`;
  if (kind === 'npm' && f.name) return `https://www.npmjs.com/package/${f.name}`;
  if (kind === 'pypi' && f.name) return `https://pypi.org/project/${f.name}/`;
  return url;
}

export const toSource = (e: EvidenceRow): Source => {
  const facts = JSON.parse(e.facts) as Record<string, unknown>;
  delete facts.found; // where the homepage led: bookkeeping for re-checks, not a fact to show
  return {
    id: e.id,
    kind: e.kind,
    url: e.url,
    fetchedAt: e.fetchedAt,
    status: e.status,
    summary: summarizeFacts(e.kind, facts),
    excerpt: e.excerpt,
    facts,
    link: publicLink(e.kind, e.url, facts),
  };
};

export interface ToolEvidence {
  /** The newest snapshot of each source, plus older ones that a current take cites; by id. */
  sources: Source[];
  /** When the sources were last checked (null: never). */
  checkedAt: string | null;
  /** Evidence ids each review revision cited. */
  citations: Map<number, number[]>;
  changes: ToolChanges;
  /** Why a panel run happened, by run id, when a changed fact triggered it. */
  reasons: Map<number, string>;
}

export async function toolEvidence(db: DbOrTx, toolId: number, reviewIds: readonly number[], runIds: readonly number[] = []): Promise<ToolEvidence> {
  const [current, checked, citations, changes, reasons] = await Promise.all([
    currentEvidence(db, [toolId]),
    lastChecked(db, [toolId]),
    citationsOf(db, reviewIds),
    changesSinceReview(db, toolId),
    runReasons(db, runIds),
  ]);
  const rows = current.get(toolId) ?? [];
  const have = new Set(rows.map((r) => r.id));
  const older = [...new Set([...citations.values()].flat())].filter((id) => !have.has(id));
  const all = [...rows, ...(await findEvidence(db, older))].sort((a, b) => a.id - b.id);
  return { sources: all.map(toSource), checkedAt: checked.get(toolId) ?? null, citations, changes, reasons };
}

/** Rows the compare decision table gains from evidence; undefined values mean "not checked". */
export interface DecisionFacts {
  licence?: string;
  latestRelease?: string;
  activity?: string;
  pricing?: string;
  checkedAt?: string;
}

export function decisionFacts(rows: readonly EvidenceRow[], checkedAt: string | undefined): DecisionFacts {
  const of = (k: EvidenceKind) => {
    const r = rows.find((x) => x.kind === k);
    return r ? (JSON.parse(r.facts) as Record<string, any>) : undefined;
  };
  const gh = of('github') as GithubFacts | undefined;
  const hf = of('huggingface');
  const pkg = of('npm') ?? of('pypi');
  const prices = (of('pricing')?.prices ?? of('homepage')?.prices) as string[] | undefined;
  const date = (s: string | null | undefined) => (s ? ` (${s.slice(0, 10)})` : '');
  return {
    licence: gh?.license ?? hf?.license ?? pkg?.license ?? (gh || hf || pkg ? 'none stated' : undefined),
    latestRelease: gh?.latestRelease ? `${gh.latestRelease.tag}${date(gh.latestRelease.publishedAt)}` : pkg ? `${pkg.version}${date(pkg.releasedAt)}` : undefined,
    activity: gh ? `${gh.archived ? 'archived · ' : ''}last push ${gh.pushedAt?.slice(0, 10) ?? 'unknown'} · ${gh.stars} stars` : undefined,
    pricing: prices ? (prices.length ? prices.slice(0, 4).join(', ') : 'no prices on the page') : undefined,
    checkedAt,
  };
}

export async function compareFacts(db: DbOrTx, toolIds: readonly number[]): Promise<DecisionFacts[]> {
  const [current, checked] = await Promise.all([currentEvidence(db, toolIds), lastChecked(db, toolIds)]);
  return toolIds.map((id) => decisionFacts(current.get(id) ?? [], checked.get(id)));
}

/**
 * Evidence for the catalog export: the current snapshots of each tool, by tool id, in the API's source shape.
 * (The export in src/catalog/import.ts can add these under each tool as `evidence`.)
 */
export async function evidenceForExport(db: DbOrTx, toolIds: readonly number[]): Promise<Map<number, Source[]>> {
  const current = await currentEvidence(db, toolIds);
  return new Map([...current].map(([id, rows]) => [id, rows.map(toSource)]));
}
