import { DateTime } from 'luxon';

import type { Actor } from '../shared/actor';
import { cleanLine, textLength } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { formatUkDateTime, UK_ZONE } from '../shared/time';
import type { Alert } from './alert';
import type {
  AlertEvent,
  RegulatoryClockKindName,
  RegulatoryFlaggedEvent,
  RegulatoryRemindedEvent,
  RegulatoryReportedEvent,
} from './timeline';

/**
 * The 72-hour reporting clocks (issue 21): `nis`, an incident possibly reportable under the NIS
 * Regulations 2018 by an operator of essential services; `ico`, a personal data breach reported to the
 * Information Commissioner's Office under UK GDPR. Both run 72 elapsed hours from the time they were
 * flagged, so a change of the clocks (BST to GMT) moves the UK wall-clock due time, not the deadline.
 */
export type RegulatoryClockKind = RegulatoryClockKindName;
export const REGULATORY_CLOCK_KINDS: readonly RegulatoryClockKind[] = ['nis', 'ico'];

export const isRegulatoryClockKind = (value: unknown): value is RegulatoryClockKind =>
  value === 'nis' || value === 'ico';

/** Hours from flagging to the reporting deadline. */
export const CLOCK_HOURS = 72;
/** Hours after flagging when the organisation's leads are reminded, while no report is recorded. */
export const REMINDER_MARKS: readonly number[] = [24, 48, 60, 70];
/** The longest reference a report may carry. */
export const MAX_REPORT_REFERENCE = 100;

const HOUR_MS = 3_600_000;

/** How each clock is named on the card, in reminders and on the timeline. */
export const CLOCK_LABELS: Readonly<Record<RegulatoryClockKind, string>> = {
  nis: 'NIS',
  ico: 'Personal data breach (ICO)',
};

/** To whom each clock's report goes. */
export const CLOCK_AUTHORITY: Readonly<Record<RegulatoryClockKind, string>> = {
  nis: 'the competent authority',
  ico: 'the ICO',
};

/** A report to the authority: when it was made (as the person said), its reference, who recorded it. */
export interface RegulatoryReport {
  reportedAt: string;
  reference: string;
  recordedBy: Actor;
  recordedAt: string;
}

/** One clock of an alert, as its timeline tells it. */
export interface RegulatoryClock {
  kind: RegulatoryClockKind;
  flaggedAt: string;
  flaggedBy: Actor;
  /** The organisations it concerns (whose leads are reminded). */
  organisations: string[];
  /** flaggedAt + 72 hours, ISO 8601. */
  dueAt: string;
  /** The reminder marks (hours) already sent. */
  reminded: number[];
  report?: RegulatoryReport;
}

/** Every clock flagged on the alert, NIS first, from its timeline. */
export function regulatoryClocks(alert: Pick<Alert, 'timeline'>): RegulatoryClock[] {
  const clocks = new Map<RegulatoryClockKind, RegulatoryClock>();
  for (const event of alert.timeline) {
    if (event.kind === 'regulatory.flagged' && !clocks.has(event.clock))
      clocks.set(event.clock, {
        kind: event.clock,
        flaggedAt: event.at,
        flaggedBy: event.actor,
        organisations: event.organisations,
        dueAt: new Date(Date.parse(event.at) + CLOCK_HOURS * HOUR_MS).toISOString(),
        reminded: [],
      });
    const clock =
      (event.kind === 'regulatory.reminded' || event.kind === 'regulatory.reported') &&
      clocks.get(event.clock);
    if (!clock) continue;
    if (event.kind === 'regulatory.reminded') clock.reminded.push(event.mark);
    else if (event.kind === 'regulatory.reported' && !clock.report)
      clock.report = {
        reportedAt: event.reportedAt,
        reference: event.reference,
        recordedBy: event.actor,
        recordedAt: event.at,
      };
  }
  return REGULATORY_CLOCK_KINDS.flatMap((k) => {
    const clock = clocks.get(k);
    return clock ? [clock] : [];
  });
}

/** The alert's clock of this kind, if it was flagged. */
export const regulatoryClock = (
  alert: Pick<Alert, 'timeline'>,
  kind: RegulatoryClockKind,
): RegulatoryClock | undefined => regulatoryClocks(alert).find((c) => c.kind === kind);

/** A state change of an alert: the alert with its new event appended. */
export type ClockChange<E extends AlertEvent> = { alert: Alert; event: E };

const append = <E extends AlertEvent>(
  alert: Alert,
  draft: Omit<E, 'seq' | 'actor' | 'source' | 'at'>,
  actor: Actor,
  at: Date,
): ClockChange<E> => {
  const event = {
    ...draft,
    seq: alert.timeline.length,
    actor,
    source: actor.source,
    at: at.toISOString(),
  } as E;
  return { alert: { ...alert, timeline: [...alert.timeline, event] }, event };
};

/**
 * Flags the alert as possibly reportable: its clock starts now. A clock already flagged is not started
 * again (`already`): the first flag's time stands.
 */
export function flagRegulatoryClock(
  alert: Alert,
  kind: RegulatoryClockKind,
  organisations: readonly string[],
  actor: Actor,
  at: Date,
): { already: RegulatoryClock } | { change: ClockChange<RegulatoryFlaggedEvent> } {
  const existing = regulatoryClock(alert, kind);
  if (existing) return { already: existing };
  return {
    change: append<RegulatoryFlaggedEvent>(
      alert,
      { kind: 'regulatory.flagged', clock: kind, organisations: [...organisations] },
      actor,
      at,
    ),
  };
}

/**
 * The reminder mark due now, if any: the latest mark passed that is later than every mark already sent,
 * while no report is recorded. Marks missed while nothing ran are not sent late one by one: only the
 * latest passed is, so the leads get one reminder that says where the clock stands.
 */
export function dueReminderMark(clock: RegulatoryClock, now: Date): number | undefined {
  if (clock.report) return undefined;
  const hours = (now.getTime() - Date.parse(clock.flaggedAt)) / HOUR_MS;
  const passed = REMINDER_MARKS.filter((m) => m <= hours);
  const latest = passed.at(-1);
  const lastSent = Math.max(0, ...clock.reminded);
  return latest !== undefined && latest > lastSent ? latest : undefined;
}

/** True while a reminder may still come: not reported and the last mark not yet sent. */
export const hasRemindersLeft = (clock: RegulatoryClock): boolean =>
  !clock.report && !clock.reminded.includes(REMINDER_MARKS.at(-1)!);

/** Records that the leads were reminded at `mark` hours (sent once: the event is what says it was). */
export function remindRegulatoryClock(
  alert: Alert,
  kind: RegulatoryClockKind,
  mark: number,
  recipients: { id: string; name: string }[],
  actor: Actor,
  at: Date,
): ClockChange<RegulatoryRemindedEvent> {
  return append<RegulatoryRemindedEvent>(
    alert,
    { kind: 'regulatory.reminded', clock: kind, mark, recipients },
    actor,
    at,
  );
}

/** What a person wrote in the Record report form. */
export interface ReportInput {
  /** UK local date, dd/mm/yyyy as typed (or yyyy-mm-dd). */
  date?: unknown;
  /** UK local time, HH:mm (Input.Time). */
  time?: unknown;
  reference?: unknown;
}

/**
 * A UK local date and time (dd/mm/yyyy or yyyy-mm-dd, HH:mm) as an instant; undefined when it is not one,
 * or names a time that does not exist in the UK (the hour skipped when the clocks go forward).
 */
export function ukLocalInstant(typed: string, time: string): Date | undefined {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(typed);
  const date = uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : typed;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{1,2}:\d{2}(:\d{2})?$/.test(time)) return undefined;
  const [h, m] = time.split(':');
  const hhmm = `${h!.padStart(2, '0')}:${m}`;
  const local = DateTime.fromISO(`${date}T${hhmm}`, { zone: UK_ZONE });
  if (!local.isValid || local.toFormat("yyyy-MM-dd'T'HH:mm") !== `${date}T${hhmm}`)
    return undefined;
  return local.toJSDate();
}

/**
 * Records the report to the authority, which stops the clock. The time is UK local, refused in the future
 * or before the clock was flagged; the reference is 1 to 100 characters. Every problem is listed at once.
 */
export function recordRegulatoryReport(
  alert: Alert,
  kind: RegulatoryClockKind,
  input: ReportInput,
  actor: Actor,
  now: Date,
): ClockChange<RegulatoryReportedEvent> {
  const clock = regulatoryClock(alert, kind);
  if (!clock)
    throw new CtacError(
      'conflict',
      `This alert is not flagged as ${CLOCK_LABELS[kind]}, so there is no clock to stop.`,
    );
  if (clock.report)
    throw new CtacError(
      'conflict',
      `${clock.report.recordedBy.name} already recorded the report (reference ${clock.report.reference}).`,
    );
  const problems: string[] = [];
  const date = typeof input.date === 'string' ? input.date.trim() : '';
  const time = typeof input.time === 'string' ? input.time.trim() : '';
  const reference = typeof input.reference === 'string' ? cleanLine(input.reference) : '';
  const reportedAt = ukLocalInstant(date, time);
  if (!date || !time) problems.push('Give the date and time of the report (UK time).');
  else if (!reportedAt) problems.push('That date and time does not exist in the UK.');
  else if (reportedAt.getTime() > now.getTime())
    problems.push('The time of the report cannot be in the future.');
  else if (reportedAt.getTime() < Math.floor(Date.parse(clock.flaggedAt) / 60_000) * 60_000)
    problems.push(
      `The report cannot be before the alert was flagged (${formatUkDateTime(clock.flaggedAt)}).`,
    );
  if (!reference) problems.push('Give the reference the authority gave the report.');
  else if (textLength(reference) > MAX_REPORT_REFERENCE)
    problems.push(`The reference must be at most ${MAX_REPORT_REFERENCE} characters.`);
  if (problems.length) throw new CtacError('validation', 'Please check the report.', problems);
  return append<RegulatoryReportedEvent>(
    alert,
    {
      kind: 'regulatory.reported',
      clock: kind,
      reportedAt: reportedAt!.toISOString(),
      reference,
    },
    actor,
    now,
  );
}

/** "51 hours left", "less than an hour left", "overdue by 3 hours". */
function timeLeft(dueAt: string, now: Date): string {
  const ms = Date.parse(dueAt) - now.getTime();
  if (ms > 0) {
    const hours = Math.floor(ms / HOUR_MS);
    if (hours === 0) return 'less than an hour left';
    return `${hours} hour${hours === 1 ? '' : 's'} left`;
  }
  const over = Math.floor(-ms / HOUR_MS);
  return over === 0 ? 'overdue' : `overdue by ${over} hour${over === 1 ? '' : 's'}`;
}

/**
 * The clock in one line, as the card shows it (without `now`, only when it is due): "NIS: 51 hours left (due 5 Dec 2026, 09:00)", or once a
 * report is recorded "NIS: reported to the competent authority at 4 Dec 2026, 10:00, reference NCSC-1.".
 */
export function clockLine(clock: RegulatoryClock, now?: Date): string {
  const label = CLOCK_LABELS[clock.kind];
  if (clock.report)
    return `${label}: reported to ${CLOCK_AUTHORITY[clock.kind]} at ${formatUkDateTime(clock.report.reportedAt)}, reference ${clock.report.reference}.`;
  const due = formatUkDateTime(clock.dueAt);
  return now ? `${label}: ${timeLeft(clock.dueAt, now)} (due ${due})` : `${label}: due ${due}`;
}

/** The reminder a lead is sent at a mark. */
export function reminderText(
  alert: Pick<Alert, 'title' | 'source' | 'dedupKey'>,
  clock: RegulatoryClock,
  mark: number,
  now: Date,
): string {
  const what = clock.kind === 'nis' ? 'possibly reportable under NIS' : 'a personal data breach';
  return `Reminder, ${mark} hours since ${alert.dedupKey} (${alert.title}) was flagged as ${what}: ${timeLeft(clock.dueAt, now)} to report it to ${CLOCK_AUTHORITY[clock.kind]} (due ${formatUkDateTime(clock.dueAt)}). Once reported, record it with "Record report" on the alert's card.`;
}
