import type { Delivered, DeliverableMessage, MessageContent, OutboxMessage } from './message';

/**
 * Where a queued message stands. `sending` is a short claim while one worker delivers it;
 * `superseded` is a card update not sent because a newer update of the same message was queued.
 */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'throttled' | 'failed' | 'superseded';

/** One outgoing message and its delivery record, as stored. */
export interface QueuedSend {
  id: string;
  /** The conversation whose Teams budget it counts against (a channel, or one person's chat). */
  conversationKey: string;
  message: OutboxMessage;
  state: DeliveryState;
  attempts: number;
  /** Not to be tried before this instant (ISO 8601): backoff, Retry-After, or a claim's lease. */
  notBefore: string;
  enqueuedAt: string;
  sentAt?: string;
  /** Where Teams put it (for a channel post: the new thread and its message id). */
  delivered?: Delivered;
  /** The alert a channel post is for, so a later card update can find its message. */
  alertId?: string;
  /** True for a storm digest: a channel post listing several alerts (kept, as later updates need it). */
  digest?: boolean;
  /**
   * What the message is for, naming the "posted" callback that records where it went once delivered
   * (SendQueue.onPosted); absent for alert posts and digests, whose callback is the outbox's own.
   */
  purpose?: string;
  /** What the message is about, for its purpose's callback (e.g. which risk and which card). */
  subject?: string;
  /**
   * True while the "posted" callback still has to run for a sent message, or the "failed" one for a
   * failed message whose purpose has one.
   */
  callbackPending?: boolean;
  lastError?: string;
  etag: string;
}

/** The table behind the outbox (src/store/send-queue-repository.ts). */
export interface SendQueueRepository {
  /**
   * Adds a new row; answers it with its ETag. `canWait`: nobody waits on this row being stored at
   * once (a card update for everyone else), so under load it may be grouped with later rows.
   */
  add(row: Omit<QueuedSend, 'etag'>, opts?: { canWait?: boolean }): Promise<QueuedSend>;
  get(id: string): Promise<QueuedSend | undefined>;
  /** Rows still to deliver (queued, throttled, sending) or whose callback is pending, oldest first. */
  listPending(): Promise<QueuedSend[]>;
  /** The same rows' ids and ETags only (no messages): a cheap look for what changed. */
  listPendingKeys(): Promise<{ id: string; etag: string }[]>;
  /** Rows sent at or after `since`, to rebuild the budgets after a restart. */
  listSentSince(since: Date): Promise<QueuedSend[]>;
  /** The queued channel post for an alert, if one is waiting or was sent. */
  findPostForAlert(alertId: string): Promise<QueuedSend | undefined>;
  /** Channel posts (single cards and digests) queued for a conversation since `since`, oldest first. */
  listRecentPosts(conversationKey: string, since: Date): Promise<QueuedSend[]>;
  /** Deletes finished rows queued before `before`; answers how many. */
  deleteFinishedBefore(before: Date): Promise<number>;
  /** Replaces the row if nobody changed it since it was read; false on a lost race. */
  replace(row: QueuedSend): Promise<QueuedSend | undefined>;
}

/**
 * Delivers one message (src/bot/teams-sender.ts for Teams). It does not retry or pace: the outbox
 * does. A refusal is thrown as a DeliveryError; anything else thrown counts as a network failure.
 */
export type Deliver = (message: DeliverableMessage) => Promise<Delivered>;

/**
 * Called once a channel post about an alert (or a storm digest), or a message queued with a
 * `purpose`, is delivered, to record where it is; a failure leaves it to be called again on the next
 * pass.
 */
export type PostedCallback = (
  post: QueuedSend,
  where: { conversationId: string; activityId: string },
) => Promise<void>;

/**
 * Called once a message queued with a `purpose` has failed for good (refused, or still failing after its
 * retries), to record why: `statusCode` is the channel's answer (undefined for a network failure),
 * `detail` what it said. Like the delivered callback, a failure leaves it to be called again.
 */
export type FailedCallback = (
  post: QueuedSend,
  failure: { statusCode?: number; detail: string },
) => Promise<void>;

/**
 * An alert's card as it stands (for a `refresh` about to be sent); undefined when the alert is gone,
 * and the refresh then fails.
 */
export type RenderCard = (alertId: string) => Promise<MessageContent | undefined>;

/**
 * A storm digest's card as it stands (its alerts read now), for its queued post about to be sent;
 * undefined when the digest holds no alert, and the post then goes as it was queued.
 */
export type RenderDigest = (digestId: string) => Promise<MessageContent | undefined>;

/** The timer that ends a gathering of refreshes: real in the app, driven by the test in tests. */
export interface OutboxTimers {
  /** Calls `fn` once after `ms`; answers a function that cancels the call. */
  after(ms: number, fn: () => void): () => void;
}

export const realOutboxTimers: OutboxTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
