/*
 * What records where a queued message went once it is delivered ("posted" callbacks, by purpose,
 * or the alert channel post's default), and what records that it failed for good; and running
 * them for a row whose callback is still pending.
 */
import type { Logger } from 'pino';
import type { Delivered } from './message';
import type { FailedCallback, PostedCallback, QueuedSend } from './ports';

/** The send queue's "posted" and "failed" callbacks, by purpose. */
export class DeliveryCallbacks {
  /** By purpose: what records where a message queued for it went. */
  private readonly callbacks = new Map<string, PostedCallback>();
  /** Purposes whose "posted" callback runs even for a message Teams gave no id (a 1:1 page). */
  private readonly withoutMessageId = new Set<string>();
  /** By purpose: what records that a message queued for it failed for good. */
  private readonly failedCallbacks = new Map<string, FailedCallback>();

  constructor(
    private readonly deps: {
      /** Records where an alert's channel post (or a storm digest) went: rows with no purpose. */
      onPosted?: PostedCallback;
      logger: Pick<Logger, 'warn'>;
    },
    /** Marks a row's callback as done in the table (after it ran). */
    private readonly clearPending: (row: QueuedSend) => Promise<void>,
  ) {}

  onPosted(
    purpose: string,
    callback: PostedCallback,
    opts: { evenWithoutMessageId?: boolean } = {},
  ): void {
    this.callbacks.set(purpose, callback);
    // Such a callback is told activityId '' when Teams gave none.
    if (opts.evenWithoutMessageId) this.withoutMessageId.add(purpose);
  }

  onFailed(purpose: string, callback: FailedCallback): void {
    this.failedCallbacks.set(purpose, callback);
  }

  /**
   * Whether a sent row has a "posted" callback to run: one queued with a purpose (its callback may be
   * registered only after a restart), or an alert's channel post or digest when the outbox has one.
   */
  hasCallback(row: QueuedSend, delivered: Delivered): boolean {
    // Nothing to record for a message Teams gave no id, unless its purpose records delivery alone.
    if (row.purpose) return !!delivered.activityId || this.withoutMessageId.has(row.purpose);
    return (
      row.message.kind === 'channelPost' && (!!row.alertId || !!row.digest) && !!this.deps.onPosted
    );
  }

  /** Whether a row that failed for good has a "failed" callback to run (registered already). */
  hasFailedCallback(row: QueuedSend): boolean {
    return !!row.purpose && this.failedCallbacks.has(row.purpose);
  }

  /** Runs a sent or failed row's pending callback; a callback that throws is tried next pass. */
  async runCallback(row: QueuedSend): Promise<void> {
    if (row.state === 'failed') return this.runFailedCallback(row);
    const onPosted = this.callbackFor(row);
    const post = row.delivered;
    const anyId = !!row.purpose && this.withoutMessageId.has(row.purpose);
    if (!row.callbackPending || !onPosted || !post || (!post.activityId && !anyId)) return;
    try {
      await onPosted(row, {
        conversationId: post.conversationId,
        activityId: post.activityId ?? '',
      });
      await this.clearPending(row);
    } catch (e) {
      // The row stays pending and the next pass tries again.
      this.deps.logger.warn(
        { err: e, alertId: row.alertId, purpose: row.purpose },
        row.purpose
          ? 'could not record where a message was delivered'
          : 'could not record where an alert was posted',
      );
    }
  }

  private callbackFor(row: QueuedSend): PostedCallback | undefined {
    return row.purpose ? this.callbacks.get(row.purpose) : this.deps.onPosted;
  }

  private async runFailedCallback(row: QueuedSend): Promise<void> {
    const onFailed = row.purpose ? this.failedCallbacks.get(row.purpose) : undefined;
    if (!row.callbackPending || !onFailed) return;
    // The row keeps its failure as "<status>: <message>" (describeFailure).
    const [, status, detail] = /^(\d+|network): ?([\s\S]*)$/.exec(row.lastError ?? '') ?? [];
    try {
      await onFailed(row, {
        ...(status && status !== 'network' ? { statusCode: Number(status) } : {}),
        detail: detail ?? row.lastError ?? '',
      });
      await this.clearPending(row);
    } catch (e) {
      this.deps.logger.warn(
        { err: e, purpose: row.purpose },
        'could not record that a message failed',
      );
    }
  }
}
