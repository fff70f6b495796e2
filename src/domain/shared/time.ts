import { DateTime } from 'luxon';

/** Everyone using CTAC works in England: times are shown in Europe/London. */
export const UK_ZONE = 'Europe/London';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The UK wall-clock fields of an instant (one formatter, made once: cards format many times). */
const UK_FIELDS = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** Recently shown minutes: a card shows the same few instants again and again. */
const shownMinutes = new Map<number, string>();
const SHOWN_MINUTES_MAX = 2_000;

/** "28 Nov 2026, 09:00" in UK time. */
export function formatUkDateTime(at: Date | string): string {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return 'Invalid DateTime';
  // UK offsets are whole hours, so everything within one minute shows the same.
  const minute = Math.floor(ms / 60_000);
  let shown = shownMinutes.get(minute);
  if (shown === undefined) {
    shown = formatMinute(new Date(minute * 60_000));
    if (shownMinutes.size >= SHOWN_MINUTES_MAX) shownMinutes.clear();
    shownMinutes.set(minute, shown);
  }
  return shown;
}

function formatMinute(date: Date): string {
  const f: Record<string, string> = {};
  for (const part of UK_FIELDS.formatToParts(date)) f[part.type] = part.value;
  return `${Number(f['day'])} ${MONTHS[Number(f['month']) - 1]} ${f['year']}, ${f['hour']!.padStart(2, '0')}:${f['minute']!.padStart(2, '0')}`;
}

/** "28 Nov 2026" in UK time. */
export function formatUkDate(at: Date | string): string {
  return DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).toFormat('d LLL yyyy');
}
