import { CtacError } from '../../../src/domain/shared/errors';
import { normaliseLeave, wholeDays } from '../../../src/domain/rota/leave';
import { normaliseRotation } from '../../../src/domain/rota/rotation';
import { normaliseOverride } from '../../../src/domain/rota/rota-override';
import { at, BOB, JANE, LEAD } from './fixtures';

const valid = {
  id: 'rot-1',
  name: '  CTAC   primary ',
  layer: 'Primary',
  memberIds: [JANE, BOB.toUpperCase()],
  shiftLength: 'weekly',
  handoverTime: '9:00',
  startDate: '2026-11-23',
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CtacError);
    expect((e as CtacError).code).toBe('validation');
    return (e as CtacError).problems;
  }
  throw new Error('expected a validation error');
}

describe('normaliseRotation', () => {
  test('when the input is valid, then it is tidied and the zone defaults to Europe/London', () => {
    expect(normaliseRotation(valid)).toEqual({
      id: 'rot-1',
      name: 'CTAC primary',
      layer: 'primary',
      memberIds: [JANE, BOB],
      shiftLength: { kind: 'weekly' },
      handoverTime: '09:00',
      timeZone: 'Europe/London',
      startDate: '2026-11-23',
    });
  });

  test.each([
    [
      'a comma-separated list (as a card multi-select sends it)',
      { memberIds: `${JANE},${BOB}` },
      { memberIds: [JANE, BOB] },
    ],
    [
      'hours as text from a form',
      { shiftLength: { kind: 'hours', hours: '12' } },
      { shiftLength: { kind: 'hours', hours: 12 } },
    ],
    ['a UK start date', { startDate: '1/12/2026' }, { startDate: '2026-12-01' }],
    ['another zone', { timeZone: 'Europe/Dublin' }, { timeZone: 'Europe/Dublin' }],
    [
      'a daily shift as an object',
      { shiftLength: { kind: 'daily' } },
      { shiftLength: { kind: 'daily' } },
    ],
  ])('when the input has %s, then it is accepted', (_case, change, expected) => {
    expect(normaliseRotation({ ...valid, ...change })).toMatchObject(expected);
  });

  test('when everything is wrong, then every problem is reported at once', () => {
    const problems = problemsOf(() =>
      normaliseRotation({
        layer: 'tertiary',
        memberIds: [],
        shiftLength: 'fortnightly',
        handoverTime: '25:00',
        timeZone: 'Mars/Base',
        startDate: '31/02/2026',
      }),
    );
    expect(problems).toEqual([
      'The rotation needs an id.',
      'Give the rotation a name, for example "CTAC primary".',
      'The layer must be primary or secondary.',
      'Add at least one member to the rotation.',
      'The shift length must be daily, weekly or a number of hours.',
      'The handover time must be a time of day such as 09:00.',
      'The time zone must be an IANA zone such as Europe/London.',
      'The start date must be a real date written day/month/year, for example 16/12/2026.',
    ]);
  });

  test.each([
    [
      'a member id that is not an Entra object id',
      { memberIds: [JANE, 'jane@example.nhs.uk'] },
      'Choose each member from the list of people.',
    ],
    [
      'the same person twice',
      { memberIds: [JANE, BOB, JANE] },
      'Each person can appear in a rotation only once.',
    ],
    [
      'zero hours',
      { shiftLength: { kind: 'hours', hours: 0 } },
      'A shift in hours must be a whole number of hours from 1 to 336: change the hours per shift, or choose daily or weekly.',
    ],
    [
      'half an hour',
      { shiftLength: { kind: 'hours', hours: 1.5 } },
      'A shift in hours must be a whole number of hours from 1 to 336: change the hours per shift, or choose daily or weekly.',
    ],
    [
      'a name that is too long',
      { name: 'x'.repeat(121) },
      'The name must be at most 120 characters.',
    ],
    [
      'a time with seconds',
      { handoverTime: '09:00:00' },
      'The handover time must be a time of day such as 09:00.',
    ],
  ])('when the input has %s, then it is refused with a clear problem', (_case, change, problem) => {
    expect(problemsOf(() => normaliseRotation({ ...valid, ...change }))).toEqual([problem]);
  });
});

describe('normaliseOverride', () => {
  const meta = { id: 'ov-1', createdBy: LEAD, createdAt: at('2026-11-20T10:00:00Z') };

  test('when a cover is valid, then it is kept with its range as instants', () => {
    expect(
      normaliseOverride(
        {
          kind: 'cover',
          memberId: BOB,
          coveredMemberId: JANE,
          start: '2026-11-24T09:00:00Z',
          end: '2026-11-24T17:00:00+00:00',
        },
        meta,
      ),
    ).toEqual({
      ...meta,
      kind: 'cover',
      memberId: BOB,
      coveredMemberId: JANE,
      start: at('2026-11-24T09:00:00Z'),
      end: at('2026-11-24T17:00:00Z'),
    });
  });

  test('when an add has a layer, then it is kept', () => {
    expect(
      normaliseOverride(
        {
          kind: 'add',
          memberId: BOB,
          layer: 'secondary',
          start: at('2026-11-24T09:00:00Z'),
          end: at('2026-11-25T09:00:00Z'),
        },
        meta,
      ),
    ).toMatchObject({ kind: 'add', layer: 'secondary' });
  });

  test.each([
    [
      'a cover of oneself',
      { kind: 'cover', memberId: JANE, coveredMemberId: JANE },
      ['A person cannot cover themselves.'],
    ],
    [
      'a cover without the person covered',
      { kind: 'cover', memberId: JANE },
      ['Choose the person being covered.'],
    ],
    [
      'an add without a layer',
      { kind: 'add', memberId: JANE },
      ['Say which layer to add the person to.'],
    ],
    [
      'an unknown kind and layer',
      { kind: 'swap', memberId: JANE, layer: 'tertiary' },
      ['The change must be cover, add or remove.', 'The layer must be primary or secondary.'],
    ],
    [
      'an end before the start',
      {
        kind: 'remove',
        memberId: JANE,
        start: '2026-11-24T17:00:00Z',
        end: '2026-11-24T09:00:00Z',
      },
      ['The end must be after the start.'],
    ],
    [
      'a time without an offset',
      { kind: 'remove', memberId: JANE, start: '2026-11-24T09:00:00' },
      ['Give a start date and time.'],
    ],
    [
      'a range over a year',
      { kind: 'remove', memberId: JANE, end: '2028-01-01T00:00:00Z' },
      ['A single entry can last at most 366 days.'],
    ],
  ])('when the override is %s, then it is refused', (_case, input, problems) => {
    const base = { start: '2026-11-24T09:00:00Z', end: '2026-11-24T17:00:00Z' };
    expect(problemsOf(() => normaliseOverride({ ...base, ...input }, meta))).toEqual(problems);
  });
});

describe('leave', () => {
  const meta = { id: 'lv-1', createdBy: JANE, createdAt: at('2026-11-20T10:00:00Z') };

  test('when leave is valid, then it is kept', () => {
    expect(
      normaliseLeave(
        {
          memberId: JANE,
          start: '2026-12-01T00:00:00Z',
          end: '2026-12-06T00:00:00Z',
          note: ' Annual\nleave ',
        },
        meta,
      ),
    ).toEqual({
      ...meta,
      memberId: JANE,
      start: at('2026-12-01T00:00:00Z'),
      end: at('2026-12-06T00:00:00Z'),
      note: 'Annual leave',
    });
  });

  test('when leave has no person and no dates, then both problems are reported', () => {
    expect(problemsOf(() => normaliseLeave({}, meta))).toEqual([
      'Choose the person from the list.',
      'Give a start date and time.',
      'Give an end date and time.',
    ]);
  });

  test.each([
    ['winter days', '2026-12-01', '2026-12-05', '2026-12-01T00:00:00Z', '2026-12-06T00:00:00Z'],
    [
      'summer days (BST)',
      '2026-07-01',
      '2026-07-01',
      '2026-06-30T23:00:00Z',
      '2026-07-01T23:00:00Z',
    ],
    [
      'days across the spring change',
      '2026-03-28',
      '2026-03-29',
      '2026-03-28T00:00:00Z',
      '2026-03-29T23:00:00Z',
    ],
  ])(
    'when leave is whole %s, then it runs from the start of the first UK day to the end of the last',
    (_case, first, last, start, end) => {
      expect(wholeDays(first, last)).toEqual({ start: at(start), end: at(end) });
    },
  );
});
