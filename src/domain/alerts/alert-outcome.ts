import type { Actor } from '../shared/actor';
import type { Alert } from './alert';
import type { AlertEvent, AlertEventDraft } from './timeline';

/** Why a state change was not made: expected outcomes the card or command shows, never a 500. */
export type AlertRefusalCode =
  | 'already_acknowledged'
  | 'already_resolved'
  | 'not_allowed'
  | 'note_required'
  | 'note_too_long'
  | 'snooze_not_in_future'
  | 'snooze_too_long'
  | 'not_snoozed'
  | 'not_due'
  | 'escalation_done'
  | 'no_escalation_steps';

/** A state change that happened: the new alert and the event appended to its timeline. */
export interface AlertChange {
  ok: true;
  alert: Alert;
  event: AlertEvent;
}

/** A state change that did not happen, with a plain-English message and the alert as it is. */
export interface AlertRefusal {
  ok: false;
  code: AlertRefusalCode;
  message: string;
  alert: Alert;
  /** For `already_acknowledged` / `already_resolved`: who did it and when (ISO 8601). */
  by?: Actor;
  at?: string;
}

export type AlertOutcome = AlertChange | AlertRefusal;

/** Builds a refusal. */
export const refuse = (
  alert: Alert,
  code: AlertRefusalCode,
  message: string,
  extra: Pick<AlertRefusal, 'by' | 'at'> = {},
): AlertRefusal => ({ ok: false, code, message, alert, ...extra });

/** Applies `patch` to the alert and appends the event, stamped with actor, source, time and seq. */
export function appendEvent(
  alert: Alert,
  patch: Partial<Alert>,
  draft: AlertEventDraft,
  actor: Actor,
  at: Date,
): AlertChange {
  const event = {
    ...draft,
    seq: alert.timeline.length,
    actor,
    source: actor.source,
    at: at.toISOString(),
  } as AlertEvent;
  const merged: Record<string, unknown> = {
    ...alert,
    ...patch,
    timeline: [...alert.timeline, event],
  };
  // A patch clears a field by setting it to undefined; drop the key so stored entities stay tidy.
  // (Key by key: quicker than building, filtering and joining a list of entries on every change.)
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(merged)) if (merged[key] !== undefined) next[key] = merged[key];
  return { ok: true, alert: next as unknown as Alert, event };
}
