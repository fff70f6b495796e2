import { readdirSync } from 'fs';
import { join } from 'path';
import { alertCard } from '../../src/cards/alerts';
import {
  exerciseFormCard,
  exerciseRegisterCard,
  exerciseReportCard,
  exerciseStartedCard,
} from '../../src/cards/exercise-views';
import { TEMPLATES_DIR } from '../../src/cards/render';
import { actionReminderCard, lessonsCard, reviewFormCard } from '../../src/cards/review-views';
import { raiseAlert } from '../../src/domain/alerts';
import {
  exerciseReport,
  exerciseReportMarkdown,
  parseScenario,
  type Exercise,
} from '../../src/domain/exercises';
import type { Review } from '../../src/domain/reviews';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const at = new Date('2026-11-28T09:00:00Z');
const api = { id: 'api', name: 'MSP', source: 'api' as const };
const exercise: Exercise = {
  id: 'EX1234AB',
  name: 'Winter ransomware',
  lead: { id: 'lee', name: 'Lee Evans' },
  participants: [{ id: 'alex', name: 'Alex Jones' }],
  participantsOnly: true,
  scenario: parseScenario('0 | critical | Ransomware on file servers\n15 | high | Phishing').lines,
  injected: [1],
  startedAt: at.toISOString(),
};
const drill = raiseAlert(
  {
    source: 'incident',
    dedupKey: 'EXERCISE-EX1234AB-1',
    title: 'Ransomware on file servers',
    severity: 'critical',
  },
  {
    id: 'A1',
    actor: api,
    at,
    exercise: { id: exercise.id, name: exercise.name, pageOnly: ['alex'] },
  },
).alert;
const real = raiseAlert(
  {
    source: 'incident',
    dedupKey: 'MSP-1',
    title: 'Ransomware on file servers',
    severity: 'critical',
  },
  { id: 'A2', actor: api, at },
).alert;
const header = (card: unknown) => (card as { body: { style?: string }[] }).body[0]!.style;

describe('exercise alert cards', () => {
  test('when an alert belongs to an exercise, then its card says EXERCISE in its title and a fact, in the accent colour', () => {
    const card = alertCard(drill);
    expect(cardText(card)).toContain('EXERCISE: Ransomware on file servers');
    expect(cardText(card)).toContain('Winter ransomware: not a real alert');
    expect(header(card)).toBe('accent');
    expect(validateCard(card)).toEqual([]);
  });

  test('when a real critical alert is shown, then it keeps the attention colour and says nothing of exercises', () => {
    const card = alertCard(real);
    expect(header(card)).toBe('attention');
    expect(cardText(card)).not.toContain('EXERCISE');
  });
});

const review: Review = {
  subject: { kind: 'alert', id: 'A2', title: 'Ransomware on file servers' },
  whatHappened: 'Encrypted',
  wentWell: 'Backups',
  toImprove: 'Isolate sooner',
  actions: [
    { id: 1, text: 'Test restores', owner: { id: 'alex', name: 'Alex Jones' }, due: '2026-12-01' },
  ],
  savedBy: { id: 'sam', name: 'Sam Patel' },
  savedAt: at.toISOString(),
};

describe('exercise and review cards', () => {
  const cards: Record<string, unknown> = {
    'start form': exerciseFormCard({
      mode: 'start',
      people: [{ id: 'alex', name: 'Alex Jones' }],
      values: { name: 'Winter' },
      problems: ['Participants: choose at least one person to take part.'],
    }),
    'inject form': exerciseFormCard({ mode: { inject: exercise }, values: { scenario: '' } }),
    started: exerciseStartedCard(exercise, 'EXERCISE started: Winter ransomware'),
    report: exerciseReportCard(
      exerciseReport({ ...exercise, endedAt: at.toISOString() }, [drill], [], []),
      {
        reviewButton: true,
      },
    ),
    register: exerciseRegisterCard([exercise]),
    'review form': reviewFormCard({ subject: review.subject, review }),
    reminder: actionReminderCard(review, review.actions[0]!),
    lessons: lessonsCard('backups', [
      {
        subject: review.subject,
        lessons: ['Went well: Backups'],
        whatHappened: 'x',
        savedAt: at.toISOString(),
        savedBy: 'Sam Patel',
        openActions: 1,
      },
    ]),
  };
  test.each(Object.keys(cards))('when the %s card is shown, then it is a valid card', (name) => {
    expect(validateCard(cards[name])).toEqual([]);
  });

  test('when the report is shown, then it gives the time to acknowledge and offers the review', () => {
    const text = cardText(cards['report']);
    expect(text).toContain('EXERCISE report: Winter ransomware');
    expect(text).toContain('Time to acknowledge: not acknowledged');
    expect(text).toContain('Review the exercise');
    expect(text).toContain('None raised during the exercise.');
  });

  test('when risks were raised as part of the exercise, then the report lists them under Risks raised', () => {
    const report = exerciseReport(
      { ...exercise, endedAt: at.toISOString() },
      [drill],
      [],
      [],
      [
        {
          id: 'R-9',
          title: 'Backups encrypted too',
          score: 25,
          status: 'Escalated to the ICS cyber group',
          by: 'Alex Jones',
          at: at.toISOString(),
        },
      ],
    );
    const card = exerciseReportCard(report, {});
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Risks raised');
    expect(text).toContain(
      'Alex Jones: R-9 Backups encrypted too (score 25, Escalated to the ICS cyber group)',
    );
    const doc = exerciseReportMarkdown(report);
    expect(doc).toContain('## Risks raised');
    expect(doc).toContain('Alex Jones: R-9 Backups encrypted too (score 25,');
  });

  test('when the reminder is shown, then it offers Mark done with the review and the action', () => {
    const card = cards['reminder'] as { actions: { data: Record<string, unknown> }[] };
    expect(card.actions[0]!.data).toEqual({
      verb: 'review.actionDone',
      kind: 'alert',
      id: 'A2',
      actionId: 1,
    });
  });

  test('when a template is in adaptiveCards/exercises or reviews, then it is covered here', () => {
    const names = ['exercises', 'reviews'].flatMap((d) => readdirSync(join(TEMPLATES_DIR, d)));
    expect(names.sort()).toEqual([
      'exercise-form.json',
      'exercise-sections.json',
      'review-form.json',
    ]);
  });
});
