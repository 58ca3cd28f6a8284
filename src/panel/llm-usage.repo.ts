// SQL for LLM token usage: recording calls outside panel runs and counting a day's tokens for the budget.
import { sql } from 'kysely';
import type { DbOrTx } from '../db/db.js';

export async function recordLlmUsage(db: DbOrTx, row: { purpose: string; inputTokens: number; outputTokens: number; at: Date }): Promise<void> {
  await db
    .insertInto('llmUsage')
    .values({ day: row.at.toISOString().slice(0, 10), purpose: row.purpose, inputTokens: row.inputTokens, outputTokens: row.outputTokens, createdAt: row.at.toISOString() })
    .execute();
}

/** Tokens spent since `dayStart` (ISO, midnight UTC): panel runs started since then, plus other calls of that day. */
export async function tokensSince(db: DbOrTx, dayStart: string): Promise<{ panel: number; other: number }> {
  const [panel, other] = await Promise.all([
    db
      .selectFrom('panelRuns')
      .select(sql<number>`coalesce(sum(input_tokens + output_tokens), 0)`.as('n'))
      .where('startedAt', '>=', dayStart)
      .executeTakeFirst(),
    db
      .selectFrom('llmUsage')
      .select(sql<number>`coalesce(sum(input_tokens + output_tokens), 0)`.as('n'))
      .where('day', '=', dayStart.slice(0, 10))
      .executeTakeFirst(),
  ]);
  return { panel: Number(panel?.n ?? 0), other: Number(other?.n ?? 0) };
}
