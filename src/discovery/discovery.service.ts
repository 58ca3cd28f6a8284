// Discovery: reads the enabled sources, keeps AI tools, merges them by identity, skips known ones, researches and queues a draft for each new one.
import pLimit from 'p-limit';
import type { Config, DiscoverySourceId } from '../config.js';
import { executeTx, isUniqueViolation, type Db } from '../db/db.js';
import { AppError } from '../errors.js';
import { createFetcher, gather } from '../research/research.service.js';
import type { Snapshot } from '../research/snapshot.js';
import type { Fetcher } from '../research/fetcher.js';
import { insertSubmission } from '../community/submissions.repo.js';
import { approveSubmission } from '../community/submissions.service.js';
import { recordStageRun } from '../queue/stage-runs.repo.js';
import { recordLlmUsage } from '../panel/llm-usage.repo.js';
import { budgetState } from '../panel/budget.js';
import { createClassifier, type ClassificationAnswer } from '../panel/llm.js';
import { addCandidateKeys, categoryNames, loadValidators, saveValidators, setFoundBy, submissionsByKeys, takenSlugs, toolsBySpellings } from './candidates.repo.js';
import { catalogSpellings, identityKeys, normalizeUrl, safeNormalizeUrl } from './identity.js';
import { belowThreshold, relevance, signalText } from './relevance.js';
import { SourceHttp, SourceStopped, type DiscoveredItem, type FoundBy } from './source.js';
import { SOURCES } from './sources/index.js';
import { buildDraft, slugCandidates } from './draft.js';
import { foundByText, parseFoundBy } from './found-by.js';

/**
 * Discovery: read the enabled sources, keep AI tools above their source's threshold, merge what several sources
 * list into one candidate by stable identity, skip what the catalog or the queue already has (or rejected), check
 * each new one's homepage and sources, and queue a draft built from what was checked. Safe to run again: a second
 * run on the same listings proposes nothing new.
 */

export type Outcome = 'proposed' | 'merged' | 'waiting' | 'catalog' | 'rejected' | 'not-ai' | 'below-threshold' | 'unreachable' | 'invalid';

export const OUTCOME_TEXT: Record<Outcome, string> = {
  proposed: 'proposed',
  merged: 'merged into candidate',
  waiting: 'already waiting',
  catalog: 'already in the catalog',
  rejected: 'rejected before',
  'not-ai': 'not an AI tool',
  'below-threshold': 'below threshold',
  unreachable: 'homepage unreachable',
  invalid: 'draft not valid',
};

export interface ItemReport {
  source: DiscoverySourceId;
  sourceId: string;
  name: string;
  url: string;
  signal: string;
  outcome: Outcome;
  detail: string;
  candidateId?: number;
  autoApproved?: boolean;
}

export interface SourceReport {
  id: DiscoverySourceId;
  label: string;
  items: number;
  error?: string;
  /** Rate limited or refused: stopped for this run. */
  stopped?: boolean;
}

export interface DiscoveryReport {
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  sources: SourceReport[];
  items: ItemReport[];
  counts: Record<Outcome, number>;
  classification: { calls: number; tokens: number; skipped?: string };
}

type Classifier = (item: { name: string; description: string; url: string; tags: readonly string[] }, signal: AbortSignal) => Promise<ClassificationAnswer>;

export interface DiscoveryDeps {
  db: Db;
  config: Config;
  /** Default: the sources DISCOVERY_SOURCES turns on. */
  sourceIds?: readonly DiscoverySourceId[];
  dryRun?: boolean;
  fetcher?: Fetcher;
  /** Default: the configured LLM when DISCOVERY_LLM_CLASSIFY is on; null: none. */
  classify?: Classifier | null;
  now?: Date;
  signal?: AbortSignal;
  /** Where checks of new candidates' homepages run side by side (the fetcher still keeps one request per host). */
  concurrency?: number;
  log?: (line: string) => void;
}

const THRESHOLD: Record<DiscoverySourceId, (m: Config['discovery']['min']) => number> = {
  hn: (m) => m.hnPoints,
  github: (m) => m.githubStars,
  huggingface: (m) => m.hfLikes,
  npm: (m) => m.npmDownloads,
  producthunt: (m) => m.phVotes,
  pypi: () => 0,
  feeds: () => 0,
};

const foundByOf = (i: DiscoveredItem, at: string): FoundBy => ({
  source: i.source,
  label: SOURCES[i.source].label,
  signal: i.signal.value === null ? '' : signalText(i.signal.value, i.signal.metric),
  link: i.link,
  seenAt: at,
});

export { foundByText, parseFoundBy };

export function enabledSources(config: Config, asked?: readonly DiscoverySourceId[]): DiscoverySourceId[] {
  const ids = asked?.length ? [...new Set(asked)] : config.discovery.sources;
  if (ids.includes('producthunt') && !config.discovery.productHuntToken) throw new AppError('config', 'Product Hunt needs PRODUCT_HUNT_TOKEN (your own; its API terms forbid commercial use without permission)');
  if (ids.includes('feeds') && config.discovery.feeds.length === 0) throw new AppError('config', 'The feeds source needs DISCOVERY_FEEDS (comma-separated RSS, Atom or JSON Feed URLs)');
  return ids;
}

export async function runDiscovery(deps: DiscoveryDeps): Promise<DiscoveryReport> {
  const { db, config } = deps;
  const d = config.discovery;
  const now = deps.now ?? new Date();
  const at = now.toISOString();
  const dryRun = deps.dryRun ?? false;
  const log = deps.log ?? (() => {});
  const fetcher = deps.fetcher ?? createFetcher(config);
  const signal = deps.signal ?? new AbortController().signal;
  const classify = deps.classify !== undefined ? deps.classify : config.llm && d.llmClassify ? createClassifier(config.llm) : null;
  const reports: ItemReport[] = [];
  const sources: SourceReport[] = [];
  const classification: DiscoveryReport['classification'] = { calls: 0, tokens: 0 };

  // 1. Read each source; one that fails or is rate limited is reported and the others go on.
  const listed: DiscoveredItem[] = [];
  // Conditional requests: a listing unchanged since the last run answers 304 and lists nothing new. A dry run asks
  // unconditionally (it shows everything) and stores nothing.
  const validators = dryRun ? undefined : await loadValidators(db);
  for (const id of enabledSources(config, deps.sourceIds)) {
    const src = SOURCES[id];
    const started = new Date().toISOString();
    const http = new SourceHttp(fetcher, { validators, maxWaitMs: d.maxWaitMs, minIntervalMs: src.minIntervalMs?.({ discovery: d, research: config.research, http: undefined!, now }) });
    try {
      const items = await src.list({ discovery: d, research: config.research, http, now });
      listed.push(...items);
      sources.push({ id, label: src.label, items: items.length });
      log(`${src.label}: ${items.length} item${items.length === 1 ? '' : 's'}`);
    } catch (err) {
      const stopped = err instanceof SourceStopped;
      sources.push({ id, label: src.label, items: 0, error: (err as Error).message, ...(stopped ? { stopped } : {}) });
      log(`${src.label}: ${stopped ? 'stopped' : 'FAILED'}: ${(err as Error).message}`);
    }
    if (signal.aborted) break;
    const s = sources.at(-1)!;
    if (!dryRun) await recordStageRun(db, { stage: `discovery:${id}`, detail: id, startedAt: started, finishedAt: new Date().toISOString(), ok: s.error && !s.stopped ? 0 : 1, itemsIn: s.items, itemsOut: 0, error: s.error ?? null });
  }

  const report = (i: DiscoveredItem, outcome: Outcome, detail: string, extra: Partial<ItemReport> = {}) =>
    reports.push({ source: i.source, sourceId: i.sourceId, name: i.name, url: i.url, signal: i.signal.value === null ? '' : signalText(i.signal.value, i.signal.metric), outcome, detail, ...extra });

  // 2. Thresholds, then relevance by rules, then (for unclear items, within the day's budget) the model.
  const kept: DiscoveredItem[] = [];
  let budgetNote: string | undefined;
  for (const item of listed) {
    const min = THRESHOLD[item.source](d.min);
    const below = belowThreshold(item.signal, min);
    if (below) {
      report(item, 'below-threshold', below);
      continue;
    }
    const rel = SOURCES[item.source].aiListing ? ({ kind: 'ai', why: `listed by ${SOURCES[item.source].label} under AI topics` } as const) : relevance(item);
    if (rel.kind === 'not-ai') {
      report(item, 'not-ai', rel.why);
      continue;
    }
    if (rel.kind === 'unclear') {
      if (!classify) {
        report(item, 'not-ai', `unclear (${rel.why}) and no LLM configured to decide`);
        continue;
      }
      const budget = await budgetState(db, config, new Date());
      if (budget.exhausted) {
        budgetNote = 'LLM_DAILY_TOKEN_BUDGET spent for today';
        report(item, 'not-ai', `unclear (${rel.why}); not classified: the day's LLM budget is spent`);
        continue;
      }
      try {
        const answer = await classify({ name: item.name, description: item.description, url: item.url, tags: item.tags }, AbortSignal.any([signal, AbortSignal.timeout(config.llmTimeoutMs)]));
        classification.calls++;
        classification.tokens += answer.inputTokens + answer.outputTokens;
        if (!dryRun) await recordLlmUsage(db, { purpose: 'discovery.classify', inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, at: new Date() });
        if (!answer.aiTool) {
          report(item, 'not-ai', `the model: ${answer.reason}`);
          continue;
        }
      } catch (err) {
        report(item, 'not-ai', `unclear (${rel.why}); classification failed: ${(err as Error).message.slice(0, 200)}`);
        continue;
      }
    }
    kept.push(item);
  }
  if (budgetNote) classification.skipped = budgetNote;

  // 3. One group per tool: items sharing any identity key, across sources and within one.
  const groups = groupByIdentity(kept);
  const categories = (await categoryNames(db)).map((c) => c.name);
  const limit = pLimit(deps.concurrency ?? 4);
  await Promise.all(
    groups.map((g) =>
      limit(async () => {
        if (signal.aborted) return;
        await settleGroup(g);
      }),
    ),
  );

  async function settleGroup({ items, keys }: { items: DiscoveredItem[]; keys: string[] }) {
    const all = (o: Outcome, detail: string, extra: Partial<ItemReport> = {}) => items.forEach((i) => report(i, o, detail, extra));
    if (await known(keys, items, all)) return;
    // New: check the homepage and the sources it names before proposing anything.
    const first = items[0]!;
    const snapshots: Snapshot[] = await gather(fetcher, config.research, { url: first.url, repo: items.map((i) => i.repo).find(Boolean) ?? null, description: items.map((i) => i.description).join('\n') }, []);
    const home = snapshots.find((s) => s.kind === 'homepage');
    if (!home || home.error) return all('unreachable', home?.error ?? 'no homepage');
    // Where the homepage really is, after redirects, is one more identity.
    const finalKey = safeNormalizeUrl(typeof home.facts.finalUrl === 'string' ? home.facts.finalUrl : undefined);
    if (finalKey && !keys.includes(`url:${finalKey}`)) {
      const more = identityKeys({ url: home.facts.finalUrl as string }).filter((k) => !keys.includes(k));
      if (more.length && (await known(more, items, all))) return;
      keys.push(...more);
    }
    const owner = items.map((i) => i.hints.github ?? i.hints.huggingface?.id).find(Boolean)?.split('/')[0];
    const tries = slugCandidates(first.name, owner);
    const taken = await takenSlugs(db, tries);
    const slug = tries.find((s) => !taken.has(s));
    if (!slug) return all('invalid', `no free slug for "${first.name}"`);
    const built = buildDraft(items, snapshots, slug, categories);
    if ('error' in built) return all('invalid', built.error);
    const f = built.draft.fields;
    const foundBy = dedupeFoundBy(items.map((i) => foundByOf(i, at)));
    if (dryRun) return all('proposed', `would queue "${f.name}" (${f.category}, ${f.pricing.model}; ${built.draft.pricingWhy}) · ${foundByText(foundBy)}`);
    let id: number;
    try {
      id = await executeTx(db, async (tx) => {
        const sid = await insertSubmission(tx, {
          name: f.name,
          slug: f.slug,
          url: f.url,
          urlKey: normalizeUrl(f.url),
          tagline: f.tagline,
          category: f.category,
          pricingModel: f.pricing.model,
          pricingEntry: f.pricing.entry,
          email: null,
          submitterId: null,
          status: 'pending',
          reason: null,
          toolId: null,
          createdAt: at,
          decidedAt: null,
          origin: 'discovery',
          foundBy: JSON.stringify(foundBy),
          description: f.description,
          repo: f.repo ?? null,
          tags: JSON.stringify(f.tags),
          license: f.pricing.license ?? null,
          autoReason: null,
        });
        await addCandidateKeys(tx, sid, keys);
        return sid;
      });
    } catch (err) {
      // A pending submission with the same slug or URL arrived meanwhile (a reader, another worker).
      if (isUniqueViolation(err)) return all('waiting', 'a pending submission has the same URL or name');
      throw err;
    }
    const auto = await maybeAutoApprove(id, items, foundBy);
    all('proposed', `queued as candidate #${id}: ${foundByText(foundBy)}${auto ? ` · approved automatically: ${auto}` : ''}`, { candidateId: id, ...(auto ? { autoApproved: true } : {}) });
  }

  /** The catalog or the queue already has this tool: say which, merging new sources into a waiting candidate. */
  async function known(keys: string[], items: DiscoveredItem[], all: (o: Outcome, detail: string, extra?: Partial<ItemReport>) => void): Promise<boolean> {
    const held = await submissionsByKeys(db, keys);
    const pick = held.find((h) => h.status === 'approved') ?? held.find((h) => h.status === 'pending') ?? held.find((h) => h.status === 'rejected');
    if (pick?.status === 'approved') {
      all('catalog', `approved before as #${pick.id}${pick.slug ? `, /tools/${pick.slug}` : ''}`);
      return true;
    }
    if (pick?.status === 'rejected') {
      all('rejected', `rejected before as #${pick.id}`);
      return true;
    }
    const listedTools = await toolsBySpellings(db, catalogSpellings(keys));
    if (listedTools.length) {
      all('catalog', `listed as /tools/${listedTools[0]!.slug}`);
      return true;
    }
    if (pick?.status === 'pending') {
      const had = parseFoundBy(pick.foundBy);
      const fresh = dedupeFoundBy(items.map((i) => foundByOf(i, at))).filter((f) => !had.some((h) => h.source === f.source));
      if (fresh.length === 0 || pick.origin !== 'discovery') {
        all('waiting', `candidate #${pick.id} is waiting${pick.origin === 'reader' ? ' (a reader submitted it)' : ''}`, { candidateId: pick.id });
        return true;
      }
      const merged = [...had, ...fresh];
      if (!dryRun) {
        await executeTx(db, async (tx) => {
          await setFoundBy(tx, pick.id, JSON.stringify(merged));
          await addCandidateKeys(tx, pick.id, keys);
        });
      }
      const auto = dryRun ? undefined : await maybeAutoApprove(pick.id, items, merged);
      all('merged', `into candidate #${pick.id}: ${foundByText(merged)}${auto ? ` · approved automatically: ${auto}` : ''}`, { candidateId: pick.id, ...(auto ? { autoApproved: true } : {}) });
      return true;
    }
    return false;
  }

  /** DISCOVERY_AUTO_APPROVE: found by enough sources, or a signal well above its threshold. Returns the reason. */
  async function maybeAutoApprove(id: number, items: DiscoveredItem[], foundBy: FoundBy[]): Promise<string | undefined> {
    if (!d.autoApprove) return undefined;
    let reason: string | undefined;
    const distinct = new Set(foundBy.map((f) => f.source));
    if (distinct.size >= d.autoMinSources) reason = `found by ${distinct.size} sources (${foundByText(foundBy)}), at least the ${d.autoMinSources} DISCOVERY_AUTO_MIN_SOURCES asks`;
    for (const i of items) {
      const min = THRESHOLD[i.source](d.min);
      if (reason || i.signal.value === null || min <= 0) continue;
      if (i.signal.value >= min * d.autoFactor) reason = `${SOURCES[i.source].label}: ${signalText(i.signal.value, i.signal.metric)}, at least ${d.autoFactor} × the ${min} threshold (DISCOVERY_AUTO_FACTOR)`;
    }
    if (!reason) return undefined;
    try {
      await approveSubmission(db, id, { autoReason: reason });
      return reason;
    } catch (err) {
      log(`candidate #${id} could not be approved automatically: ${(err as Error).message}`);
      return undefined;
    }
  }

  // Stored once every item was settled: a run cut short asks unconditionally next time.
  if (validators && !signal.aborted) await saveValidators(db, validators);
  const counts = Object.fromEntries(Object.keys(OUTCOME_TEXT).map((k) => [k, 0])) as Record<Outcome, number>;
  for (const r of reports) counts[r.outcome]++;
  return { dryRun, startedAt: at, finishedAt: new Date().toISOString(), sources, items: reports, counts, classification };
}

const dedupeFoundBy = (xs: FoundBy[]) => xs.filter((x, i) => xs.findIndex((y) => y.source === x.source) === i);

/** Items that share any identity key are one tool (union-find over keys). */
export function groupByIdentity(items: readonly DiscoveredItem[]): { items: DiscoveredItem[]; keys: string[] }[] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  const keysOf = items.map((i) => identityKeys({ url: i.url, ...i.hints }));
  keysOf.forEach((keys, i) => {
    for (const k of keys) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, { items: DiscoveredItem[]; keys: string[] }>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root) ?? { items: [], keys: [] };
    g.items.push(item);
    for (const k of keysOf[i]!) if (!g.keys.includes(k)) g.keys.push(k);
    groups.set(root, g);
  });
  // Items without any key (no usable URL) cannot be told apart from others: left out.
  return [...groups.values()].filter((g) => g.keys.length > 0);
}
