import { DateTime } from 'luxon';
import { byUtcHour, UK_ZONE } from '../shared/time';
import type { Quarter } from './quarter';

/** The Monday (YYYY-MM-DD) of the UK week the instant falls in: weeks run Monday to Sunday, UK time. */
export const ukWeekOf: (at: string | Date) => string = byUtcHour(
  (hour) => DateTime.fromJSDate(hour, { zone: UK_ZONE }).startOf('week').toISODate() ?? '',
);

/** The ISO week a Monday starts: `2026-W41`. */
export const isoWeekLabel = (monday: string): string => {
  const day = DateTime.fromISO(monday, { zone: UK_ZONE });
  return `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`;
};

/** "w/c 5 Oct 2026": the week as people write it. */
export const weekCommencing = (monday: string): string =>
  `w/c ${DateTime.fromISO(monday, { zone: UK_ZONE }).toFormat('d LLL yyyy')}`;

/** The Mondays of every UK week with a day in the quarter, oldest first (13 or 14). */
export function weeksOfQuarter(quarter: Pick<Quarter, 'firstDay' | 'lastDay'>): string[] {
  const weeks: string[] = [];
  let monday = DateTime.fromISO(quarter.firstDay, { zone: UK_ZONE }).startOf('week');
  const last = DateTime.fromISO(quarter.lastDay, { zone: UK_ZONE });
  while (monday <= last) {
    weeks.push(monday.toISODate() ?? '');
    monday = monday.plus({ weeks: 1 });
  }
  return weeks;
}
