import { loadConfig } from '../../../src/config';
import {
  describeRetentionCounts,
  isPastRetention,
  retentionCutOff,
  retentionDay,
} from '../../../src/domain/retention/retention-period';

describe('the retention cut-off', () => {
  test.each([
    // now (UTC), years, cut-off (UTC): the start of the UK day, `years` years before.
    ['2026-11-28T09:00:00Z', 6, '2020-11-28T00:00:00.000Z'],
    ['2026-11-28T23:30:00Z', 6, '2020-11-28T00:00:00.000Z'],
    // Summer time: the UK day starts at 23:00 UTC the evening before.
    ['2026-07-01T12:00:00Z', 6, '2020-06-30T23:00:00.000Z'],
    ['2026-06-30T23:30:00Z', 1, '2025-06-30T23:00:00.000Z'],
    // 29 February falls back to 28 February in a year without it.
    ['2028-02-29T12:00:00Z', 1, '2027-02-28T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z', 20, '2006-01-01T00:00:00.000Z'],
  ])(
    'when it is %s and records are kept %i years, then the cut-off is %s',
    (now, years, cutOff) => {
      expect(retentionCutOff(new Date(now), years).toISOString()).toBe(cutOff);
    },
  );

  test.each([0, 21, 2.5, Number.NaN])(
    'when the period is %s years, then it is refused',
    (years) => {
      expect(() => retentionCutOff(new Date('2026-11-28T09:00:00Z'), years)).toThrow(
        'A retention period is a whole number of years from 1 to 20.',
      );
    },
  );

  test('when a record ended just before or at the cut-off, then only the one before is past retention', () => {
    const cutOff = new Date('2020-11-28T00:00:00Z');
    expect(isPastRetention('2020-11-27T23:59:59.999Z', cutOff)).toBe(true);
    expect(isPastRetention('2020-11-28T00:00:00.000Z', cutOff)).toBe(false);
    expect(isPastRetention(undefined, cutOff)).toBe(false);
    expect(isPastRetention('not a date', cutOff)).toBe(false);
  });

  test('when counts are described, then each kind is named, singular for one', () => {
    expect(
      describeRetentionCounts({ resolvedAlerts: 3, closedRisks: 1, decisions: 0, auditEvents: 12 }),
    ).toBe('3 resolved alerts, 1 closed risk, 0 decisions, 12 audit events');
  });

  test('when it is just after midnight UK summer time, then the job’s day is the UK day', () => {
    expect(retentionDay(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
  });
});

describe('RETENTION_YEARS', () => {
  test('when it is not set, then records are kept 6 years', () => {
    expect(loadConfig({}).retention).toEqual({ years: 6 });
  });

  test('when it is set from 1 to 20, then that is the period', () => {
    expect(loadConfig({ RETENTION_YEARS: '1' }).retention.years).toBe(1);
    expect(loadConfig({ RETENTION_YEARS: '20' }).retention.years).toBe(20);
  });

  test.each(['0', '21', '6.5', 'six', '-1'])(
    'when it is %s, then the app refuses to start and says what it must be',
    (value) => {
      expect(() => loadConfig({ RETENTION_YEARS: value })).toThrow(
        /RETENTION_YEARS must be a whole number of years from 1 to 20/,
      );
    },
  );
});
