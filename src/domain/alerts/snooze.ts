import { DateTime } from 'luxon';
import type { Actor } from '../shared/actor';
import { formatUkDateTime, UK_ZONE } from '../shared/time';
import { alreadyResolved } from './acknowledge';
import type { Alert } from './alert';
import { appendEvent, refuse, type AlertOutcome } from './alert-outcome';
import { isAllowed, notAllowedMessage } from './allowed-actions';

/** The longest snooze, in UK calendar days (so "same time next week" works across a clock change). */
export const MAX_SNOOZE_DAYS = 7;

/** The latest time an alert snoozed at `at` may sleep until. */
export const latestSnooze = (at: Date): Date =>
  DateTime.fromJSDate(at, { zone: UK_ZONE }).plus({ days: MAX_SNOOZE_DAYS }).toJSDate();

/**
 * Puts the alert to sleep until `until` (in the future, at most 7 days ahead): escalation pauses.
 * Snoozing a snoozed alert changes the time.
 */
export function snooze(alert: Alert, until: Date, actor: Actor, at: Date): AlertOutcome {
  if (alert.state === 'resolved') return alreadyResolved(alert);
  if (!isAllowed(alert, 'snooze'))
    return refuse(alert, 'not_allowed', notAllowedMessage(alert, 'snooze'));
  if (Number.isNaN(until.getTime()) || until.getTime() <= at.getTime())
    return refuse(alert, 'snooze_not_in_future', 'Choose a time in the future to snooze until.');
  const latest = latestSnooze(at);
  if (until.getTime() > latest.getTime())
    return refuse(
      alert,
      'snooze_too_long',
      `An alert can be snoozed for at most ${MAX_SNOOZE_DAYS} days, until ${formatUkDateTime(latest)}.`,
    );
  const untilIso = until.toISOString();
  return appendEvent(
    alert,
    {
      state: 'snoozed',
      snoozedUntil: untilIso,
      acknowledgedBy: undefined,
      acknowledgedAt: undefined,
    },
    { kind: 'snoozed', until: untilIso },
    actor,
    at,
  );
}

/**
 * Wakes a snoozed alert whose time has come: it is triggered again and escalation starts over from
 * the first step, counted from now. Recorded as a `snoozed` event with `until: null`.
 */
export function unsnoozeIfDue(alert: Alert, now: Date, actor: Actor): AlertOutcome {
  if (alert.state !== 'snoozed' || !alert.snoozedUntil)
    return refuse(alert, 'not_snoozed', `This alert is ${alert.state}, not snoozed.`);
  if (now.getTime() < Date.parse(alert.snoozedUntil))
    return refuse(
      alert,
      'not_due',
      `This alert is snoozed until ${formatUkDateTime(alert.snoozedUntil)}.`,
    );
  return appendEvent(
    alert,
    {
      state: 'triggered',
      snoozedUntil: undefined,
      escalation: { stepsFired: 0, clockFrom: now.toISOString() },
    },
    { kind: 'snoozed', until: null },
    actor,
    now,
  );
}
