import { DateTime } from 'luxon';
import type { AlertSummary, OpenAlertSummary } from '../domain/alerts';
import { medianWindowOf, type ResolvedWeek } from '../domain/figures';
import { UK_ZONE } from '../domain/shared/time';
import { toChunkColumns, type ChunkLayout } from './chunked-columns';

/*
 * The AlertViews table's rows as written (the key layout is in alert-views.ts, with AlertViewTable) and the
 * UK day and week arithmetic that says which row an alert's times go in. Pure: no table client here.
 */

/** The partitions, and the columns their JSON is chunked over. */
export const OPEN = 'open';
export const RESOLVED = 'resolved';
export const RESOLVED_WEEK = 'resolved-week';
export const WEEK_FIGURES: ChunkLayout = { name: 'figures' };
export const SUMMARY: ChunkLayout = { name: 'summary' };
export const TIMES: ChunkLayout = { name: 'times' };

/** The Monday (YYYY-MM-DD) of the UK week a UK date falls in: the week row its day row is part of. */
export const ukWeekOfDay = (day: string): string =>
  DateTime.fromISO(day, { zone: UK_ZONE }).startOf('week').toISODate() ?? '';

/** The seven UK dates of the week starting on the Monday. */
export const daysOfWeek = (monday: string): string[] => {
  const start = DateTime.fromISO(monday, { zone: UK_ZONE });
  return Array.from({ length: 7 }, (_, i) => start.plus({ days: i }).toISODate() ?? '');
};

/** A week row made from its day rows' entries (by day). */
export function resolvedWeekOf(
  monday: string,
  days: Readonly<Record<string, Readonly<Record<string, ResolvedTimes>>>>,
): ResolvedWeek {
  const ack: number[] = [];
  const res: number[] = [];
  const counts: Record<string, number> = {};
  let raised = 0;
  for (const [day, times] of Object.entries(days)) {
    const entries = Object.values(times);
    counts[day] = entries.length;
    raised += entries.length;
    for (const [toAck, toResolve] of entries) {
      if (toAck !== null) ack.push(toAck);
      if (toResolve !== null) res.push(toResolve);
    }
  }
  return {
    weekOf: monday,
    raised,
    ack: medianWindowOf(ack),
    res: medianWindowOf(res),
    days: counts,
  };
}

/** A week row as written. */
export const resolvedWeekEntity = (week: ResolvedWeek) => ({
  partitionKey: RESOLVED_WEEK,
  rowKey: week.weekOf,
  days: JSON.stringify(week.days),
  ...toChunkColumns(JSON.stringify(week), WEEK_FIGURES),
});

/** Whether two week rows' counts by day agree. */
export const sameDays = (
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([day, n]) => b[day] === n);

/** The UK date an instant falls on: the row a resolved alert's times go in. */
export const ukDay = (at: string | Date): string =>
  DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).toISODate() ?? '';

/** What the open list keeps of an alert: its summary without its channel post. */
export const openSummaryOf = ({ channelPost: _post, ...kept }: AlertSummary): OpenAlertSummary =>
  kept;

/** The open list's row for an alert. */
export const openViewEntity = (partition: string, alert: AlertSummary) => ({
  partitionKey: OPEN,
  rowKey: partition,
  id: alert.id,
  raisedAt: alert.raisedAt,
  ...toChunkColumns(JSON.stringify(openSummaryOf(alert)), SUMMARY),
});

/**
 * Whether a change from `before` to `after` leaves the alert's open row as it was: only events that
 * show nowhere in the list (a page queued, the card posted). False when unsure (fields reordered).
 */
export const sameOpenRow = (before: AlertSummary, after: AlertSummary): boolean =>
  // Most changes people make change the state: no need to write out the whole summary twice then.
  before.state === after.state &&
  before.acknowledgedAt === after.acknowledgedAt &&
  JSON.stringify(openSummaryOf(before)) === JSON.stringify(openSummaryOf(after));

/** How long a resolved alert took: ms to acknowledge and to resolve (null when it never was). */
export type ResolvedTimes = [toAcknowledgeMs: number | null, toResolveMs: number | null];

const msBetween = (from: string, to: string | undefined): number | null =>
  to ? Date.parse(to) - Date.parse(from) : null;

/** A resolved alert's entry in its day row. */
export const resolvedTimes = (
  alert: Pick<AlertSummary, 'raisedAt' | 'acknowledgedAt' | 'resolvedAt'>,
): ResolvedTimes => [
  msBetween(alert.raisedAt, alert.acknowledgedAt),
  msBetween(alert.raisedAt, alert.resolvedAt),
];

/** A day row as written: the entries of the resolved alerts raised on `day`. */
export const resolvedDayEntity = (day: string, times: Readonly<Record<string, ResolvedTimes>>) => ({
  partitionKey: RESOLVED,
  rowKey: day,
  count: Object.keys(times).length,
  ...toChunkColumns(JSON.stringify(times), TIMES),
});

/** The resolved alerts raised on one UK day, by id. */
export interface ResolvedAlertDay {
  /** YYYY-MM-DD, UK time. */
  raisedOn: string;
  alerts: Record<string, ResolvedTimes>;
}
