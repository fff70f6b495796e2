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
 * `fn` remembered by the whole `unitMs` (from 1970, UTC) the instant it is given falls in, for at most
 * `max` units; `fn` is given the unit's first instant. An invalid instant is handed to `fn` as it is.
 */
function byUnit<T>(unitMs: number, fn: (start: Date) => T, max: number): (at: Date | string) => T {
  const kept = new Map<number, T>();
  return (at) => {
    const ms = new Date(at).getTime();
    if (Number.isNaN(ms)) return fn(new Date(ms));
    const unit = Math.floor(ms / unitMs);
    let value = kept.get(unit);
    if (value === undefined) {
      value = fn(new Date(unit * unitMs));
      if (kept.size >= max) kept.clear();
      kept.set(unit, value);
    }
    return value;
  };
}

/**
 * `fn` remembered by the UTC hour of the instant it is given: UK offsets are whole hours and change on
 * the hour, so every instant of one UTC hour falls on the same UK day, week and quarter. For the date
 * maths an acknowledgement or an applied alert does several times (issue 18). At most `max` hours kept.
 */
export const byUtcHour = <T>(fn: (hour: Date) => T, max = 500): ((at: Date | string) => T) =>
  byUnit(3_600_000, fn, max);

/**
 * Recently shown minutes: a card shows the same few instants again and again, and UK offsets are whole
 * hours, so everything within one minute shows the same.
 */
const shownMinute = byUnit(60_000, (minute) => formatMinute(minute), 2_000);

/** "28 Nov 2026, 09:00" in UK time. */
export function formatUkDateTime(at: Date | string): string {
  if (Number.isNaN(new Date(at).getTime())) return 'Invalid DateTime';
  return shownMinute(at);
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
