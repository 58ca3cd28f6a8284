// The daily LLM token budget (LLM_DAILY_TOKEN_BUDGET): how much of today is spent and when panel and classification calls may run again.
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/db.js';
import { tokensSince } from './llm-usage.repo.js';

/**
 * LLM_DAILY_TOKEN_BUDGET: tokens a UTC day may spend on panel reviews and discovery's classification calls. Checked
 * before each job or call starts (a panel run already under way finishes, so a day may overshoot by one run); once
 * spent, those calls wait for the next UTC day.
 */
export interface BudgetState {
  budget: number | undefined;
  spent: number;
  panel: number;
  other: number;
  exhausted: boolean;
  /** When the day's budget starts again (next midnight UTC). */
  resetsAt: string;
}

export const dayStart = (now: Date) => `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
export const nextDay = (now: Date) => new Date(Date.parse(dayStart(now)) + 86_400_000);

export async function budgetState(db: DbOrTx, config: Pick<Config, 'llmDailyTokenBudget'>, now = new Date()): Promise<BudgetState> {
  const t = await tokensSince(db, dayStart(now));
  const spent = t.panel + t.other;
  const budget = config.llmDailyTokenBudget;
  return { budget, spent, panel: t.panel, other: t.other, exhausted: budget !== undefined && spent >= budget, resetsAt: nextDay(now).toISOString() };
}

export const budgetMessage = (b: BudgetState) =>
  `LLM_DAILY_TOKEN_BUDGET spent: ${b.spent.toLocaleString('en-US')} of ${b.budget?.toLocaleString('en-US')} tokens today; LLM calls resume at ${b.resetsAt.slice(0, 16).replace('T', ' ')} UTC`;
