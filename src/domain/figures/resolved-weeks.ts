/**
 * The middle of a sorted list of times, kept so that a median can be taken later with a few more values
 * added (the open alerts of the week) without the whole list: `values` are the list's values at ranks
 * `lo` to `lo + values.length - 1` of `n`, in ms, ascending.
 */
export interface MedianWindow {
  n: number;
  lo: number;
  values: number[];
}

/**
 * One UK week's resolved alerts (those raised that week, by the Monday of it), as the tab's weekly figures
 * count them: how many, and the middle of their times to acknowledge and to resolve. Made from the day rows
 * of the week; `days` counts each day's alerts it was made from, to tell when it is behind them.
 */
export interface ResolvedWeek {
  /** YYYY-MM-DD, the Monday (UK time). */
  weekOf: string;
  raised: number;
  ack: MedianWindow;
  res: MedianWindow;
  days: Record<string, number>;
}

/**
 * Values kept either side of the middle: a week's median can take in this many open alerts' values
 * exactly; a week with more open acknowledged alerts than this reads the week's times in full.
 */
export const MEDIAN_MARGIN = 300;

/** The window of sorted `values` (ms) around their middle, `margin` values either side. */
export function medianWindowOf(values: readonly number[], margin = MEDIAN_MARGIN): MedianWindow {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const lo = Math.max(0, Math.floor((n - 1) / 2) - margin);
  const hi = Math.min(n - 1, Math.floor(n / 2) + margin);
  return { n, lo, values: n ? sorted.slice(lo, hi + 1) : [] };
}

/**
 * The median in minutes of the window's values (ms) with `extra` (minutes) added, rounded to the minute,
 * exactly as the median of the whole list would be: undefined for no values at all, and null when the
 * window does not reach the middle (too many values added on one side).
 */
export function windowMedianMinutes(
  window: MedianWindow,
  extra: readonly number[],
): number | undefined | null {
  const total = window.n + extra.length;
  if (!total) return undefined;
  const below = window.lo;
  const above = window.n - window.lo - window.values.length;
  const first = window.values.length ? window.values[0]! / 60_000 : Infinity;
  const last = window.values.length ? window.values[window.values.length - 1]! / 60_000 : -Infinity;
  // Values added below the window sort among those below it, unless none are; likewise above.
  const low = extra.filter((v) => v < first);
  const high = extra.filter((v) => v > last && !(v < first));
  const middle = [
    ...(below ? [] : low),
    ...window.values.map((ms) => ms / 60_000),
    ...extra.filter((v) => !(v < first) && !(v > last)),
    ...(above ? [] : high),
  ].sort((a, b) => a - b);
  const offset = below ? below + low.length : 0;
  const rank = (k: number): number | null => {
    const at = k - offset;
    return at >= 0 && at < middle.length ? middle[at]! : null;
  };
  const mid = Math.floor(total / 2);
  const upper = rank(mid);
  const lower = total % 2 ? upper : rank(mid - 1);
  if (upper === null || lower === null) return null;
  return Math.round(total % 2 ? upper : (lower + upper) / 2);
}
