import { DateTime } from 'luxon';

import { parseQuarter } from '../figures/quarter';
import { parseCalendarDate, type CalendarDate } from '../risk/calendar-date';
import { CtacError } from '../shared/errors';
import { UK_ZONE } from '../shared/time';

/**
 * What can be exported: the evidence exports over a date range (alerts with their timelines, HSA responses
 * by organisation, the audit trail of every recorded event), and the registers as the minutes take them.
 */
export type ExportKind =
  'alerts' | 'hsa-responses' | 'audit' | 'risks' | 'decisions' | 'audit-log' | 'board-pack';
export const EXPORT_KINDS: readonly ExportKind[] = [
  'alerts',
  'hsa-responses',
  'audit',
  'risks',
  'decisions',
  'audit-log',
  'board-pack',
];

/** The kinds taken over a date range; the registers are exported whole. */
export const RANGED_EXPORT_KINDS: readonly ExportKind[] = ['alerts', 'hsa-responses', 'audit'];

export type ExportFormat = 'csv' | 'xlsx' | 'pdf';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'pdf'];

/** How each kind reads in a file name and on the page. */
export const EXPORT_KIND_LABELS: Readonly<Record<ExportKind, string>> = {
  alerts: 'Alerts and their timelines',
  'hsa-responses': 'HSA responses by organisation',
  audit: 'Audit trail of every recorded event',
  risks: 'Risk register',
  decisions: 'Decision log',
  'audit-log': 'Admin audit log',
  'board-pack': 'Board pack',
};

/** The longest range one export covers, in UK calendar days counted inclusively. */
export const MAX_EXPORT_DAYS = 366;

/** A range of whole UK calendar days, `from` and `to` both included. */
export interface ExportRange {
  from: CalendarDate;
  to: CalendarDate;
}

/** One export someone asked for. */
export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  /** Set for the ranged kinds only. */
  range?: ExportRange;
  /** The board pack's quarter of the NHS financial year (`2026-Q3`); set for it only. */
  quarter?: string;
}

const isKind = (v: unknown): v is ExportKind => EXPORT_KINDS.includes(v as ExportKind);
const isFormat = (v: unknown): v is ExportFormat => EXPORT_FORMATS.includes(v as ExportFormat);

/**
 * Reads `{kind, format, from, to}` as the tab sends it. Dates as a date field sends them (`2026-12-31`) or as
 * people in the UK type them (`31/12/2026`). Every problem is listed at once in a `validation` error.
 */
export function parseExportRequest(body: unknown): ExportRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new CtacError('bad_request', 'Send the export as a JSON object.');
  const { kind, format, from, to, quarter } = body as Record<string, unknown>;
  if (kind === 'board-pack') return parseBoardPackRequest(format, quarter);
  const problems: string[] = [];
  if (!isKind(kind))
    problems.push(
      `Choose what to export: ${EXPORT_KINDS.filter((k) => k !== 'board-pack').join(', ')}.`,
    );
  if (!isFormat(format) || format === 'pdf') problems.push('Choose the format: csv or xlsx.');
  if (isKind(kind) && isFormat(format) && format === 'xlsx' && !RANGED_EXPORT_KINDS.includes(kind))
    problems.push(`The ${EXPORT_KIND_LABELS[kind].toLowerCase()} is exported as CSV only.`);
  let range: ExportRange | undefined;
  if (isKind(kind) && RANGED_EXPORT_KINDS.includes(kind)) {
    const fromDay = parseCalendarDate(from);
    const toDay = parseCalendarDate(to);
    if (!fromDay) problems.push('Give the first day as a date, such as 1/11/2026.');
    if (!toDay) problems.push('Give the last day as a date, such as 30/11/2026.');
    if (fromDay && toDay) {
      const days = exportRangeDays({ from: fromDay, to: toDay });
      if (days < 1) problems.push('The last day must not be before the first day.');
      else if (days > MAX_EXPORT_DAYS)
        problems.push(
          `An export covers at most ${MAX_EXPORT_DAYS} days; this range is ${days} days. Choose a shorter range.`,
        );
      else range = { from: fromDay, to: toDay };
    }
  }
  if (problems.length) throw new CtacError('validation', 'The export could not be made.', problems);
  return { kind: kind as ExportKind, format: format as ExportFormat, ...(range && { range }) };
}

/** The board pack (issue 20): `{kind: 'board-pack', format: 'pdf' | 'xlsx', quarter: '2026-Q3'}`. */
function parseBoardPackRequest(format: unknown, quarter: unknown): ExportRequest {
  const problems: string[] = [];
  if (format !== 'pdf' && format !== 'xlsx') problems.push('Choose the format: pdf or xlsx.');
  const parsed = parseQuarter(quarter);
  if (!parsed) problems.push('Name the quarter of the NHS financial year as 2026-Q3.');
  if (problems.length) throw new CtacError('validation', 'The export could not be made.', problems);
  return { kind: 'board-pack', format: format as ExportFormat, quarter: parsed!.id };
}

/** How many UK calendar days the range covers, both ends included (0 or less when `to` is before `from`). */
export function exportRangeDays(range: ExportRange): number {
  const from = DateTime.fromISO(range.from, { zone: UK_ZONE });
  const to = DateTime.fromISO(range.to, { zone: UK_ZONE });
  return Math.round(to.diff(from, 'days').days) + 1;
}

/** The instants the range covers: from the start of its first UK day to the start of the day after its last. */
export function exportRangeInstants(range: ExportRange): { start: Date; end: Date } {
  return {
    start: DateTime.fromISO(range.from, { zone: UK_ZONE }).startOf('day').toJSDate(),
    end: DateTime.fromISO(range.to, { zone: UK_ZONE }).plus({ days: 1 }).startOf('day').toJSDate(),
  };
}

/**
 * "ctac-alerts-2026-11-01-to-2026-11-30.xlsx", "ctac-risk-register-2026-12-03.csv": plain ASCII, safe in a
 * Content-Disposition header.
 */
export function exportFileName(request: ExportRequest, madeOn: CalendarDate): string {
  const stem: Record<ExportKind, string> = {
    alerts: 'alerts',
    'hsa-responses': 'hsa-responses',
    audit: 'audit-trail',
    risks: 'risk-register',
    decisions: 'decision-log',
    'audit-log': 'audit-log',
    'board-pack': 'board-pack',
  };
  const when = request.quarter
    ? request.quarter
    : request.range
      ? `${request.range.from}-to-${request.range.to}`
      : madeOn;
  return `ctac-${stem[request.kind]}-${when}.${request.format}`;
}
