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

/**
 * `fn` remembered by the UTC hour of the instant it is given: UK offsets are whole hours and change on
 * the hour, so every instant of one UTC hour falls on the same UK day, week and quarter. For the date
 * maths an acknowledgement or an applied alert does several times (issue 18). At most `max` hours kept.
 */
export function byUtcHour<T>(fn: (hour: Date) => T, max = 500): (at: Date | string) => T {
  const kept = new Map<number, T>();
  return (at) => {
    const ms = new Date(at).getTime();
    if (Number.isNaN(ms)) return fn(new Date(ms));
    const hour = Math.floor(ms / 3_600_000);
    let value = kept.get(hour);
    if (value === undefined) {
      value = fn(new Date(hour * 3_600_000));
      if (kept.size >= max) kept.clear();
      kept.set(hour, value);
    }
    return value;
  };
}

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
export const formatUkDate: (at: Date | string) => string = byUtcHour((hour) =>
  DateTime.fromJSDate(hour, { zone: UK_ZONE }).toFormat('d LLL yyyy'),
);

/** "28/11/2026", the UK date as typed into a form (Input.Date refuses 28/11/2026 in some clients). */
export const typedUkDate: (at: Date | string) => string = byUtcHour((hour) =>
  DateTime.fromJSDate(hour, { zone: UK_ZONE }).toFormat('dd/MM/yyyy'),
);
