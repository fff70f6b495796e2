import type { Actor } from '../shared/actor';
import type { Alert } from './alert';
import { appendEvent, refuse, type AlertOutcome } from './alert-outcome';
import { isAllowed, notAllowedMessage } from './allowed-actions';
import { checkNote } from './note-text';

/** Adds a note to the timeline; allowed in every state, resolved included. */
export function addNote(
  alert: Alert,
  note: string | undefined,
  actor: Actor,
  at: Date,
): AlertOutcome {
  if (!isAllowed(alert, 'note'))
    return refuse(alert, 'not_allowed', notAllowedMessage(alert, 'note'));
  const checked = checkNote(note);
  if (!checked.ok) return refuse(alert, checked.code, checked.message);
  return appendEvent(alert, {}, { kind: 'noted', note: checked.note }, actor, at);
}
