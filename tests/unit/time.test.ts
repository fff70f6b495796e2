import { formatUkDate, formatUkDateTime } from '../../src/domain/shared/time';

describe('UK date formatting', () => {
  test.each([
    ['2026-11-28T09:00:00Z', '28 Nov 2026, 09:00'], // GMT in winter
    ['2026-07-01T08:00:00Z', '1 Jul 2026, 09:00'], // BST in summer
    ['2026-03-29T00:59:00Z', '29 Mar 2026, 00:59'], // just before the clocks go forward
    ['2026-03-29T01:00:00Z', '29 Mar 2026, 02:00'], // just after
  ])('when the instant is %s, then people see %s', (iso, shown) => {
    expect(formatUkDateTime(iso)).toBe(shown);
  });

  test('when only the date is wanted, then it is the UK calendar date', () => {
    expect(formatUkDate('2026-06-30T23:30:00Z')).toBe('1 Jul 2026');
  });
});
