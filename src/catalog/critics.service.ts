// A critic's ship rate and tallies, and its verdicts paged, as the critic pages and the CLI show them.
import type { DbOrTx } from '../db/db.js';
import { countsText, percentText } from '../domain/summary.js';
import type { Critic } from '../domain/schemas.js';
import { criticReviews, criticTallies, countCriticReviews, type CriticReviewRow, type CriticTally } from './critics.repo.js';

export interface CriticStats extends CriticTally {
  /** Takes (ships + skips); abstentions are not takes. */
  takes: number;
  /** Tools reviewed at all: takes plus abstentions. */
  reviewed: number;
  /** ships / takes as a whole percent; null without takes. */
  shipPct: number | null;
}

export function criticStats(t: CriticTally = { ships: 0, skips: 0, abstentions: 0 }): CriticStats {
  const takes = t.ships + t.skips;
  return { ...t, takes, reviewed: takes + t.abstentions, shipPct: takes ? Math.round((t.ships / takes) * 100) : null };
}

/** "Ships 75% · 18 ship / 6 skip · 2 abstentions", or "No reviews yet". */
export function criticStatsText(s: CriticStats): string {
  if (s.reviewed === 0) return 'No reviews yet';
  const parts = [s.shipPct === null ? 'No takes yet' : `Ships ${percentText(s.shipPct)}`];
  if (s.takes) parts.push(countsText(s.ships, s.skips));
  parts.push(`${s.abstentions} ${s.abstentions === 1 ? 'abstention' : 'abstentions'}`);
  return parts.join(' · ');
}

/** Every critic, in panel order, with its ship rate over its latest review of each tool. */
export async function criticsWithStats(db: DbOrTx, critics: readonly Critic[]): Promise<{ critic: Critic; stats: CriticStats }[]> {
  const tallies = await criticTallies(db);
  return critics.map((critic) => ({ critic, stats: criticStats(tallies.get(critic.id)) }));
}

export const CRITIC_PAGE_SIZE = 50;

export interface CriticVerdicts {
  stats: CriticStats;
  items: CriticReviewRow[];
  /** Verdicts matching the category filter (all of them without one). */
  total: number;
  page: number;
  pages: number;
}

/** One critic's stats (over everything) and its verdicts (latest revision per tool), optionally in one category. */
export async function criticVerdicts(db: DbOrTx, criticId: string, opts: { categorySlug?: string; page?: number } = {}): Promise<CriticVerdicts> {
  const page = opts.page ?? 1;
  const [tallies, items, total] = await Promise.all([
    criticTallies(db, criticId),
    criticReviews(db, criticId, { categorySlug: opts.categorySlug, limit: CRITIC_PAGE_SIZE, offset: (page - 1) * CRITIC_PAGE_SIZE }),
    countCriticReviews(db, criticId, opts.categorySlug),
  ]);
  return { stats: criticStats(tallies.get(criticId)), items, total, page, pages: Math.max(1, Math.ceil(total / CRITIC_PAGE_SIZE)) };
}
