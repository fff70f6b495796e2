/** The share `part` is of `whole`, in per cent to one decimal place; undefined when there is no whole. */
export const percent = (part: number, whole: number): number | undefined =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : undefined;

/** The middle value (the mean of the two middle ones for an even count); undefined when there are none. */
export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The arithmetic mean; undefined when there are none. */
export const mean = (values: readonly number[]): number | undefined =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;

/** Rounded to `places` decimal places (undefined stays undefined). */
export const rounded = (value: number | undefined, places = 0): number | undefined =>
  value === undefined ? undefined : Math.round(value * 10 ** places) / 10 ** places;
