import { DateTime } from 'luxon';

import { formatUkDateTime, UK_ZONE } from '../shared/time';

/** A date and time read from what someone typed, or why it could not be read. */
export type UkDateTimeResult =
  | {
      ok: true;
      at: Date;
      /** True when only a date was given: `at` is the start of that day. */
      dateOnly: boolean;
    }
  | { ok: false; error: string };

/** A time range read from what someone typed, or why it could not be read. */
export type UkDateTimeRangeResult =
  { ok: true; start: Date; end: Date } | { ok: false; error: string };

const EXAMPLES = 'for example "tomorrow 9am", "Fri 17:00", "28/11/2026 09:00" or "28 Nov 09:00"';

// prettier-ignore
const WEEKDAYS: Record<string, number> = {
  mon: 1, monday: 1,
  tue: 2, tues: 2, tuesday: 2,
  wed: 3, weds: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5,
  sat: 6, saturday: 6,
  sun: 7, sunday: 7,
};

// prettier-ignore
const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

const WEEKDAY_NAMES = [
  '',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

type DatePart =
  | { kind: 'relative'; days: number }
  | { kind: 'calendar'; year?: number; month: number; day: number };
type TimePart = { hour: number; minute: number } | 'midnight';

interface Pieces {
  date?: DatePart;
  weekday?: number;
  time?: TimePart;
  now?: true;
  /** An exact instant, from ISO 8601 text. */
  instant?: Date;
}

class ParseProblem extends Error {}

/**
 * Reads a date and time the way people type them in a UK chat, in `zone` (Europe/London by default):
 * "tomorrow 9am", "today 17:00", "Fri 17:00", "friday 5pm", "28/11/2026 09:00", "28/11 9:00",
 * "28 Nov 2026 09:00", "28 Nov", "9am", "noon", "midnight", "now"; also "17.00", "9:30pm",
 * "28th November", "2026-11-28", an ISO 8601 instant, and the words "at" and "on" anywhere.
 *
 * Rules, so answers are predictable:
 * - a time on its own means today if that time has not yet passed (or is now), otherwise tomorrow;
 * - a weekday means the next such day from today (today included) whose time has not yet passed;
 * - a day and month without a year means the next such date from today (today included);
 * - "midnight" means the end of the day: "midnight" is tonight's, "Fri midnight" the night Fri-Sat;
 * - a date on its own means the start of that day (`dateOnly` is true);
 * - a time that happens twice (clocks going back) is the first; one that does not exist is refused.
 * Past instants are allowed ("today 9am" at noon); the caller decides whether they make sense.
 */
export function parseUkDateTime(text: string, now: Date, zone: string = UK_ZONE): UkDateTimeResult {
  const reference = DateTime.fromJSDate(now, { zone });
  return asResult(() => resolve(readPieces(text, zone), reference, reference, zone));
}

function asResult<T>(read: () => T): T | { ok: false; error: string } {
  try {
    return read();
  } catch (e) {
    if (e instanceof ParseProblem) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Reads a range such as "tomorrow 9am to Fri 17:00", "1/12 - 5/12", "Fri 17:00 until Mon 9am" or,
 * when it is unambiguous, two expressions side by side ("28/11 30/11"). A time alone at the end is
 * the first such time after the start ("Fri 22:00 to 06:00"), a weekday the next such day from the
 * start's day, and a date alone means the end of that day, so "1/12 to 5/12" is five whole days.
 * Dates at the end still count from today, so a range typed backwards is refused, not read as a year.
 */
export function parseUkDateTimeRange(
  text: string,
  now: Date,
  zone: string = UK_ZONE,
): UkDateTimeRangeResult {
  const separated = /^(.+?)\s+(?:to|until|till|til|-|–|—)\s+(.+)$/i.exec(text.trim());
  if (separated) return resolveRange(separated[1]!, separated[2]!, now, zone);

  const words = tidy(text).split(' ').filter(Boolean);
  const found: UkDateTimeRangeResult[] = [];
  for (let split = 1; split < words.length; split += 1) {
    const result = resolveRange(
      words.slice(0, split).join(' '),
      words.slice(split).join(' '),
      now,
      zone,
    );
    if (result.ok) found.push(result);
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    return {
      ok: false,
      error: `Put "to" between the start and the end, for example "tomorrow 9am to Fri 17:00".`,
    };
  return {
    ok: false,
    error: `I could not read "${text.trim()}" as a start and an end. Try, for example, "tomorrow 9am to Fri 17:00" or "1/12 to 5/12".`,
  };
}

function resolveRange(
  startText: string,
  endText: string,
  now: Date,
  zone: string,
): UkDateTimeRangeResult {
  const start = parseUkDateTime(startText, now, zone);
  if (!start.ok) return start;
  const endPieces = asResult(() => readPieces(endText, zone));
  if ('ok' in endPieces) return endPieces;
  const end = asResult(() =>
    resolve(
      endPieces,
      DateTime.fromJSDate(now, { zone }),
      DateTime.fromJSDate(start.at, { zone }),
      zone,
    ),
  );
  if (!end.ok) return end;
  let endAt = end.dateOnly
    ? DateTime.fromJSDate(end.at, { zone }).plus({ days: 1 }).toJSDate()
    : end.at;
  // "9am to 5pm" ending at or before its start means the next day: "Fri 22:00 to 06:00".
  if (!endPieces.date && endPieces.weekday === undefined && endPieces.time && endAt <= start.at)
    endAt = DateTime.fromJSDate(endAt, { zone }).plus({ days: 1 }).toJSDate();
  if (endAt <= start.at)
    return {
      ok: false,
      error: `The end (${formatUkDateTime(endAt)}) must be after the start (${formatUkDateTime(start.at)}).`,
    };
  return { ok: true, start: start.at, end: endAt };
}

function tidy(text: string): string {
  return text
    .toLowerCase()
    .replace(/\ba\.m\.?/g, 'am')
    .replace(/\bp\.m\.?/g, 'pm')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function readPieces(text: string, zone: string): Pieces {
  const raw = text.trim();
  if (!raw) throw new ParseProblem(`Give a date and time, ${EXAMPLES}.`);
  if (/^\d{4}-\d{2}-\d{2}t/i.test(raw)) {
    // Without an offset, an ISO date-time is local time in the zone.
    const parsed = DateTime.fromISO(raw, { zone, setZone: true });
    if (!parsed.isValid) throw new ParseProblem(`"${raw}" is not a real date and time.`);
    return { instant: parsed.toJSDate() };
  }

  const words = tidy(raw)
    .split(' ')
    .filter((w) => w !== 'at' && w !== 'on');
  const pieces: Pieces = {};
  const setDate = (date: DatePart): void => {
    if (pieces.date) throw new ParseProblem(`"${raw}" has more than one date in it. ${tryText()}`);
    pieces.date = date;
  };
  const setTime = (time: TimePart): void => {
    if (pieces.time) throw new ParseProblem(`"${raw}" has more than one time in it. ${tryText()}`);
    pieces.time = time;
  };

  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    const following = words[i + 1];
    let m: RegExpExecArray | null;
    if (word === 'now') pieces.now = true;
    else if (word === 'today' || word === 'tonight') setDate({ kind: 'relative', days: 0 });
    else if (word === 'tomorrow' || word === 'tmrw') setDate({ kind: 'relative', days: 1 });
    else if (WEEKDAYS[word] !== undefined) {
      if (pieces.weekday !== undefined)
        throw new ParseProblem(`"${raw}" names more than one day. ${tryText()}`);
      pieces.weekday = WEEKDAYS[word];
    } else if (word === 'noon' || word === 'midday') setTime({ hour: 12, minute: 0 });
    else if (word === 'midnight') setTime('midnight');
    else if (
      (m = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(word)) &&
      (m[3] || m[2] || isMeridiem(following))
    ) {
      const meridiem = m[3] ?? (isMeridiem(following) ? ((i += 1), following) : undefined);
      setTime(readTime(Number(m[1]), m[2] === undefined ? 0 : Number(m[2]), meridiem, word));
    } else if ((m = /^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?$/.exec(word))) {
      setDate(calendar(Number(m[1]), Number(m[2]), m[3], word));
    } else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word))) {
      setDate(calendar(Number(m[3]), Number(m[2]), m[1], word));
    } else if ((m = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(word)) && following && MONTHS[following]) {
      i += 1;
      const year = words[i + 1] && /^\d{4}$/.test(words[i + 1]!) ? words[(i += 1)] : undefined;
      setDate(calendar(Number(m[1]), MONTHS[following]!, year, `${word} ${following}`));
    } else throw new ParseProblem(`I could not understand "${word}" in "${raw}". ${tryText()}`);
  }
  if (pieces.now && (pieces.date || pieces.time || pieces.weekday !== undefined))
    throw new ParseProblem(`"now" cannot be combined with a date or time. ${tryText()}`);
  return pieces;
}

const isMeridiem = (word: string | undefined): word is 'am' | 'pm' =>
  word === 'am' || word === 'pm';
const tryText = (): string => `Try, ${EXAMPLES}.`;

function readTime(
  hour: number,
  minute: number,
  meridiem: string | undefined,
  shown: string,
): TimePart {
  if (minute > 59) throw new ParseProblem(`"${shown}" is not a time of day.`);
  if (meridiem) {
    if (hour < 1 || hour > 12)
      throw new ParseProblem(`"${shown}" is not a time of day: use 1 to 12 with am or pm.`);
    return { hour: (hour % 12) + (meridiem === 'pm' ? 12 : 0), minute };
  }
  if (hour === 24 && minute === 0)
    throw new ParseProblem(`For the end of the day, say "midnight" rather than "${shown}".`);
  if (hour > 23) throw new ParseProblem(`"${shown}" is not a time of day.`);
  return { hour, minute };
}

function calendar(day: number, month: number, year: string | undefined, shown: string): DatePart {
  const fullYear =
    year === undefined ? undefined : year.length === 2 ? 2000 + Number(year) : Number(year);
  // Checked against a leap year when the year is not yet known, so 29/02 passes until resolved.
  if (!DateTime.fromObject({ year: fullYear ?? 2028, month, day }, { zone: 'UTC' }).isValid)
    throw new ParseProblem(`"${shown}" is not a real date.`);
  return { kind: 'calendar', ...(fullYear === undefined ? {} : { year: fullYear }), month, day };
}

/**
 * Turns pieces into an instant. Dates ("tomorrow", "28/11") count from `now`; a weekday or a time
 * alone counts from `base`, which is `now` too except for the end of a range, where it is the start.
 */
function resolve(pieces: Pieces, now: DateTime, base: DateTime, zone: string): UkDateTimeResult {
  if (pieces.instant) return { ok: true, at: pieces.instant, dateOnly: false };
  if (pieces.now) return { ok: true, at: now.toJSDate(), dateOnly: false };
  const today = now.startOf('day');
  const baseDay = base.startOf('day');

  let day: DateTime;
  if (pieces.date?.kind === 'relative') day = today.plus({ days: pieces.date.days });
  else if (pieces.date?.kind === 'calendar') day = calendarDay(pieces.date, today, zone);
  else if (pieces.weekday !== undefined) {
    day = baseDay.plus({ days: (pieces.weekday - baseDay.weekday + 7) % 7 });
    if (pieces.time && moment(day, pieces.time, zone) < base) day = day.plus({ days: 7 });
  } else if (pieces.time) {
    day = baseDay;
    if (moment(day, pieces.time, zone) < base) day = day.plus({ days: 1 });
  } else throw new ParseProblem(`Give a date and time, ${EXAMPLES}.`);

  if (pieces.weekday !== undefined && day.weekday !== pieces.weekday)
    return {
      ok: false,
      error: `${day.toFormat('d LLL yyyy')} is a ${WEEKDAY_NAMES[day.weekday]}, not a ${WEEKDAY_NAMES[pieces.weekday]}.`,
    };
  if (!pieces.time) return { ok: true, at: day.toJSDate(), dateOnly: true };
  return { ok: true, at: moment(day, pieces.time, zone).toJSDate(), dateOnly: false };
}

function calendarDay(
  date: Extract<DatePart, { kind: 'calendar' }>,
  today: DateTime,
  zone: string,
): DateTime {
  const on = (year: number): DateTime =>
    DateTime.fromObject({ year, month: date.month, day: date.day }, { zone });
  if (date.year !== undefined) return on(date.year);
  let day = on(today.year);
  // The next such date from today: a date already past this year means next year (29 Feb: next leap year).
  for (let year = today.year; !day.isValid || day < today;) day = on((year += 1));
  return day;
}

/** The instant of a local time of day on a local date, refusing times the clock change skips. */
function moment(day: DateTime, time: TimePart, zone: string): DateTime {
  if (time === 'midnight') return day.plus({ days: 1 }).startOf('day');
  const { hour, minute } = time;
  const local = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour, minute },
    { zone },
  );
  if (local.hour !== hour || local.minute !== minute)
    throw new ParseProblem(
      `${day.toFormat('d LLL yyyy')}, ${pad(hour)}:${pad(minute)} does not exist in ${zone === UK_ZONE ? 'UK time' : zone}: the clocks go forward then.`,
    );
  // When the clocks go back the time happens twice; people mean the first.
  const earlier = local.minus({ hours: 1 });
  return earlier.hour === hour && earlier.minute === minute ? earlier : local;
}

const pad = (n: number): string => String(n).padStart(2, '0');
