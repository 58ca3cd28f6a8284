// ISO-8601 weeks in UTC ("2026-W48"): parsing, current and previous week, their start, range and label.
import { z } from 'zod';

/** ISO-8601 weeks (Monday first; week 1 holds the year's first Thursday), in UTC: "2026-W48". */

export const weekSchema = z
  .string()
  .regex(/^\d{4}-W\d{2}$/, 'a week looks like 2026-W48')
  .refine((w) => {
    const n = Number(w.slice(6));
    return n >= 1 && n <= weeksInYear(Number(w.slice(0, 4)));
  }, 'no such week in that year');

const DAY = 86_400_000;

export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const dow = d.getUTCDay() || 7; // Monday 1 … Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / DAY + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function weeksInYear(year: number): number {
  // A year has 53 weeks when Dec 28 (always in the last week) falls in week 53.
  return Number(isoWeek(new Date(Date.UTC(year, 11, 28))).slice(6));
}

/** Monday 00:00 UTC of the week. */
export function weekStart(week: string): Date {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday1 = jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * DAY;
  return new Date(monday1 + (n - 1) * 7 * DAY);
}

/** [start, end) of the week as ISO timestamps, comparable with the database's ISO text columns. */
export function weekRange(week: string): { start: string; end: string } {
  const start = weekStart(week);
  return { start: start.toISOString(), end: new Date(start.getTime() + 7 * DAY).toISOString() };
}

export const previousWeek = (week: string): string => isoWeek(new Date(weekStart(week).getTime() - 3 * DAY));

/** "23 – 29 November 2026" */
export function weekLabel(week: string): string {
  const start = weekStart(week);
  const end = new Date(start.getTime() + 6 * DAY);
  const fmt = (d: Date, opts: Intl.DateTimeFormatOptions) => d.toLocaleDateString('en-GB', { timeZone: 'UTC', ...opts });
  const sameMonth = start.getUTCMonth() === end.getUTCMonth();
  const sameYear = start.getUTCFullYear() === end.getUTCFullYear();
  const left = sameMonth ? fmt(start, { day: 'numeric' }) : fmt(start, sameYear ? { day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' });
  return `${left} – ${fmt(end, { day: 'numeric', month: 'long', year: 'numeric' })}`;
}
