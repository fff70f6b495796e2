import { DateTime } from 'luxon';
import type { AlertRowView, AlertWeekView } from '../../contract/alerts';
import type { AlertState, AlertSummary, AlertTimes } from '../../domain/alerts';
import { formatUkDateTime, UK_ZONE } from '../../domain/shared/time';

const median = (values: number[]): number | undefined => {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** Alerts grouped by the UK week they were raised in, newest week first, the last `weeks` weeks. */
export function alertWeeks(alerts: readonly AlertTimes[], now: Date, weeks = 8): AlertWeekView[] {
  const weekStart = (iso: string | Date) =>
    DateTime.fromJSDate(new Date(iso), { zone: UK_ZONE }).startOf('week');
  const thisWeek = weekStart(now);
  const out: AlertWeekView[] = [];
  for (let i = 0; i < weeks; i++) {
    const start = thisWeek.minus({ weeks: i });
    const end = start.plus({ weeks: 1 });
    const inWeek = alerts.filter((a) => {
      const t = Date.parse(a.raisedAt);
      return t >= start.toMillis() && t < end.toMillis();
    });
    const minutes = (from: string, to: string | undefined) =>
      to ? (Date.parse(to) - Date.parse(from)) / 60_000 : undefined;
    const ack = inWeek
      .map((a) => minutes(a.raisedAt, a.acknowledgedAt))
      .filter((m): m is number => m !== undefined);
    const res = inWeek
      .map((a) => minutes(a.raisedAt, a.resolvedAt))
      .filter((m): m is number => m !== undefined);
    out.push({
      weekOf: start.toISODate() ?? '',
      weekOfUk: start.toFormat('d LLL yyyy'),
      raised: inWeek.length,
      acknowledged: ack.length,
      medianMinutesToAcknowledge: median(ack),
      resolved: res.length,
      medianMinutesToResolve: median(res),
    });
  }
  return out;
}

/** Alert states as people read them; the same words as the alert cards in the channel. */
export const ALERT_STATE_LABELS: Readonly<Record<AlertState, string>> = {
  triggered: 'Needs action',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

export const alertRowView = (a: AlertSummary): AlertRowView => ({
  id: a.id,
  source: a.source === 'hsa' ? 'HSA' : 'Incident',
  key: a.dedupKey,
  title: a.title,
  severity: a.severity,
  state: a.state,
  stateLabel: ALERT_STATE_LABELS[a.state],
  raisedAtUk: formatUkDateTime(a.raisedAt),
  ...(a.acknowledgedBy && { acknowledgedBy: a.acknowledgedBy.name }),
});
