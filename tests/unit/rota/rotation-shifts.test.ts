import fc from 'fast-check';
import { DateTime } from 'luxon';

import { CtacError } from '../../../src/domain/shared/errors';
import { shiftAt, shiftsBetween, shiftStart } from '../../../src/domain/rota/rotation-shifts';
import { at, BOB, JANE, PRIYA, rotation } from './fixtures';

const HOUR = 3_600_000;
const hours = (s: { start: Date; end: Date }): number =>
  (s.end.getTime() - s.start.getTime()) / HOUR;
const london = (d: Date): string =>
  DateTime.fromJSDate(d, { zone: 'Europe/London' }).toFormat('ccc d LLL yyyy HH:mm');

describe('shiftAt: daily shifts across the 2026 clock changes', () => {
  test.each([
    // [case, start date, handover, instant, member, start (UTC), end (UTC), hours]
    [
      'an ordinary winter day',
      '2026-03-20',
      '09:00',
      '2026-03-24T12:00:00Z',
      JANE,
      '2026-03-24T09:00:00Z',
      '2026-03-25T09:00:00Z',
      24,
    ],
    [
      'the shift into the spring change (09:00 GMT to 09:00 BST)',
      '2026-03-20',
      '09:00',
      '2026-03-29T07:00:00Z',
      JANE,
      '2026-03-28T09:00:00Z',
      '2026-03-29T08:00:00Z',
      23,
    ],
    [
      'the first BST shift, still handing over at 09:00 local',
      '2026-03-20',
      '09:00',
      '2026-03-29T08:00:00Z',
      BOB,
      '2026-03-29T08:00:00Z',
      '2026-03-30T08:00:00Z',
      24,
    ],
    [
      'a midnight handover on the 23-hour day',
      '2026-03-20',
      '00:00',
      '2026-03-29T12:00:00Z',
      BOB,
      '2026-03-29T00:00:00Z',
      '2026-03-29T23:00:00Z',
      23,
    ],
    [
      'the shift into the autumn change (09:00 BST to 09:00 GMT)',
      '2026-10-20',
      '09:00',
      '2026-10-25T08:30:00Z',
      JANE,
      '2026-10-24T08:00:00Z',
      '2026-10-25T09:00:00Z',
      25,
    ],
    [
      'the first GMT shift, handing over at 09:00 local',
      '2026-10-20',
      '09:00',
      '2026-10-25T09:00:00Z',
      BOB,
      '2026-10-25T09:00:00Z',
      '2026-10-26T09:00:00Z',
      24,
    ],
    [
      'a midnight handover on the 25-hour day',
      '2026-10-20',
      '00:00',
      '2026-10-25T12:00:00Z',
      BOB,
      '2026-10-24T23:00:00Z',
      '2026-10-26T00:00:00Z',
      25,
    ],
    [
      'a summer day (BST)',
      '2026-07-01',
      '09:00',
      '2026-07-02T07:59:59Z',
      JANE,
      '2026-07-01T08:00:00Z',
      '2026-07-02T08:00:00Z',
      24,
    ],
  ])(
    'when it is %s, then the right person has a shift of the right length',
    (_case, startDate, handoverTime, instant, member, start, end, length) => {
      const shift = shiftAt(rotation({ startDate, handoverTime }), at(instant));
      expect(shift).toMatchObject({
        layer: 'primary',
        rotationId: 'rot-primary',
        memberId: member,
        start: at(start),
        end: at(end),
      });
      expect(hours(shift!)).toBe(length);
    },
  );

  test.each([
    ['one millisecond before the handover', '2026-11-24T08:59:59.999Z', JANE, 0],
    ['exactly at the handover', '2026-11-24T09:00:00Z', BOB, 1],
    ['one millisecond after', '2026-11-24T09:00:00.001Z', BOB, 1],
  ])(
    'when it is %s, then the shift boundary is exact (start included, end excluded)',
    (_case, instant, member, index) => {
      expect(shiftAt(rotation(), at(instant))).toMatchObject({ memberId: member, index });
    },
  );

  test('when the instant is before the first handover, then there is no shift', () => {
    expect(shiftAt(rotation(), at('2026-11-23T08:59:59Z'))).toBeUndefined();
  });

  test('when there are three members, then they take turns in order and the order repeats', () => {
    const r = rotation({ memberIds: [JANE, BOB, PRIYA] });
    const members = shiftsBetween(r, at('2026-11-23T09:00:00Z'), at('2026-11-30T09:00:00Z')).map(
      (s) => s.memberId,
    );
    expect(members).toEqual([JANE, BOB, PRIYA, JANE, BOB, PRIYA, JANE]);
  });
});

describe('handover time stays at the local time across the clock changes', () => {
  test.each([
    ['spring', '2026-03-25', '2026-03-25T12:00:00Z', '2026-04-02T12:00:00Z'],
    ['autumn', '2026-10-21', '2026-10-21T12:00:00Z', '2026-10-29T12:00:00Z'],
  ])(
    'when daily shifts run through the %s change, then every handover is at 09:00 UK time',
    (_season, startDate, from, to) => {
      const shifts = shiftsBetween(rotation({ startDate }), at(from), at(to));
      expect(shifts).toHaveLength(9);
      for (const s of shifts) expect(london(s.start)).toMatch(/ 09:00$/);
      const lengths = shifts.map(hours);
      expect(lengths.filter((h) => h !== 24)).toEqual([_season === 'spring' ? 23 : 25]);
    },
  );

  test('when shifts are daily, then each one ends exactly when the next begins', () => {
    const shifts = shiftsBetween(
      rotation({ startDate: '2026-03-01' }),
      at('2026-03-01T00:00:00Z'),
      at('2026-11-01T00:00:00Z'),
    );
    for (let i = 1; i < shifts.length; i += 1) expect(shifts[i]!.start).toEqual(shifts[i - 1]!.end);
  });

  test('when the handover time does not exist on the spring day (01:30), then that handover moves on to 02:30 BST', () => {
    const r = rotation({ startDate: '2026-03-27', handoverTime: '01:30' });
    const starts = shiftsBetween(r, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z')).map(
      (s) => london(s.start),
    );
    expect(starts).toEqual([
      'Sat 28 Mar 2026 01:30',
      'Sun 29 Mar 2026 02:30',
      'Mon 30 Mar 2026 01:30',
    ]);
  });
});

describe('weekly shifts', () => {
  test.each([
    [
      'a week in winter',
      '2026-11-23',
      '2026-11-26T12:00:00Z',
      '2026-11-23T09:00:00Z',
      '2026-11-30T09:00:00Z',
      168,
    ],
    [
      'the week with the spring change',
      '2026-03-23',
      '2026-03-29T12:00:00Z',
      '2026-03-23T09:00:00Z',
      '2026-03-30T08:00:00Z',
      167,
    ],
    [
      'the week with the autumn change',
      '2026-10-19',
      '2026-10-25T12:00:00Z',
      '2026-10-19T08:00:00Z',
      '2026-10-26T09:00:00Z',
      169,
    ],
    [
      'the week across the new year',
      '2026-12-28',
      '2027-01-01T00:00:00Z',
      '2026-12-28T09:00:00Z',
      '2027-01-04T09:00:00Z',
      168,
    ],
  ])(
    'when it is %s, then the shift runs Monday 09:00 to Monday 09:00 local',
    (_case, startDate, instant, start, end, length) => {
      const shift = shiftAt(rotation({ startDate, shiftLength: 'weekly' }), at(instant));
      expect(shift).toMatchObject({ memberId: JANE, start: at(start), end: at(end) });
      expect(hours(shift!)).toBe(length);
    },
  );

  test.each([
    ['Sunday night, still the first week', '2026-11-29T23:59:00Z', JANE, 0],
    ['Monday 08:59, still the first week', '2026-11-30T08:59:00Z', JANE, 0],
    ['Monday 09:00, the second week', '2026-11-30T09:00:00Z', BOB, 1],
    ['the fifth week, back to the first member', '2026-12-22T12:00:00Z', JANE, 4],
  ])(
    'when it is %s, then the week boundary is the handover, not midnight',
    (_case, instant, member, index) => {
      expect(shiftAt(rotation({ shiftLength: 'weekly' }), at(instant))).toMatchObject({
        memberId: member,
        index,
      });
    },
  );

  test('when a weekly rotation starts on a Wednesday, then the weeks run Wednesday to Wednesday', () => {
    const shifts = shiftsBetween(
      rotation({ shiftLength: 'weekly', startDate: '2026-11-25' }),
      at('2026-11-25T09:00:00Z'),
      at('2026-12-16T09:00:00Z'),
    );
    expect(shifts.map((s) => london(s.start))).toEqual([
      'Wed 25 Nov 2026 09:00',
      'Wed 2 Dec 2026 09:00',
      'Wed 9 Dec 2026 09:00',
    ]);
  });
});

describe('shifts of a fixed number of hours', () => {
  test.each([
    [
      'spring',
      '2026-03-28',
      [
        '2026-03-28T09:00:00Z',
        '2026-03-28T21:00:00Z',
        '2026-03-29T09:00:00Z',
        '2026-03-29T21:00:00Z',
      ],
    ],
    [
      'autumn',
      '2026-10-24',
      [
        '2026-10-24T08:00:00Z',
        '2026-10-24T20:00:00Z',
        '2026-10-25T08:00:00Z',
        '2026-10-25T20:00:00Z',
      ],
    ],
  ])(
    'when 12-hour shifts cross the %s change, then each lasts exactly 12 elapsed hours',
    (_season, startDate, starts) => {
      const r = rotation({ startDate, shiftLength: { kind: 'hours', hours: 12 } });
      const shifts = shiftsBetween(r, at(starts[0]!), at(starts[3]!));
      expect(shifts.map((s) => s.start.toISOString())).toEqual(
        starts.slice(0, 3).map((s) => at(s).toISOString()),
      );
      expect(shifts.map(hours)).toEqual([12, 12, 12]);
    },
  );

  test('when 12-hour shifts run past the spring change, then the local handover moves by an hour (09:00 becomes 10:00)', () => {
    const r = rotation({ startDate: '2026-03-28', shiftLength: { kind: 'hours', hours: 12 } });
    expect(london(shiftAt(r, at('2026-03-29T12:00:00Z'))!.start)).toBe('Sun 29 Mar 2026 10:00');
  });

  test('when shifts are 8 hours, then three people cover each day in turn', () => {
    const r = rotation({
      memberIds: [JANE, BOB, PRIYA],
      shiftLength: { kind: 'hours', hours: 8 },
      handoverTime: '07:00',
    });
    const shift = shiftAt(r, at('2026-11-24T16:00:00Z'));
    expect(shift).toMatchObject({
      memberId: BOB,
      index: 4,
      start: at('2026-11-24T15:00:00Z'),
      end: at('2026-11-24T23:00:00Z'),
    });
  });
});

describe('shiftsBetween', () => {
  test('when the window starts mid-shift, then the whole shift is returned, not cut at the window', () => {
    const shifts = shiftsBetween(
      rotation(),
      at('2026-11-23T12:00:00Z'),
      at('2026-11-24T10:00:00Z'),
    );
    expect(shifts.map((s) => [s.memberId, s.start.toISOString(), s.end.toISOString()])).toEqual([
      [JANE, '2026-11-23T09:00:00.000Z', '2026-11-24T09:00:00.000Z'],
      [BOB, '2026-11-24T09:00:00.000Z', '2026-11-25T09:00:00.000Z'],
    ]);
  });

  test('when the window ends exactly at a handover, then the next shift is not included', () => {
    expect(
      shiftsBetween(rotation(), at('2026-11-23T09:00:00Z'), at('2026-11-24T09:00:00Z')),
    ).toHaveLength(1);
  });

  test('when the window is before the rotation starts, then there are no shifts', () => {
    expect(
      shiftsBetween(rotation(), at('2026-11-01T00:00:00Z'), at('2026-11-23T09:00:00Z')),
    ).toEqual([]);
  });

  test('when a rotation was built by hand with no members, then asking for shifts is refused, not answered wrongly', () => {
    const empty = { ...rotation(), memberIds: [] };
    expect(() => shiftAt(empty, at('2026-11-24T12:00:00Z'))).toThrow(
      'The rotation has no members.',
    );
  });

  test('when the window is empty or backwards, then there are no shifts', () => {
    expect(
      shiftsBetween(rotation(), at('2026-11-25T00:00:00Z'), at('2026-11-24T00:00:00Z')),
    ).toEqual([]);
  });

  test('when the window would hold an unreasonable number of shifts, then it is refused with a clear error', () => {
    const hourly = rotation({ shiftLength: { kind: 'hours', hours: 1 } });
    expect(() =>
      shiftsBetween(hourly, at('2026-11-23T09:00:00Z'), at('2036-11-23T09:00:00Z')),
    ).toThrow(
      new CtacError('bad_request', 'That is too long a period to list shifts for; ask for less.'),
    );
  });

  test('when any instant in 2026-2027 is checked, then its shift contains it and starts at 09:00 local', () => {
    const r = rotation({ startDate: '2026-01-01', memberIds: [JANE, BOB, PRIYA] });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 2), max: Date.UTC(2027, 11, 31) }), (ms) => {
        const s = shiftAt(r, new Date(ms))!;
        expect(s.start.getTime()).toBeLessThanOrEqual(ms);
        expect(s.end.getTime()).toBeGreaterThan(ms);
        expect(s.start).toEqual(shiftStart(r, s.index));
        expect(london(s.start)).toMatch(/ 09:00$/);
        expect([23, 24, 25]).toContain(hours(s));
      }),
      { numRuns: 300 },
    );
  });
});

// The next handover, as the live code finds it: the running shift's end (shiftAt), and who takes over
// (shiftsBetween). These cases tested a nextHandover function nothing used.
describe('the next handover', () => {
  const justAfter = (d: Date): Date => new Date(d.getTime() + 1);

  test('when a shift is running, then the next handover says who hands over to whom', () => {
    const now = at('2026-11-23T15:00:00Z');
    const outgoing = shiftAt(rotation(), now)!;
    expect(outgoing.end).toEqual(at('2026-11-24T09:00:00Z'));
    expect(outgoing).toMatchObject({ memberId: JANE });
    const incoming = shiftsBetween(rotation(), now, justAfter(outgoing.end))[1];
    expect(incoming).toMatchObject({ memberId: BOB, start: at('2026-11-24T09:00:00Z') });
  });

  test('when asked exactly at a handover, then the answer is the following one', () => {
    expect(shiftAt(rotation(), at('2026-11-24T09:00:00Z'))!.end).toEqual(
      at('2026-11-25T09:00:00Z'),
    );
  });

  test('when the rotation has not started, then the next handover is its first shift, with nobody handing over', () => {
    const now = at('2026-11-01T00:00:00Z');
    expect(shiftAt(rotation(), now)).toBeUndefined();
    const [first] = shiftsBetween(rotation(), now, justAfter(at('2026-11-23T09:00:00Z')));
    expect(first).toEqual(
      expect.objectContaining({ memberId: JANE, index: 0, start: at('2026-11-23T09:00:00Z') }),
    );
  });

  test.each([
    ['the night before the spring change', '2026-03-28T22:00:00Z', '2026-03-29T08:00:00Z'],
    ['the night before the autumn change', '2026-10-24T22:00:00Z', '2026-10-25T09:00:00Z'],
  ])(
    'when it is %s, then the next handover is 09:00 UK time the next morning',
    (_case, instant, expected) => {
      expect(shiftAt(rotation({ startDate: '2026-03-01' }), at(instant))!.end).toEqual(
        at(expected),
      );
    },
  );
});
