import ICAL from 'ical.js';

import { buildRotaCalendar, shiftUid } from '../../../src/app/rota-calendar';
import type { OnCallShift } from '../../../src/domain/rota/on-call-shift';
import { shiftsBetween } from '../../../src/domain/rota/rotation-shifts';
import { scheduleBetween } from '../../../src/domain/rota/schedule';
import { scheduleShifts } from '../../../src/domain/rota/schedule-shifts';
import { at, BOB, cover, JANE, NAMES, PRIYA, rotation, TOM } from './fixtures';

interface ParsedEvent {
  uid: string;
  summary: string;
  description: string;
  start: string;
  end: string;
  startUtc: boolean;
}

/** Reads a feed back with ical.js, an iCalendar parser independent of the one that wrote it. */
function parse(text: string): { name: string; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      startUtc: event.startDate.zone?.tzid === 'UTC',
    };
  });
  return { name: String(calendar.getFirstPropertyValue('x-wr-calname')), events };
}

// A fortnight of primary and secondary daily shifts across the autumn clock change (Sun 25 Oct 2026).
const primary = rotation({ startDate: '2026-10-19' });
const secondary = rotation({
  id: 'rot-secondary',
  layer: 'secondary',
  memberIds: [PRIYA, TOM],
  startDate: '2026-10-19',
});
const from = at('2026-10-19T08:00:00Z');
const to = at('2026-11-02T09:00:00Z');
const shifts: OnCallShift[] = [
  ...shiftsBetween(primary, from, to),
  ...shiftsBetween(secondary, from, to),
];
const build = (now: string, list: readonly OnCallShift[] = shifts) =>
  buildRotaCalendar({ name: 'CTAC on-call rota', shifts: list, memberNames: NAMES, now: at(now) });

describe('buildRotaCalendar', () => {
  test('when a fortnight of shifts is built, then an independent parser finds one event per shift, in UTC', () => {
    const { name, events } = parse(build('2026-10-18T12:00:00Z'));
    expect(name).toBe('CTAC on-call rota');
    expect(events).toHaveLength(28);
    expect(events.every((e) => e.startUtc)).toBe(true);
    const expected = [...shifts].sort(
      (a, b) => a.start.getTime() - b.start.getTime() || a.layer.localeCompare(b.layer),
    );
    expect(events.map((e) => [e.start, e.end])).toEqual(
      expected.map((s) => [s.start.toISOString(), s.end.toISOString()]),
    );
  });

  test('when the shift runs through the autumn change, then its event is 25 hours long and ends at 09:00 GMT', () => {
    const event = parse(build('2026-10-18T12:00:00Z')).events.find(
      (e) => e.start === '2026-10-24T08:00:00.000Z' && e.summary.includes('primary'),
    )!;
    expect(event).toMatchObject({
      end: '2026-10-25T09:00:00.000Z',
      summary: 'CTAC on call (primary): Bob Jones',
    });
    expect(event.description).toBe(
      'Primary on call from 24 Oct 2026, 09:00 to 25 Oct 2026, 09:00 (UK time).',
    );
  });

  test('when the feed is built twice at different times, then every UID is the same and unique', () => {
    const first = parse(build('2026-10-18T12:00:00Z')).events.map((e) => e.uid);
    const second = parse(build('2026-10-20T12:00:00Z')).events.map((e) => e.uid);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first[0]).toBe(`ctac-primary-${JANE}-20261019T080000Z@ctac`);
  });

  test('when the shifts are given in another order, then the feed is the same', () => {
    expect(build('2026-10-18T12:00:00Z', [...shifts].reverse())).toBe(
      build('2026-10-18T12:00:00Z'),
    );
  });

  test('when a member is covering, then the summary names them and the description says whom they cover', () => {
    const schedule = scheduleBetween(
      [primary],
      [cover(TOM, JANE, '2026-10-19T12:00:00Z', '2026-10-19T18:00:00Z')],
      [],
      from,
      at('2026-10-20T08:00:00Z'),
    );
    const events = parse(
      buildRotaCalendar({
        name: 'CTAC',
        shifts: scheduleShifts(schedule),
        memberNames: new Map(Object.entries(NAMES)),
        now: from,
      }),
    ).events;
    expect(events.map((e) => [e.summary, e.start, e.end])).toEqual([
      [
        'CTAC on call (primary): Jane Smith',
        '2026-10-19T08:00:00.000Z',
        '2026-10-19T12:00:00.000Z',
      ],
      ['CTAC on call (primary): Tom Evans', '2026-10-19T12:00:00.000Z', '2026-10-19T18:00:00.000Z'],
      [
        'CTAC on call (primary): Jane Smith',
        '2026-10-19T18:00:00.000Z',
        '2026-10-20T08:00:00.000Z',
      ],
    ]);
    expect(events[1]!.description).toContain('Covering for Jane Smith.');
  });

  test('when a name has characters iCalendar reserves, then they survive the round trip', () => {
    const text = buildRotaCalendar({
      name: 'CTAC; rota, "live"',
      shifts: [
        {
          layer: 'secondary',
          memberId: BOB,
          start: at('2026-11-28T09:00:00Z'),
          end: at('2026-11-29T09:00:00Z'),
        },
      ],
      memberNames: { [BOB]: "O'Brien, Bob; \\ on call" },
      now: at('2026-11-27T09:00:00Z'),
    });
    const { name, events } = parse(text);
    expect(name).toBe('CTAC; rota, "live"');
    expect(events[0]!.summary).toBe("CTAC on call (secondary): O'Brien, Bob; \\ on call");
  });

  test('when a member has no known name, then the event says "Unknown member"', () => {
    const { events } = parse(
      buildRotaCalendar({ name: 'CTAC', shifts: shifts.slice(0, 1), memberNames: {}, now: from }),
    );
    expect(events[0]!.summary).toBe('CTAC on call (primary): Unknown member');
  });

  test('when the same shift is listed twice, then it appears once', () => {
    expect(
      parse(build('2026-10-18T12:00:00Z', [shifts[0]!, { ...shifts[0]! }])).events,
    ).toHaveLength(1);
  });

  test('when there are no shifts, then the feed is still a valid, empty calendar', () => {
    const text = build('2026-10-18T12:00:00Z', []);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(parse(text).events).toEqual([]);
  });

  test('when the feed is written, then lines end with CRLF, stamps are UTC and refresh is hourly', () => {
    const text = build('2026-10-18T12:00:00Z');
    expect(text.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    expect(text).toContain('DTSTAMP:20261018T120000Z');
    expect(text).toContain('X-PUBLISHED-TTL:PT1H');
    expect(
      shiftUid({ layer: 'secondary', memberId: TOM, start: at('2026-03-29T08:00:00.000Z') }),
    ).toBe(`ctac-secondary-${TOM}-20260329T080000Z@ctac`);
  });
});
