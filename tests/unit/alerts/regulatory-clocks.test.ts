import { raiseAlert, type Alert } from '../../../src/domain/alerts';
import {
  clockLine,
  dueReminderMark,
  flagRegulatoryClock,
  hasRemindersLeft,
  recordRegulatoryReport,
  regulatoryClock,
  remindRegulatoryClock,
  ukLocalInstant,
} from '../../../src/domain/alerts/regulatory-clocks';
import type { Actor } from '../../../src/domain/shared/actor';
import { CtacError } from '../../../src/domain/shared/errors';

const asha: Actor = { id: 'asha', name: 'Asha Patel', source: 'teams' };
const job: Actor = { id: 'job:regulatory-clocks', name: 'regulatory-clocks', source: 'job' };
const H = 3_600_000;

const incident = (at: string): Alert =>
  raiseAlert(
    {
      source: 'incident',
      dedupKey: 'INC-7',
      title: 'Ransomware at RXC',
      severity: 'critical',
      organisations: ['RXC'],
    },
    { id: 'a1', actor: asha, at: new Date(at) },
  ).alert;

function flagged(at: string, kind: 'nis' | 'ico' = 'nis'): Alert {
  const outcome = flagRegulatoryClock(incident(at), kind, ['RXC'], asha, new Date(at));
  if (!('change' in outcome)) throw new Error('not flagged');
  return outcome.change.alert;
}

describe('reporting clocks: flag and due time', () => {
  test('when an alert is flagged, then the clock is due 72 hours later and the flag is on the timeline', () => {
    const alert = flagged('2026-12-02T09:00:00Z');
    const clock = regulatoryClock(alert, 'nis')!;
    expect(clock).toMatchObject({
      kind: 'nis',
      flaggedAt: '2026-12-02T09:00:00.000Z',
      dueAt: '2026-12-05T09:00:00.000Z',
      organisations: ['RXC'],
      reminded: [],
    });
    expect(alert.timeline.at(-1)).toMatchObject({
      kind: 'regulatory.flagged',
      seq: 1,
      clock: 'nis',
    });
    expect(clockLine(clock, new Date('2026-12-03T06:00:00Z'))).toBe(
      'NIS: 51 hours left (due 5 Dec 2026, 09:00)',
    );
    expect(clockLine(clock)).toBe('NIS: due 5 Dec 2026, 09:00');
  });

  test('when it is flagged again, then the first flag stands', () => {
    const alert = flagged('2026-12-02T09:00:00Z');
    const again = flagRegulatoryClock(
      alert,
      'nis',
      ['RXC'],
      asha,
      new Date('2026-12-02T10:00:00Z'),
    );
    expect(again).toEqual({ already: regulatoryClock(alert, 'nis') });
  });

  test('when the clocks go back during the 72 hours, then the deadline is 72 elapsed hours and shown in GMT', () => {
    // Saturday 24 Oct 2026, 12:00 BST; the clocks go back at 02:00 BST on Sunday 25 Oct.
    const alert = flagged('2026-10-24T11:00:00Z', 'ico');
    const clock = regulatoryClock(alert, 'ico')!;
    expect(clock.dueAt).toBe('2026-10-27T11:00:00.000Z');
    expect(clockLine(clock, new Date('2026-10-24T11:00:00Z'))).toBe(
      'Personal data breach (ICO): 72 hours left (due 27 Oct 2026, 11:00)',
    );
    // The 24-hour mark falls at 11:00 GMT on Sunday, 23 wall-clock hours after noon BST.
    expect(dueReminderMark(clock, new Date('2026-10-25T10:59:59Z'))).toBeUndefined();
    expect(dueReminderMark(clock, new Date('2026-10-25T11:00:00Z'))).toBe(24);
  });

  test('when the deadline has passed, then the line says how long it is overdue', () => {
    const clock = regulatoryClock(flagged('2026-12-02T09:00:00Z'), 'nis')!;
    expect(clockLine(clock, new Date('2026-12-05T12:30:00Z'))).toBe(
      'NIS: overdue by 3 hours (due 5 Dec 2026, 09:00)',
    );
    expect(clockLine(clock, new Date('2026-12-05T08:30:00Z'))).toBe(
      'NIS: less than an hour left (due 5 Dec 2026, 09:00)',
    );
  });
});

describe('reporting clocks: reminder marks', () => {
  test.each([
    [23.99, undefined],
    [24, 24],
    [47, 24],
    [48, 48],
    [60, 60],
    [70, 70],
    [80, 70],
  ])('when %s hours have passed and nothing was sent, then the mark due is %s', (hours, mark) => {
    const clock = regulatoryClock(flagged('2026-12-02T09:00:00Z'), 'nis')!;
    const now = new Date(Date.parse('2026-12-02T09:00:00Z') + hours * H);
    expect(dueReminderMark(clock, now)).toBe(mark);
  });

  test('when a mark was sent, then it is not due again, and the next is due at its time', () => {
    let alert = flagged('2026-12-02T09:00:00Z');
    const at24 = new Date('2026-12-03T09:00:00Z');
    alert = remindRegulatoryClock(alert, 'nis', 24, [], job, at24).alert;
    let clock = regulatoryClock(alert, 'nis')!;
    expect(clock.reminded).toEqual([24]);
    expect(dueReminderMark(clock, new Date('2026-12-04T08:59:00Z'))).toBeUndefined();
    expect(dueReminderMark(clock, new Date('2026-12-04T09:00:00Z'))).toBe(48);
    for (const mark of [48, 60, 70])
      alert = remindRegulatoryClock(alert, 'nis', mark, [], job, at24).alert;
    clock = regulatoryClock(alert, 'nis')!;
    expect(hasRemindersLeft(clock)).toBe(false);
    expect(dueReminderMark(clock, new Date('2026-12-09T09:00:00Z'))).toBeUndefined();
  });
});

describe('reporting clocks: the report stops the clock', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  test('when the report is recorded, then no reminder is due and the line says where it went', () => {
    const alert = flagged('2026-12-02T09:00:00Z');
    const { alert: reported, event } = recordRegulatoryReport(
      alert,
      'nis',
      { date: '03/12/2026', time: '10:15', reference: ' NCSC-2026-0042 ' },
      asha,
      now,
    );
    expect(event).toMatchObject({
      kind: 'regulatory.reported',
      reportedAt: '2026-12-03T10:15:00.000Z',
      reference: 'NCSC-2026-0042',
      actor: asha,
    });
    const clock = regulatoryClock(reported, 'nis')!;
    expect(dueReminderMark(clock, new Date('2026-12-05T00:00:00Z'))).toBeUndefined();
    expect(hasRemindersLeft(clock)).toBe(false);
    expect(clockLine(clock, now)).toBe(
      'NIS: reported to the competent authority at 3 Dec 2026, 10:15, reference NCSC-2026-0042.',
    );
  });

  test('when the report time is in UK summer time, then it is read as BST', () => {
    const alert = flagged('2026-07-01T08:00:00Z');
    const { event } = recordRegulatoryReport(
      alert,
      'nis',
      { date: '2026-07-01', time: '10:00', reference: 'R1' },
      asha,
      new Date('2026-07-01T12:00:00Z'),
    );
    expect(event.reportedAt).toBe('2026-07-01T09:00:00.000Z');
  });

  test.each([
    [
      { date: '2026-12-03', time: '13:00', reference: 'R' },
      'The time of the report cannot be in the future.',
    ],
    [
      { date: '2026-12-02', time: '08:59', reference: 'R' },
      'The report cannot be before the alert was flagged (2 Dec 2026, 09:00).',
    ],
    [
      { date: '2026-12-03', time: '10:00', reference: 'x'.repeat(101) },
      'The reference must be at most 100 characters.',
    ],
    [
      { date: '2026-12-03', time: '10:00', reference: '  ' },
      'Give the reference the authority gave the report.',
    ],
    [
      { date: '', time: '10:00', reference: 'R' },
      'Give the date and time of the report (UK time).',
    ],
    [
      { date: '2026-02-30', time: '10:00', reference: 'R' },
      'That date and time does not exist in the UK.',
    ],
  ])('when the form says %j, then it is refused: %s', (input, problem) => {
    const alert = flagged('2026-12-02T09:00:00Z');
    try {
      recordRegulatoryReport(alert, 'nis', input, asha, now);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(CtacError);
      expect((e as CtacError).problems).toEqual([problem]);
    }
  });

  test('when the clock was never flagged or is already reported, then a report is refused', () => {
    expect(() =>
      recordRegulatoryReport(
        incident('2026-12-02T09:00:00Z'),
        'ico',
        { date: '2026-12-03', time: '10:00', reference: 'R' },
        asha,
        now,
      ),
    ).toThrow(/not flagged/);
    const once = recordRegulatoryReport(
      flagged('2026-12-02T09:00:00Z'),
      'nis',
      { date: '2026-12-03', time: '10:00', reference: 'R' },
      asha,
      now,
    ).alert;
    expect(() =>
      recordRegulatoryReport(
        once,
        'nis',
        { date: '2026-12-03', time: '11:00', reference: 'S' },
        asha,
        now,
      ),
    ).toThrow(/already recorded/);
  });

  test('when the UK time does not exist (the clocks go forward), then it is refused', () => {
    expect(ukLocalInstant('2026-03-29', '01:30')).toBeUndefined();
    expect(ukLocalInstant('2026-03-29', '02:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(ukLocalInstant('29/3/2026', '9:05')?.toISOString()).toBe('2026-03-29T08:05:00.000Z');
    expect(ukLocalInstant('16/12/2026', '09:00')?.toISOString()).toBe('2026-12-16T09:00:00.000Z');
    expect(ukLocalInstant('31/02/2026', '09:00')).toBeUndefined();
  });
});
