import type { Alert, AlertSummary, OnCallLayers, OpenAlertSummary } from '../../domain/alerts';
import type { Conditional } from '../ports';

/*
 * The seam between the two halves of the alerts work (issue 3):
 *   - src/app/alerts/*, src/store/alert-*, src/api/alerts-*, src/jobs/*: storage, ingest, actions, escalation;
 *   - src/bot/alerts/*, src/bot/teams-sender*, adaptiveCards/alerts/*: cards, commands, Teams delivery.
 * Both sides code against these interfaces; the composition root (src/server.ts) joins them.
 */

/** A stored alert with the ETag its next conditional write must match. */
export interface StoredAlert {
  alert: Alert;
  etag: string;
}

export interface AlertRepository {
  get(id: string): Promise<StoredAlert | undefined>;
  findByDedupKey(source: Alert['source'], dedupKey: string): Promise<StoredAlert | undefined>;
  /** Creates the alert (and its first events) only if no alert has this source and dedup key. */
  create(alert: Alert): Promise<Conditional<StoredAlert>>;
  /** Replaces the alert if unchanged since `etag`, appending its new timeline events atomically. */
  update(alert: Alert, etag: string): Promise<Conditional<StoredAlert>>;
  /**
   * Open alerts (triggered, acknowledged, snoozed), newest first, without their timelines: the open
   * alerts' rows kept for the lists (one partition), no alert read.
   */
  listOpen(): Promise<OpenAlertSummary[]>;
  /**
   * A hint, from a card's action data, of which sender's alert an id is (its source and dedup key),
   * so a later get() can skip the id index. Untrusted: get() still checks the alert it finds.
   */
  suggestLocation?(id: string, source: string, dedupKey: string): void;
  /**
   * The alert as this process last read or wrote it, if lately: only to start a conditional write
   * without reading it first (a copy changed since fails the write's ETag and is read again).
   */
  recent?(id: string): StoredAlert | undefined;
  /** Notes that the alert's card is known to be in the channel (for the check for unposted alerts). */
  markPostedAlert?(alert: Pick<Alert, 'source' | 'dedupKey'>): Promise<void>;
}

/** Where an alert's card lives in Teams. */
export interface AlertCardRef {
  conversationId: string;
  messageId: string;
}

/**
 * Delivery to Teams, implemented in src/bot over the persisted send queue. Calls return once the message is
 * queued durably; the queue delivers within the Teams limits and retries.
 */
export interface AlertNotifier {
  /** A new thread in the ICS cyber channel with the alert card. */
  postToChannel(alert: Alert): Promise<void>;
  /**
   * Posts the alert's card unless it is already in the channel or queued to go (on its own or in a
   * storm digest): the repair after a crash between storing an alert and queueing its card.
   */
  ensurePosted?(alert: Alert): Promise<void>;
  /** Re-renders the alert's existing card in place for everyone. */
  refreshCard(alert: Alert): Promise<void>;
  /**
   * A 1:1 page to a member (by Entra object id) with the alert card. With `tracking`, what Teams
   * answers is recorded on the alert as that page's delivery (AlertEscalationDeps.pageOutcomes).
   */
  page(
    memberAadObjectId: string,
    alert: Alert,
    tracking?: { escalationSeq: number; name: string },
  ): Promise<void>;
  /**
   * A plain 1:1 message to a member (by Entra object id) about an alert, such as telling a lead that
   * a step found a gap in the rota.
   */
  messageMember(memberAadObjectId: string, text: string): Promise<void>;
  /** A message in the alert's channel thread (e.g. an overdue HSA reminder). */
  replyInThread(alert: AlertSummary, text: string): Promise<void>;
  /**
   * Optional: a message in the alert's thread that @mentions these members (Entra object ids), such as
   * an overdue HSA response reminder to an organisation's members. Where it is missing, replyInThread
   * is used with the members' names in the text.
   */
  replyInThreadMentioning?(
    alert: AlertSummary,
    text: string,
    memberAadObjectIds: string[],
  ): Promise<void>;
}

/** Who is on call, by rota layer (the rota, src/app/rota/rota-on-call-source.ts). */
export interface OnCallSource {
  /** Entra object ids in each layer at `at`; an empty layer is a gap. */
  onCallNow(at: Date): Promise<OnCallLayers>;
}
