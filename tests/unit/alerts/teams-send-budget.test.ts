import {
  backoffDelay,
  nextSendAt,
  sendsToKeep,
  TEAMS_CONVERSATION_LIMITS,
} from '../../../src/domain/teams-send-budget';

const T0 = Date.parse('2026-11-28T09:00:00Z');
const at = (ms: number): Date => new Date(T0 + ms);
const sends = (...offsets: number[]): number[] => offsets.map((ms) => T0 + ms);
const every = (count: number, stepMs: number): number[] =>
  Array.from({ length: count }, (_, i) => T0 + i * stepMs);

describe('Teams send budget', () => {
  test.each([
    ['no sends yet', [], 0, 0],
    ['6 sends in the last second', sends(0, 100, 200, 300, 400, 500), 500, 500],
    [
      '7 sends in the last second (7 per 1 s binds)',
      sends(0, 100, 200, 300, 400, 500, 600),
      600,
      1_000,
    ],
    [
      '8 sends in 2 s with 6 in the last second (8 per 2 s binds)',
      sends(500, 1_000, 1_500, 1_600, 1_700, 1_800, 1_900, 2_000),
      2_000,
      2_500,
    ],
    ['60 sends in 24 s (60 per 30 s binds)', every(60, 400), 23_600, 30_000],
    ['1,800 sends in an hour (1,800 per hour binds)', every(1_800, 2_000), 3_598_000, 3_600_000],
    ['7 sends more than a second ago', sends(0, 1, 2, 3, 4, 5, 6), 1_006, 1_006],
    [
      '7 sends, the oldest exactly a second ago (no longer counted)',
      sends(0, 10, 20, 30, 40, 50, 60),
      1_000,
      1_000,
    ],
    [
      '7 sends, the oldest a millisecond less than a second ago',
      sends(1, 10, 20, 30, 40, 50, 60),
      1_000,
      1_001,
    ],
  ])(
    'when there were %s, then the next send may go at the expected time',
    (_label, sent, nowOffset, expected) => {
      expect(nextSendAt(sent as number[], at(nowOffset as number))).toEqual(at(expected as number));
    },
  );

  test('when send times are unsorted Dates, then the answer is the same as for sorted numbers', () => {
    const sorted = sends(0, 100, 200, 300, 400, 500, 600);
    const shuffled = [400, 0, 600, 200, 100, 500, 300].map(at);
    expect(nextSendAt(shuffled, at(600))).toEqual(nextSendAt(sorted, at(600)));
  });

  test('when a sender always waits for nextSendAt, then no window ever holds more than its limit', () => {
    const sent: number[] = [];
    let now = T0;
    for (let i = 0; i < 2_000; i += 1) {
      now = nextSendAt(sent, new Date(now)).getTime();
      sent.push(now);
    }
    for (const { count, windowMs } of TEAMS_CONVERSATION_LIMITS) {
      let oldest = 0;
      for (let newest = 0; newest < sent.length; newest += 1) {
        while (sent[oldest] <= sent[newest] - windowMs) oldest += 1;
        expect(newest - oldest + 1).toBeLessThanOrEqual(count);
      }
    }
    // And the budget is used, not wasted: 7 at once, then 60 in the first 30 seconds.
    expect(sent.filter((ms) => ms === T0)).toHaveLength(7);
    expect(sent.filter((ms) => ms < T0 + 30_000)).toHaveLength(60);
  });

  test('when old sends are pruned, then only the last hour is kept', () => {
    const now = at(3_700_000);
    expect(sendsToKeep(sends(0, 99_999, 100_001, 3_600_000), now)).toEqual(
      sends(100_001, 3_600_000),
    );
  });
});

describe('retry backoff', () => {
  const half = () => 0.5;

  test.each([
    ['Retry-After 5 s on the first attempt', 1, 5, 5_000],
    ['Retry-After 5 s on the ninth attempt', 9, 5, 5_000],
    ['Retry-After 0', 3, 0, 0],
    ['Retry-After 1.5 s', 1, 1.5, 1_500],
    ['an absurd Retry-After of a day', 1, 86_400, 3_600_000],
  ])('when the answer had %s, then it is honoured', (_label, attempt, retryAfter, delay) => {
    expect(backoffDelay(attempt, retryAfter, half)).toBe(delay);
  });

  test.each([
    ['the first retry', 1, 500],
    ['the second retry', 2, 1_000],
    ['the third retry', 3, 2_000],
    ['the seventh retry', 7, 30_000],
    ['the hundredth retry (capped at a minute)', 100, 30_000],
    ['a retry numbered 0', 0, 500],
  ])(
    'when there is no Retry-After on %s, then the wait is exponential with jitter',
    (_label, attempt, delay) => {
      expect(backoffDelay(attempt, undefined, half)).toBe(delay);
    },
  );

  test.each([
    ['null', null],
    ['negative', -1],
    ['not a number', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('when Retry-After is %s, then it is ignored', (_label, retryAfter) => {
    expect(backoffDelay(2, retryAfter, half)).toBe(1_000);
  });

  test('when the random number is at either end, then the wait stays within 0 and the ceiling', () => {
    expect(backoffDelay(3, undefined, () => 0)).toBe(0);
    expect(backoffDelay(3, undefined, () => 0.999_999)).toBe(3_999);
    expect(backoffDelay(3, undefined, () => 1)).toBeLessThan(4_000);
    expect(backoffDelay(3, undefined, () => -2)).toBe(0);
  });

  test('when options are given, then base, cap and the Retry-After guard follow them', () => {
    const options = { baseMs: 200, capMs: 1_000, maxRetryAfterMs: 10_000 };
    expect(backoffDelay(1, undefined, () => 0.999_999, options)).toBe(199);
    expect(backoffDelay(20, undefined, () => 0.999_999, options)).toBe(999);
    expect(backoffDelay(1, 60, half, options)).toBe(10_000);
  });
});
