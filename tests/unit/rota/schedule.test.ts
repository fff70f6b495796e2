import fc from 'fast-check';
import { DateTime } from 'luxon';

import type { Leave } from '../../../src/domain/rota/leave';
import { onCallAt } from '../../../src/domain/rota/on-call-now';
import type { RotaOverride } from '../../../src/domain/rota/rota-override';
import {
  findGaps,
  onCallInLayer,
  scheduleBetween,
  type ScheduleSegment,
} from '../../../src/domain/rota/schedule';
import { scheduleShifts } from '../../../src/domain/rota/schedule-shifts';
import { add, at, BOB, cover, JANE, leave, NAMES, PRIYA, remove, rotation, TOM } from './fixtures';

// Mon 23 Nov 2026: Jane primary, Priya secondary; Tue: Bob and Tom; Wed: Jane and Priya again.
const primary = rotation();
const secondary = rotation({
  id: 'rot-secondary',
  name: 'CTAC secondary',
  layer: 'secondary',
  memberIds: [PRIYA, TOM],
});
const rotations = [primary, secondary];
const MONDAY_NOON = at('2026-11-23T12:00:00Z');

const rota = (member: string, rotationId = 'rot-primary') => ({
  memberId: member,
  via: 'rotation',
  rotationId,
});
const covering = (member: string, coveringFor: string) =>
  expect.objectContaining({ memberId: member, via: 'cover', coveringFor });
const added = (member: string) => expect.objectContaining({ memberId: member, via: 'add' });
const brief = (segments: ScheduleSegment[]) =>
  segments.map((s) => [
    s.start.toISOString().slice(5, 16),
    s.end.toISOString().slice(5, 16),
    s.gap ? 'GAP' : s.onCall.map((a) => NAMES[a.memberId]!.slice(0, 1)).join('+'),
  ]);

describe('override precedence at one instant (primary layer, Monday noon, Jane scheduled)', () => {
  const table: [string, RotaOverride[], Leave[], unknown[], unknown[]][] = [
    ['nothing changes the rota', [], [], [rota(JANE)], []],
    [
      'Tom covers Jane',
      [cover(TOM, JANE, '2026-11-23T10:00:00Z', '2026-11-23T14:00:00Z')],
      [],
      [covering(TOM, JANE)],
      [],
    ],
    [
      'Jane is removed and nobody covers',
      [remove(JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z')],
      [],
      [],
      [{ memberId: JANE, reason: 'removed' }],
    ],
    [
      'Jane is on leave and nobody covers',
      [],
      [leave(JANE, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')],
      [],
      [{ memberId: JANE, reason: 'leave' }],
    ],
    [
      'Jane is on leave and Tom covers',
      [cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z')],
      [leave(JANE, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')],
      [covering(TOM, JANE)],
      [],
    ],
    [
      'Jane is removed and Tom covers',
      [
        remove(JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'),
        cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'),
      ],
      [],
      [covering(TOM, JANE)],
      [],
    ],
    [
      'Tom covers Jane but Tom is on leave',
      [cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z')],
      [leave(TOM, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')],
      [],
      [{ memberId: TOM, reason: 'leave' }],
    ],
    [
      'Priya is added to the primary layer',
      [add(PRIYA, 'primary', '2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z')],
      [],
      [rota(JANE), added(PRIYA)],
      [],
    ],
    [
      'Priya is added but on leave',
      [add(PRIYA, 'primary', '2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z')],
      [leave(PRIYA, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')],
      [rota(JANE)],
      [{ memberId: PRIYA, reason: 'leave' }],
    ],
    [
      'Jane is added though already on call',
      [add(JANE, 'primary', '2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z')],
      [],
      [rota(JANE)],
      [],
    ],
    [
      'Tom covers Jane in the secondary layer only',
      [cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z', { layer: 'secondary' })],
      [],
      [rota(JANE)],
      [],
    ],
    [
      'Jane is removed from the secondary layer only',
      [remove(JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z', 'secondary')],
      [],
      [rota(JANE)],
      [],
    ],
    [
      'Tom, then later Bob, agree to cover Jane',
      [
        cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'),
        cover(BOB, JANE, '2026-11-23T11:00:00Z', '2026-11-23T13:00:00Z'),
      ],
      [],
      [covering(BOB, JANE)],
      [],
    ],
    [
      'a cover of Bob, who is not on call',
      [cover(TOM, BOB, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z')],
      [],
      [rota(JANE)],
      [],
    ],
    [
      'a cover that ended an hour ago',
      [cover(TOM, JANE, '2026-11-23T09:00:00Z', '2026-11-23T11:00:00Z')],
      [],
      [rota(JANE)],
      [],
    ],
    [
      'a cover starting exactly now',
      [cover(TOM, JANE, '2026-11-23T12:00:00Z', '2026-11-23T13:00:00Z')],
      [],
      [covering(TOM, JANE)],
      [],
    ],
    [
      'Bob covers Jane and Tom covers Bob (covers do not chain)',
      [
        cover(BOB, JANE, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'),
        cover(TOM, BOB, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'),
      ],
      [],
      [covering(BOB, JANE)],
      [],
    ],
    [
      'Jane took leave yesterday only',
      [],
      [leave(JANE, '2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z')],
      [rota(JANE)],
      [],
    ],
  ];

  test.each(table)(
    'when %s, then the right people are on call',
    (_case, overrides, leaveList, onCall, unavailable) => {
      expect(onCallInLayer('primary', rotations, overrides, leaveList, MONDAY_NOON)).toEqual({
        onCall,
        unavailable,
      });
    },
  );
});

describe('scheduleBetween and findGaps', () => {
  const from = at('2026-11-23T09:00:00Z');
  const to = at('2026-11-26T09:00:00Z');

  test('when nothing changes the rota, then each layer is its rotation, shift by shift', () => {
    const schedule = scheduleBetween(rotations, [], [], from, to);
    expect(brief(schedule.layers.primary)).toEqual([
      ['11-23T09:00', '11-24T09:00', 'J'],
      ['11-24T09:00', '11-25T09:00', 'B'],
      ['11-25T09:00', '11-26T09:00', 'J'],
    ]);
    expect(brief(schedule.layers.secondary).map((s) => s[2])).toEqual(['P', 'T', 'P']);
    expect(findGaps(schedule)).toEqual([]);
  });

  test('when Bob is on leave for part of his shift and nobody covers, then that part is a gap', () => {
    const schedule = scheduleBetween(
      rotations,
      [],
      [leave(BOB, '2026-11-24T12:00:00Z', '2026-11-24T18:00:00Z')],
      from,
      to,
    );
    expect(brief(schedule.layers.primary)).toEqual([
      ['11-23T09:00', '11-24T09:00', 'J'],
      ['11-24T09:00', '11-24T12:00', 'B'],
      ['11-24T12:00', '11-24T18:00', 'GAP'],
      ['11-24T18:00', '11-25T09:00', 'B'],
      ['11-25T09:00', '11-26T09:00', 'J'],
    ]);
    expect(findGaps(schedule)).toEqual([
      {
        layer: 'primary',
        start: at('2026-11-24T12:00:00Z'),
        end: at('2026-11-24T18:00:00Z'),
        unavailable: [{ memberId: BOB, reason: 'leave' }],
      },
    ]);
  });

  test('when Bob is on leave and Priya covers him, then there is no gap', () => {
    const schedule = scheduleBetween(
      rotations,
      [cover(PRIYA, BOB, '2026-11-24T09:00:00Z', '2026-11-25T09:00:00Z', { layer: 'primary' })],
      [leave(BOB, '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z')],
      from,
      to,
    );
    expect(brief(schedule.layers.primary).map((s) => s[2])).toEqual(['J', 'P', 'J']);
    expect(schedule.layers.primary[1]!.onCall).toEqual([covering(PRIYA, BOB)]);
    expect(brief(schedule.layers.secondary).map((s) => s[2])).toEqual(['P', 'T', 'P']);
    expect(findGaps(schedule)).toEqual([]);
  });

  test('when back-to-back shifts are both uncovered, then findGaps joins them into one gap naming both people', () => {
    const schedule = scheduleBetween(
      rotations,
      [remove(BOB, '2026-11-24T09:00:00Z', '2026-11-25T09:00:00Z')],
      [leave(JANE, '2026-11-25T00:00:00Z', '2026-11-27T00:00:00Z')],
      from,
      to,
    );
    expect(brief(schedule.layers.primary).map((s) => s[2])).toEqual(['J', 'GAP', 'GAP']);
    expect(findGaps(schedule)).toEqual([
      {
        layer: 'primary',
        start: at('2026-11-24T09:00:00Z'),
        end: at('2026-11-26T09:00:00Z'),
        unavailable: [
          { memberId: BOB, reason: 'removed' },
          { memberId: JANE, reason: 'leave' },
        ],
      },
    ]);
  });

  test('when a layer has no rotation, then the whole window is a gap with nobody unavailable', () => {
    const schedule = scheduleBetween([primary], [], [], from, to);
    expect(schedule.layers.secondary).toEqual([
      { layer: 'secondary', start: from, end: to, onCall: [], gap: true, unavailable: [] },
    ]);
    expect(findGaps(schedule)).toEqual([
      { layer: 'secondary', start: from, end: to, unavailable: [] },
    ]);
  });

  test('when the window starts before the rotation, then the time before its first shift is a gap', () => {
    const schedule = scheduleBetween(
      [primary],
      [],
      [],
      at('2026-11-22T09:00:00Z'),
      at('2026-11-24T09:00:00Z'),
    );
    expect(brief(schedule.layers.primary)).toEqual([
      ['11-22T09:00', '11-23T09:00', 'GAP'],
      ['11-23T09:00', '11-24T09:00', 'J'],
    ]);
  });

  test('when one person has consecutive shifts, then they read as one stretch', () => {
    const solo = rotation({ memberIds: [JANE] });
    expect(brief(scheduleBetween([solo], [], [], from, to).layers.primary)).toEqual([
      ['11-23T09:00', '11-26T09:00', 'J'],
    ]);
  });

  test('when the window starts and ends mid-shift, then the segments are cut at the window', () => {
    const schedule = scheduleBetween(
      rotations,
      [],
      [],
      at('2026-11-23T12:00:00Z'),
      at('2026-11-24T12:00:00Z'),
    );
    expect(brief(schedule.layers.primary)).toEqual([
      ['11-23T12:00', '11-24T09:00', 'J'],
      ['11-24T09:00', '11-24T12:00', 'B'],
    ]);
  });

  test('when overrides and leave fall outside the window, then they change nothing', () => {
    const schedule = scheduleBetween(
      rotations,
      [remove(JANE, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')],
      [leave(BOB, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')],
      from,
      to,
    );
    expect(brief(schedule.layers.primary).map((s) => s[2])).toEqual(['J', 'B', 'J']);
  });

  test('when the window is empty, then the schedule is empty', () => {
    expect(scheduleBetween(rotations, [], [], to, from).layers).toEqual({
      primary: [],
      secondary: [],
    });
  });

  test.each([
    ['spring', '2026-03-22', '2026-03-23T00:00:00Z'],
    ['autumn', '2026-10-18', '2026-10-19T00:00:00Z'],
  ])(
    'when a 14-day rota spans the %s clock change, then every handover is at 09:00 UK time and the segments are contiguous',
    (_season, startDate, fromIso) => {
      const r = [
        rotation({ startDate }),
        rotation({ id: 'rot-secondary', layer: 'secondary', memberIds: [PRIYA, TOM], startDate }),
      ];
      const windowStart = at(fromIso);
      const windowEnd = new Date(windowStart.getTime() + 14 * 86_400_000);
      const schedule = scheduleBetween(r, [], [], windowStart, windowEnd);
      for (const layer of ['primary', 'secondary'] as const) {
        const segments = schedule.layers[layer];
        expect(segments).toHaveLength(15);
        expect(segments[0]!.start).toEqual(windowStart);
        expect(segments[segments.length - 1]!.end).toEqual(windowEnd);
        for (let i = 1; i < segments.length; i += 1) {
          expect(segments[i]!.start).toEqual(segments[i - 1]!.end);
          expect(
            DateTime.fromJSDate(segments[i]!.start, { zone: 'Europe/London' }).toFormat('HH:mm'),
          ).toBe('09:00');
        }
      }
    },
  );
});

describe('the schedule agrees with the instant-by-instant answer', () => {
  test('when any instant in a busy fortnight is checked, then its segment says what onCallInLayer says', () => {
    const r = [
      rotation({ memberIds: [JANE, BOB, PRIYA] }),
      rotation({
        id: 'rot-secondary',
        layer: 'secondary',
        memberIds: [TOM, PRIYA],
        shiftLength: { kind: 'hours', hours: 12 },
      }),
    ];
    const overrides = [
      cover(TOM, JANE, '2026-11-23T20:00:00Z', '2026-11-24T02:00:00Z'),
      remove(BOB, '2026-11-27T09:00:00Z', '2026-11-28T09:00:00Z', 'primary'),
      add(JANE, 'secondary', '2026-11-30T00:00:00Z', '2026-12-02T00:00:00Z'),
      cover(BOB, PRIYA, '2026-12-01T12:00:00Z', '2026-12-03T12:00:00Z'),
    ];
    const leaveList = [
      leave(PRIYA, '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z'),
      leave(JANE, '2026-12-02T00:00:00Z', '2026-12-04T00:00:00Z'),
    ];
    const from = at('2026-11-23T09:00:00Z');
    const to = at('2026-12-07T09:00:00Z');
    const schedule = scheduleBetween(r, overrides, leaveList, from, to);
    fc.assert(
      fc.property(
        fc.integer({ min: from.getTime(), max: to.getTime() - 1 }),
        fc.constantFrom('primary' as const, 'secondary' as const),
        (ms, layer) => {
          const instant = new Date(ms);
          const segment = schedule.layers[layer].find(
            (s) => s.start <= instant && instant < s.end,
          )!;
          const { onCall, unavailable } = onCallInLayer(layer, r, overrides, leaveList, instant);
          expect({ onCall: segment.onCall, unavailable: segment.unavailable }).toEqual({
            onCall,
            unavailable,
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('scheduleShifts', () => {
  test("when Tom covers part of Jane's shift and Priya is added, then each person gets their own unbroken shifts", () => {
    const schedule = scheduleBetween(
      [primary],
      [
        cover(TOM, JANE, '2026-11-23T12:00:00Z', '2026-11-23T14:00:00Z'),
        add(PRIYA, 'primary', '2026-11-23T13:00:00Z', '2026-11-23T20:00:00Z'),
      ],
      [],
      at('2026-11-23T09:00:00Z'),
      at('2026-11-24T09:00:00Z'),
    );
    expect(scheduleShifts(schedule)).toEqual([
      {
        layer: 'primary',
        memberId: JANE,
        rotationId: 'rot-primary',
        start: at('2026-11-23T09:00:00Z'),
        end: at('2026-11-23T12:00:00Z'),
      },
      {
        layer: 'primary',
        memberId: TOM,
        coveringFor: JANE,
        start: at('2026-11-23T12:00:00Z'),
        end: at('2026-11-23T14:00:00Z'),
      },
      {
        layer: 'primary',
        memberId: PRIYA,
        start: at('2026-11-23T13:00:00Z'),
        end: at('2026-11-23T20:00:00Z'),
      },
      {
        layer: 'primary',
        memberId: JANE,
        rotationId: 'rot-primary',
        start: at('2026-11-23T14:00:00Z'),
        end: at('2026-11-24T09:00:00Z'),
      },
    ]);
  });
});

describe('onCallAt', () => {
  test('when nothing changes the rota, then it says who is primary and secondary, until when, and who is next', () => {
    const now = onCallAt(rotations, [], [], MONDAY_NOON);
    expect(now.primary).toMatchObject({
      onCall: [rota(JANE)],
      gap: false,
      until: at('2026-11-24T09:00:00Z'),
      next: { onCall: [rota(BOB)] },
    });
    expect(now.secondary).toMatchObject({
      onCall: [rota(PRIYA, 'rot-secondary')],
      until: at('2026-11-24T09:00:00Z'),
      next: { onCall: [rota(TOM, 'rot-secondary')] },
    });
  });

  test('when Tom is covering for two hours, then he is on call until the cover ends and Jane comes back', () => {
    const now = onCallAt(
      rotations,
      [cover(TOM, JANE, '2026-11-23T11:00:00Z', '2026-11-23T13:00:00Z')],
      [],
      MONDAY_NOON,
    );
    expect(now.primary.onCall).toEqual([covering(TOM, JANE)]);
    expect(now.primary.until).toEqual(at('2026-11-23T13:00:00Z'));
    expect(now.primary.next).toMatchObject({
      onCall: [rota(JANE)],
      end: at('2026-11-24T09:00:00Z'),
    });
  });

  test("when the primary is on leave and nobody covers, then it is a gap until Bob's shift", () => {
    const now = onCallAt(
      rotations,
      [],
      [leave(JANE, '2026-11-23T00:00:00Z', '2026-11-25T00:00:00Z')],
      MONDAY_NOON,
    );
    expect(now.primary).toMatchObject({
      onCall: [],
      gap: true,
      unavailable: [{ memberId: JANE, reason: 'leave' }],
      until: at('2026-11-24T09:00:00Z'),
      next: { onCall: [rota(BOB)] },
    });
    expect(now.secondary.gap).toBe(false);
  });

  test('when the rotation has one member, then nothing changes within the lookahead and there is no "until"', () => {
    const now = onCallAt([rotation({ memberIds: [JANE] })], [], [], MONDAY_NOON);
    expect(now.primary.onCall).toEqual([rota(JANE)]);
    expect(now.primary.until).toBeUndefined();
    expect(now.primary.next).toBeUndefined();
  });

  test('when there are no rotations, then both layers are gaps', () => {
    const now = onCallAt([], [], [], MONDAY_NOON);
    expect(now.primary).toMatchObject({ gap: true, onCall: [] });
    expect(now.secondary).toMatchObject({ gap: true, onCall: [] });
  });

  test('when the rotation starts in a month, then it is a gap until its first handover, and the first member is next', () => {
    const now = onCallAt([rotation({ startDate: '2026-12-23' })], [], [], MONDAY_NOON);
    expect(now.primary).toMatchObject({
      gap: true,
      until: at('2026-12-23T09:00:00Z'),
      next: { onCall: [rota(JANE)] },
    });
  });

  test.each([
    ['the night before the spring change', '2026-03-28T22:00:00Z', '2026-03-29T08:00:00Z'],
    ['the night before the autumn change', '2026-10-24T22:00:00Z', '2026-10-25T09:00:00Z'],
  ])('when it is %s, then the primary is on call until 09:00 UK time', (_case, instant, until) => {
    expect(
      onCallAt([rotation({ startDate: '2026-03-01' })], [], [], at(instant)).primary.until,
    ).toEqual(at(until));
  });
});
