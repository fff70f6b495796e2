import { DateTime, IANAZone } from 'luxon';

import { MAX_NAME } from '../people/organisation';
import { cleanLine } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { UK_ZONE } from '../shared/time';
import { normaliseMemberId } from './member-id';
import { isRotaLayer, type RotaLayer } from './rota-layer';

/**
 * How long each shift lasts. Daily and weekly shifts hand over at the same local time of day,
 * so they are 23 or 25 hours long across a clock change; `hours` shifts are fixed elapsed time.
 */
export type ShiftLength = { kind: 'daily' } | { kind: 'weekly' } | { kind: 'hours'; hours: number };

/** A rotation: members take shifts in order, starting with the first member on the start date. */
export interface Rotation {
  id: string;
  name: string;
  layer: RotaLayer;
  /** Entra object ids, in the order they take shifts; the order repeats. */
  memberIds: string[];
  shiftLength: ShiftLength;
  /** Local time of day of each handover, `HH:mm`. */
  handoverTime: string;
  /** IANA time zone the handover time and start date are in; Europe/London by default. */
  timeZone: string;
  /** Local date (`yyyy-MM-dd`) of the first handover, at `handoverTime`. */
  startDate: string;
}

/** What a form or API sends to create or edit a rotation; every field is checked. */
export interface RotationInput {
  id?: unknown;
  name?: unknown;
  layer?: unknown;
  /** An array of ids, or a comma-separated string as an Adaptive Card multi-select sends it. */
  memberIds?: unknown;
  /** `'daily'`, `'weekly'`, `{ kind: 'hours', hours: 12 }` or the object forms of the first two. */
  shiftLength?: unknown;
  handoverTime?: unknown;
  timeZone?: unknown;
  /** `dd/mm/yyyy` (as people in the UK type it) or `yyyy-MM-dd`. */
  startDate?: unknown;
}

export const MAX_ROTATION_MEMBERS = 100;
/** Two weeks: longer fixed-hour shifts should be weekly shifts. */
export const MAX_SHIFT_HOURS = 336;

/** Checks and tidies a rotation, collecting every problem at once; throws `CtacError('validation')`. */
export function normaliseRotation(input: RotationInput): Rotation {
  const problems: string[] = [];

  const id = typeof input.id === 'string' ? input.id.trim() : '';
  if (!id) problems.push('The rotation needs an id.');

  const name = typeof input.name === 'string' ? cleanLine(input.name) : '';
  if (!name) problems.push('Give the rotation a name, for example "CTAC primary".');
  else if (name.length > MAX_NAME)
    problems.push(`The name must be at most ${MAX_NAME} characters.`);

  const layer = typeof input.layer === 'string' ? input.layer.trim().toLowerCase() : '';
  if (!isRotaLayer(layer)) problems.push('The layer must be primary or secondary.');

  const memberIds = readMemberIds(input.memberIds, problems);
  const shiftLength = readShiftLength(input.shiftLength, problems);
  const handoverTime = readHandoverTime(input.handoverTime, problems);

  const timeZone =
    input.timeZone === undefined || input.timeZone === null || input.timeZone === ''
      ? UK_ZONE
      : typeof input.timeZone === 'string'
        ? input.timeZone.trim()
        : '';
  if (!IANAZone.isValidZone(timeZone))
    problems.push('The time zone must be an IANA zone such as Europe/London.');

  const startDate = readStartDate(input.startDate, problems);

  if (problems.length)
    throw new CtacError('validation', 'Please check the rotation details.', problems);
  return {
    id,
    name,
    layer: layer as RotaLayer,
    memberIds,
    shiftLength: shiftLength!,
    handoverTime,
    timeZone,
    startDate,
  };
}

function readMemberIds(value: unknown, problems: string[]): string[] {
  const raw =
    typeof value === 'string'
      ? value.split(',').filter((part) => part.trim() !== '')
      : Array.isArray(value)
        ? value
        : [];
  if (raw.length === 0) {
    problems.push('Add at least one member to the rotation.');
    return [];
  }
  if (raw.length > MAX_ROTATION_MEMBERS)
    problems.push(`A rotation can have at most ${MAX_ROTATION_MEMBERS} members.`);
  const ids: string[] = [];
  let invalid = 0;
  let duplicate = false;
  for (const item of raw) {
    const id = normaliseMemberId(item);
    if (!id) invalid += 1;
    else if (ids.includes(id)) duplicate = true;
    else ids.push(id);
  }
  if (invalid) problems.push('Choose each member from the list of people.');
  if (duplicate) problems.push('Each person can appear in a rotation only once.');
  return ids;
}

function readShiftLength(value: unknown, problems: string[]): ShiftLength | undefined {
  const obj = typeof value === 'string' ? { kind: value } : value;
  const kind =
    obj && typeof obj === 'object' && typeof (obj as { kind?: unknown }).kind === 'string'
      ? (obj as { kind: string }).kind.trim().toLowerCase()
      : '';
  if (kind === 'daily' || kind === 'weekly') return { kind };
  if (kind === 'hours') {
    const rawHours = (obj as { hours?: unknown }).hours;
    const hours =
      typeof rawHours === 'string' && rawHours.trim() !== '' ? Number(rawHours) : rawHours;
    if (
      typeof hours === 'number' &&
      Number.isInteger(hours) &&
      hours >= 1 &&
      hours <= MAX_SHIFT_HOURS
    )
      return { kind: 'hours', hours };
    problems.push(
      `A shift in hours must be a whole number of hours from 1 to ${MAX_SHIFT_HOURS}: change the hours per shift, or choose daily or weekly.`,
    );
    return undefined;
  }
  problems.push('The shift length must be daily, weekly or a number of hours.');
  return undefined;
}

function readHandoverTime(value: unknown, problems: string[]): string {
  const match = typeof value === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
  const hour = match ? Number(match[1]) : NaN;
  const minute = match ? Number(match[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    problems.push('The handover time must be a time of day such as 09:00.');
    return '';
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function readStartDate(value: unknown, problems: string[]): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const parts = iso
    ? { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }
    : uk
      ? { year: Number(uk[3]), month: Number(uk[2]), day: Number(uk[1]) }
      : undefined;
  const date = parts ? DateTime.fromObject(parts, { zone: 'UTC' }) : undefined;
  if (!date?.isValid) {
    problems.push(
      'The start date must be a real date written day/month/year, for example 16/12/2026.',
    );
    return '';
  }
  return date.toISODate()!;
}
