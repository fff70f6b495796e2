import { DateTime } from 'luxon';
import { isExerciseAlert, type AlertSummary } from '../alerts/alert';
import { SEVERITY_RANKS, type SeverityRank } from '../alerts/severity';
import { UK_ZONE } from '../shared/time';
import { quarterOf, type Quarter } from './quarter';
import { rounded } from './stats';
import { isoWeekLabel, ukWeekOf, weekCommencing, weeksOfQuarter } from './week';

/**
 * What the kept weekly rows hold for one alert: its severity, when it was raised, and the ms from raising to
 * acknowledgement and to resolution (null while it has not happened). Kept per alert, by id, so writing the
 * same alert twice changes nothing and a later change (acknowledged, then resolved) replaces its entry.
 */
export type AlertFigureEntry = [
  severity: SeverityRank,
  raisedAt: string,
  toAcknowledgeMs: number | null,
  toResolveMs: number | null,
];

/** One UK week's kept row: the alerts raised that week that have been acknowledged or resolved, by id. */
export interface AlertFigureWeek {
  /** Monday of the UK week, YYYY-MM-DD. */
  weekOf: string;
  alerts: Readonly<Record<string, AlertFigureEntry>>;
}

/** The times of one group of alerts, in ms, each list ascending. */
export interface SortedTimes {
  /** Raising to acknowledgement, of those acknowledged. */
  ack: number[];
  /** Raising to resolution, of those resolved. */
  res: number[];
}

/**
 * A week row's times grouped by the quarter its alerts were raised in (UK time; only a week holding the
 * first of January, April, July or October has two) and by severity: all a quarter's figures need, kept
 * beside the entries and made from them, so a quarter is read as lists of numbers, not an entry per alert.
 */
export type AlertWeekSummary = Record<string, Partial<Record<SeverityRank, SortedTimes>>>;

/** A week row as the quarter figures read it: its summary only. */
export interface AlertFigureWeekSummary {
  weekOf: string;
  summary: AlertWeekSummary;
}

const msBetween = (from: string, to: string | undefined): number | null =>
  to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null;

/**
 * The entry an alert adds to its week's row, or undefined for one that counts in no figure: an exercise
 * alert, or one neither acknowledged nor resolved yet.
 */
export function alertFigureEntry(
  alert: Pick<
    AlertSummary,
    'severityRank' | 'raisedAt' | 'acknowledgedAt' | 'resolvedAt' | 'exercise'
  >,
): AlertFigureEntry | undefined {
  if (isExerciseAlert(alert) || (!alert.acknowledgedAt && !alert.resolvedAt)) return undefined;
  return [
    alert.severityRank,
    alert.raisedAt,
    msBetween(alert.raisedAt, alert.acknowledgedAt),
    msBetween(alert.raisedAt, alert.resolvedAt),
  ];
}

/** The week row an alert's entry belongs in: the UK week it was raised. */
export const alertFigureWeekOf = (alert: Pick<AlertSummary, 'raisedAt'>): string =>
  ukWeekOf(alert.raisedAt);

/** True when two entries say the same (a write would change nothing). */
export const sameEntry = (a: AlertFigureEntry | undefined, b: AlertFigureEntry): boolean =>
  !!a && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The summary of a week row's entries (see AlertWeekSummary). The row is the UK week its entries were raised
 * in (alertFigureWeekOf), so only a week that two quarters share looks at when each alert was raised.
 */
export function summariseAlertWeek(
  weekOf: string,
  alerts: Readonly<Record<string, AlertFigureEntry>>,
): AlertWeekSummary {
  const monday = DateTime.fromISO(weekOf, { zone: UK_ZONE });
  const first = quarterOf(monday.toJSDate());
  const whole = quarterOf(monday.plus({ days: 6 }).toJSDate()).id === first.id;
  const summary: AlertWeekSummary = {};
  for (const [severity, raisedAt, ack, res] of Object.values(alerts)) {
    const quarterId =
      whole || Date.parse(raisedAt) < first.end.getTime()
        ? first.id
        : quarterOf(new Date(raisedAt)).id;
    const bySeverity = (summary[quarterId] ??= {});
    const times = (bySeverity[severity] ??= { ack: [], res: [] });
    if (ack !== null) times.ack.push(ack);
    if (res !== null) times.res.push(res);
  }
  for (const bySeverity of Object.values(summary))
    for (const times of Object.values(bySeverity)) {
      times.ack.sort((a, b) => a - b);
      times.res.sort((a, b) => a - b);
    }
  return summary;
}

/** Two ascending lists as one ascending list. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/**
 * The summary of several rows' entries taken together, from their summaries: each quarter's and severity's
 * sorted times merged. Exact only when no alert is in two of the rows (a week's rows split its alerts by id).
 */
export function mergeAlertWeekSummaries(summaries: readonly AlertWeekSummary[]): AlertWeekSummary {
  const merged: AlertWeekSummary = {};
  for (const summary of summaries)
    for (const [quarterId, bySeverity] of Object.entries(summary)) {
      const into = (merged[quarterId] ??= {});
      for (const [severity, t] of Object.entries(bySeverity) as [SeverityRank, SortedTimes][]) {
        const held = into[severity];
        into[severity] = held
          ? { ack: mergeSorted(held.ack, t.ack), res: mergeSorted(held.res, t.res) }
          : { ack: [...t.ack], res: [...t.res] };
      }
    }
  return merged;
}

/** Acknowledgement and resolution times of one group of alerts, in whole minutes. */
export interface ResponseTimes {
  acknowledged: number;
  medianMinutesToAcknowledge?: number;
  meanMinutesToAcknowledge?: number;
  resolved: number;
  medianMinutesToResolve?: number;
  meanMinutesToResolve?: number;
}

/** One week and severity with any alert acknowledged or resolved. */
export interface AlertWeekSeverityFigures extends ResponseTimes {
  weekOf: string;
  /** `2026-W41`. */
  isoWeek: string;
  /** "w/c 5 Oct 2026". */
  weekLabel: string;
  severity: SeverityRank;
}

/** A quarter's alert response times: by week and severity, and by severity for the whole quarter. */
export interface AlertQuarterFigures {
  /** Every UK week with a day in the quarter, oldest first. */
  weeks: { weekOf: string; isoWeek: string; weekLabel: string }[];
  byWeek: AlertWeekSeverityFigures[];
  bySeverity: (ResponseTimes & { severity: SeverityRank })[];
}

const toMinutes = (ms: number) => ms / 60_000;

/** How many of an ascending list's values are below `x` (`orEqual`: at most `x`). */
function countBelow(list: readonly number[], x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x || (orEqual && list[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The value at rank `rank` (0-based) of several ascending lists taken as one, without merging them (a
 * quarter's lists hold tens of thousands): a binary search in each list for the value that has at most
 * `rank` values below it and more than `rank` at or below it, counting by binary search in every list.
 */
function atRank(lists: readonly (readonly number[])[], rank: number): number {
  if (lists.length === 1) return lists[0]![rank]!;
  const count = (x: number, orEqual: boolean) =>
    lists.reduce((n, list) => n + countBelow(list, x, orEqual), 0);
  for (const list of lists) {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = list[mid]!;
      if (count(x, true) <= rank) lo = mid + 1;
      else if (count(x, false) > rank) hi = mid - 1;
      else return x;
    }
  }
  throw new RangeError(`No value at rank ${rank}`);
}

/** The median in minutes of the lists' ms taken as one, as `median` of the minutes would give it. */
function medianMinutes(lists: readonly (readonly number[])[]): number | undefined {
  const n = lists.reduce((sum, l) => sum + l.length, 0);
  if (!n) return undefined;
  const mid = Math.floor(n / 2);
  const upper = atRank(lists, mid);
  return n % 2 ? toMinutes(upper) : (toMinutes(atRank(lists, mid - 1)) + toMinutes(upper)) / 2;
}

/** The mean in minutes, from the exact sum of the whole ms; undefined for none. */
function meanMinutes(lists: readonly (readonly number[])[]): number | undefined {
  let sum = 0;
  let n = 0;
  for (const list of lists) {
    n += list.length;
    for (const v of list) sum += v;
  }
  return n ? sum / (60_000 * n) : undefined;
}

/** The response times of one group of alerts: one week's, or a quarter's of every week. */
function times(groups: readonly SortedTimes[]): ResponseTimes {
  const ack = groups.map((g) => g.ack);
  const res = groups.map((g) => g.res);
  return {
    acknowledged: ack.reduce((n, l) => n + l.length, 0),
    medianMinutesToAcknowledge: rounded(medianMinutes(ack)),
    meanMinutesToAcknowledge: rounded(meanMinutes(ack)),
    resolved: res.reduce((n, l) => n + l.length, 0),
    medianMinutesToResolve: rounded(medianMinutes(res)),
    meanMinutesToResolve: rounded(meanMinutes(res)),
  };
}

/**
 * The quarter's figures from the kept week rows (their summaries, or their entries for a row kept without
 * one): the alerts raised in the quarter (UK time), grouped by the UK week raised and severity, most severe
 * first within a week. Resolved alerts count, and so do alerts acknowledged and still open (they count
 * towards acknowledgement only). Medians are exact: a quarter's are taken over every week's times merged.
 */
export function alertQuarterFigures(
  quarter: Quarter,
  rows: readonly (AlertFigureWeek | AlertFigureWeekSummary)[],
): AlertQuarterFigures {
  const weeks = weeksOfQuarter(quarter);
  const inQuarter = new Map<string, Partial<Record<SeverityRank, SortedTimes>>>();
  for (const row of rows) {
    const summary = 'summary' in row ? row.summary : summariseAlertWeek(row.weekOf, row.alerts);
    const times = summary[quarter.id];
    if (times) inQuarter.set(row.weekOf, times);
  }
  const byWeek: AlertWeekSeverityFigures[] = [];
  for (const weekOf of weeks)
    for (const severity of SEVERITY_RANKS) {
      const group = inQuarter.get(weekOf)?.[severity];
      if (group && (group.ack.length || group.res.length))
        byWeek.push({
          weekOf,
          isoWeek: isoWeekLabel(weekOf),
          weekLabel: weekCommencing(weekOf),
          severity,
          ...times([group]),
        });
    }
  return {
    weeks: weeks.map((weekOf) => ({
      weekOf,
      isoWeek: isoWeekLabel(weekOf),
      weekLabel: weekCommencing(weekOf),
    })),
    byWeek,
    bySeverity: SEVERITY_RANKS.flatMap((severity) => {
      const groups = weeks.flatMap((w) => inQuarter.get(w)?.[severity] ?? []);
      if (!groups.some((g) => g.ack.length || g.res.length)) return [];
      return [{ severity, ...times(groups) }];
    }),
  };
}
