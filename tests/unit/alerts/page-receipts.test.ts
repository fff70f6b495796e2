import {
  nextReceiptCheckAt,
  PageReceipts,
  receiptOf,
  type PageReceipt,
  type PendingReceipt,
} from '../../../src/app/alerts/page-receipts';
import type { Alert } from '../../../src/domain/alerts/alert';
import { recordPaged } from '../../../src/domain/alerts/delivery';
import { escalateDue, escalateUnreachable } from '../../../src/domain/alerts/escalate';
import type { EscalationPolicy } from '../../../src/domain/alerts/escalation-policy';
import {
  deliveryLines,
  pagesOf,
  recordPageOutcome,
  recordPageQueued,
  recordPageReceipt,
  stepReach,
  unreachableStepText,
  type PageResult,
} from '../../../src/domain/alerts/page-delivery';
import type { PageChannel, PageKey, PageReceiptStatus } from '../../../src/domain/alerts/timeline';
import { FakeClock } from '../../../src/domain/shared/clock';
import { after, changed, escalationJob, minutes, RAISED_AT, raised } from './builders';

/*
 * Delivery receipts (issue 16): GOV.UK Notify's final status for a text or email it accepted. A failed
 * receipt makes the page failed on the card and for the step's reach; the checks back off and stop
 * after 72 hours.
 */

const ben = { id: 'aad-ben', name: 'Ben Cole' };

const twoSteps: EscalationPolicy = {
  name: 'Two steps',
  steps: [
    { delayMinutes: 0, targets: [{ kind: 'primary' }] },
    { delayMinutes: 15, targets: [{ kind: 'secondary' }] },
  ],
  repeat: 0,
};

const seconds = (n: number): number => n * 1000;
const hours = (n: number): number => n * 3_600_000;

/** Step 1 fired at 09:00 and paged Ben on Teams, with a text planned for 09:05. */
function pagedBen(): { alert: Alert; seq: number } {
  const fired = changed(escalateDue(raised(), twoSteps, RAISED_AT, escalationJob));
  const seq = fired.timeline.length - 1;
  const paged = recordPaged(
    fired,
    { stepIndex: 0, escalationSeq: seq, recipients: [{ ...ben, textAt: after(minutes(5)) }] },
    escalationJob,
    RAISED_AT,
  ).alert;
  return { alert: paged, seq };
}

const key = (seq: number, channel: PageChannel): PageKey => ({
  escalationSeq: seq,
  person: ben,
  channel,
});

const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a change');
  return value;
};

const outcome = (alert: Alert, page: PageKey, result: PageResult, at: Date): Alert =>
  must(recordPageOutcome(alert, page, result, escalationJob, at)).alert;

/** Ben's text queued and accepted by Notify at 09:05 (id n-1); his Teams page as `teams` says. */
function textAccepted(teams: PageResult | undefined): { alert: Alert; seq: number } {
  const { alert: paged, seq } = pagedBen();
  let alert = paged;
  if (teams) alert = outcome(alert, key(seq, 'teams'), teams, after(minutes(1)));
  alert = must(recordPageQueued(alert, key(seq, 'text'), escalationJob, after(minutes(5)))).alert;
  alert = outcome(
    alert,
    key(seq, 'text'),
    { kind: 'delivered', notifyId: 'n-1' },
    after(minutes(5)),
  );
  return { alert, seq };
}

const receipt = (alert: Alert, seq: number, status: PageReceiptStatus, at: Date): Alert =>
  must(recordPageReceipt(alert, key(seq, 'text'), status, escalationJob, at)).alert;

const teamsDelivered: PageResult = { kind: 'delivered' };
const teamsFailed: PageResult = { kind: 'failed', reason: 'not-found' };

describe('a receipt on the card and for the step', () => {
  test.each<{
    when: string;
    teams: PageResult | undefined;
    status: PageReceiptStatus;
    lines: string[];
    reach: string;
  }>([
    {
      when: 'Teams was delivered and the text is delivered',
      teams: teamsDelivered,
      status: 'delivered',
      lines: ['Paged Ben Cole: Teams 09:01, text 09:05'],
      reach: 'reached',
    },
    {
      when: 'Teams was delivered and the number does not exist',
      teams: teamsDelivered,
      status: 'permanent-failure',
      lines: ['Paged Ben Cole: Teams 09:01; text failed: the number or address does not exist'],
      reach: 'reached',
    },
    {
      when: 'Teams failed and the text is delivered',
      teams: teamsFailed,
      status: 'delivered',
      lines: ['Paged Ben Cole: text 09:05; Teams failed: Teams could not find their chat'],
      reach: 'reached',
    },
    {
      when: 'Teams failed and the number does not exist',
      teams: teamsFailed,
      status: 'permanent-failure',
      lines: [
        'Could not reach Ben Cole: Teams: Teams could not find their chat; text: the number or address does not exist',
      ],
      reach: 'unreachable',
    },
    {
      when: 'Teams failed and the phone stayed off',
      teams: teamsFailed,
      status: 'temporary-failure',
      lines: [
        'Could not reach Ben Cole: Teams: Teams could not find their chat; text: phone off or inbox full, not delivered',
      ],
      reach: 'unreachable',
    },
    {
      when: 'Teams failed and Notify could not deliver it',
      teams: teamsFailed,
      status: 'technical-failure',
      lines: [
        'Could not reach Ben Cole: Teams: Teams could not find their chat; text: GOV.UK Notify could not deliver it',
      ],
      reach: 'unreachable',
    },
    {
      when: 'Teams is still on its way and the text failed',
      teams: undefined,
      status: 'permanent-failure',
      lines: [
        'Paging Ben Cole: Teams queued 09:00; text failed: the number or address does not exist',
      ],
      reach: 'pending',
    },
  ])(
    'when $when, then the card and the step say so ($reach)',
    ({ teams, status, lines, reach }) => {
      const { alert: accepted, seq } = textAccepted(teams);
      const alert = receipt(accepted, seq, status, after(minutes(6)));
      expect(deliveryLines(alert.timeline)).toEqual(lines);
      expect(stepReach(alert, seq)).toBe(reach);
    },
  );

  test('when the text is accepted, then its Notify id is kept on the page and no receipt yet', () => {
    const { alert, seq } = textAccepted(teamsFailed);
    const text = pagesOf(alert.timeline).find((p) => p.key.channel === 'text');
    expect(text).toMatchObject({ notifyId: 'n-1', outcome: { kind: 'delivered' } });
    expect(text?.receipt).toBeUndefined();
    expect(stepReach(alert, seq)).toBe('reached');
  });

  test('when a text was the step’s only delivered page and its receipt fails, then the next step fires at once and the leads’ message gives the reason', () => {
    const { alert: accepted, seq } = textAccepted(teamsFailed);
    // At 09:05 the step was reached: step 2 is not due before 09:15.
    expect(escalateUnreachable(accepted, twoSteps, seq, escalationJob, after(minutes(6))).ok).toBe(
      false,
    );
    const failed = receipt(accepted, seq, 'permanent-failure', after(minutes(6)));
    const moved = escalateUnreachable(failed, twoSteps, seq, escalationJob, after(minutes(6)));
    expect(moved.ok).toBe(true);
    const last = moved.alert.timeline[moved.alert.timeline.length - 1];
    expect(last).toMatchObject({
      kind: 'escalated',
      stepIndex: 1,
      at: after(minutes(6)).toISOString(),
    });
    expect(unreachableStepText(moved.alert, seq, { stepIndex: 1 })).toBe(
      `Nobody could be reached for "${failed.title}" at step 1: Ben Cole (Teams: Teams could not find their chat; text: the number or address does not exist). Escalation has moved on to step 2.`,
    );
  });
});

describe('one receipt per page', () => {
  test('when the same receipt is reported twice, then the second changes nothing', () => {
    const { alert: accepted, seq } = textAccepted(teamsDelivered);
    const once = receipt(accepted, seq, 'permanent-failure', after(minutes(6)));
    expect(
      recordPageReceipt(once, key(seq, 'text'), 'delivered', escalationJob, after(minutes(7))),
    ).toBeUndefined();
    expect(once.timeline.filter((e) => e.kind === 'page.receipt')).toHaveLength(1);
  });

  test.each<{ when: string; build: (alert: Alert, seq: number) => Alert }>([
    { when: 'the text was never queued', build: (alert) => alert },
    {
      when: 'the text is queued but not yet accepted',
      build: (alert, seq) =>
        must(recordPageQueued(alert, key(seq, 'text'), escalationJob, after(minutes(5)))).alert,
    },
    {
      when: 'Notify refused the text',
      build: (alert, seq) =>
        outcome(
          must(recordPageQueued(alert, key(seq, 'text'), escalationJob, after(minutes(5)))).alert,
          key(seq, 'text'),
          { kind: 'failed', reason: 'invalid-number' },
          after(minutes(5)),
        ),
    },
  ])('when $when, then a receipt changes nothing', ({ build }) => {
    const { alert: paged, seq } = pagedBen();
    const alert = build(paged, seq);
    expect(
      recordPageReceipt(alert, key(seq, 'text'), 'delivered', escalationJob, after(minutes(6))),
    ).toBeUndefined();
  });
});

describe('when receipts are checked', () => {
  const accepted = new Date('2026-11-28T09:05:00Z');
  test.each<{ tries: number; from: number; next: number | undefined }>([
    { tries: 0, from: 0, next: seconds(30) },
    { tries: 1, from: seconds(30), next: seconds(90) },
    { tries: 2, from: seconds(90), next: seconds(90) + minutes(2) },
    { tries: 3, from: minutes(4), next: minutes(9) },
    { tries: 4, from: minutes(9), next: minutes(24) },
    { tries: 40, from: hours(10), next: hours(10) + minutes(15) },
    // Never past 72 hours after Notify accepted it, then no more.
    { tries: 300, from: hours(72) - minutes(5), next: hours(72) },
    { tries: 301, from: hours(72), next: undefined },
  ])(
    'after $tries checks, the last at +$from ms, the next is at +$next ms',
    ({ tries, from, next }) => {
      const at = nextReceiptCheckAt(accepted, tries, new Date(accepted.getTime() + from));
      expect(at?.getTime()).toBe(next === undefined ? undefined : accepted.getTime() + next);
    },
  );

  test.each<{ notify: string; means: string }>([
    { notify: 'delivered', means: 'delivered' },
    { notify: 'permanent-failure', means: 'permanent-failure' },
    { notify: 'temporary-failure', means: 'temporary-failure' },
    { notify: 'technical-failure', means: 'technical-failure' },
    { notify: 'sent', means: 'no-receipt' },
    { notify: 'created', means: 'pending' },
    { notify: 'sending', means: 'pending' },
    { notify: 'pending', means: 'pending' },
    { notify: 'something-new', means: 'pending' },
  ])('Notify’s status $notify means $means', ({ notify, means }) => {
    expect(receiptOf(notify)).toBe(means);
  });
});

describe('one check', () => {
  const clock = new FakeClock('2026-11-28T09:05:00Z');
  const pending: PendingReceipt = {
    alertId: 'A1',
    page: { escalationSeq: 1, person: ben, channel: 'text' },
    notifyId: 'n-1',
    acceptedAt: '2026-11-28T09:05:00.000Z',
    dueAt: '2026-11-28T09:05:30.000Z',
    tries: 0,
  };
  const world = (status: () => Promise<string>) => {
    const recorded: PageReceipt[] = [];
    const added: PendingReceipt[] = [];
    const receipts = new PageReceipts({
      store: { add: async (check) => void added.push(check) },
      sender: { status },
      record: async (r) => void recorded.push(r),
      clock,
    });
    return { receipts, recorded, added };
  };
  const at = (iso: string) => new Date(iso);

  test('when Notify accepts a message, then its first check is due 30 seconds later', async () => {
    const { receipts, added } = world(async () => 'sending');
    await receipts.expect('A1', pending.page, 'n-1', at('2026-11-28T09:05:00Z'));
    expect(added).toEqual([pending]);
  });

  test('when Notify is still sending, then nothing is recorded and the next check is a minute later', async () => {
    const { receipts, recorded } = world(async () => 'sending');
    const result = await receipts.check(pending, escalationJob, at('2026-11-28T09:05:30Z'));
    expect(result).toEqual({ done: false, next: at('2026-11-28T09:06:30Z') });
    expect(recorded).toEqual([]);
  });

  test('when Notify does not answer, then the check is made again later', async () => {
    const { receipts, recorded } = world(async () => {
      throw new Error('ECONNREFUSED');
    });
    const result = await receipts.check(pending, escalationJob, at('2026-11-28T09:05:30Z'));
    expect(result).toEqual({ done: false, next: at('2026-11-28T09:06:30Z') });
    expect(recorded).toEqual([]);
  });

  test('when Notify has a final status, then it is recorded and the check is done', async () => {
    const { receipts, recorded } = world(async () => 'permanent-failure');
    const result = await receipts.check(pending, escalationJob, at('2026-11-28T09:05:30Z'));
    expect(result).toEqual({ done: true });
    expect(recorded).toEqual([{ alertId: 'A1', page: pending.page, status: 'permanent-failure' }]);
  });

  test('when the text went abroad (no receipts there), then the check is done with nothing recorded', async () => {
    const { receipts, recorded } = world(async () => 'sent');
    expect(await receipts.check(pending, escalationJob, at('2026-11-28T09:05:30Z'))).toEqual({
      done: true,
    });
    expect(recorded).toEqual([]);
  });

  test('when 72 hours have passed with no final status, then the checks stop', async () => {
    const { receipts, recorded } = world(async () => 'sending');
    const result = await receipts.check(
      { ...pending, tries: 290 },
      escalationJob,
      at('2026-12-01T09:05:00Z'),
    );
    expect(result).toEqual({ done: true });
    expect(recorded).toEqual([]);
  });
});
