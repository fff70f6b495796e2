import { acknowledge } from '../../../src/domain/alerts/acknowledge';
import { addNote } from '../../../src/domain/alerts/add-note';
import { raiseAlert, type Alert, type AlertState } from '../../../src/domain/alerts/alert';
import type { AlertOutcome, AlertRefusalCode } from '../../../src/domain/alerts/alert-outcome';
import { allowedActions, type AlertAction } from '../../../src/domain/alerts/allowed-actions';
import { recordPaged, recordPosted } from '../../../src/domain/alerts/delivery';
import { escalateNow } from '../../../src/domain/alerts/escalate';
import { defaultPolicies } from '../../../src/domain/alerts/escalation-policy';
import { resolve } from '../../../src/domain/alerts/resolve';
import { snooze, unsnoozeIfDue } from '../../../src/domain/alerts/snooze';
import { CtacError } from '../../../src/domain/shared/errors';
import {
  after,
  alex,
  changed,
  escalationJob,
  incidentIn,
  minutes,
  RAISED_AT,
  raised,
  sam,
  webhook,
} from './builders';

const T1 = after(minutes(1));
const T2 = after(minutes(2));

/** An alert brought into `state` by Alex one minute after it was raised. */
function inState(state: AlertState): Alert {
  const alert = raised();
  switch (state) {
    case 'triggered':
      return alert;
    case 'acknowledged':
      return changed(acknowledge(alert, alex, T1));
    case 'snoozed':
      return changed(snooze(alert, after(minutes(120)), alex, T1));
    case 'resolved':
      return changed(resolve(alert, 'Host rebuilt from backup.', alex, T1));
  }
}

const act: Record<AlertAction, (alert: Alert) => AlertOutcome> = {
  acknowledge: (a) => acknowledge(a, sam, T2),
  resolve: (a) => resolve(a, 'Fixed.', sam, T2),
  snooze: (a) => snooze(a, after(minutes(240)), sam, T2),
  escalate: (a) => escalateNow(a, defaultPolicies.high, sam, T2),
  note: (a) => addNote(a, 'Looking at it.', sam, T2),
};

type Expected = AlertState | AlertRefusalCode;

// What each action does from each state: the new state, or the refusal.
const table: [AlertState, AlertAction, Expected][] = [
  ['triggered', 'acknowledge', 'acknowledged'],
  ['triggered', 'resolve', 'resolved'],
  ['triggered', 'snooze', 'snoozed'],
  ['triggered', 'escalate', 'triggered'],
  ['triggered', 'note', 'triggered'],
  ['acknowledged', 'acknowledge', 'already_acknowledged'],
  ['acknowledged', 'resolve', 'resolved'],
  ['acknowledged', 'snooze', 'snoozed'],
  ['acknowledged', 'escalate', 'triggered'],
  ['acknowledged', 'note', 'acknowledged'],
  ['snoozed', 'acknowledge', 'acknowledged'],
  ['snoozed', 'resolve', 'resolved'],
  ['snoozed', 'snooze', 'snoozed'],
  ['snoozed', 'escalate', 'triggered'],
  ['snoozed', 'note', 'snoozed'],
  ['resolved', 'acknowledge', 'already_resolved'],
  ['resolved', 'resolve', 'already_resolved'],
  ['resolved', 'snooze', 'already_resolved'],
  ['resolved', 'escalate', 'already_resolved'],
  ['resolved', 'note', 'resolved'],
];

describe('alert state machine', () => {
  test.each(table)(
    'when the alert is %s and gets "%s", then the result is %s',
    (state, action, expected) => {
      const before = inState(state);
      const outcome = act[action](before);
      if (outcome.ok) {
        expect(outcome.alert.state).toBe(expected);
        expect(outcome.event).toMatchObject({ actor: sam, source: 'teams', at: T2.toISOString() });
        expect(outcome.event.seq).toBe(before.timeline.length);
        expect(outcome.alert.timeline).toEqual([...before.timeline, outcome.event]);
      } else {
        expect(outcome.code).toBe(expected);
        expect(outcome.alert).toBe(before);
        expect(outcome.message).not.toBe('');
      }
    },
  );

  test.each(table)(
    'when the alert is %s, then the %s button is shown exactly when the action is allowed',
    (state, action, expected) => {
      const allowed = allowedActions(inState(state)).includes(action);
      const refused = expected === 'already_acknowledged' || expected === 'already_resolved';
      expect(allowed).toBe(!refused);
    },
  );

  test('when a triggered alert is shown, then the buttons are in card order', () => {
    expect(allowedActions(raised())).toEqual([
      'acknowledge',
      'resolve',
      'snooze',
      'escalate',
      'note',
    ]);
  });

  test('when an alert is raised, then it is triggered with a raised event and the clock at raising', () => {
    const { alert, event } = raiseAlert(incidentIn({ title: '  Ransomware \n on  FS01 ' }), {
      id: 'alert-9',
      actor: webhook,
      at: RAISED_AT,
    });
    expect(alert).toMatchObject({
      id: 'alert-9',
      source: 'incident',
      dedupKey: 'MSP-1001',
      title: 'Ransomware on FS01',
      severity: 'high',
      severityRank: 'high',
      state: 'triggered',
      raisedAt: RAISED_AT.toISOString(),
      publishedAt: RAISED_AT.toISOString(),
      escalation: { stepsFired: 0, clockFrom: RAISED_AT.toISOString() },
      affectedProducts: [],
    });
    expect(event).toEqual({
      kind: 'raised',
      seq: 0,
      actor: webhook,
      source: 'api',
      at: RAISED_AT.toISOString(),
    });
    expect(alert.timeline).toEqual([event]);
  });

  test.each([
    [{ title: '   ' }, 'title: the alert needs a title.'],
    [
      { severity: 'High' as const },
      'severity: "High" is not a severity for incident alerts (critical, high, medium, low).',
    ],
    [{ url: 'http://msp.example.com' }, 'url: must be an https:// link.'],
    [{ cves: ['CVE-26-1'] }, 'cves: "CVE-26-1" is not a CVE id like CVE-2026-1234.'],
  ])(
    'when an incoming alert has %j, then raising it is refused with "%s"',
    (overrides, problem) => {
      let error: unknown;
      try {
        raised(overrides);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CtacError);
      expect((error as CtacError).problems).toEqual([problem]);
    },
  );
});

describe('acknowledging', () => {
  test('when someone acknowledges, then the alert records who and when', () => {
    const alert = changed(acknowledge(raised(), alex, T1));
    expect(alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: alex,
      acknowledgedAt: T1.toISOString(),
    });
  });

  test('when a second person acknowledges, then nothing changes and they see who did it and when, in UK time', () => {
    const first = changed(acknowledge(raised(), alex, T1));
    const second = acknowledge(first, sam, T2);
    expect(second).toEqual({
      ok: false,
      code: 'already_acknowledged',
      message: 'Already acknowledged by Alex Jones at 28 Nov 2026, 09:01.',
      alert: first,
      by: alex,
      at: T1.toISOString(),
    });
  });

  test('when the duplicate acknowledgement is in summer, then the time shown is British Summer Time', () => {
    const summer = new Date('2026-07-01T08:00:00Z');
    const first = changed(acknowledge(raised({}, summer), alex, summer));
    const second = acknowledge(first, sam, after(minutes(3), summer));
    expect(second.ok || second.message).toBe(
      'Already acknowledged by Alex Jones at 1 Jul 2026, 09:00.',
    );
  });

  test('when a resolved alert is acknowledged, then it says who resolved it and when', () => {
    const outcome = acknowledge(inState('resolved'), sam, T2);
    expect(outcome.ok || outcome.message).toBe(
      'Already resolved by Alex Jones at 28 Nov 2026, 09:01.',
    );
  });

  test('when a snoozed alert is acknowledged, then the snooze ends', () => {
    const alert = changed(acknowledge(inState('snoozed'), sam, T2));
    expect(alert.snoozedUntil).toBeUndefined();
    expect('snoozedUntil' in alert).toBe(false);
  });
});

describe('resolving and notes', () => {
  test.each([
    ['missing', undefined, 'note_required'],
    ['empty', '', 'note_required'],
    ['only white space', ' \n\t ', 'note_required'],
    ['2,001 characters long', 'x'.repeat(2001), 'note_too_long'],
  ])('when the resolution note is %s, then resolving is refused', (_label, note, code) => {
    const outcome = resolve(raised(), note as string | undefined, sam, T1);
    expect(outcome.ok ? 'resolved' : outcome.code).toBe(code);
  });

  test('when an alert is resolved with a note, then the note is kept tidy on the alert and the event', () => {
    const outcome = resolve(raised(), '  Patched FS01.\r\n\r\n\r\nClosed\u0007 ticket. ', sam, T1);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert).toMatchObject({
      state: 'resolved',
      resolvedBy: sam,
      resolvedAt: T1.toISOString(),
      resolutionNote: 'Patched FS01.\n\nClosed ticket.',
    });
    expect(outcome.event).toMatchObject({
      kind: 'resolved',
      note: 'Patched FS01.\n\nClosed ticket.',
    });
  });

  test('when an acknowledged alert is resolved, then the acknowledgement is kept for the record', () => {
    const alert = changed(resolve(inState('acknowledged'), 'Done.', sam, T2));
    expect(alert.acknowledgedBy).toEqual(alex);
  });

  test('when a note of exactly 2,000 characters is added, then it is accepted', () => {
    const outcome = addNote(raised(), 'y'.repeat(2000), sam, T1);
    expect(outcome.ok && outcome.event).toMatchObject({ kind: 'noted', note: 'y'.repeat(2000) });
  });

  test('when a blank note is added, then it is refused', () => {
    const outcome = addNote(raised(), '   ', sam, T1);
    expect(outcome.ok ? 'noted' : outcome.code).toBe('note_required');
  });
});

describe('snoozing', () => {
  test.each([
    ['now', 'snooze_not_in_future', 0],
    ['a minute ago', 'snooze_not_in_future', -minutes(1)],
    ['in a minute', 'snoozed', minutes(1)],
    ['in exactly 7 days', 'snoozed', 7 * 24 * minutes(60)],
    ['in 7 days and a second', 'snooze_too_long', 7 * 24 * minutes(60) + 1000],
  ])('when snoozed until %s, then the result is %s', (_label, expected, offset) => {
    const outcome = snooze(raised(), after(offset, T1), sam, T1);
    expect(outcome.ok ? outcome.alert.state : outcome.code).toBe(expected);
  });

  test('when snoozing across the spring clock change, then 7 days means the same UK clock time a week on', () => {
    const at = new Date('2026-03-25T12:00:00Z'); // 12:00 GMT
    const weekOn = new Date('2026-04-01T11:00:00Z'); // 12:00 BST, only 167 hours later
    expect(snooze(raised({}, at), weekOn, sam, at).ok).toBe(true);
    const tooLong = snooze(raised({}, at), after(1000, weekOn), sam, at);
    expect(tooLong.ok || tooLong.message).toBe(
      'An alert can be snoozed for at most 7 days, until 1 Apr 2026, 12:00.',
    );
  });

  test('when an acknowledged alert is snoozed, then it is no longer shown as acknowledged', () => {
    const outcome = snooze(inState('acknowledged'), after(minutes(60)), sam, T2);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert.acknowledgedBy).toBeUndefined();
    expect(outcome.alert.snoozedUntil).toBe(after(minutes(60)).toISOString());
    expect(outcome.event).toMatchObject({
      kind: 'snoozed',
      until: after(minutes(60)).toISOString(),
    });
  });

  test('when the snooze time has not come, then the alert stays asleep', () => {
    const outcome = unsnoozeIfDue(inState('snoozed'), after(minutes(119)), escalationJob);
    expect(outcome.ok || outcome.message).toBe('This alert is snoozed until 28 Nov 2026, 11:00.');
  });

  test('when the snooze time comes, then the alert is triggered again and escalation starts over', () => {
    const asleep = changed(escalateNow(raised(), defaultPolicies.high, sam, T1));
    const snoozed = changed(snooze(asleep, after(minutes(120)), sam, T1));
    const wake = after(minutes(120));
    const outcome = unsnoozeIfDue(snoozed, wake, escalationJob);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert.state).toBe('triggered');
    expect(outcome.alert.snoozedUntil).toBeUndefined();
    expect(outcome.alert.escalation).toEqual({ stepsFired: 0, clockFrom: wake.toISOString() });
    expect(outcome.event).toMatchObject({ kind: 'snoozed', until: null, source: 'job' });
  });

  test.each<AlertState>(['triggered', 'acknowledged', 'resolved'])(
    'when the alert is %s and the wake-up job runs, then it is refused as not snoozed',
    (state) => {
      const outcome = unsnoozeIfDue(inState(state), after(minutes(600)), escalationJob);
      expect(outcome.ok ? 'woken' : outcome.code).toBe('not_snoozed');
    },
  );
});

describe('escalate now', () => {
  test('when an acknowledged alert is escalated, then it is triggered again and the next step is paged', () => {
    const outcome = escalateNow(inState('acknowledged'), defaultPolicies.high, sam, T2);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.alert).toMatchObject({
      state: 'triggered',
      escalation: { stepsFired: 1, clockFrom: T2.toISOString() },
    });
    expect(outcome.alert.acknowledgedBy).toBeUndefined();
    expect(outcome.event).toMatchObject({
      kind: 'escalated',
      stepIndex: 0,
      round: 0,
      manual: true,
      targets: [{ kind: 'primary' }],
    });
  });

  test('when every step has fired, then escalate now pages the last step again', () => {
    const policy = { name: 'Two steps', steps: defaultPolicies.medium.steps, repeat: 0 };
    let alert = raised();
    for (let i = 0; i < 3; i += 1)
      alert = changed(escalateNow(alert, policy, sam, after(minutes(i + 1))));
    const events = alert.timeline.filter((e) => e.kind === 'escalated');
    expect(events.map((e) => e.kind === 'escalated' && [e.stepIndex, e.targets[0].kind])).toEqual([
      [0, 'primary'],
      [1, 'secondary'],
      [1, 'secondary'],
    ]);
  });

  test('when the policy has no steps, then escalate now says so', () => {
    const outcome = escalateNow(raised(), defaultPolicies.information, sam, T1);
    expect(outcome.ok || outcome.code).toBe('no_escalation_steps');
  });
});

describe('timeline', () => {
  test('when an alert goes through its life, then every change is a typed event in order with its source', () => {
    let alert = raised();
    alert = changed(
      recordPosted(
        alert,
        { conversationId: '19:abc@thread.tacv2', activityId: '1700000000000' },
        escalationJob,
        T1,
      ),
    );
    alert = changed(escalateNow(alert, defaultPolicies.high, escalationJob, T1));
    alert = changed(
      recordPaged(
        alert,
        { stepIndex: 0, recipients: [{ id: alex.id, name: alex.name }] },
        escalationJob,
        T1,
      ),
    );
    alert = changed(acknowledge(alert, alex, T2));
    alert = changed(addNote(alert, 'Isolated.', alex, T2));
    alert = changed(resolve(alert, 'Rebuilt.', { ...alex, source: 'tab' }, after(minutes(30))));

    expect(alert.timeline.map((e) => [e.seq, e.kind, e.source])).toEqual([
      [0, 'raised', 'api'],
      [1, 'posted', 'job'],
      [2, 'escalated', 'job'],
      [3, 'paged', 'job'],
      [4, 'acknowledged', 'tab'],
      [5, 'noted', 'tab'],
      [6, 'resolved', 'tab'],
    ]);
    expect(alert.channelPost).toEqual({
      conversationId: '19:abc@thread.tacv2',
      activityId: '1700000000000',
    });
  });
});
