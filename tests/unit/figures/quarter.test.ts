import { DateTime } from 'luxon';
import {
  inQuarter,
  isoWeekLabel,
  median,
  mean,
  parseQuarter,
  percent,
  previousQuarter,
  quarterOf,
  ukWeekOf,
  weekCommencing,
  weeksOfQuarter,
} from '../../../src/domain/figures';

describe('quarters of the NHS financial year', () => {
  it('when asked for 2026-Q3, then it is October to December 2026, from UK midnight to UK midnight', () => {
    const q = parseQuarter('2026-Q3')!;
    expect(q.label).toBe('Q3 2026-27');
    expect(q.firstDay).toBe('2026-10-01');
    expect(q.lastDay).toBe('2026-12-31');
    // 1 October is in British Summer Time: UK midnight is 23:00 UTC the day before.
    expect(q.start.toISOString()).toBe('2026-09-30T23:00:00.000Z');
    expect(q.end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    ['2026-Q1', '2026-04-01', '2026-06-30', 'Q1 2026-27'],
    ['2026-Q2', '2026-07-01', '2026-09-30', 'Q2 2026-27'],
    ['2026-Q4', '2027-01-01', '2027-03-31', 'Q4 2026-27'],
    ['2099-Q4', '2100-01-01', '2100-03-31', 'Q4 2099-00'],
  ])('when asked for %s, then it runs from %s to %s (%s)', (id, first, last, label) => {
    const q = parseQuarter(id)!;
    expect([q.firstDay, q.lastDay, q.label, q.id]).toEqual([first, last, label, id]);
  });

  it.each(['2026-Q5', '2026-q3', '26-Q3', '1999-Q1', '', 'x', undefined, 2026])(
    'when given %p, then it is no quarter',
    (text) => expect(parseQuarter(text)).toBeUndefined(),
  );

  it.each([
    ['2026-09-30T22:59:59.999Z', '2026-Q2'],
    ['2026-09-30T23:00:00.000Z', '2026-Q3'],
    ['2026-12-31T23:59:59.999Z', '2026-Q3'],
    ['2027-01-01T00:00:00.000Z', '2026-Q4'],
    ['2027-03-31T22:59:59.999Z', '2026-Q4'],
    ['2027-03-31T23:00:00.000Z', '2027-Q1'],
  ])('when the instant is %s, then it falls in %s (UK time)', (at, id) => {
    const q = quarterOf(new Date(at));
    expect(q.id).toBe(id);
    expect(inQuarter(q, at)).toBe(true);
    expect(inQuarter(previousQuarter(q), at)).toBe(false);
  });

  it("when a caller changes the dates of the quarter it was given, then the next caller's are untouched", () => {
    const first = quarterOf(new Date('2026-11-02T09:00:00Z'));
    first.start.setTime(0);
    expect(quarterOf(new Date('2026-11-02T09:30:00Z')).start.toISOString()).toBe(
      '2026-09-30T23:00:00.000Z',
    );
  });

  it('when going back from Q1, then the previous quarter is Q4 of the year before', () => {
    expect(previousQuarter(parseQuarter('2027-Q1')!).id).toBe('2026-Q4');
  });
});

describe('UK weeks', () => {
  it('when an instant is late on Sunday in UK summer time, then its week is still that Monday', () => {
    // 23:30 UTC on Sunday 4 Oct is 00:30 BST on Monday 5 Oct: the next week.
    expect(ukWeekOf('2026-10-04T22:30:00Z')).toBe('2026-09-28');
    expect(ukWeekOf('2026-10-04T23:30:00Z')).toBe('2026-10-05');
    expect(isoWeekLabel('2026-10-05')).toBe('2026-W41');
    expect(weekCommencing('2026-10-05')).toBe('w/c 5 Oct 2026');
  });

  it('when the clocks go back, then the week still starts at UK midnight on Monday', () => {
    // 25 Oct 2026 the clocks go back; Monday 26 Oct starts at 00:00 GMT.
    expect(ukWeekOf('2026-10-25T23:59:00Z')).toBe('2026-10-19');
    expect(ukWeekOf('2026-10-26T00:00:00Z')).toBe('2026-10-26');
  });

  it('when every hour around the clock changes and quarter ends is asked in turn, then each week and quarter is as UK time reckons it', () => {
    // The answers are remembered by UTC hour (UK offsets are whole hours): none may leak into the next.
    const zone = { zone: 'Europe/London' };
    const wrong: string[] = [];
    const around = [
      '2026-03-29',
      '2026-04-01',
      '2026-07-01',
      '2026-10-01',
      '2026-10-25',
      '2027-01-01',
    ];
    const hours = around.flatMap((day) =>
      Array.from({ length: 96 }, (_, i) => Date.parse(`${day}T00:00:00Z`) + (i - 48) * 3_600_000),
    );
    for (const hour of hours)
      for (const ms of [hour, hour + 3_599_999]) {
        const uk = DateTime.fromMillis(ms, zone);
        const fy = uk.month >= 4 ? uk.year : uk.year - 1;
        const quarter = `${fy}-Q${Math.floor(((uk.month + 8) % 12) / 3) + 1}`;
        const got = [ukWeekOf(new Date(ms)), quarterOf(new Date(ms)).id];
        if (got[0] !== uk.startOf('week').toISODate() || got[1] !== quarter)
          wrong.push(`${new Date(ms).toISOString()}: ${got.join(' ')}`);
      }
    expect(wrong).toEqual([]);
  });

  it('when listing the weeks of Q3 2026-27, then the first holds 1 October and the last 31 December', () => {
    const weeks = weeksOfQuarter(parseQuarter('2026-Q3')!);
    expect(weeks[0]).toBe('2026-09-28');
    expect(weeks.at(-1)).toBe('2026-12-28');
    expect(weeks).toHaveLength(14);
  });
});

describe('percentages and medians', () => {
  it.each([
    [2, 3, 66.7],
    [1, 1, 100],
    [0, 4, 0],
    [1, 8, 12.5],
  ])('when %i of %i, then %p per cent', (part, whole, expected) =>
    expect(percent(part, whole)).toBe(expected),
  );
  it('when there is no whole, then there is no percentage', () =>
    expect(percent(0, 0)).toBeUndefined());
  it('when the count is odd or even, then the median is the middle or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeUndefined();
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeUndefined();
  });
});

describe('asking for the board pack through an export link', () => {
  it('when the quarter and format are right, then the request names them; else every problem is listed', async () => {
    const { parseExportRequest, exportFileName } =
      await import('../../../src/domain/exports/export-request');
    const asked = parseExportRequest({ kind: 'board-pack', format: 'pdf', quarter: '2026-Q3' });
    expect(asked).toEqual({ kind: 'board-pack', format: 'pdf', quarter: '2026-Q3' });
    expect(exportFileName(asked, '2026-12-03')).toBe('ctac-board-pack-2026-Q3.pdf');
    expect(() => parseExportRequest({ kind: 'board-pack', format: 'csv', quarter: 'Q3' })).toThrow(
      expect.objectContaining({
        problems: [
          'Choose the format: pdf or xlsx.',
          'Name the quarter of the NHS financial year as 2026-Q3.',
        ],
      }),
    );
    // Other exports are never PDF.
    expect(() =>
      parseExportRequest({ kind: 'alerts', format: 'pdf', from: '2026-11-01', to: '2026-11-30' }),
    ).toThrow(expect.objectContaining({ problems: ['Choose the format: csv or xlsx.'] }));
  });
});
