import { DateTime } from 'luxon';
import type { AlertRowView, AlertWeekView } from '../../contract/alerts';
import type { AlertState, AlertSummary, AlertTimes } from '../../domain/alerts';
import { windowMedianMinutes, type ResolvedWeek } from '../../domain/figures';
import { formatUkDateTime, UK_ZONE } from '../../domain/shared/time';

const median = (values: number[]): number | undefined => {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
};

/**
 * The resolved alerts raised on one UK day (YYYY-MM-DD), by id: ms from raising to acknowledgement and to
 * resolution, null for one that never happened. What the store keeps for the weekly figures.
 */
export interface ResolvedAlertDay {
  raisedOn: string;
  alerts: Readonly<Record<string, readonly [number | null, number | null]>>;
}

/** One UK week's alerts as the figures count them: how many, and each one's minutes to acknowledge and resolve. */
interface WeekTally {
  raised: number;
  ack: number[];
  res: number[];
}

const weekStart = (at: string | Date) =>
  DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).startOf('week');
const minutes = (from: string, to: string | undefined) =>
  to ? (Date.parse(to) - Date.parse(from)) / 60_000 : undefined;

const tallyOf = (tallies: Map<string, WeekTally>, week: string): WeekTally => {
  let tally = tallies.get(week);
  if (!tally) tallies.set(week, (tally = { raised: 0, ack: [], res: [] }));
  return tally;
};

/** Counts each alert in the UK week it was raised in. */
const tallyAlerts = (tallies: Map<string, WeekTally>, alerts: readonly AlertTimes[]) => {
  for (const a of alerts) {
    const tally = tallyOf(tallies, weekStart(a.raisedAt).toISODate() ?? '');
    tally.raised++;
    const ack = minutes(a.raisedAt, a.acknowledgedAt);
    const res = minutes(a.raisedAt, a.resolvedAt);
    if (ack !== undefined) tally.ack.push(ack);
    if (res !== undefined) tally.res.push(res);
  }
};

/** The last `weeks` UK weeks' figures from the tallies, newest week first. */
function weeksView(tallies: Map<string, WeekTally>, now: Date, weeks: number): AlertWeekView[] {
  const thisWeek = weekStart(now);
  const out: AlertWeekView[] = [];
  for (let i = 0; i < weeks; i++) {
    const start = thisWeek.minus({ weeks: i });
    const { raised, ack, res } = tallies.get(start.toISODate() ?? '') ?? {
      raised: 0,
      ack: [],
      res: [],
    };
    out.push({
      weekOf: start.toISODate() ?? '',
      weekOfUk: start.toFormat('d LLL yyyy'),
      raised,
      acknowledged: ack.length,
      medianMinutesToAcknowledge: median(ack),
      resolved: res.length,
      medianMinutesToResolve: median(res),
    });
  }
  return out;
}

/** Alerts grouped by the UK week they were raised in, newest week first, the last `weeks` weeks. */
export function alertWeeks(alerts: readonly AlertTimes[], now: Date, weeks = 8): AlertWeekView[] {
  const tallies = new Map<string, WeekTally>();
  tallyAlerts(tallies, alerts);
  return weeksView(tallies, now, weeks);
}

/**
 * The same figures from what the store keeps rather than from every alert: the resolved alerts by the UK
 * day they were raised, and the open alerts. An alert found in both counts as open.
 */
export function alertWeeksOf(
  resolvedDays: readonly ResolvedAlertDay[],
  open: readonly AlertTimes[],
  now: Date,
  weeks = 8,
): AlertWeekView[] {
  const tallies = new Map<string, WeekTally>();
  tallyAlerts(tallies, open);
  const openIds = new Set(open.map((a) => a.id));
  for (const day of resolvedDays) {
    const tally = tallyOf(
      tallies,
      DateTime.fromISO(day.raisedOn, { zone: UK_ZONE }).startOf('week').toISODate() ?? '',
    );
    for (const [id, [ack, res]] of Object.entries(day.alerts)) {
      if (openIds.has(id)) continue;
      tally.raised++;
      if (ack !== null) tally.ack.push(ack / 60_000);
      if (res !== null) tally.res.push(res / 60_000);
    }
  }
  return weeksView(tallies, now, weeks);
}

/**
 * The same figures from the kept week rows (each week's resolved alerts in brief) and the open alerts;
 * undefined when a week has more open alerts than its row can take in exactly (then read the days).
 */
export function alertWeeksFromRows(
  resolvedWeeks: readonly ResolvedWeek[],
  open: readonly AlertTimes[],
  now: Date,
  weeks = 8,
): AlertWeekView[] | undefined {
  const openTallies = new Map<string, WeekTally>();
  tallyAlerts(openTallies, open);
  const byWeek = new Map(resolvedWeeks.map((w) => [w.weekOf, w]));
  const empty = { n: 0, lo: 0, values: [] };
  const thisWeek = weekStart(now);
  const out: AlertWeekView[] = [];
  for (let i = 0; i < weeks; i++) {
    const start = thisWeek.minus({ weeks: i });
    const weekOf = start.toISODate() ?? '';
    const kept = byWeek.get(weekOf);
    const { raised, ack, res } = openTallies.get(weekOf) ?? { raised: 0, ack: [], res: [] };
    const toAcknowledge = windowMedianMinutes(kept?.ack ?? empty, ack);
    const toResolve = windowMedianMinutes(kept?.res ?? empty, res);
    if (toAcknowledge === null || toResolve === null) return undefined;
    out.push({
      weekOf,
      weekOfUk: start.toFormat('d LLL yyyy'),
      raised: raised + (kept?.raised ?? 0),
      acknowledged: ack.length + (kept?.ack.n ?? 0),
      medianMinutesToAcknowledge: toAcknowledge,
      resolved: res.length + (kept?.res.n ?? 0),
      medianMinutesToResolve: toResolve,
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
