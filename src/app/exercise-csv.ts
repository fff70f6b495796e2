import { stringify } from 'csv-stringify/sync';
import type { Exercise } from '../domain/exercises';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import { formatUkDateTime } from '../domain/shared/time';

/** Column headers of the exercises register export, in order. */
export const EXERCISE_REGISTER_HEADER = [
  'Date',
  'Exercise',
  'Led by',
  'Participants',
  'Scenario',
  'Started',
  'Ended',
  'Outcome',
  'Reference',
] as const;

/**
 * The exercises register as CSV, newest first, in the registers' one format (RFC 4180, UTF-8 with a BOM,
 * formulas escaped: see register-csv.ts).
 */
export function exerciseRegisterCsv(exercises: readonly Exercise[]): string {
  const rows = exercises.map((e) => [
    ukCalendarDate(new Date(e.startedAt)).split('-').reverse().join('/'),
    e.name,
    e.lead.name,
    e.participants.map((p) => p.name).join('; '),
    e.scenario.map((l) => `minute ${l.minute}: ${l.title} (${l.severity})`).join('; '),
    formatUkDateTime(e.startedAt),
    e.endedAt ? formatUkDateTime(e.endedAt) : 'running',
    e.outcome ?? '',
    e.id,
  ]);
  return stringify(rows, {
    bom: true,
    header: true,
    columns: EXERCISE_REGISTER_HEADER.map((name, i) => ({ key: String(i), header: name })),
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}
