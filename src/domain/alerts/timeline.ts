import type { Actor, EventSource } from '../shared/actor';
import type { EscalationTarget } from './escalation-policy';
import type { AlertSeverity } from './severity';

/** Every kind of entry an alert's timeline can hold. */
export type AlertEventKind =
  | 'raised'
  | 'posted'
  | 'paged'
  | 'acknowledged'
  | 'escalated'
  | 'snoozed'
  | 'noted'
  | 'updated'
  | 'resolved';

/** What every timeline entry records: who, from where, when, and its position in the timeline. */
export interface AlertEventBase {
  /** 0 for `raised`, then 1, 2, ...: stable, so it can be part of a storage key. */
  seq: number;
  actor: Actor;
  /** Where the change came from; the same as `actor.source`, kept on the event for the audit log. */
  source: EventSource;
  /** ISO 8601 instant. */
  at: string;
}

/** The alert arrived (webhook, NHS poller or chat). */
export interface RaisedEvent extends AlertEventBase {
  kind: 'raised';
}

/** The alert's card was posted to the channel, on its own or inside a storm digest. */
export interface PostedEvent extends AlertEventBase {
  kind: 'posted';
  conversationId: string;
  activityId: string;
  digest: boolean;
}

/** One or more people were sent the card 1:1. */
export interface PagedEvent extends AlertEventBase {
  kind: 'paged';
  /** The escalation step that caused the page. */
  stepIndex: number;
  recipients: { id: string; name: string }[];
}

export interface AcknowledgedEvent extends AlertEventBase {
  kind: 'acknowledged';
}

/** An escalation step fired, on its timer (`manual: false`) or because someone pressed "Escalate now". */
export interface EscalatedEvent extends AlertEventBase {
  kind: 'escalated';
  stepIndex: number;
  /** 0 for the first pass over the policy's steps, 1 for the first repeat, ... */
  round: number;
  targets: EscalationTarget[];
  manual: boolean;
}

/**
 * The alert was snoozed until `until`; `until: null` records that the snooze ended (the time came)
 * and the alert is triggered again.
 */
export interface SnoozedEvent extends AlertEventBase {
  kind: 'snoozed';
  until: string | null;
}

export interface NotedEvent extends AlertEventBase {
  kind: 'noted';
  note: string;
}

/** A field of an alert whose content the sender can change. */
export type AlertContentField =
  | 'title'
  | 'severity'
  | 'summary'
  | 'url'
  | 'cves'
  | 'affectedProducts'
  | 'organisations'
  | 'remediation';

/** The sender changed the content; the card is updated in place. */
export interface UpdatedEvent extends AlertEventBase {
  kind: 'updated';
  changes: AlertContentField[];
  /** Set when the severity changed, so the card and the escalation policy can follow it. */
  severityBefore?: AlertSeverity;
}

export interface ResolvedEvent extends AlertEventBase {
  kind: 'resolved';
  note: string;
}

/** One entry of an alert's timeline; `kind` tells which. */
export type AlertEvent =
  | RaisedEvent
  | PostedEvent
  | PagedEvent
  | AcknowledgedEvent
  | EscalatedEvent
  | SnoozedEvent
  | NotedEvent
  | UpdatedEvent
  | ResolvedEvent;

/** Distributive Omit, so each member of the union keeps its own fields. */
export type AlertEventDraft = AlertEvent extends infer E
  ? E extends AlertEvent
    ? Omit<E, 'seq' | 'actor' | 'source' | 'at'>
    : never
  : never;
