import { DateTime } from 'luxon';
import { byUtcHour, UK_ZONE } from '../shared/time';
import type { Quarter } from './quarter';

/** The Monday (YYYY-MM-DD) of the UK week the instant falls in: weeks run Monday to Sunday, UK time. */
export const ukWeekOf: (at: string | Date) => string = byUtcHour(
  (hour) => DateTime.fromJSDate(hour, { zone: UK_ZONE }).startOf('week').toISODate() ?? '',
);

/**
 * `fn` remembered by its text argument (at most `max` kept): the figures name the same few weeks on every
 * read, and luxon takes tens of microseconds a date.
 */
function remembered<T>(fn: (text: string) => T, max = 1_000): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    let value = kept.get(text);
    if (value === undefined) {
      value = fn(text);
      if (kept.size >= max) kept.clear();
      kept.set(text, value);
    }
    return value;
  };
}

/** The ISO week a Monday starts: `2026-W41`. */
export const isoWeekLabel = remembered((monday: string): string => {
  const day = DateTime.fromISO(monday, { zone: UK_ZONE });
  return `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`;
});

/** "w/c 5 Oct 2026": the week as people write it. */
export const weekCommencing = remembered(
  (monday: string): string =>
    `w/c ${DateTime.fromISO(monday, { zone: UK_ZONE }).toFormat('d LLL yyyy')}`,
);

/** weeksBetween of `<firstDay>/<lastDay>`, remembered. */
const mondaysBetween = remembered((days: string): readonly string[] => {
  const [firstDay, lastDay] = days.split('/') as [string, string];
  return weeksBetween(firstDay, lastDay);
});

/** The Mondays of every UK week with a day in the quarter, oldest first (13 or 14). */
export const weeksOfQuarter = (quarter: Pick<Quarter, 'firstDay' | 'lastDay'>): string[] => [
  ...mondaysBetween(`${quarter.firstDay}/${quarter.lastDay}`),
];

/** The Mondays of every UK week with a day from `firstDay` to `lastDay` (YYYY-MM-DD), oldest first. */
function weeksBetween(firstDay: string, lastDay: string): string[] {
  const weeks: string[] = [];
  let monday = DateTime.fromISO(firstDay, { zone: UK_ZONE }).startOf('week');
  const last = DateTime.fromISO(lastDay, { zone: UK_ZONE });
  while (monday <= last) {
    weeks.push(monday.toISODate() ?? '');
    monday = monday.plus({ weeks: 1 });
  }
  return weeks;
}
