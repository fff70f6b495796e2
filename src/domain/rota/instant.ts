import { DateTime } from 'luxon';

/**
 * Reads an instant given as a Date or an ISO 8601 string with an offset or `Z`.
 * Strings without an offset are refused: a stored instant must not depend on the server's zone.
 */
export function toInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

/** Whether two half-open ranges [start, end) share any time. */
export const overlaps = (aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean =>
  aStart.getTime() < bEnd.getTime() && bStart.getTime() < aEnd.getTime();
