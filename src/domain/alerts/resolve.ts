import type { Actor } from '../shared/actor';
import { alreadyResolved } from './acknowledge';
import type { Alert } from './alert';
import { appendEvent, refuse, type AlertOutcome } from './alert-outcome';
import { isAllowed, notAllowedMessage } from './allowed-actions';
import { checkNote } from './note-text';

/** Closes the alert with a note saying what was done; any open state can be resolved. */
export function resolve(
  alert: Alert,
  note: string | undefined,
  actor: Actor,
  at: Date,
): AlertOutcome {
  if (alert.state === 'resolved') return alreadyResolved(alert);
  if (!isAllowed(alert, 'resolve'))
    return refuse(alert, 'not_allowed', notAllowedMessage(alert, 'resolve'));
  const checked = checkNote(note);
  if (!checked.ok) {
    const message =
      checked.code === 'note_required' ? 'Please say how the alert was resolved.' : checked.message;
    return refuse(alert, checked.code, message);
  }
  return appendEvent(
    alert,
    {
      state: 'resolved',
      resolvedBy: actor,
      resolvedAt: at.toISOString(),
      resolutionNote: checked.note,
      snoozedUntil: undefined,
    },
    { kind: 'resolved', note: checked.note },
    actor,
    at,
  );
}
