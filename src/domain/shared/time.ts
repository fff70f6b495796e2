import { DateTime } from 'luxon';

/** Everyone using CTAC works in England: times are shown in Europe/London. */
export const UK_ZONE = 'Europe/London';

/** "28 Nov 2026, 09:00" in UK time. */
export function formatUkDateTime(at: Date | string): string {
  return DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).toFormat('d LLL yyyy, HH:mm');
}

/** "28 Nov 2026" in UK time. */
export function formatUkDate(at: Date | string): string {
  return DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).toFormat('d LLL yyyy');
}
