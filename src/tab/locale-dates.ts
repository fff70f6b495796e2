/*
 * Dates typed the way the person's Teams locale writes them (en-GB: 28/11/2026, en-US: 11/28/2026), whatever
 * language the browser itself runs in. The API takes ISO days (2026-11-28).
 */

/** How a locale writes a day, month and year: its order and separators, e.g. "dd/mm/yyyy". */
export interface DatePattern {
  locale: string;
  /** "dd/mm/yyyy" for en-GB. */
  pattern: string;
  /** 28 Nov 2026 written that way, for hints and refusals. */
  example: string;
  order: ('day' | 'month' | 'year')[];
}

const PART_WORDS = { day: 'dd', month: 'mm', year: 'yyyy' } as const;

/** The pattern for a Teams locale (en-GB when the locale is missing or not understood). */
export function datePattern(locale: string | undefined): DatePattern {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale || 'en-GB', {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone: 'UTC',
      numberingSystem: 'latn',
    });
  } catch {
    return datePattern('en-GB');
  }
  const parts = format.formatToParts(new Date(Date.UTC(2026, 10, 28)));
  const order = parts
    .map((p) => p.type)
    .filter((t): t is DatePattern['order'][number] => t === 'day' || t === 'month' || t === 'year');
  if (order.length !== 3 || new Set(order).size !== 3) return datePattern('en-GB');
  return {
    locale: format.resolvedOptions().locale,
    pattern: parts
      .map((p) => (p.type in PART_WORDS ? PART_WORDS[p.type as keyof typeof PART_WORDS] : p.value))
      .join(''),
    example: parts.map((p) => p.value).join(''),
    order,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The ISO day a person typed, read in their locale's order; ISO itself (2026-11-28) is always accepted.
 * Undefined when it is not a real date with a four-digit year.
 */
export function parseLocalDate(text: string, pattern: DatePattern): string | undefined {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const numbers = iso ? iso.slice(1) : trimmed.split(/\D+/).filter(Boolean);
  if (numbers.length !== 3) return undefined;
  const order: DatePattern['order'] = iso ? ['year', 'month', 'day'] : pattern.order;
  const value = (part: 'day' | 'month' | 'year') => numbers[order.indexOf(part)]!;
  if (
    !/^\d{4}$/.test(value('year')) ||
    !/^\d{1,2}$/.test(value('day')) ||
    !/^\d{1,2}$/.test(value('month'))
  )
    return undefined;
  const [year, month, day] = [Number(value('year')), Number(value('month')), Number(value('day'))];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** What a refusal says: the form expected and an example. */
export const dateHelp = (pattern: DatePattern): string =>
  `Give the date as ${pattern.pattern}, for example ${pattern.example}.`;
