import { decisionFormCard, decisionLoggedCard } from '../../../src/cards/decision-views';
import { decisionFormFrom, partOfExercise } from '../../../src/bot/risks/form-data';
import { sourceMessagesOf } from '../../../src/bot/risks/source-messages';
import {
  decisionExerciseTag,
  exerciseOfferedTo,
  isRealDecision,
  logDecision,
  supersede,
  type RunningExerciseOf,
} from '../../../src/domain/decisions';
import type { TurnContext } from 'botbuilder';
import { AT, member } from './fixtures';

/* Issue 21: a decision logged as part of a running exercise is tagged with it, and only then. */

const winter: RunningExerciseOf = {
  id: 'EX0001',
  name: 'Winter ransomware',
  startedAt: '2026-11-28T08:00:00.000Z',
  lead: { id: 'aad-lead' },
  participants: [{ id: 'aad-alex' }, { id: 'aad-sam' }],
};
const spring: RunningExerciseOf = {
  id: 'EX0002',
  name: 'Spring outage',
  startedAt: '2026-11-28T08:30:00.000Z',
  lead: { id: 'aad-lead' },
  participants: [{ id: 'aad-kim' }],
};

describe('which exercise a decision belongs to', () => {
  test.each([
    {
      who: 'a participant with the toggle on',
      personId: 'aad-alex',
      toggle: true,
      from: [],
      expected: 'EX0001',
    },
    {
      who: 'a participant with the toggle off',
      personId: 'aad-alex',
      toggle: false,
      from: [],
      expected: undefined,
    },
    {
      who: 'the lead of both with the toggle on (the newest)',
      personId: 'aad-lead',
      toggle: true,
      from: [],
      expected: 'EX0002',
    },
    {
      who: 'a participant (upper-case id) with the toggle on',
      personId: 'AAD-SAM',
      toggle: true,
      from: [],
      expected: 'EX0001',
    },
    {
      who: 'a non-participant with the toggle on',
      personId: 'aad-other',
      toggle: true,
      from: [],
      expected: undefined,
    },
    {
      who: 'a participant from the exercise alert, toggle off',
      personId: 'aad-alex',
      toggle: false,
      from: ['EX0001'],
      expected: 'EX0001',
    },
    {
      who: 'a non-participant from the exercise alert',
      personId: 'aad-other',
      toggle: false,
      from: ['EX0001'],
      expected: undefined,
    },
    {
      who: 'a participant from another exercise’s alert',
      personId: 'aad-alex',
      toggle: false,
      from: ['EX0002'],
      expected: undefined,
    },
    {
      who: 'the lead from the older exercise’s alert',
      personId: 'aad-lead',
      toggle: true,
      from: ['EX0001'],
      expected: 'EX0001',
    },
    {
      who: 'a participant from an alert of no running exercise',
      personId: 'aad-alex',
      toggle: false,
      from: ['EX0099'],
      expected: undefined,
    },
  ] as { who: string; personId: string; toggle: boolean; from: string[]; expected?: string }[])(
    'when $who logs, then the decision is tagged with $expected',
    ({ personId, toggle, from, expected }) => {
      const tag = decisionExerciseTag({
        running: [winter, spring],
        personId,
        partOfExercise: toggle,
        fromExerciseAlerts: from,
      });
      expect(tag?.id).toBe(expected);
      if (expected) expect(tag?.name).toBe(expected === 'EX0001' ? winter.name : spring.name);
    },
  );

  test('when no exercise runs, then nothing is tagged and no toggle is offered', () => {
    expect(
      decisionExerciseTag({ running: [], personId: 'aad-alex', partOfExercise: true }),
    ).toBeUndefined();
    expect(exerciseOfferedTo([], 'aad-alex')).toBeUndefined();
    expect(exerciseOfferedTo([winter], 'aad-other')).toBeUndefined();
    expect(exerciseOfferedTo([winter], 'aad-alex')).toEqual({
      id: 'EX0001',
      name: 'Winter ransomware',
    });
  });
});

describe('an exercise decision', () => {
  const input = {
    text: 'Isolate the file servers',
    rationale: 'Scripted ransomware',
    decidedBy: 'forum',
    outcome: 'approved',
  };
  const tagged = logDecision(input, {
    id: 'D-1',
    actor: member,
    at: AT,
    exercise: { id: 'EX0001', name: 'Winter ransomware' },
  });

  test('when logged with a tag, then it carries it and is not a real decision; an untagged one is', () => {
    expect(tagged.exercise).toEqual({ id: 'EX0001', name: 'Winter ransomware' });
    expect(isRealDecision(tagged)).toBe(false);
    const real = logDecision(input, { id: 'D-2', actor: member, at: AT });
    expect(real).not.toHaveProperty('exercise');
    expect(isRealDecision(real)).toBe(true);
  });

  test('when it is corrected, then the correction stays the exercise’s', () => {
    const fixed = supersede(tagged, { id: 'D-3', text: 'Isolate two servers' }, member, AT);
    expect(fixed.exercise).toEqual(tagged.exercise);
  });

  test('when it is confirmed, then the card says EXERCISE', () => {
    const card = JSON.stringify(decisionLoggedCard(tagged, {}));
    expect(card).toContain('EXERCISE: Decision D-1 logged');
    expect(card).toContain('Part of the exercise Winter ransomware: not in the decision register');
    const real = logDecision(input, { id: 'D-2', actor: member, at: AT });
    expect(JSON.stringify(decisionLoggedCard(real, {}))).not.toContain('EXERCISE');
  });
});

describe('the decision form', () => {
  const toggleOf = (card: object) =>
    JSON.stringify(card).match(/"type":"Input\.Toggle","id":"partOfExercise"[^}]*}/)?.[0];

  test('when the person takes part in a running exercise, then the form offers the toggle, on by default; a correction and everyone else get none', () => {
    const base = { organisations: [], risks: [] };
    const offered = toggleOf(
      decisionFormCard({ ...base, exercise: { name: 'Winter ransomware' } }),
    );
    expect(offered).toContain('"title":"Part of the exercise Winter ransomware"');
    expect(offered).toContain('"value":"true"');
    const off = decisionFormCard({
      ...base,
      exercise: { name: 'Winter ransomware' },
      values: { partOfExercise: 'false' },
    });
    expect(toggleOf(off)).toContain('"value":"false"');
    expect(toggleOf(decisionFormCard(base))).toBeUndefined();
    expect(
      toggleOf(decisionFormCard({ ...base, exercise: { name: 'X' }, supersedes: 'D-1' })),
    ).toBeUndefined();
  });
});

describe('what the bot reads for the tag', () => {
  test('when the toggle is sent, then only "true" is on', () => {
    expect(partOfExercise(decisionFormFrom({ partOfExercise: 'true' }))).toBe(true);
    expect(partOfExercise(decisionFormFrom({ partOfExercise: 'false' }))).toBe(false);
    expect(partOfExercise(decisionFormFrom({}))).toBe(false);
    expect(partOfExercise(decisionFormFrom({ partOfExercise: true }))).toBe(false);
  });

  test('when logged in a channel thread or on a message, then the thread’s first message and that message are read from the activity', () => {
    const context = (id: string) =>
      ({ activity: { conversation: { id } } }) as unknown as TurnContext;
    expect(sourceMessagesOf(context('19:abc@thread.tacv2;messageid=1764320400000'))).toEqual([
      '1764320400000',
    ]);
    expect(sourceMessagesOf(context('19:abc@thread.tacv2'), '1764320500000')).toEqual([
      '1764320500000',
    ]);
    expect(sourceMessagesOf(context('a:personal'))).toEqual([]);
  });
});
