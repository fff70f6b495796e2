import type { Alert, AlertState } from './alert';

/** A button on the alert card; also the `verb` of its Action.Execute. */
export type AlertAction = 'acknowledge' | 'resolve' | 'snooze' | 'escalate' | 'note';

const ALLOWED: Record<AlertState, readonly AlertAction[]> = {
  triggered: ['acknowledge', 'resolve', 'snooze', 'escalate', 'note'],
  // Escalating an acknowledged alert asks for more help: it goes back to triggered.
  acknowledged: ['resolve', 'snooze', 'escalate', 'note'],
  // Snoozing again changes the time.
  snoozed: ['acknowledge', 'resolve', 'snooze', 'escalate', 'note'],
  // Notes may still be added after the event, for the record.
  resolved: ['note'],
};

/** The actions the card offers for the alert's current state, in button order. */
export const allowedActions = (alert: Pick<Alert, 'state'>): readonly AlertAction[] =>
  ALLOWED[alert.state];

/** True when the action is allowed in the alert's current state. */
export const isAllowed = (alert: Pick<Alert, 'state'>, action: AlertAction): boolean =>
  ALLOWED[alert.state].includes(action);

const VERB: Record<AlertAction, string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  snooze: 'snoozed',
  escalate: 'escalated',
  note: 'given a note',
};

/** "This alert is resolved, so it can no longer be snoozed." */
export const notAllowedMessage = (alert: Pick<Alert, 'state'>, action: AlertAction): string =>
  `This alert is ${alert.state}, so it can no longer be ${VERB[action]}.`;
