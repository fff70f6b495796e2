import { exportLinkState } from '../../../src/domain/exports/export-link';
import {
  exportFileName,
  exportRangeInstants,
  parseExportRequest,
} from '../../../src/domain/exports/export-request';

const problemsOf = (body: unknown): string[] => {
  try {
    parseExportRequest(body);
    return [];
  } catch (e) {
    const problems = (e as { problems?: string[] }).problems ?? [];
    return problems.length ? problems : [(e as Error).message];
  }
};

describe('parseExportRequest', () => {
  test.each([
    ['2026-11-01', '2026-11-30', { from: '2026-11-01', to: '2026-11-30' }],
    ['1/11/2026', '30.11.2026', { from: '2026-11-01', to: '2026-11-30' }],
    // 2028 is a leap year: 366 days, the most one export covers.
    ['1/1/2028', '31/12/2028', { from: '2028-01-01', to: '2028-12-31' }],
    ['3/12/2026', '3/12/2026', { from: '2026-12-03', to: '2026-12-03' }],
  ])('when the range is %s to %s, then it is read as UK days', (from, to, range) => {
    expect(parseExportRequest({ kind: 'audit', format: 'xlsx', from, to })).toEqual({
      kind: 'audit',
      format: 'xlsx',
      range,
    });
  });

  test('when the range is 367 days, then it is refused saying how long it is', () => {
    expect(problemsOf({ kind: 'alerts', format: 'csv', from: '1/1/2026', to: '2/1/2027' })).toEqual(
      ['An export covers at most 366 days; this range is 367 days. Choose a shorter range.'],
    );
  });

  test('when everything is wrong, then every problem is listed at once', () => {
    expect(problemsOf({ kind: 'everything', format: 'pdf' })).toHaveLength(2);
    expect(problemsOf({ kind: 'alerts', format: 'csv', from: '12/31/2026', to: '' })).toEqual([
      'Give the first day as a date, such as 1/11/2026.',
      'Give the last day as a date, such as 30/11/2026.',
    ]);
    expect(problemsOf('alerts')).toEqual(['Send the export as a JSON object.']);
  });

  test('when a register is asked for, then it needs no range and is CSV only', () => {
    expect(parseExportRequest({ kind: 'risks', format: 'csv' })).toEqual({
      kind: 'risks',
      format: 'csv',
    });
    expect(problemsOf({ kind: 'decisions', format: 'xlsx' })).toEqual([
      'The decision log is exported as CSV only.',
    ]);
  });
});

test('when a range crosses the end of British Summer Time, then it runs from midnight UK time to midnight after its last day', () => {
  expect(exportRangeInstants({ from: '2026-10-24', to: '2026-10-25' })).toEqual({
    start: new Date('2026-10-23T23:00:00Z'),
    end: new Date('2026-10-26T00:00:00Z'),
  });
});

test('when a file is named, then the range or the day of the export is in it', () => {
  expect(
    exportFileName(
      { kind: 'audit', format: 'xlsx', range: { from: '2026-11-01', to: '2026-11-30' } },
      '2026-12-03',
    ),
  ).toBe('ctac-audit-trail-2026-11-01-to-2026-11-30.xlsx');
  expect(exportFileName({ kind: 'risks', format: 'csv' }, '2026-12-03')).toBe(
    'ctac-risk-register-2026-12-03.csv',
  );
});

test('when five minutes have passed, or it was used, then a link no longer works', () => {
  const link = {
    memberId: 'x',
    kind: 'alerts' as const,
    format: 'csv' as const,
    createdAt: '2026-12-03T10:00:00Z',
  };
  expect(exportLinkState(link, new Date('2026-12-03T10:05:00Z'))).toBe('valid');
  expect(exportLinkState(link, new Date('2026-12-03T10:05:01Z'))).toBe('expired');
  expect(
    exportLinkState({ ...link, usedAt: '2026-12-03T10:01:00Z' }, new Date('2026-12-03T10:02:00Z')),
  ).toBe('used');
});
