import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatUkDate, formatUkDateTime, typedUkDate } from '../../src/domain/shared/time';

describe('UK date formatting', () => {
  test.each([
    ['2026-11-28T09:00:00Z', '28 Nov 2026, 09:00'], // GMT in winter
    ['2026-07-01T08:00:00Z', '1 Jul 2026, 09:00'], // BST in summer
    ['2026-03-29T00:59:00Z', '29 Mar 2026, 00:59'], // just before the clocks go forward
    ['2026-03-29T01:00:00Z', '29 Mar 2026, 02:00'], // just after
    ['2026-10-25T00:59:00Z', '25 Oct 2026, 01:59'], // BST, just before the clocks go back
    ['2026-10-25T01:00:00Z', '25 Oct 2026, 01:00'], // GMT again
    ['2026-09-01T11:05:00Z', '1 Sep 2026, 12:05'], // "Sep", never "Sept"
    ['2026-12-31T23:59:59Z', '31 Dec 2026, 23:59'],
  ])('when the instant is %s, then people see %s', (iso, shown) => {
    expect(formatUkDateTime(iso)).toBe(shown);
  });

  test('when only the date is wanted, then it is the UK calendar date', () => {
    expect(formatUkDate('2026-06-30T23:30:00Z')).toBe('1 Jul 2026');
    expect(formatUkDate('2026-06-30T22:59:59Z')).toBe('30 Jun 2026');
    expect(typedUkDate('2026-06-30T23:30:00Z')).toBe('01/07/2026');
    expect(typedUkDate('2026-06-30T22:59:59Z')).toBe('30/06/2026');
  });

  test('when any instant from 1990 to 2100 is given as a date, then it is the UK calendar date, shown and typed', () => {
    // Both are remembered by UTC hour: no answer may leak into the next hour.
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z') }),
        (at) => {
          const uk = DateTime.fromJSDate(at, { zone: 'Europe/London' });
          expect(formatUkDate(at)).toBe(uk.toFormat('d LLL yyyy'));
          expect(typedUkDate(at)).toBe(uk.toFormat('dd/MM/yyyy'));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('when any instant from 1990 to 2100 is shown, then it reads as the UK wall clock does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z') }),
        (at) => {
          expect(formatUkDateTime(at)).toBe(
            DateTime.fromJSDate(at, { zone: 'Europe/London' }).toFormat('d LLL yyyy, HH:mm'),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
