/** How a background job slows down while its ticks fail (for example while Table Storage is down). */
export interface JobBackoffOptions {
  /** The first wait after a failure is at least this long (1 second by default). */
  minMs?: number;
  /** The longest wait: by default the longer of 60 seconds and four of the job's intervals. */
  capMs?: number;
}

/**
 * How long a job waits before its next tick, in milliseconds. After a tick that worked (`failures`
 * 0) it is the job's own interval. After `failures` failed ticks in a row it doubles from the longer
 * of the interval and `minMs` (twice that after the first failure), up to the cap, with jitter (between half and all of that ceiling, so
 * several instances do not retry in step) and never below the interval. `random` returns [0, 1).
 */
export function nextJobDelay(
  failures: number,
  intervalMs: number,
  random: () => number,
  options: JobBackoffOptions = {},
): number {
  if (failures <= 0) return intervalMs;
  const base = Math.max(intervalMs, options.minMs ?? 1_000);
  const cap = Math.max(intervalMs, options.capMs ?? Math.max(60_000, 4 * intervalMs));
  const ceiling = Math.min(cap, base * 2 ** Math.min(failures, 52));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.max(intervalMs, Math.floor(ceiling / 2 + (r * ceiling) / 2));
}

/** How a failed tick is logged: the first loudly, repeats quietly, with a reminder once a minute. */
export type FailureLogLevel = 'error' | 'warn' | 'debug';

/**
 * The level for failure number `failures` (1 for the first in a row): `error` for the first, `warn`
 * when `reminderEveryMs` has passed since the last loud line (`sinceLoudMs`), otherwise `debug`.
 */
export function failureLogLevel(
  failures: number,
  sinceLoudMs: number,
  reminderEveryMs = 60_000,
): FailureLogLevel {
  if (failures <= 1) return 'error';
  return sinceLoudMs >= reminderEveryMs ? 'warn' : 'debug';
}
