import { DateTime } from 'luxon';

import { UK_ZONE } from '../shared/time';

/** A day in the UK calendar as `yyyy-mm-dd`, the form Adaptive Cards' Input.Date sends. */
export type CalendarDate = string;

/**
 * Reads a date as a card sends it (`2026-12-31`) or as people in the UK type it (`31/12/2026`, `31-12-2026`,
 * `31.12.2026`). Undefined when it is no real date; never guesses the American order.
 */
export function parseCalendarDate(value: unknown): CalendarDate | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let parsed: DateTime | undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) parsed = DateTime.fromISO(text, { zone: UK_ZONE });
  else if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/.test(text))
    parsed = DateTime.fromFormat(text.replace(/[.-]/g, '/'), 'd/M/yyyy', { zone: UK_ZONE });
  return parsed?.isValid ? (parsed.toISODate() ?? undefined) : undefined;
}

/** The UK calendar date at an instant: 23:30 UTC on 30 June is already 1 July in London. */
export const ukCalendarDate = (at: Date): CalendarDate =>
  DateTime.fromJSDate(at, { zone: UK_ZONE }).toISODate() as CalendarDate;
