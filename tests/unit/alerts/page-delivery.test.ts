import { acknowledge } from '../../../src/domain/alerts/acknowledge';
import type { Alert } from '../../../src/domain/alerts/alert';
import { recordPaged } from '../../../src/domain/alerts/delivery';
import { escalateDue, escalateUnreachable } from '../../../src/domain/alerts/escalate';
import type { EscalationPolicy } from '../../../src/domain/alerts/escalation-policy';
import {
  deliveryLines,
  followUpsToSend,
  nextFollowUpAt,
  recordPageOutcome,
  recordPageQueued,
  stepReach,
  textFollowUpAt,
  unreachableStepText,
  type PageResult,
} from '../../../src/domain/alerts/page-delivery';
import type { PageChannel } from '../../../src/domain/alerts/timeline';
import { after, changed, escalationJob, minutes, RAISED_AT, raised, sam } from './builders';

const asha = { id: 'aad-asha', name: 'Asha Patel' };
const ben = { id: 'aad-ben', name: 'Ben Cole' };

const twoSteps: EscalationPolicy = {
  name: 'Two steps',
  steps: [
    { delayMinutes: 0, targets: [{ kind: 'primary' }] },
    { delayMinutes: 15, targets: [{ kind: 'secondary' }] },
  ],
  repeat: 0,
};

/** Step 1 fired at 09:00 (UK, GMT) and its Teams pages queued for `people`; answers the step's seq. */
function pagedStep(
  people: { id: string; name: string; textAt?: Date; emailCopy?: boolean }[],
  alert: Alert = raised(),
): { alert: Alert; seq: number } {
  const fired = changed(escalateDue(alert, twoSteps, RAISED_AT, escalationJob));
  const seq = fired.timeline.length - 1;
  const paged = recordPaged(
    fired,
    { stepIndex: 0, escalationSeq: seq, recipients: people },
    escalationJob,
    RAISED_AT,
  ).alert;
  return { alert: paged, seq };
}

const outcome = (
  alert: Alert,
  seq: number,
  person: { id: string; name: string },
  channel: PageChannel,
  result: PageResult,
  at: Date,
): Alert => {
  const change = recordPageOutcome(
    alert,
    { escalationSeq: seq, person, channel },
    result,
    escalationJob,
    at,
  );
  if (!change) throw new Error('expected the outcome to be recorded');
  return change.alert;
};

const delivered: PageResult = { kind: 'delivered' };
const failed = (reason: Extract<PageResult, { kind: 'failed' }>['reason']): PageResult => ({
  kind: 'failed',
  reason,
});

describe('the card’s delivery lines', () => {
  test.each<{ when: string; build: () => Alert; lines: string[] }>([
    {
      when: 'a Teams page is queued but not yet delivered',
      build: () => pagedStep([asha]).alert,
      lines: ['Paging Asha Patel: Teams queued 09:00'],
    },
    {
      when: 'Teams delivered at 09:03 and the text at 09:08',
      build: () => {
        const { alert, seq } = pagedStep([asha]);
        const teams = outcome(alert, seq, asha, 'teams', delivered, after(minutes(3)));
        const queued = recordPageQueued(
          teams,
          { escalationSeq: seq, person: asha, channel: 'text' },
          escalationJob,
          after(minutes(8)),
        )!.alert;
        return outcome(queued, seq, asha, 'text', delivered, after(minutes(8)));
      },
      lines: ['Paged Asha Patel: Teams 09:03, text 09:08'],
    },
    {
      when: 'Teams could not open a chat with someone not in the team',
      build: () => {
        const { alert, seq } = pagedStep([ben]);
        return outcome(alert, seq, ben, 'teams', failed('not-in-team'), after(minutes(1)));
      },
      lines: ['Could not reach Ben Cole: not in the team'],
    },
    {
      when: 'Teams delivered but Notify refused the number',
      build: () => {
        const { alert, seq } = pagedStep([asha]);
        const teams = outcome(alert, seq, asha, 'teams', delivered, after(minutes(1)));
        return outcome(teams, seq, asha, 'text', failed('invalid-number'), after(minutes(5)));
      },
      lines: ['Paged Asha Patel: Teams 09:01; text failed: invalid mobile number'],
    },
    {
      when: 'every channel failed for one person',
      build: () => {
        const { alert, seq } = pagedStep([ben]);
        const teams = outcome(alert, seq, ben, 'teams', failed('no-chat'), after(minutes(1)));
        return outcome(teams, seq, ben, 'email', failed('invalid-address'), after(minutes(1)));
      },
      lines: [
        'Could not reach Ben Cole: Teams: no chat with CTAC yet; email: invalid email address',
      ],
    },
    {
      when: 'one person was reached and another was not',
      build: () => {
        const { alert, seq } = pagedStep([asha, ben]);
        const a = outcome(alert, seq, asha, 'teams', delivered, after(minutes(2)));
        return outcome(a, seq, ben, 'teams', failed('not-found'), after(minutes(2)));
      },
      lines: [
        'Paged Asha Patel: Teams 09:02',
        'Could not reach Ben Cole: Teams could not find their chat',
      ],
    },
    {
      when: 'in British Summer Time',
      build: () => {
        const summer = raised({}, new Date('2026-07-01T08:00:00Z'));
        const fired = changed(
          escalateDue(summer, twoSteps, new Date('2026-07-01T08:00:00Z'), escalationJob),
        );
        const seq = fired.timeline.length - 1;
        const paged = recordPaged(
          fired,
          { stepIndex: 0, escalationSeq: seq, recipients: [asha] },
          escalationJob,
          new Date('2026-07-01T08:00:00Z'),
        ).alert;
        return outcome(paged, seq, asha, 'teams', delivered, new Date('2026-07-01T08:03:00Z'));
      },
      lines: ['Paged Asha Patel: Teams 09:03'],
    },
    {
      when: 'nobody was paged',
      build: () => raised(),
      lines: [],
    },
  ])('when $when', ({ build, lines }) => {
    expect(deliveryLines(build().timeline)).toEqual(lines);
  });

  test('when twelve people are paged, then the card summarises them in a line each for paged, paging and not reached', () => {
    const people = Array.from({ length: 12 }, (_, i) => ({
      id: `aad-${i + 1}`,
      name: `Person ${i + 1}`,
    }));
    const step = pagedStep(people);
    const seq = step.seq;
    let alert = step.alert;
    for (const p of people.slice(0, 9))
      alert = outcome(alert, seq, p, 'teams', delivered, after(minutes(1)));
    alert = outcome(alert, seq, people[9]!, 'teams', failed('not-in-team'), after(minutes(1)));
    expect(deliveryLines(alert.timeline)).toEqual([
      'Paged 9 people: Person 1, Person 2, Person 3, Person 4, Person 5, Person 6, Person 7, Person 8, Person 9',
      'Paging 2 people: Person 11, Person 12',
      'Could not reach 1 person: Person 10 (not in the team)',
    ]);
  });
});

describe('one outcome per page', () => {
  test('when Teams reports the same page twice, then the second report changes nothing', () => {
    const { alert, seq } = pagedStep([asha]);
    const once = outcome(alert, seq, asha, 'teams', delivered, after(minutes(1)));
    expect(
      recordPageOutcome(
        once,
        { escalationSeq: seq, person: asha, channel: 'teams' },
        failed('error'),
        escalationJob,
        after(minutes(2)),
      ),
    ).toBeUndefined();
  });

  test('when a text is already queued, then queueing it again changes nothing (one instance sends it)', () => {
    const { alert, seq } = pagedStep([asha]);
    const key = { escalationSeq: seq, person: asha, channel: 'text' as const };
    const queued = recordPageQueued(alert, key, escalationJob, after(minutes(5)))!.alert;
    expect(recordPageQueued(queued, key, escalationJob, after(minutes(5)))).toBeUndefined();
  });
});

describe('where a step stands, and moving on when nobody could be reached', () => {
  test.each<{
    when: string;
    results: [PageResult | undefined, PageResult | undefined];
    reach: string;
  }>([
    { when: 'nothing answered yet', results: [undefined, undefined], reach: 'pending' },
    { when: 'one delivered', results: [delivered, undefined], reach: 'reached' },
    {
      when: 'one failed, one still queued',
      results: [failed('not-found'), undefined],
      reach: 'pending',
    },
    {
      when: 'one failed, one delivered',
      results: [failed('not-found'), delivered],
      reach: 'reached',
    },
    {
      when: 'both failed',
      results: [failed('not-found'), failed('no-chat')],
      reach: 'unreachable',
    },
  ])('when $when, then the step is $reach', ({ results, reach }) => {
    const step = pagedStep([asha, ben]);
    const seq = step.seq;
    let alert = step.alert;
    [asha, ben].forEach((p, i) => {
      const r = results[i];
      if (r) alert = outcome(alert, seq, p, 'teams', r, after(minutes(1)));
    });
    expect(stepReach(alert, seq)).toBe(reach);
  });

  test('when a failure is reported before the step recorded its pages, then the step is still pending', () => {
    const fired = changed(escalateDue(raised(), twoSteps, RAISED_AT, escalationJob));
    const seq = fired.timeline.length - 1;
    const early = outcome(fired, seq, ben, 'teams', failed('not-found'), after(minutes(1)));
    expect(stepReach(early, seq)).toBe('pending');
  });

  test('when every page of step 1 failed, then step 2 fires at once, not 15 minutes later, and only once', () => {
    const { alert, seq } = pagedStep([ben]);
    const failedAll = outcome(alert, seq, ben, 'teams', failed('not-in-team'), after(minutes(1)));
    const moved = changed(
      escalateUnreachable(failedAll, twoSteps, seq, escalationJob, after(minutes(1))),
    );
    expect(moved.timeline.at(-1)).toMatchObject({ kind: 'escalated', stepIndex: 1, manual: false });
    // The same failures reported again: step 2 is the step fired last now.
    expect(escalateUnreachable(moved, twoSteps, seq, escalationJob, after(minutes(1))).ok).toBe(
      false,
    );
    expect(unreachableStepText(moved, seq, { stepIndex: 1 })).toBe(
      'Nobody could be reached for "Ransomware detected on a file server" at step 1: Ben Cole (not in the team). Escalation has moved on to step 2.',
    );
    // Told by another path (a step someone fired since), the leads hear it went on anyway.
    expect(unreachableStepText(moved, seq, undefined)).toMatch(
      /A later step has been paged since\.$/,
    );
    // Nothing left to fire.
    expect(unreachableStepText(failedAll, seq, undefined)).toMatch(
      /Every step has been paged: page someone directly\.$/,
    );
  });

  test('when someone was reached, then the escalation waits for the next step as usual', () => {
    const { alert, seq } = pagedStep([asha, ben]);
    const one = outcome(alert, seq, asha, 'teams', delivered, after(minutes(1)));
    const both = outcome(one, seq, ben, 'teams', failed('not-found'), after(minutes(1)));
    expect(escalateUnreachable(both, twoSteps, seq, escalationJob, after(minutes(1))).ok).toBe(
      false,
    );
  });
});

describe('when a text follows a Teams page', () => {
  const at = RAISED_AT;
  test.each<{
    when: string;
    facts: Parameters<typeof textFollowUpAt>[1];
    expected: Date | undefined;
  }>([
    {
      when: 'the default 5 minutes',
      facts: { textAfterMinutes: 5, hasMobile: true, textEnabled: true },
      expected: after(minutes(5)),
    },
    {
      when: 'they chose 10 minutes',
      facts: { textAfterMinutes: 10, hasMobile: true, textEnabled: true },
      expected: after(minutes(10)),
    },
    {
      when: 'they chose off',
      facts: { textAfterMinutes: 'off', hasMobile: true, textEnabled: true },
      expected: undefined,
    },
    {
      when: 'they have no mobile number',
      facts: { textAfterMinutes: 5, hasMobile: false, textEnabled: true },
      expected: undefined,
    },
    {
      when: 'GOV.UK Notify is not configured',
      facts: { textAfterMinutes: 5, hasMobile: true, textEnabled: false },
      expected: undefined,
    },
  ])('when $when', ({ facts, expected }) => {
    expect(textFollowUpAt(at, facts)).toEqual(expected);
  });

  test('when the time comes and nobody has acknowledged, then the text is due once', () => {
    const { alert, seq } = pagedStep([{ ...asha, textAt: after(minutes(5)) }]);
    expect(nextFollowUpAt(alert)).toEqual(after(minutes(5)));
    expect(followUpsToSend(alert, after(minutes(4)))).toEqual([]);
    expect(followUpsToSend(alert, after(minutes(5)))).toEqual([
      { escalationSeq: seq, person: asha, channel: 'text' },
    ]);
    const sent = recordPageQueued(
      alert,
      { escalationSeq: seq, person: asha, channel: 'text' },
      escalationJob,
      after(minutes(5)),
    )!.alert;
    expect(followUpsToSend(sent, after(minutes(6)))).toEqual([]);
    expect(nextFollowUpAt(sent)).toBeUndefined();
  });

  test('when someone asked for an email copy, then it is due at once, and the step waits for it before moving on', () => {
    const { alert, seq } = pagedStep([{ ...ben, emailCopy: true }]);
    expect(followUpsToSend(alert, RAISED_AT)).toEqual([
      { escalationSeq: seq, person: ben, channel: 'email' },
    ]);
    expect(nextFollowUpAt(alert)).toEqual(RAISED_AT);
    const teamsFailed = outcome(alert, seq, ben, 'teams', failed('not-in-team'), after(minutes(1)));
    expect(stepReach(teamsFailed, seq)).toBe('pending');
    const queued = recordPageQueued(
      teamsFailed,
      { escalationSeq: seq, person: ben, channel: 'email' },
      escalationJob,
      after(minutes(1)),
    )!.alert;
    const emailFailed = outcome(
      queued,
      seq,
      ben,
      'email',
      failed('invalid-address'),
      after(minutes(1)),
    );
    expect(stepReach(emailFailed, seq)).toBe('unreachable');
  });

  test('when a text is planned for later, then the step does not wait for it to move on', () => {
    const { alert, seq } = pagedStep([{ ...ben, textAt: after(minutes(5)) }]);
    const teamsFailed = outcome(alert, seq, ben, 'teams', failed('not-in-team'), after(minutes(1)));
    expect(stepReach(teamsFailed, seq)).toBe('unreachable');
    // The text still follows at its time.
    expect(followUpsToSend(teamsFailed, after(minutes(5)))).toEqual([
      { escalationSeq: seq, person: ben, channel: 'text' },
    ]);
  });

  test('when the alert is acknowledged first, then no text is due', () => {
    const { alert } = pagedStep([{ ...asha, textAt: after(minutes(5)) }]);
    const acked = changed(acknowledge(alert, sam, after(minutes(2))));
    expect(followUpsToSend(acked, after(minutes(5)))).toEqual([]);
    expect(nextFollowUpAt(acked)).toBeUndefined();
  });
});
