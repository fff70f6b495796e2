/*
 * The steps of delivering one row, shared by plain messages and gathered refreshes: claiming it on
 * its ETag, finding where a card update goes, sending within the conversation's budget, judging a
 * failure, and writing the outcome back (keeping the row cache in step).
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/shared/clock';
import type { SendBudget } from './budget';
import type { Delivered, DeliverableMessage, OutboxMessage } from './message';
import type { Deliver, QueuedSend, RenderCard, RenderDigest, SendQueueRepository } from './ports';
import { DeliveryError, type RetryPolicy } from './retry';
import type { RowCache } from './row-cache';

/** Delivers one row at a time for the send queue (the steps; the order is SendQueue's). */
export class RowDelivery {
  constructor(
    private readonly repo: SendQueueRepository,
    private readonly deliver: Deliver,
    private readonly cache: RowCache,
    private readonly budget: SendBudget,
    private readonly retries: RetryPolicy,
    private readonly leaseMs: number,
    private readonly deps: {
      clock: Clock;
      logger: Pick<Logger, 'warn'>;
      render?: RenderCard;
      renderDigest?: RenderDigest;
    },
  ) {}

  /** Claims a row for delivery (sending, under a lease) on its ETag; undefined when another has it. */
  async claim(row: QueuedSend): Promise<QueuedSend | undefined> {
    const claimed = await this.repo.replace({
      ...row,
      state: 'sending',
      attempts: row.attempts + 1,
      notBefore: new Date(this.deps.clock.now().getTime() + this.leaseMs).toISOString(),
    });
    this.cache.remember(row.id, claimed);
    return claimed;
  }

  /**
   * Where a card update goes: its message, or that of the queued post it follows once the post is
   * out; 'wait' while the post is on its way, 'gone' when it failed, vanished or has no message id.
   */
  async whereToUpdate(target: {
    conversationId: string;
    activityId?: string;
    afterPostId?: string;
  }): Promise<Delivered | 'wait' | 'gone'> {
    if (target.activityId)
      return { conversationId: target.conversationId, activityId: target.activityId };
    const post = target.afterPostId ? await this.repo.get(target.afterPostId) : undefined;
    if (!post || post.state === 'failed') return 'gone';
    if (post.state !== 'sent') return 'wait';
    // Sent, but Teams gave no message id: there is nothing to update, and waiting would hold up
    // every later message of the conversation.
    if (!post.delivered?.activityId) return 'gone';
    return post.delivered;
  }

  /** Sends one message, counted against its conversation's budget. */
  send(conversationKey: string, message: DeliverableMessage, now: Date): Promise<Delivered> {
    this.budget.record(conversationKey, now);
    return this.deliver(message).finally(() =>
      // Teams saw it at some moment before the answer: count it at the latest, so the budget
      // never runs ahead of Teams' own count however long the request took.
      this.budget.move(conversationKey, now, this.deps.clock.now()),
    );
  }

  /** True (and logged) when a failed send is not to be tried again. */
  givesUp(error: DeliveryError, attempts: number, kind: string): boolean {
    if (!this.retries.givesUp(error, attempts)) return false;
    this.deps.logger.warn(
      { status: error.statusCode, attempts, kind },
      'a message to Teams failed for good',
    );
    return true;
  }

  /** A card refresh as an update of the card as it stands now. */
  async rendered(
    message: Extract<OutboxMessage, { kind: 'refresh' }>,
  ): Promise<DeliverableMessage> {
    const content = await this.deps.render?.(message.alertId);
    // 410: the alert is gone, so there is no card to show; not worth another try.
    if (!content) throw new DeliveryError(410, undefined, 'the alert is no longer stored');
    const { alertId: _alertId, kind: _kind, ...where } = message;
    return { ...where, kind: 'update', content };
  }

  /** A storm digest's post, drawn afresh from its alerts (as queued when it holds none). */
  async renderedDigest(
    digestId: string,
    message: Extract<OutboxMessage, { kind: 'channelPost' }>,
  ): Promise<Extract<OutboxMessage, { kind: 'channelPost' }>> {
    const content = await this.deps.renderDigest?.(digestId);
    return content ? { ...message, content } : message;
  }

  /** Writes a row's outcome on its ETag; undefined (and logged) when it changed meanwhile. */
  async finish(row: QueuedSend, patch: Partial<QueuedSend>): Promise<QueuedSend | undefined> {
    const next = await this.repo.replace({ ...row, ...patch });
    this.cache.remember(row.id, next);
    if (!next)
      this.deps.logger.warn(
        { id: row.id },
        'a send-queue row changed while it was being delivered',
      );
    return next;
  }
}
