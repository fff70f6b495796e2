import { median, medianWindowOf, windowMedianMinutes } from '../../../src/domain/figures';

/** The median in whole minutes of every value, as the tab worked it out from every alert. */
const fullMedian = (ms: readonly number[], extraMinutes: readonly number[]) => {
  const m = median([...ms.map((v) => v / 60_000), ...extraMinutes]);
  return m === undefined ? undefined : Math.round(m);
};

/** A repeatable stream of numbers (no Math.random, so a failure can be replayed). */
const numbers = (seed: number) => {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x;
  };
};

describe('a week median from the middle of its times', () => {
  it('when up to the margin of values are added anywhere, then the median equals the one of every value', () => {
    const next = numbers(7);
    for (let round = 0; round < 400; round++) {
      const n = next() % 40;
      const margin = 1 + (next() % 6);
      // Times in ms, some equal, some not whole minutes.
      const ms = Array.from({ length: n }, () => (next() % 50) * 30_000 + (next() % 3) * 7);
      const extra = Array.from(
        { length: next() % (margin + 1) },
        () => ((next() % 60) * 30_000) / 60_000,
      );
      const window = medianWindowOf(ms, margin);
      expect(window.values.length).toBeLessThanOrEqual(Math.min(n, 2 * margin + 2));
      expect(windowMedianMinutes(window, extra)).toEqual(fullMedian(ms, extra));
    }
  });

  it('when more values than the margin are added on one side, then it says it cannot tell rather than guess', () => {
    const ms = Array.from({ length: 21 }, (_, i) => (i + 10) * 60_000);
    const window = medianWindowOf(ms, 2);
    expect(window).toEqual({ n: 21, lo: 8, values: ms.slice(8, 13) });
    // Four small values move the middle below the window.
    expect(windowMedianMinutes(window, [1, 1, 1, 1, 1, 1])).toBeNull();
    expect(windowMedianMinutes(window, [1, 2])).toBe(fullMedian(ms, [1, 2]));
  });

  it('when there are no values at all, then there is no median; with only added values, theirs', () => {
    expect(windowMedianMinutes(medianWindowOf([]), [])).toBeUndefined();
    expect(windowMedianMinutes(medianWindowOf([]), [3, 10])).toBe(7);
    expect(windowMedianMinutes(medianWindowOf([120_000]), [])).toBe(2);
  });
});
