import { acknowledge } from '../../../src/domain/alerts/acknowledge';
import type { Alert } from '../../../src/domain/alerts/alert';
import { escalateDue, escalateNow } from '../../../src/domain/alerts/escalate';
import {
  defaultPolicies,
  nextEscalation,
  normalisePolicy,
  policyFor,
  type EscalationPolicy,
} from '../../../src/domain/alerts/escalation-policy';
import { resolve } from '../../../src/domain/alerts/resolve';
import { SEVERITY_RANKS } from '../../../src/domain/alerts/severity';
import { snooze, unsnoozeIfDue } from '../../../src/domain/alerts/snooze';
import { FakeClock } from '../../../src/domain/shared/clock';
import { CtacError } from '../../../src/domain/shared/errors';
import { after, alex, changed, escalationJob, minutes, RAISED_AT, raised, sam } from './builders';

const threeSteps: EscalationPolicy = {
  name: 'Three steps',
  steps: [
    { delayMinutes: 0, targets: [{ kind: 'primary' }] },
    { delayMinutes: 5, targets: [{ kind: 'secondary' }] },
    { delayMinutes: 10, targets: [{ kind: 'leads' }, { kind: 'channel' }] },
  ],
  repeat: 1,
  repeatAfterMinutes: 15,
};

/** What the escalation job does: every minute, fire whatever is due, until `untilMinute`. */
function runTimer(
  start: Alert,
  policy: EscalationPolicy,
  untilMinute: number,
  during: (alert: Alert, minute: number) => Alert = (alert) => alert,
): { alert: Alert; fired: [minute: number, stepIndex: number, round: number][] } {
  const clock = new FakeClock(RAISED_AT);
  let alert = start;
  const fired: [number, number, number][] = [];
  for (let minute = 0; minute <= untilMinute; minute += 1) {
    alert = during(alert, minute);
    for (;;) {
      const outcome = escalateDue(alert, policy, clock.now(), escalationJob);
      if (!outcome.ok) break;
      alert = outcome.alert;
      if (outcome.event.kind === 'escalated')
        fired.push([minute, outcome.event.stepIndex, outcome.event.round]);
    }
    clock.advance(minutes(1));
  }
  return { alert, fired };
}

describe('escalation timing', () => {
  test('when nobody acknowledges, then each step fires after its delay and the repeat loops over the steps', () => {
    const { alert, fired } = runTimer(raised(), threeSteps, 180);
    expect(fired).toEqual([
      [0, 0, 0],
      [5, 1, 0],
      [15, 2, 0],
      [30, 0, 1],
      [35, 1, 1],
      [45, 2, 1],
    ]);
    expect(nextEscalation(threeSteps, alert, after(minutes(999)))).toBe('done');
  });

  test('when the policy has no repeat-after, then the first step comes round again after its own delay', () => {
    const { fired } = runTimer(raised(), { ...threeSteps, repeatAfterMinutes: undefined }, 60);
    expect(fired.map(([minute]) => minute)).toEqual([0, 5, 15, 15, 20, 30]);
  });

  test('when someone acknowledges after the second step, then nothing more fires', () => {
    const { alert, fired } = runTimer(raised(), threeSteps, 180, (a, minute) =>
      minute === 7 ? changed(acknowledge(a, alex, after(minutes(7)))) : a,
    );
    expect(fired).toEqual([
      [0, 0, 0],
      [5, 1, 0],
    ]);
    expect(nextEscalation(threeSteps, alert, after(minutes(180)))).toBe('done');
  });

  test('when the alert is snoozed and wakes, then escalation starts over from the first step', () => {
    const { fired } = runTimer(raised(), threeSteps, 100, (a, minute) => {
      if (minute === 6) return changed(snooze(a, after(minutes(60)), sam, after(minutes(6))));
      const woke = unsnoozeIfDue(a, after(minutes(minute)), escalationJob);
      return woke.ok ? woke.alert : a;
    });
    expect(fired).toEqual([
      [0, 0, 0],
      [5, 1, 0],
      [60, 0, 0],
      [65, 1, 0],
      [75, 2, 0],
      [90, 0, 1],
      [95, 1, 1],
    ]);
  });

  test('when someone presses escalate now, then the timer carries on from that step', () => {
    const { fired } = runTimer(raised(), threeSteps, 40, (a, minute) =>
      minute === 2 ? changed(escalateNow(a, threeSteps, sam, after(minutes(2)))) : a,
    );
    // 0: step 0 on its timer; 2: step 1 by hand (not listed: not fired by the timer); 12: step 2 due 10 after it.
    expect(fired).toEqual([
      [0, 0, 0],
      [12, 2, 0],
      [27, 0, 1],
      [32, 1, 1],
    ]);
  });

  test('when the next step is not due yet, then nextEscalation says when, and the timer refuses in UK time', () => {
    const first = changed(escalateDue(raised(), threeSteps, RAISED_AT, escalationJob));
    const next = nextEscalation(threeSteps, first, after(minutes(4)));
    expect(next).toEqual({
      dueAt: after(minutes(5)),
      stepIndex: 1,
      round: 0,
      targets: [{ kind: 'secondary' }],
      isDue: false,
    });
    const refused = escalateDue(first, threeSteps, after(minutes(4)), escalationJob);
    expect(refused.ok || [refused.code, refused.message]).toEqual([
      'not_due',
      'The next escalation step is due at 28 Nov 2026, 09:05.',
    ]);
    expect(nextEscalation(threeSteps, first, after(minutes(5)))).toMatchObject({ isDue: true });
  });

  test.each([
    ['acknowledged', (a: Alert) => changed(acknowledge(a, alex, RAISED_AT)), 'escalation_done'],
    [
      'snoozed',
      (a: Alert) => changed(snooze(a, after(minutes(30)), alex, RAISED_AT)),
      'escalation_done',
    ],
    ['resolved', (a: Alert) => changed(resolve(a, 'Done.', alex, RAISED_AT)), 'already_resolved'],
  ])(
    'when the alert is %s, then escalation is done and the timer fires nothing',
    (_state, make, code) => {
      const alert = make(raised());
      expect(nextEscalation(threeSteps, alert, after(minutes(60)))).toBe('done');
      const outcome = escalateDue(alert, threeSteps, after(minutes(60)), escalationJob);
      expect(outcome.ok || outcome.code).toBe(code);
    },
  );

  test('when the policy has no steps, then escalation is done at once', () => {
    expect(nextEscalation(defaultPolicies.information, raised(), RAISED_AT)).toBe('done');
  });

  test('when a Low alert is raised under the default policy, then nobody is paged at once, the primary after an hour', () => {
    expect(defaultPolicies.low.steps).toEqual([
      { delayMinutes: 60, targets: [{ kind: 'primary' }] },
    ]);
    expect(defaultPolicies.medium.steps[0]).toMatchObject({ delayMinutes: 0 });
  });

  test('when a step fires, then the event names its targets and the job as actor', () => {
    const outcome = escalateDue(raised(), defaultPolicies.critical, RAISED_AT, escalationJob);
    expect(outcome.ok && outcome.event).toMatchObject({
      kind: 'escalated',
      stepIndex: 0,
      round: 0,
      manual: false,
      targets: [{ kind: 'primary' }],
      source: 'job',
    });
  });
});

describe('escalation policies', () => {
  test.each(SEVERITY_RANKS)(
    'when the default %s policy is checked, then it is valid as it is',
    (rank) => {
      expect(normalisePolicy(defaultPolicies[rank])).toEqual(defaultPolicies[rank]);
    },
  );

  test('when admins have set a policy for a rank, then it is used, else the default', () => {
    expect(policyFor('high', { high: threeSteps })).toBe(threeSteps);
    expect(policyFor('low', { high: threeSteps })).toBe(defaultPolicies.low);
  });

  test('when an admin sends a policy, then it is tidied', () => {
    expect(
      normalisePolicy({
        name: '  Out of  hours ',
        steps: [
          {
            delayMinutes: 0,
            targets: [{ kind: 'member', memberId: ' ABC-123 ' }, { kind: 'leads' }],
            extra: 1,
          },
        ],
      }),
    ).toEqual({
      name: 'Out of hours',
      steps: [
        { delayMinutes: 0, targets: [{ kind: 'member', memberId: 'abc-123' }, { kind: 'leads' }] },
      ],
      repeat: 0,
    });
  });

  test('when everything in a policy is wrong, then every problem is listed', () => {
    let error: unknown;
    try {
      normalisePolicy({
        name: ' ',
        repeat: 9,
        repeatAfterMinutes: -1,
        steps: [
          { delayMinutes: 2.5, targets: [] },
          'page everyone',
          {
            delayMinutes: 1441,
            targets: [
              { kind: 'primary' },
              { kind: 'primary' },
              { kind: 'member' },
              { kind: 'boss' },
            ],
          },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CtacError);
    expect((error as CtacError).problems).toEqual([
      'Give the policy a name.',
      'Repeat must be a whole number from 0 to 5.',
      'Repeat after must be a whole number of minutes from 0 to 1,440 (24 hours).',
      'Step 1: the delay must be a whole number of minutes from 0 to 1,440 (24 hours).',
      'Step 1: choose at least one person or group to page.',
      'Step 2: is not a step.',
      'Step 3: the delay must be a whole number of minutes from 0 to 1,440 (24 hours).',
      'Step 3, target 2: is listed twice.',
      'Step 3, target 3: choose which member to page.',
      'Step 3, target 4: must be the primary, the secondary, a member, the leads or the channel.',
    ]);
  });

  test.each([
    ['not an object', 'on call', ['The policy is missing.']],
    ['without steps', { name: 'x' }, ['The policy needs a list of steps (it may be empty).']],
    [
      'with eleven steps',
      { name: 'x', steps: Array(11).fill({ delayMinutes: 1, targets: [{ kind: 'primary' }] }) },
      ['A policy can have at most 10 steps.'],
    ],
    [
      'repeating with no steps',
      { name: 'x', steps: [], repeat: 1 },
      ['A policy with no steps cannot repeat.'],
    ],
    [
      'repeating with no delay anywhere',
      { name: 'x', steps: [{ delayMinutes: 0, targets: [{ kind: 'primary' }] }], repeat: 2 },
      [
        'A policy that repeats needs a delay somewhere in its steps, or every repeat pages at once.',
      ],
    ],
  ])('when a policy is %s, then that is the problem', (_label, input, problems) => {
    expect(() => normalisePolicy(input)).toThrow(CtacError);
    try {
      normalisePolicy(input);
    } catch (e) {
      expect((e as CtacError).problems).toEqual(problems);
    }
  });

  test('when a repeating policy has a delay only in repeat-after, then it is valid', () => {
    const policy = normalisePolicy({
      name: 'x',
      steps: [{ delayMinutes: 0, targets: [{ kind: 'primary' }] }],
      repeat: 2,
      repeatAfterMinutes: 10,
    });
    expect(policy).toMatchObject({ repeat: 2, repeatAfterMinutes: 10 });
  });
});
