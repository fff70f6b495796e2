import { alertWeeksFromRows } from '../../../src/api/tab-views';
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

describe('the tab weekly figures from week rows', () => {
  const now = new Date('2026-11-18T12:00:00Z');
  const week = {
    weekOf: '2026-11-16',
    raised: 1000,
    // Only the two middle times of 1,000 kept: room for no open alert on one side.
    ack: { n: 1000, lo: 499, values: [600_000, 660_000] },
    res: { n: 1000, lo: 499, values: [3_600_000, 3_660_000] },
    days: { '2026-11-16': 1000 },
  };
  const openAcked = (i: number) => ({
    id: `O${i}`,
    raisedAt: '2026-11-17T09:00:00Z',
    acknowledgedAt: '2026-11-17T09:01:00Z',
  });

  it('when the week row takes in the open alerts, then it gives the week with the medians of every alert', () => {
    const [shown] = alertWeeksFromRows([week], [], now, 1) ?? [];
    expect(shown).toMatchObject({
      weekOf: '2026-11-16',
      raised: 1000,
      acknowledged: 1000,
      medianMinutesToAcknowledge: 11,
      resolved: 1000,
      medianMinutesToResolve: 61,
    });
  });

  it('when a week has more open alerts than its row can take in, then it gives nothing, so the route reads the days', () => {
    expect(alertWeeksFromRows([week], [openAcked(1), openAcked(2)], now, 1)).toBeUndefined();
  });
});
