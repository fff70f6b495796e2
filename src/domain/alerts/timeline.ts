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
  | 'resolved'
  | 'page.queued'
  | 'page.delivered'
  | 'page.failed'
  | 'page.receipt'
  | 'runbook.step'
  | 'regulatory.flagged'
  | 'regulatory.reminded'
  | 'regulatory.reported';

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
  /** The `seq` of that step's `escalated` event (absent on pages recorded before delivery was tracked). */
  escalationSeq?: number;
  /**
   * Each person's Teams page, queued, and what follows per their preferences: `textAt` (ISO 8601), when
   * a text follows if the alert is still unacknowledged (absent: no text); `emailCopy`, an email copy
   * at once. The escalation job sends both (page-delivery.ts).
   */
  recipients: { id: string; name: string; textAt?: string; emailCopy?: true }[];
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
  | 'remediation'
  | 'publishedAt';

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

/** How a page reaches a person. */
export type PageChannel = 'teams' | 'text' | 'email';

/**
 * Why a page was not delivered: Teams' answers (not found, forbidden, throttled past its retries), what
 * CTAC knew before sending (not in the team, no chat), GOV.UK Notify's (invalid number or address,
 * forbidden, throttled), a text or email CTAC could no longer send (`not-set-up`: no number or address, or
 * no GOV.UK Notify), a failed delivery receipt from GOV.UK Notify (its own status names:
 * `permanent-failure`, `temporary-failure`, `technical-failure`), or anything else.
 */
export type PageFailureReason =
  | 'not-found'
  | 'forbidden'
  | 'throttled'
  | 'invalid-number'
  | 'invalid-address'
  | 'not-in-team'
  | 'no-chat'
  | 'not-set-up'
  | 'permanent-failure'
  | 'temporary-failure'
  | 'technical-failure'
  | 'error';

/**
 * What names one page: the escalation step's firing that caused it (the `seq` of its `escalated`
 * event), the person and the channel. Each page is queued once and has at most one outcome.
 */
export interface PageKey {
  escalationSeq: number;
  person: { id: string; name: string };
  channel: PageChannel;
}

/**
 * A text or email page is being handed to GOV.UK Notify: recorded before it is sent, so it is sent once.
 * (A Teams page is queued by the step's `paged` event.)
 */
export interface PageQueuedEvent extends AlertEventBase, PageKey {
  kind: 'page.queued';
}

/** Teams or GOV.UK Notify accepted the page. */
export interface PageDeliveredEvent extends AlertEventBase, PageKey {
  kind: 'page.delivered';
  /** GOV.UK Notify's id for an accepted text or email: its delivery receipt is asked for by this id. */
  notifyId?: string;
}

/** The page could not be delivered, and why. */
export interface PageFailedEvent extends AlertEventBase, PageKey {
  kind: 'page.failed';
  reason: PageFailureReason;
}

/** GOV.UK Notify's final status for a text or email it accepted (its delivery receipt). */
export type PageReceiptStatus =
  'delivered' | 'permanent-failure' | 'temporary-failure' | 'technical-failure';

/**
 * GOV.UK Notify's final word on a text or email it had accepted: delivered, or not (then the page
 * counts as failed, for the card and for the step's reach). At most one per page.
 */
export interface PageReceiptEvent extends AlertEventBase, PageKey {
  kind: 'page.receipt';
  status: PageReceiptStatus;
}

/**
 * A person ticked a step of the alert's runbook (a version of a CTAC operating procedure): the version is
 * recorded, so the tick names the step as the card showed it even after the procedure is edited.
 */
export interface RunbookStepEvent extends AlertEventBase {
  kind: 'runbook.step';
  procedureId: string;
  procedureName: string;
  version: number;
  /** 1-based, as the checklist numbers it. */
  step: number;
  stepTitle: string;
}

/** The 72-hour reporting clocks (regulatory-clocks.ts): NIS, and a personal data breach (the ICO's). */
export type RegulatoryClockKindName = 'nis' | 'ico';

/** Someone flagged the alert as possibly reportable: the clock's 72 hours start at `at`. */
export interface RegulatoryFlaggedEvent extends AlertEventBase {
  kind: 'regulatory.flagged';
  clock: RegulatoryClockKindName;
  /** The organisations it concerns, whose leads are reminded. */
  organisations: string[];
}

/** The organisations' leads were reminded at `mark` hours after the flag (each mark once). */
export interface RegulatoryRemindedEvent extends AlertEventBase {
  kind: 'regulatory.reminded';
  clock: RegulatoryClockKindName;
  mark: number;
  recipients: { id: string; name: string }[];
}

/** The report to the authority was recorded: the clock stops. */
export interface RegulatoryReportedEvent extends AlertEventBase {
  kind: 'regulatory.reported';
  clock: RegulatoryClockKindName;
  /** When the report was made, as the person said (UK time, ISO 8601 instant). */
  reportedAt: string;
  reference: string;
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
  | ResolvedEvent
  | PageQueuedEvent
  | PageDeliveredEvent
  | PageFailedEvent
  | PageReceiptEvent
  | RunbookStepEvent
  | RegulatoryFlaggedEvent
  | RegulatoryRemindedEvent
  | RegulatoryReportedEvent;

/** Distributive Omit, so each member of the union keeps its own fields. */
export type AlertEventDraft = AlertEvent extends infer E
  ? E extends AlertEvent
    ? Omit<E, 'seq' | 'actor' | 'source' | 'at'>
    : never
  : never;
