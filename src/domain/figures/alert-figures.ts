import { DateTime } from 'luxon';
import { isExerciseAlert, type AlertSummary } from '../alerts/alert';
import { SEVERITY_RANKS, type SeverityRank } from '../alerts/severity';
import { UK_ZONE } from '../shared/time';
import { inQuarter, type Quarter } from './quarter';
import { mean, median, rounded } from './stats';
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

function times(entries: readonly AlertFigureEntry[]): ResponseTimes {
  const ack = entries.flatMap(([, , a]) => (a === null ? [] : [toMinutes(a)]));
  const res = entries.flatMap(([, , , r]) => (r === null ? [] : [toMinutes(r)]));
  return {
    acknowledged: ack.length,
    medianMinutesToAcknowledge: rounded(median(ack)),
    meanMinutesToAcknowledge: rounded(mean(ack)),
    resolved: res.length,
    medianMinutesToResolve: rounded(median(res)),
    meanMinutesToResolve: rounded(mean(res)),
  };
}

/** The Monday of the last UK week that ends (Sunday) within the quarter. */
const lastMondayWithin = (quarter: Pick<Quarter, 'lastDay'>): string =>
  DateTime.fromISO(quarter.lastDay, { zone: UK_ZONE }).minus({ days: 6 }).toISODate() ?? '';

/**
 * The quarter's figures from the kept week rows: the alerts raised in the quarter (UK time), grouped by the
 * UK week raised and severity, most severe first within a week. Resolved alerts count, and so do alerts
 * acknowledged and still open (they count towards acknowledgement only).
 */
export function alertQuarterFigures(
  quarter: Quarter,
  rows: readonly AlertFigureWeek[],
): AlertQuarterFigures {
  const weeks = weeksOfQuarter(quarter);
  // Only the first and last weeks can hold alerts raised outside the quarter.
  const whole = new Set(
    weeks.filter((w) => w >= quarter.firstDay && w <= lastMondayWithin(quarter)),
  );
  const inRange = new Map<string, AlertFigureEntry[]>();
  for (const row of rows)
    for (const entry of Object.values(row.alerts)) {
      if (!whole.has(row.weekOf) && !inQuarter(quarter, entry[1])) continue;
      // The row is the UK week its entries were raised in (alertFigureWeekOf): no date maths an entry.
      const key = `${row.weekOf}|${entry[0]}`;
      const list = inRange.get(key) ?? [];
      list.push(entry);
      inRange.set(key, list);
    }
  const byWeek: AlertWeekSeverityFigures[] = [];
  for (const weekOf of weeks)
    for (const severity of SEVERITY_RANKS) {
      const entries = inRange.get(`${weekOf}|${severity}`);
      if (entries)
        byWeek.push({
          weekOf,
          isoWeek: isoWeekLabel(weekOf),
          weekLabel: weekCommencing(weekOf),
          severity,
          ...times(entries),
        });
    }
  const all = [...inRange.values()].flat();
  return {
    weeks: weeks.map((weekOf) => ({
      weekOf,
      isoWeek: isoWeekLabel(weekOf),
      weekLabel: weekCommencing(weekOf),
    })),
    byWeek,
    bySeverity: SEVERITY_RANKS.flatMap((severity) => {
      const entries = all.filter((e) => e[0] === severity);
      return entries.length ? [{ severity, ...times(entries) }] : [];
    }),
  };
}
