import { toInstant } from './instant';

/** The longest note kept on an override or leave. */
export const MAX_NOTE = 500;

/** The longest override or leave accepted in one go. */
export const MAX_RANGE_DAYS = 366;

/** Reads a start and end instant, adding plain-English problems for anything wrong. */
export function readRange(
  start: unknown,
  end: unknown,
  problems: string[],
): { start: Date; end: Date } | undefined {
  const from = toInstant(start);
  const to = toInstant(end);
  if (!from) problems.push('Give a start date and time.');
  if (!to) problems.push('Give an end date and time.');
  if (!from || !to) return undefined;
  if (to.getTime() <= from.getTime()) {
    problems.push('The end must be after the start.');
    return undefined;
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    problems.push(`A single entry can last at most ${MAX_RANGE_DAYS} days.`);
    return undefined;
  }
  return { start: from, end: to };
}
