import type { Actor } from '../shared/actor';
import { formatUkDateTime } from '../shared/time';
import type { Alert } from './alert';
import { appendEvent, refuse, type AlertOutcome, type AlertRefusal } from './alert-outcome';
import { isAllowed, notAllowedMessage } from './allowed-actions';

/** "Already resolved by Sam Patel at 28 Nov 2026, 09:00." for an alert that is resolved. */
export function alreadyResolved(alert: Alert): AlertRefusal {
  const by = alert.resolvedBy;
  const at = alert.resolvedAt;
  const message =
    by && at
      ? `Already resolved by ${by.name} at ${formatUkDateTime(at)}.`
      : 'This alert is already resolved.';
  return refuse(alert, 'already_resolved', message, { by, at });
}

/**
 * The person takes the alert: escalation stops. A second acknowledgement (the other side of a race,
 * or a stale card) changes nothing and says who acknowledged and when, in UK time.
 */
export function acknowledge(alert: Alert, actor: Actor, at: Date): AlertOutcome {
  if (alert.state === 'acknowledged') {
    const by = alert.acknowledgedBy;
    const when = alert.acknowledgedAt;
    const message =
      by && when
        ? `Already acknowledged by ${by.name} at ${formatUkDateTime(when)}.`
        : 'This alert is already acknowledged.';
    return refuse(alert, 'already_acknowledged', message, { by, at: when });
  }
  if (alert.state === 'resolved') return alreadyResolved(alert);
  if (!isAllowed(alert, 'acknowledge'))
    return refuse(alert, 'not_allowed', notAllowedMessage(alert, 'acknowledge'));
  return appendEvent(
    alert,
    {
      state: 'acknowledged',
      acknowledgedBy: actor,
      acknowledgedAt: at.toISOString(),
      snoozedUntil: undefined,
    },
    { kind: 'acknowledged' },
    actor,
    at,
  );
}
