import type { TurnContext } from 'botbuilder';
import { partOfExercise, riskFormFrom } from '../../../src/bot/risks/form-data';
import { leadReminder } from '../../../src/bot/risks/risk-chase-messages';
import { sourceMessagesOf } from '../../../src/bot/risks/source-messages';
import type { RunningExerciseOf } from '../../../src/domain/decisions';
import {
  decideEscalation,
  isRealRisk,
  raiseRisk,
  riskExerciseTag,
  riskTitleOf,
} from '../../../src/domain/risk';
import { AT, lead, member, validRiskInput } from './fixtures';

/* Issue 21: a risk raised as part of a running exercise is tagged with it, and only then. */

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

describe('which exercise a risk belongs to', () => {
  test.each([
    {
      who: 'a participant, toggle on',
      personId: 'aad-alex',
      toggle: true,
      from: [],
      expected: 'EX0001',
    },
    {
      who: 'a participant, toggle off',
      personId: 'aad-alex',
      toggle: false,
      from: [],
      expected: undefined,
    },
    {
      who: 'the lead of both, toggle on (the newest)',
      personId: 'aad-lead',
      toggle: true,
      from: [],
      expected: 'EX0002',
    },
    {
      who: 'a participant (upper-case id), toggle on',
      personId: 'AAD-SAM',
      toggle: true,
      from: [],
      expected: 'EX0001',
    },
    {
      who: 'a non-participant, toggle on',
      personId: 'aad-other',
      toggle: true,
      from: [],
      expected: undefined,
    },
    {
      who: 'a participant in its alert card’s thread, toggle off',
      personId: 'aad-alex',
      toggle: false,
      from: ['EX0001'],
      expected: 'EX0001',
    },
    {
      who: 'the lead of both in the older one’s alert thread',
      personId: 'aad-lead',
      toggle: true,
      from: ['EX0001'],
      expected: 'EX0001',
    },
    {
      who: 'a non-participant in its alert card’s thread',
      personId: 'aad-other',
      toggle: false,
      from: ['EX0001'],
      expected: undefined,
    },
    {
      who: 'a participant in another exercise’s alert thread, toggle off',
      personId: 'aad-alex',
      toggle: false,
      from: ['EX0002'],
      expected: undefined,
    },
  ])('when raised by $who, then it is tagged $expected', ({ personId, toggle, from, expected }) => {
    expect(
      riskExerciseTag({
        running: [winter, spring],
        personId,
        fromExerciseAlerts: from,
        partOfExercise: toggle,
      })?.id,
    ).toBe(expected);
  });

  test('when no exercise runs (it has ended), then nothing is tagged', () => {
    expect(
      riskExerciseTag({
        running: [],
        personId: 'aad-alex',
        fromExerciseAlerts: ['EX0001'],
        partOfExercise: true,
      }),
    ).toBeUndefined();
  });
});

describe('an exercise risk', () => {
  const exercise = { id: 'EX0001', name: 'Winter ransomware' };
  const drill = raiseRisk(validRiskInput({ likelihood: 5, consequence: 5 }), {
    id: 'R-1',
    actor: member,
    at: AT,
    exercise,
  }).risk;

  test('when raised with a tag, then it carries it, is not a real risk and its title says EXERCISE; an untagged one is real', () => {
    expect(drill.exercise).toEqual(exercise);
    expect(isRealRisk(drill)).toBe(false);
    expect(riskTitleOf(drill)).toBe('EXERCISE: Unsupported PACS server');
    const real = raiseRisk(validRiskInput(), { id: 'R-2', actor: member, at: AT }).risk;
    expect(real).not.toHaveProperty('exercise');
    expect(isRealRisk(real)).toBe(true);
    expect(riskTitleOf(real)).toBe('Unsupported PACS server');
  });

  test('when a lead decides on it, then the decision is the exercise’s too', () => {
    const { decision } = decideEscalation(
      drill,
      { choice: 'treat', rationale: 'Part of the drill' },
      { actor: lead, at: AT, role: 'lead', decisionId: 'D-1' },
    );
    expect(decision.exercise).toEqual(exercise);
  });

  test('when the leads are reminded of it, then the reminder says EXERCISE; a real one does not', () => {
    const card = { type: 'AdaptiveCard' as const, version: '1.5', body: [] };
    const reminder = { riskId: 'R-1', kind: 'undecided' as const, dueAt: AT.toISOString() };
    const drillReminder = leadReminder(drill, reminder, card);
    expect(drillReminder.text).toMatch(/^EXERCISE \(Winter ransomware\): Reminder:/);
    expect(drillReminder.summary).toMatch(/^EXERCISE: /);
    const real = raiseRisk(validRiskInput({ likelihood: 5, consequence: 5 }), {
      id: 'R-2',
      actor: member,
      at: AT,
    }).risk;
    expect(leadReminder(real, { ...reminder, riskId: 'R-2' }, card).text).not.toContain('EXERCISE');
  });
});

describe('what the bot reads for the tag', () => {
  test('when the risk form’s toggle is sent, then only "true" is on', () => {
    expect(partOfExercise(riskFormFrom({ partOfExercise: 'true' }))).toBe(true);
    expect(partOfExercise(riskFormFrom({ partOfExercise: 'false' }))).toBe(false);
    expect(partOfExercise(riskFormFrom({}))).toBe(false);
  });

  test('when raised in a channel thread, then the thread’s first message is read from the activity', () => {
    const context = { activity: { conversation: { id: '19:a@thread.tacv2;messageid=17' } } };
    expect(sourceMessagesOf(context as unknown as TurnContext)).toEqual(['17']);
  });
});
