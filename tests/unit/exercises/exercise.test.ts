import { raiseAlert, mayBePaged } from '../../../src/domain/alerts';
import {
  alertReport,
  dueScenarioLines,
  exerciseReport,
  exerciseReportMarkdown,
  exerciseReminderDue,
  normaliseExerciseStart,
  parseScenario,
  type Exercise,
} from '../../../src/domain/exercises';
import {
  actionsToRemind,
  completeAction,
  needsReview,
  normaliseReview,
  type Review,
} from '../../../src/domain/reviews';

const at = new Date('2026-11-28T09:00:00Z');

describe('scenario', () => {
  test('when lines are well formed, then each is read with its line number', () => {
    expect(
      parseScenario('0 | High | Phishing\n\n15|critical|Ransomware | Files encrypted'),
    ).toEqual({
      lines: [
        { line: 1, minute: 0, severity: 'high', title: 'Phishing', description: '' },
        {
          line: 3,
          minute: 15,
          severity: 'critical',
          title: 'Ransomware',
          description: 'Files encrypted',
        },
      ],
      problems: [],
    });
  });

  test('when lines are wrong, then every problem is listed with its line and no line is kept', () => {
    const { lines, problems } = parseScenario('soon | urgent |\n5000 | low | X');
    expect(lines).toEqual([]);
    expect(problems).toEqual([
      'Scenario line 1: the minute must be a whole number from 0 to 1440.',
      'Scenario line 1: the severity must be one of critical, high, medium, low.',
      'Scenario line 1: the alert needs a title.',
      'Scenario line 2: the minute must be a whole number from 0 to 1440.',
    ]);
  });

  test('when the minute of a line comes, then it is due once, and none is due once the exercise ended', () => {
    const exercise: Exercise = {
      id: 'EX1',
      name: 'E',
      lead: { id: 'l', name: 'L' },
      participants: [],
      participantsOnly: false,
      scenario: parseScenario('0 | low | A\n10 | low | B').lines,
      injected: [1],
      startedAt: at.toISOString(),
    };
    expect(dueScenarioLines(exercise, new Date(at.getTime() + 9 * 60_000))).toEqual([]);
    expect(
      dueScenarioLines(exercise, new Date(at.getTime() + 10 * 60_000)).map((l) => l.line),
    ).toEqual([2]);
    expect(
      dueScenarioLines(
        { ...exercise, endedAt: at.toISOString() },
        new Date(at.getTime() + 60 * 60_000),
      ),
    ).toEqual([]);
  });
});

describe('starting', () => {
  test('when a participant is not a member and nothing else is right, then every problem is listed', () => {
    expect(() =>
      normaliseExerciseStart(
        { name: '', participantIds: ['stranger'], participantsOnly: true, scenario: 'x' },
        new Map([['alex', 'Alex Jones']]),
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'Name: the exercise needs a name.',
          'Participants: one of those chosen is not a CTAC member.',
          'Scenario line 1: the minute must be a whole number from 0 to 1440.',
          'Scenario line 1: the severity must be one of critical, high, medium, low.',
          'Scenario line 1: the alert needs a title.',
        ],
      }),
    );
  });
});

describe('exercise alerts', () => {
  const tag = { id: 'EX1', name: 'E', pageOnly: ['alex'] };
  const alert = raiseAlert(
    { source: 'incident', dedupKey: 'EXERCISE-EX1-1', title: 'Phishing', severity: 'high' },
    { id: 'A1', actor: { id: 'job:exercise', name: 'exercise', source: 'job' }, at, exercise: tag },
  ).alert;

  test('when an exercise raises an alert, then its title says EXERCISE and only its participants may be paged', () => {
    expect(alert.title).toBe('EXERCISE: Phishing');
    expect(mayBePaged(alert, 'ALEX')).toBe(true);
    expect(mayBePaged(alert, 'sam')).toBe(false);
    expect(mayBePaged({}, 'sam')).toBe(true);
  });

  test('when an alert was never acknowledged, then the report says so and lists nobody', () => {
    const report = alertReport(alert);
    expect(report.secondsToAcknowledge).toBeUndefined();
    expect(report.responders).toEqual([]);
  });
});

describe('the report document', () => {
  test('when a name holds Markdown, then the document shows it as text', () => {
    const exercise: Exercise = {
      id: 'EX1',
      name: '[click](https://evil.example) # now',
      lead: { id: 'l', name: '*Lee*' },
      participants: [],
      participantsOnly: false,
      scenario: [],
      injected: [],
      startedAt: at.toISOString(),
      outcome: 'Line one\n# not a heading',
    };
    const doc = exerciseReportMarkdown(exerciseReport(exercise, [], [], []));
    expect(doc).toContain('# Exercise report: \\[click\\](https://evil.example) \\# now');
    expect(doc).toContain('- Led by: \\*Lee\\*');
    expect(doc).toContain('- Outcome: Line one \\# not a heading');
  });
});

describe('the yearly reminder', () => {
  test('when 11 months have passed since the last exercise, then a reminder is due once for that gap', () => {
    const last = '2026-01-15T10:00:00Z';
    expect(
      exerciseReminderDue(last, '2025-01-01T00:00:00Z', undefined, new Date('2026-12-14T10:00:00Z'))
        .due,
    ).toBe(false);
    expect(
      exerciseReminderDue(
        last,
        '2025-01-01T00:00:00Z',
        undefined,
        new Date('2026-12-15T10:00:00Z'),
      ),
    ).toEqual({
      due: true,
      gapFrom: last,
    });
    expect(
      exerciseReminderDue(last, '2025-01-01T00:00:00Z', last, new Date('2027-03-01T10:00:00Z')).due,
    ).toBe(false);
  });
});

describe('reviews', () => {
  const members = [{ id: 'alex', name: 'Alex Jones' }];
  const findMember = (t: string) => members.find((m) => m.name.toLowerCase() === t.toLowerCase());

  test('when actions are typed, then owners are members and due dates UK dates, every problem listed', () => {
    expect(() =>
      normaliseReview(
        {
          whatHappened: '',
          wentWell: '',
          toImprove: '',
          actions: 'X | Nobody | 12/31/2026\n | Alex Jones | 01/01/2020',
        },
        { findMember, today: '2026-11-28' },
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'Say at least what happened, what went well or what to improve.',
          'Action 1: the owner must be a CTAC member, by name.',
          'Action 1: the due date must be a date such as 31/12/2026.',
          'Action 2: say what is to be done.',
          'Action 2: the due date is in the past.',
        ],
      }),
    );
  });

  test('when an action falls due, then it is to be reminded until reminded or done; only its owner or a lead marks it done', () => {
    const clean = normaliseReview(
      {
        whatHappened: 'x',
        wentWell: '',
        toImprove: '',
        actions: 'Test restores | alex jones | 30/11/2026',
      },
      { findMember, today: '2026-11-28' },
    );
    const review: Review = {
      subject: { kind: 'alert', id: 'A1', title: 'T' },
      ...clean,
      savedBy: { id: 'sam', name: 'Sam' },
      savedAt: at.toISOString(),
    };
    expect(actionsToRemind(review, '2026-11-29')).toEqual([]);
    expect(actionsToRemind(review, '2026-11-30').map((a) => a.id)).toEqual([1]);
    expect(() => completeAction(review, 1, { id: 'sam', name: 'Sam' }, false, at)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    const done = completeAction(review, 1, { id: 'lee', name: 'Lee' }, true, at);
    expect(done.changed).toBe(true);
    expect(actionsToRemind(done.review, '2026-12-30')).toEqual([]);
  });

  test('when an alert is critical or high, then resolving it asks for a review', () => {
    expect(
      ['critical', 'high', 'medium', 'low', 'information'].map((r) =>
        needsReview({ severityRank: r }),
      ),
    ).toEqual([true, true, false, false, false]);
  });
});
