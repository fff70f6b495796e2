/** At most `count` sends in any `windowMs` milliseconds. */
export interface SendLimit {
  count: number;
  windowMs: number;
}

/** Teams' limits for a bot sending to one conversation. */
export const TEAMS_CONVERSATION_LIMITS: readonly SendLimit[] = [
  { count: 7, windowMs: 1_000 },
  { count: 8, windowMs: 2_000 },
  { count: 60, windowMs: 30_000 },
  { count: 1_800, windowMs: 3_600_000 },
];

const toMs = (at: Date | number): number => (typeof at === 'number' ? at : at.getTime());

/**
 * The earliest time, not before `now`, at which one more send to the conversation keeps within
 * every limit. A send at time s counts against a window ending at t while s > t - windowMs, so it
 * stops counting exactly `windowMs` after it was made. Sends "in the future" (reserved slots) count.
 */
export function nextSendAt(
  sentAt: readonly (Date | number)[],
  now: Date,
  limits: readonly SendLimit[] = TEAMS_CONVERSATION_LIMITS,
): Date {
  const newestFirst = sentAt.map(toMs).sort((a, b) => b - a);
  let earliest = now.getTime();
  for (const { count, windowMs } of limits) {
    // The count-th most recent send must have left the window.
    const blocking = newestFirst[count - 1];
    if (blocking !== undefined) earliest = Math.max(earliest, blocking + windowMs);
  }
  return new Date(earliest);
}

/** The sends still needed to apply the limits at `now` (within the longest window): the rest can be forgotten. */
export function sendsToKeep(
  sentAt: readonly (Date | number)[],
  now: Date,
  limits: readonly SendLimit[] = TEAMS_CONVERSATION_LIMITS,
): number[] {
  const longest = Math.max(0, ...limits.map((l) => l.windowMs));
  return sentAt.map(toMs).filter((ms) => ms > now.getTime() - longest);
}

export interface BackoffOptions {
  /** The first retry waits up to this long. */
  baseMs?: number;
  /** No exponential wait is longer than this. */
  capMs?: number;
  /** A Retry-After beyond this is taken as this (a guard against nonsense, not a way to ignore it). */
  maxRetryAfterMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseMs: 1_000,
  capMs: 60_000,
  maxRetryAfterMs: 3_600_000,
};

/**
 * How long to wait, in milliseconds, before retry number `attempt` (1 for the first retry). A
 * Retry-After from a 429 or 503 is honoured; otherwise exponential backoff with full jitter:
 * a random wait between 0 and min(cap, base * 2^(attempt - 1)). `random` returns [0, 1).
 */
export function backoffDelay(
  attempt: number,
  retryAfterSeconds: number | null | undefined,
  random: () => number,
  options: BackoffOptions = {},
): number {
  const { baseMs, capMs, maxRetryAfterMs } = { ...DEFAULT_BACKOFF, ...options };
  if (
    typeof retryAfterSeconds === 'number' &&
    Number.isFinite(retryAfterSeconds) &&
    retryAfterSeconds >= 0
  )
    return Math.min(Math.ceil(retryAfterSeconds * 1000), maxRetryAfterMs);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(exponent, 52));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceiling);
}
