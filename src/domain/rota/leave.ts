import { DateTime } from 'luxon';

import { cleanLine } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { UK_ZONE } from '../shared/time';
import { normaliseMemberId } from './member-id';
import { MAX_NOTE, readRange } from './range-input';

/** A time a member cannot be on call (annual leave, sickness, training): [start, end). */
export interface Leave {
  id: string;
  memberId: string;
  start: Date;
  end: Date;
  createdBy: string;
  createdAt: Date;
  note?: string;
}

/** What a form, command or API sends for leave. */
export interface LeaveInput {
  memberId?: unknown;
  /** A Date or an ISO 8601 string with an offset. */
  start?: unknown;
  end?: unknown;
  note?: unknown;
}

/** Checks leave, collecting every problem at once; throws `CtacError('validation')`. */
export function normaliseLeave(
  input: LeaveInput,
  meta: { id: string; createdBy: string; createdAt: Date },
): Leave {
  const problems: string[] = [];
  const memberId = normaliseMemberId(input.memberId);
  if (!memberId) problems.push('Choose the person from the list.');
  const range = readRange(input.start, input.end, problems);
  const note = typeof input.note === 'string' ? cleanLine(input.note) : '';
  if (note.length > MAX_NOTE) problems.push(`The note must be at most ${MAX_NOTE} characters.`);
  if (problems.length)
    throw new CtacError('validation', 'Please check the leave details.', problems);
  return {
    ...meta,
    memberId: memberId!,
    start: range!.start,
    end: range!.end,
    ...(note ? { note } : {}),
  };
}

/**
 * The instants for whole days of leave: from the start of `firstDay` to the end of `lastDay`
 * (inclusive), both `yyyy-MM-dd` local dates in `zone`.
 */
export function wholeDays(
  firstDay: string,
  lastDay: string,
  zone: string = UK_ZONE,
): { start: Date; end: Date } {
  const start = DateTime.fromISO(firstDay, { zone }).startOf('day');
  const end = DateTime.fromISO(lastDay, { zone }).startOf('day').plus({ days: 1 });
  if (!start.isValid || !end.isValid)
    throw new CtacError('validation', 'Please check the leave dates.', [
      'Give real dates, for example 28/11/2026.',
    ]);
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/** Whether the member is on leave at that instant. */
export const isOnLeave = (leave: readonly Leave[], memberId: string, at: Date): boolean =>
  leave.some(
    (l) =>
      l.memberId === memberId &&
      l.start.getTime() <= at.getTime() &&
      at.getTime() < l.end.getTime(),
  );
