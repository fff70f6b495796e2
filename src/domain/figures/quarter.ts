import { DateTime } from 'luxon';
import { byUtcHour, UK_ZONE } from '../shared/time';

/**
 * A quarter of the NHS financial year, which runs from 1 April to 31 March: Q1 is April to June, Q2 July
 * to September, Q3 October to December and Q4 January to March of the next calendar year. `2026-Q3` is
 * the third quarter of the year 2026-27, October to December 2026. Boundaries are UK midnights.
 */
export interface Quarter {
  /** `2026-Q3`: the year the financial year starts in, and the quarter. */
  id: string;
  /** The calendar year the financial year starts in (2026 for 2026-27). */
  financialYear: number;
  quarter: 1 | 2 | 3 | 4;
  /** "Q3 2026-27". */
  label: string;
  /** The first instant of the quarter (UK midnight). */
  start: Date;
  /** The first instant after it (UK midnight). */
  end: Date;
  /** YYYY-MM-DD, the quarter's first UK day. */
  firstDay: string;
  /** YYYY-MM-DD, the quarter's last UK day. */
  lastDay: string;
}

const QUARTER_ID = /^(\d{4})-Q([1-4])$/;

const startOf = (financialYear: number, quarter: number): DateTime =>
  DateTime.fromObject({ year: financialYear, month: 4, day: 1 }, { zone: UK_ZONE }).plus({
    months: (quarter - 1) * 3,
  });

/** The quarter `2026-Q3` names, or undefined for anything else (years 2000 to 2099 only). */
export function parseQuarter(text: unknown): Quarter | undefined {
  const match = typeof text === 'string' ? QUARTER_ID.exec(text.trim()) : null;
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 2000 || year > 2099) return undefined;
  return quarterFrom(year, Number(match[2]) as Quarter['quarter']);
}

function quarterFrom(financialYear: number, quarter: Quarter['quarter']): Quarter {
  const start = startOf(financialYear, quarter);
  const end = start.plus({ months: 3 });
  const nextYear = String((financialYear + 1) % 100).padStart(2, '0');
  return {
    id: `${financialYear}-Q${quarter}`,
    financialYear,
    quarter,
    label: `Q${quarter} ${financialYear}-${nextYear}`,
    start: start.toJSDate(),
    end: end.toJSDate(),
    firstDay: start.toISODate() ?? '',
    lastDay: end.minus({ days: 1 }).toISODate() ?? '',
  };
}

const quarterOfHour = byUtcHour((hour): Readonly<Quarter> => {
  const uk = DateTime.fromJSDate(hour, { zone: UK_ZONE });
  const monthsIntoYear = (uk.month + 8) % 12; // April is 0
  const financialYear = uk.month >= 4 ? uk.year : uk.year - 1;
  return quarterFrom(financialYear, (Math.floor(monthsIntoYear / 3) + 1) as Quarter['quarter']);
});

/** The quarter the instant falls in, UK time. */
export function quarterOf(at: Date): Quarter {
  const kept = quarterOfHour(at);
  // A copy: the caller may change its dates.
  return { ...kept, start: new Date(kept.start), end: new Date(kept.end) };
}

/** The quarter before this one. */
export function previousQuarter(quarter: Quarter): Quarter {
  return quarter.quarter === 1
    ? quarterFrom(quarter.financialYear - 1, 4)
    : quarterFrom(quarter.financialYear, (quarter.quarter - 1) as Quarter['quarter']);
}

/** True when the instant is within the quarter. */
export const inQuarter = (quarter: Pick<Quarter, 'start' | 'end'>, at: string | Date): boolean => {
  const ms = new Date(at).getTime();
  return ms >= quarter.start.getTime() && ms < quarter.end.getTime();
};
