import { DateTime } from 'luxon';

import { CtacError } from '../shared/errors';
import type { RotationShift } from './on-call-shift';
import type { Rotation } from './rotation';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A guard against asking for, say, ten years of hourly shifts in one go. */
export const MAX_SHIFTS_PER_QUERY = 50_000;

/** The rotation's shift that contains `at`, or undefined before the rotation's first handover. */
export function shiftAt(rotation: Rotation, at: Date): RotationShift | undefined {
  const index = indexAt(rotation, at);
  return index < 0 ? undefined : shift(rotation, index);
}

/**
 * Every shift of the rotation that overlaps [from, to), in order. Shifts are whole, not cut at the
 * window edges, so the first may start before `from` and the last may end after `to`.
 */
export function shiftsBetween(rotation: Rotation, from: Date, to: Date): RotationShift[] {
  const shifts: RotationShift[] = [];
  let index = Math.max(0, indexAt(rotation, from));
  for (let start = shiftStart(rotation, index); start.getTime() < to.getTime(); index += 1) {
    if (shifts.length >= MAX_SHIFTS_PER_QUERY)
      throw new CtacError(
        'bad_request',
        'That is too long a period to list shifts for; ask for less.',
      );
    const end = shiftStart(rotation, index + 1);
    if (end.getTime() > from.getTime()) shifts.push(make(rotation, index, start, end));
    start = end;
  }
  return shifts;
}

/** The start of shift `index` (0 is the first) as a UTC instant. */
export function shiftStart(rotation: Rotation, index: number): Date {
  const first = firstHandover(rotation);
  const length = rotation.shiftLength;
  if (length.kind === 'hours') return new Date(first.toMillis() + index * length.hours * HOUR_MS);
  // Calendar arithmetic in the rotation's zone keeps the handover at the same local time of day
  // on both sides of a clock change, which makes those days' shifts 23 or 25 hours long.
  const days = index * (length.kind === 'daily' ? 1 : 7);
  return localHandover(rotation, first.plus({ days }));
}

function shift(rotation: Rotation, index: number): RotationShift {
  return make(rotation, index, shiftStart(rotation, index), shiftStart(rotation, index + 1));
}

function make(rotation: Rotation, index: number, start: Date, end: Date): RotationShift {
  // normaliseRotation guarantees members; a hand-built empty rotation is a programming error.
  if (rotation.memberIds.length === 0)
    throw new CtacError('validation', 'The rotation has no members.', [
      'Add at least one member to the rotation.',
    ]);
  const memberId = rotation.memberIds[index % rotation.memberIds.length]!;
  return { layer: rotation.layer, rotationId: rotation.id, index, memberId, start, end };
}

/** The index of the shift containing `at`; negative before the first handover. */
function indexAt(rotation: Rotation, at: Date): number {
  const first = firstHandover(rotation);
  const length = rotation.shiftLength;
  if (length.kind === 'hours')
    return Math.floor((at.getTime() - first.toMillis()) / (length.hours * HOUR_MS));
  const period = length.kind === 'daily' ? 1 : 7;
  const local = DateTime.fromJSDate(at, { zone: rotation.timeZone });
  const dayNumber = Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
  const firstDayNumber = Date.UTC(first.year, first.month - 1, first.day) / DAY_MS;
  let index = Math.floor((dayNumber - firstDayNumber) / period);
  // The estimate is from the local date alone; before that day's handover it is the previous shift.
  while (shiftStart(rotation, index).getTime() > at.getTime()) index -= 1;
  while (shiftStart(rotation, index + 1).getTime() <= at.getTime()) index += 1;
  return index;
}

function firstHandover(rotation: Rotation): DateTime {
  const [year, month, day] = rotation.startDate.split('-').map(Number) as [number, number, number];
  const [hour, minute] = rotation.handoverTime.split(':').map(Number) as [number, number];
  // A handover time that does not exist that day (clocks going forward) moves on by the gap.
  return DateTime.fromObject({ year, month, day, hour, minute }, { zone: rotation.timeZone });
}

function localHandover(rotation: Rotation, onDate: DateTime): Date {
  const [hour, minute] = rotation.handoverTime.split(':').map(Number) as [number, number];
  return DateTime.fromObject(
    { year: onDate.year, month: onDate.month, day: onDate.day, hour, minute },
    { zone: rotation.timeZone },
  ).toJSDate();
}
