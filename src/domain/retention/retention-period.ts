import { DateTime } from 'luxon';

import { UK_ZONE } from '../shared/time';

/** How long CTAC keeps its records unless RETENTION_YEARS says otherwise. */
export const DEFAULT_RETENTION_YEARS = 6;
export const MIN_RETENTION_YEARS = 1;
export const MAX_RETENTION_YEARS = 20;

/** What the retention job deletes once it is older than the cut-off. */
export type RetainedRecord = 'resolvedAlerts' | 'closedRisks' | 'decisions' | 'auditEvents';

/** How many of each kind of record one pass deleted. */
export type RetentionCounts = Record<RetainedRecord, number>;

export const NO_DELETIONS: RetentionCounts = {
  resolvedAlerts: 0,
  closedRisks: 0,
  decisions: 0,
  auditEvents: 0,
};

/**
 * The cut-off for a retention period: records that ended (resolved, closed, logged, recorded) before it
 * are older than `years` and are deleted. It is the start of the UK calendar day `years` years before
 * `now`, so a record is kept for at least the whole period and the cut-off moves once a day (29 February
 * falls back to 28 February in a year without it).
 */
export function retentionCutOff(now: Date, years: number): Date {
  if (!Number.isInteger(years) || years < MIN_RETENTION_YEARS || years > MAX_RETENTION_YEARS)
    throw new RangeError(
      `A retention period is a whole number of years from ${MIN_RETENTION_YEARS} to ${MAX_RETENTION_YEARS}.`,
    );
  return DateTime.fromJSDate(now, { zone: UK_ZONE }).startOf('day').minus({ years }).toJSDate();
}

/** Whether something that ended at `endedAt` is past its retention at `cutOff`. */
export const isPastRetention = (endedAt: string | Date | undefined, cutOff: Date): boolean => {
  if (endedAt === undefined || endedAt === '') return false;
  const ms = new Date(endedAt).getTime();
  return !Number.isNaN(ms) && ms < cutOff.getTime();
};

const LABELS: Record<RetainedRecord, [one: string, many: string]> = {
  resolvedAlerts: ['resolved alert', 'resolved alerts'],
  closedRisks: ['closed risk', 'closed risks'],
  decisions: ['decision', 'decisions'],
  auditEvents: ['audit event', 'audit events'],
};

/** "3 resolved alerts, 1 closed risk, 0 decisions, 12 audit events": the counts in words. */
export function describeRetentionCounts(counts: RetentionCounts): string {
  return (Object.keys(LABELS) as RetainedRecord[])
    .map((kind) => `${counts[kind]} ${LABELS[kind][counts[kind] === 1 ? 0 : 1]}`)
    .join(', ');
}

export const totalDeleted = (counts: RetentionCounts): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

/** The UK calendar day of `now`, yyyy-mm-dd: the retention job runs once for each. */
export const retentionDay = (now: Date): string =>
  DateTime.fromJSDate(now, { zone: UK_ZONE }).toISODate() ?? '';
