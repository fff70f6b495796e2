import type { Actor } from '../shared/actor';
import { formatUkDateTime } from '../shared/time';
import { alreadyResolved } from './acknowledge';
import type { Alert } from './alert';
import { appendEvent, refuse, type AlertChange, type AlertOutcome } from './alert-outcome';
import { isAllowed, notAllowedMessage } from './allowed-actions';
import { nextEscalation, totalFirings, type EscalationPolicy } from './escalation-policy';
import { stepReach } from './page-delivery';

function fire(
  alert: Alert,
  policy: EscalationPolicy,
  stepIndex: number,
  round: number,
  manual: boolean,
  actor: Actor,
  at: Date,
): AlertChange {
  return appendEvent(
    alert,
    {
      state: 'triggered',
      acknowledgedBy: undefined,
      acknowledgedAt: undefined,
      snoozedUntil: undefined,
      escalation: { stepsFired: alert.escalation.stepsFired + 1, clockFrom: at.toISOString() },
    },
    { kind: 'escalated', stepIndex, round, targets: policy.steps[stepIndex].targets, manual },
    actor,
    at,
  );
}

/**
 * The escalation timer's move: fires the next step of the policy when it is due. The event's
 * targets say whom to page; record each page with `recordPaged`.
 */
export function escalateDue(
  alert: Alert,
  policy: EscalationPolicy,
  now: Date,
  actor: Actor,
): AlertOutcome {
  if (alert.state === 'resolved') return alreadyResolved(alert);
  const next = nextEscalation(policy, alert, now);
  if (next === 'done')
    return refuse(
      alert,
      'escalation_done',
      `Escalation has stopped: the alert is ${alert.state} or every step has been paged.`,
    );
  if (!next.isDue)
    return refuse(
      alert,
      'not_due',
      `The next escalation step is due at ${formatUkDateTime(next.dueAt)}.`,
    );
  return fire(alert, policy, next.stepIndex, next.round, false, actor, now);
}

/**
 * "Escalate now" from the card: fires the next step at once. An acknowledged or snoozed alert goes
 * back to triggered, since asking for help means it is not in hand. Once every step has fired, the
 * last step (the widest audience) is paged again.
 */
export function escalateNow(
  alert: Alert,
  policy: EscalationPolicy,
  actor: Actor,
  at: Date,
): AlertOutcome {
  if (alert.state === 'resolved') return alreadyResolved(alert);
  if (!isAllowed(alert, 'escalate'))
    return refuse(alert, 'not_allowed', notAllowedMessage(alert, 'escalate'));
  const count = policy.steps.length;
  if (count === 0)
    return refuse(
      alert,
      'no_escalation_steps',
      `The escalation policy "${policy.name}" pages nobody; page someone directly or change the policy.`,
    );
  const fired = alert.escalation.stepsFired;
  if (fired >= totalFirings(policy))
    return fire(alert, policy, count - 1, policy.repeat, true, actor, at);
  return fire(alert, policy, fired % count, Math.floor(fired / count), true, actor, at);
}

/**
 * Every page of a step failed: its next step fires at once rather than after its delay, so an
 * unreachable person costs no time. Only for the step fired last (`escalationSeq`, the seq of its
 * `escalated` event), while the alert is triggered and a step is left: a second report of the same
 * failures, or one after a later step fired, changes nothing.
 */
export function escalateUnreachable(
  alert: Alert,
  policy: EscalationPolicy,
  escalationSeq: number,
  actor: Actor,
  at: Date,
): AlertOutcome {
  if (alert.state === 'resolved') return alreadyResolved(alert);
  const last = alert.timeline.findLast((e) => e.kind === 'escalated');
  if (last?.seq !== escalationSeq || stepReach(alert, escalationSeq) !== 'unreachable')
    return refuse(alert, 'not_due', 'The step fired last has reached someone or is still paging.');
  const next = nextEscalation(policy, alert, at);
  if (next === 'done')
    return refuse(
      alert,
      'escalation_done',
      `Escalation has stopped: the alert is ${alert.state} or every step has been paged.`,
    );
  return fire(alert, policy, next.stepIndex, next.round, false, actor, at);
}
