import type { Logger } from 'pino';
import type { Clock } from '../../domain/shared/clock';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Metrics, OutboxBacklog } from '../metrics';
import type { SendLimit } from '../../domain/teams-send-budget';
import { SendBudget } from './budget';
import { RefreshGathering } from './gathering';
import {
  budgetKey,
  isCardUpdate,
  targetKey,
  targetKeys,
  type Delivered,
  type DeliverableMessage,
  type MessageContent,
  type OutboxMessage,
} from './message';
import {
  realOutboxTimers,
  type Deliver,
  type FailedCallback,
  type OutboxTimers,
  type PostedCallback,
  type QueuedSend,
  type RenderCard,
  type SendQueueRepository,
} from './ports';
import { DeliveryError, describeFailure, retryState, RetryPolicy, sendFailure } from './retry';

export interface SendQueueOptions {
  limits?: readonly SendLimit[];
  /** After this many failed attempts a message is marked failed. */
  maxAttempts?: number;
  /** How long a claim lasts; a worker that dies mid-send leaves the row to be retried after it. */
  leaseMs?: number;
  random?: () => number;
  /** A real-time worker wakes at least this often, to pick up rows other instances queued. */
  pollMs?: number;
  /** Ends a gathering of card refreshes (real timers by default). */
  timers?: OutboxTimers;
}

export interface SendQueueDeps {
  clock: Clock;
  ids: IdGenerator;
  logger: Pick<Logger, 'warn'>;
  /** Records where an alert's channel post (or a storm digest) went, once it is delivered. */
  onPosted?: PostedCallback;
  /** An alert's card as it stands, for a `refresh` about to be sent. */
  render?: RenderCard;
  /** Counts deliveries, failures and 429s, and reads the backlog (telemetry). */
  metrics?: Metrics;
}

/** How a message is queued: what it is about, and what records where it went. */
export interface EnqueueOptions {
  /** The alert a channel post is for. */
  alertId?: string;
  /** A storm digest. */
  digest?: boolean;
  /** The row's id, when the caller chose it. */
  id?: string;
  /** Names the callback (registered with `onPosted`) that records where the message went. */
  purpose?: string;
  /** What the message is about, handed to that callback in the row. */
  subject?: string;
  /** Not sent before then (a storm digest waiting while it fills); the channel's later messages wait too. */
  notBefore?: Date;
}

export interface TickReport {
  sent: number;
  retried: number;
  failed: number;
  /** When the next queued message may be tried, if any is waiting. */
  nextDueAt?: Date;
}

/** Beyond this many new or changed rows, a listing reads the whole table rather than each row. */
const FRESH_READS_MAX = 20;
/** How long delivered and failed messages stay in the table as the delivery record. */
const KEEP_FINISHED_MS = 24 * 3_600_000;

/**
 * The outbox: every outgoing message is a row in Table Storage with a delivery state. A worker
 * delivers each conversation's messages in order, within the Teams per-conversation limits
 * (SendBudget), honours Retry-After on 429 and retries 412/5xx with backoff and jitter
 * (RetryPolicy). Rows survive a restart; claims are conditional on the ETag, so two instances never
 * deliver the same row twice at once. `tick()` is one pass; the composition root runs `pass()` in a
 * job loop (src/jobs/outbox-job.ts).
 */
export class SendQueue {
  private readonly budget: SendBudget;
  private readonly retries: RetryPolicy;
  private readonly leaseMs: number;
  /** A real-time worker passes at least this often. */
  readonly pollMs: number;
  private seeded = false;
  /**
   * The rows still to deliver that this process knows of, with their ETags: what it queued itself and
   * what the last full listing found. The table is listed again every `pollMs` (for rows other
   * instances queued) and after a lost claim, not on every pass: a backlog waiting for a
   * conversation's budget costs no reads.
   */
  private readonly known = new Map<string, QueuedSend>();
  /** By conversation: until when the first of its rows must wait (this process's last pass). */
  private readonly headWaits = new Map<string, number>();
  private listedAt = -Infinity;
  private relist = true;
  private prunedAt = -Infinity;
  private sequence = 0;
  /** Set when a message is queued during a pass, so the worker looks again at once. */
  private dirty = false;
  private wake?: () => void;
  private ticking?: Promise<TickReport>;
  /** By conversation: card refreshes being gathered into one row. */
  private readonly gathering: RefreshGathering;
  private readonly stopObserving?: () => void;
  /** By purpose: what records where a message queued for it went. */
  private readonly callbacks = new Map<string, PostedCallback>();
  /** Purposes whose "posted" callback runs even for a message Teams gave no id (a 1:1 page). */
  private readonly withoutMessageId = new Set<string>();
  /** By purpose: what records that a message queued for it failed for good. */
  private readonly failedCallbacks = new Map<string, FailedCallback>();

  constructor(
    private readonly repo: SendQueueRepository,
    private readonly deliver: Deliver,
    private readonly deps: SendQueueDeps,
    options: SendQueueOptions = {},
  ) {
    this.budget = new SendBudget(options.limits);
    this.retries = new RetryPolicy(options.maxAttempts ?? 8, options.random ?? Math.random);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.gathering = new RefreshGathering(
      (message) => this.store(message),
      options.timers ?? realOutboxTimers,
    );
    this.stopObserving = deps.metrics?.observeOutbox(() => this.backlog());
  }

  /** What this process knows is still to deliver (the table as last listed, within `pollMs`). */
  backlog(): OutboxBacklog {
    const waiting = [...this.known.values()].filter((row) => row.state !== 'sent');
    const oldest = Math.min(...waiting.map((row) => Date.parse(row.enqueuedAt)));
    const now = this.deps.clock.now().getTime();
    return {
      depth: waiting.length,
      oldestAgeSeconds: waiting.length ? Math.max(0, (now - oldest) / 1000) : 0,
    };
  }

  /**
   * Registers what records where a message queued with `purpose` went, once it is delivered. Rows
   * sent before a restart whose callback had not run yet are handed to it on the next pass.
   */
  onPosted(
    purpose: string,
    callback: PostedCallback,
    opts: { evenWithoutMessageId?: boolean } = {},
  ): void {
    this.callbacks.set(purpose, callback);
    // Such a callback is told activityId '' when Teams gave none.
    if (opts.evenWithoutMessageId) this.withoutMessageId.add(purpose);
  }

  /**
   * Registers what records that a message queued with `purpose` failed for good (a page to someone
   * Teams cannot find). Register it before the worker starts: a failure is marked for its callback
   * only when one is registered, and a failure before a restart is handed to it on the next pass.
   */
  onFailed(purpose: string, callback: FailedCallback): void {
    this.failedCallbacks.set(purpose, callback);
  }

  /**
   * Queues a message durably and returns its id (once it is stored); the worker delivers it.
   *
   * Card refreshes for a conversation that is waiting for its Teams budget (many people acknowledging
   * at once), which could not go sooner anyway, are gathered for up to 200 ms and stored as one row;
   * the worker sends them as one update each. Any other refresh is stored at once in a row of its own.
   */
  enqueue(message: OutboxMessage, opts: EnqueueOptions = {}): Promise<string> {
    if (message.kind !== 'refresh' || opts.id) return this.store(message, opts);
    const conversation = budgetKey(message);
    const waiting = (this.headWaits.get(conversation) ?? 0) > this.deps.clock.now().getTime();
    if (!this.gathering.has(conversation) && !waiting) return this.store(message, opts);
    const { kind: _kind, ...target } = message;
    return this.gathering.add(conversation, target);
  }

  private async store(message: OutboxMessage, opts: EnqueueOptions = {}): Promise<string> {
    const now = this.deps.clock.now();
    const id = opts.id ?? this.newId();
    const row = await this.repo.add(
      {
        id,
        conversationKey: budgetKey(message),
        message,
        state: 'queued',
        attempts: 0,
        notBefore: (opts.notBefore ?? now).toISOString(),
        enqueuedAt: now.toISOString(),
        alertId: opts.alertId,
        digest: opts.digest,
        purpose: opts.purpose,
        subject: opts.subject,
      },
      // A card update for everyone: whoever pressed the button already has the new card.
      { canWait: isCardUpdate(message) },
    );
    this.known.set(row.id, row);
    // Behind a head that must wait (a backlog at Teams' limits), it cannot go sooner: the worker
    // already wakes for the head, so a storm's rows do not each cost a pass.
    if ((this.headWaits.get(row.conversationKey) ?? 0) <= this.deps.clock.now().getTime()) {
      this.dirty = true;
      this.wake?.();
    }
    return id;
  }

  /** A new row id: time, then a counter for the same millisecond, keeps row keys in queue order. */
  newId(): string {
    const now = this.deps.clock.now();
    const seq = (this.sequence = (this.sequence + 1) % 1_000_000).toString().padStart(6, '0');
    return `${now.getTime().toString().padStart(15, '0')}_${seq}_${this.deps.ids.next()}`;
  }

  /** A queued message and its delivery state. */
  get(id: string): Promise<QueuedSend | undefined> {
    return this.repo.get(id);
  }

  /** Channel posts queued for a conversation since `since` (for storm decisions). */
  recentPosts(conversationKey: string, since: Date): Promise<QueuedSend[]> {
    return this.repo.listRecentPosts(conversationKey, since);
  }

  /**
   * Replaces the content of a channel post that has not been picked up for delivery yet (conditional
   * on the row's ETag). False when it is already on its way or sent: then send an update instead.
   */
  async reviseQueued(row: QueuedSend, content: MessageContent): Promise<boolean> {
    if (row.state !== 'queued' || row.message.kind !== 'channelPost') return false;
    const revised = await this.repo.replace({ ...row, message: { ...row.message, content } });
    this.remember(row.id, revised);
    return !!revised;
  }

  /** The queued channel post for an alert (to update its card before its message id is recorded). */
  findPostForAlert(alertId: string): Promise<QueuedSend | undefined> {
    return this.repo.findPostForAlert(alertId);
  }

  /** One pass: delivers every message that is due and within its conversation's budget. */
  tick(): Promise<TickReport> {
    // One pass at a time in this process; other processes are kept apart by the conditional claim.
    const run = (this.ticking ?? Promise.resolve()).then(() => this.runTick());
    this.ticking = run.catch(() => ({ sent: 0, retried: 0, failed: 0 }));
    return run;
  }

  /**
   * One pass for a job loop: answers how long to wait before the next (0 when a message was queued
   * meanwhile, else until the next is due, at most `pollMs`).
   */
  async pass(): Promise<number> {
    this.dirty = false;
    const next = (await this.tick()).nextDueAt;
    if (this.dirty) return 0;
    return next
      ? Math.max(0, Math.min(this.pollMs, next.getTime() - this.deps.clock.now().getTime()))
      : this.pollMs;
  }

  /** Calls `wake` whenever a message is queued that could go before the worker's next pass. */
  onWork(wake: (() => void) | undefined): void {
    this.wake = wake;
  }

  /**
   * Stores refreshes being gathered and waits for the pass in progress; undelivered rows stay queued
   * for the next start.
   */
  async stop(): Promise<void> {
    this.stopObserving?.();
    await this.gathering.flushAll();
    await this.ticking;
  }

  /** Stores refreshes being gathered now rather than when their gathering ends. */
  flushGathered(): Promise<void> {
    return this.gathering.flushAll();
  }

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { sent: 0, retried: 0, failed: 0 };
    if (!this.seeded) await this.seedBudgets();
    await this.pruneHourly();
    const pending = await this.pending();
    const byConversation = new Map<string, QueuedSend[]>();
    for (const row of pending) {
      if (row.state === 'sent' || row.state === 'failed') {
        await this.runCallback(row);
        continue;
      }
      const rows = byConversation.get(row.conversationKey);
      if (rows) rows.push(row);
      else byConversation.set(row.conversationKey, [row]);
    }
    const due: Date[] = [];
    await Promise.all(
      [...byConversation.values()].map(async (rows) => {
        const next = await this.drain(rows, report);
        if (next) due.push(next);
      }),
    );
    if (due.length) report.nextDueAt = new Date(Math.min(...due.map((d) => d.getTime())));
    return report;
  }

  /** Delivers one conversation's rows in order; stops at the first that must wait, returning when. */
  private async drain(rows: QueuedSend[], report: TickReport): Promise<Date | undefined> {
    const conversation = rows[0]?.conversationKey ?? '';
    const waitUntil = (at: Date): Date => {
      this.headWaits.set(conversation, at.getTime());
      return at;
    };
    for (const original of rows) {
      let row = original;
      const now = this.deps.clock.now();
      if (Date.parse(row.notBefore) > now.getTime()) return waitUntil(new Date(row.notBefore));
      const budget = this.budget.nextSendAt(row.conversationKey, now);
      if (budget.getTime() > now.getTime()) return waitUntil(budget);

      if (row.message.kind === 'refreshes') {
        const wait = await this.drainRefreshes(row, row.message, rows, report);
        if (wait) return waitUntil(wait);
        continue;
      }
      let message: OutboxMessage = row.message;
      if (isCardUpdate(message) && updatedLater(rows, row, targetKey(message))) {
        await this.finish(row, { state: 'superseded' });
        continue;
      }
      if (isCardUpdate(message) || (message.kind === 'threadReply' && message.afterPostId)) {
        const where = await this.whereToUpdate(message);
        // The post it updates failed or vanished: nothing to update.
        if (where === 'gone') {
          await this.finish(row, {
            state: 'failed',
            lastError: 'the message to update was never posted',
          });
          report.failed++;
          this.deps.metrics?.pageFailed(message.kind);
          continue;
        }
        if (where === 'wait') return new Date(now.getTime() + 1_000);
        // A reply goes into the thread the post started (its conversation); an update to its message.
        message =
          message.kind === 'threadReply'
            ? {
                kind: 'threadReply',
                conversationId: where.conversationId,
                content: message.content,
              }
            : { ...message, ...where };
      }

      const claimed = await this.claim(row);
      // Lost: another worker has it, and the table is looked at afresh next time.
      if (!claimed) return undefined;
      row = claimed;
      try {
        // A card refresh becomes an update of the card as it stands now.
        const ready = message.kind === 'refresh' ? await this.rendered(message) : message;
        const delivered = await this.send(row.conversationKey, ready, now);
        const sentAt = this.deps.clock.now().toISOString();
        const sent = await this.finish(row, {
          state: 'sent',
          sentAt,
          delivered,
          callbackPending: this.hasCallback(row, delivered),
          lastError: undefined,
        });
        report.sent++;
        this.deps.metrics?.pageDelivered(message.kind);
        if (sent) await this.runCallback(sent);
      } catch (e) {
        const error = sendFailure(e);
        if (error.statusCode === 429) this.deps.metrics?.teamsThrottled();
        if (this.givesUp(error, row.attempts, message.kind)) {
          const failed = await this.finish(row, {
            state: 'failed',
            lastError: describeFailure(error),
            callbackPending: !!row.purpose && this.failedCallbacks.has(row.purpose),
          });
          report.failed++;
          this.deps.metrics?.pageFailed(message.kind);
          if (failed) await this.runCallback(failed);
          continue;
        }
        const notBefore = this.retries.retryAt(error, row.attempts, this.deps.clock.now());
        await this.finish(row, {
          state: retryState(error),
          notBefore: notBefore.toISOString(),
          lastError: describeFailure(error),
        });
        report.retried++;
        return notBefore;
      }
    }
    return undefined;
  }

  /**
   * Sends a row of gathered refreshes, one update each, in order, while the conversation's budget
   * allows; what is left is stored back in the row with when to go on (a restart goes on from there,
   * at worst sending one card again, which changes nothing). A refresh whose card a later row
   * updates anyway, whose post failed or whose alert is gone is dropped. Answers when to come back,
   * or undefined when the row is done (or lost to another worker).
   */
  private async drainRefreshes(
    original: QueuedSend,
    bundle: Extract<OutboxMessage, { kind: 'refreshes' }>,
    rows: QueuedSend[],
    report: TickReport,
  ): Promise<Date | undefined> {
    const row = await this.claim(original);
    if (!row) return undefined;
    const left = [...bundle.targets];
    let attempts = row.attempts;
    const stopAt = async (at: Date, patch: Partial<QueuedSend> = {}): Promise<Date | undefined> => {
      if (!left.length) return this.doneRefreshes(row, bundle);
      await this.finish(row, {
        state: 'queued',
        attempts,
        notBefore: at.toISOString(),
        message: { ...bundle, targets: left },
        ...patch,
      });
      return at;
    };
    while (left.length) {
      const now = this.deps.clock.now();
      const budget = this.budget.nextSendAt(row.conversationKey, now);
      if (budget.getTime() > now.getTime()) return stopAt(budget);
      const target = left[0]!;
      if (updatedLater(rows, row, targetKey(target))) {
        left.shift();
        continue;
      }
      const where = await this.whereToUpdate(target);
      if (where === 'wait') return stopAt(new Date(now.getTime() + 1_000));
      try {
        const content = where === 'gone' ? undefined : await this.deps.render?.(target.alertId);
        if (where !== 'gone' && content)
          await this.send(row.conversationKey, { kind: 'update', ...where, content }, now);
        left.shift();
        attempts = 0;
        if (content) {
          report.sent++;
          this.deps.metrics?.pageDelivered('refresh');
        }
      } catch (e) {
        const error = sendFailure(e);
        if (error.statusCode === 429) this.deps.metrics?.teamsThrottled();
        if (this.givesUp(error, attempts, 'refresh')) {
          left.shift();
          attempts = 0;
          report.failed++;
          this.deps.metrics?.pageFailed('refresh');
          continue;
        }
        report.retried++;
        const at = this.retries.retryAt(error, Math.max(1, attempts), this.deps.clock.now());
        return stopAt(at, { state: retryState(error), lastError: describeFailure(error) });
      }
    }
    return this.doneRefreshes(row, bundle);
  }

  /** A row of refreshes with nothing left to send: kept a day as the record, like any sent row. */
  private async doneRefreshes(
    row: QueuedSend,
    bundle: Extract<OutboxMessage, { kind: 'refreshes' }>,
  ): Promise<undefined> {
    await this.finish(row, {
      state: 'sent',
      sentAt: this.deps.clock.now().toISOString(),
      message: { ...bundle, targets: [] },
      lastError: undefined,
    });
    return undefined;
  }

  /** Claims a row for delivery (sending, under a lease) on its ETag; undefined when another has it. */
  private async claim(row: QueuedSend): Promise<QueuedSend | undefined> {
    const claimed = await this.repo.replace({
      ...row,
      state: 'sending',
      attempts: row.attempts + 1,
      notBefore: new Date(this.deps.clock.now().getTime() + this.leaseMs).toISOString(),
    });
    this.remember(row.id, claimed);
    return claimed;
  }

  /**
   * Where a card update goes: its message, or that of the queued post it follows once the post is
   * out; 'wait' while the post is on its way, 'gone' when it failed, vanished or has no message id.
   */
  private async whereToUpdate(target: {
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
  private send(
    conversationKey: string,
    message: DeliverableMessage,
    now: Date,
  ): Promise<Delivered> {
    this.budget.record(conversationKey, now);
    return this.deliver(message).finally(() =>
      // Teams saw it at some moment before the answer: count it at the latest, so the budget
      // never runs ahead of Teams' own count however long the request took.
      this.budget.move(conversationKey, now, this.deps.clock.now()),
    );
  }

  /** True (and logged) when a failed send is not to be tried again. */
  private givesUp(error: DeliveryError, attempts: number, kind: string): boolean {
    if (!this.retries.givesUp(error, attempts)) return false;
    this.deps.logger.warn(
      { status: error.statusCode, attempts, kind },
      'a message to Teams failed for good',
    );
    return true;
  }

  private async rendered(
    message: Extract<OutboxMessage, { kind: 'refresh' }>,
  ): Promise<DeliverableMessage> {
    const content = await this.deps.render?.(message.alertId);
    // 410: the alert is gone, so there is no card to show; not worth another try.
    if (!content) throw new DeliveryError(410, undefined, 'the alert is no longer stored');
    const { alertId: _alertId, kind: _kind, ...where } = message;
    return { ...where, kind: 'update', content };
  }

  private async finish(
    row: QueuedSend,
    patch: Partial<QueuedSend>,
  ): Promise<QueuedSend | undefined> {
    const next = await this.repo.replace({ ...row, ...patch });
    this.remember(row.id, next);
    if (!next)
      this.deps.logger.warn(
        { id: row.id },
        'a send-queue row changed while it was being delivered',
      );
    return next;
  }

  /** Keeps the in-memory view of a row in step with the table after a write (undefined: lost race). */
  private remember(id: string, row: QueuedSend | undefined): void {
    if (!row) {
      this.known.delete(id);
      this.relist = true;
    } else if (isPending(row)) this.known.set(id, row);
    else this.known.delete(id);
  }

  /** The rows to look at this pass, oldest first: listed from the table when due, else from memory. */
  private async pending(): Promise<QueuedSend[]> {
    const now = this.deps.clock.now().getTime();
    if (this.relist || now - this.listedAt >= this.pollMs) {
      this.relist = false;
      this.listedAt = now;
      const rows = await this.listAfresh();
      this.known.clear();
      for (const row of rows) this.known.set(row.id, row);
      return rows;
    }
    return [...this.known.values()].sort(byId);
  }

  /**
   * Every pending row in the table. Rows this process already holds at the same ETag are not read
   * again: the ids and ETags are listed first (a backlog of cards waiting for Teams' limits is
   * megabytes), and only new or changed rows are read, or the whole table when there are many.
   */
  private async listAfresh(): Promise<QueuedSend[]> {
    const keys = await this.repo.listPendingKeys();
    const stale = keys.filter(({ id, etag }) => this.known.get(id)?.etag !== etag);
    if (stale.length > FRESH_READS_MAX) return this.repo.listPending();
    const fresh = new Map<string, QueuedSend>();
    for (let i = 0; i < stale.length; i += 8)
      for (const row of await Promise.all(stale.slice(i, i + 8).map((k) => this.repo.get(k.id))))
        if (row) fresh.set(row.id, row);
    const staleIds = new Set(stale.map((k) => k.id));
    return keys
      .map(({ id }) => (staleIds.has(id) ? fresh.get(id) : this.known.get(id)))
      .filter((row): row is QueuedSend => !!row && isPending(row))
      .sort(byId);
  }

  /**
   * Whether a sent row has a "posted" callback to run: one queued with a purpose (its callback may be
   * registered only after a restart), or an alert's channel post or digest when the outbox has one.
   */
  private hasCallback(row: QueuedSend, delivered: Delivered): boolean {
    // Nothing to record for a message Teams gave no id, unless its purpose records delivery alone.
    if (row.purpose) return !!delivered.activityId || this.withoutMessageId.has(row.purpose);
    return (
      row.message.kind === 'channelPost' && (!!row.alertId || !!row.digest) && !!this.deps.onPosted
    );
  }

  private callbackFor(row: QueuedSend): PostedCallback | undefined {
    return row.purpose ? this.callbacks.get(row.purpose) : this.deps.onPosted;
  }

  private async runCallback(row: QueuedSend): Promise<void> {
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
      this.remember(row.id, await this.repo.replace({ ...row, callbackPending: false }));
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
      this.remember(row.id, await this.repo.replace({ ...row, callbackPending: false }));
    } catch (e) {
      this.deps.logger.warn(
        { err: e, purpose: row.purpose },
        'could not record that a message failed',
      );
    }
  }

  /** Keeps the table small: finished rows go after a day (the pending query reads the partition). */
  private async pruneHourly(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.prunedAt < 3_600_000) return;
    this.prunedAt = now;
    await this.repo
      .deleteFinishedBefore(new Date(now - KEEP_FINISHED_MS))
      .catch((err) => this.deps.logger.warn({ err }, 'could not prune the send queue'));
  }

  /** After a restart, what was sent in the last hour still counts against each conversation's budget. */
  private async seedBudgets(): Promise<void> {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - this.budget.longestWindowMs);
    for (const row of await this.repo.listSentSince(since))
      if (row.sentAt) this.budget.seed(row.conversationKey, Date.parse(row.sentAt));
    this.seeded = true;
  }
}

/** True while a row still has something to do: a delivery, or the "posted" callback. */
const isPending = (row: QueuedSend): boolean =>
  row.state === 'queued' ||
  row.state === 'throttled' ||
  row.state === 'sending' ||
  row.callbackPending === true;

/** Rows in queue order (their ids sort by when they were queued). */
const byId = (a: QueuedSend, b: QueuedSend): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** True when a row after `row` updates the message `key` anyway, so `row` need not. */
const updatedLater = (rows: QueuedSend[], row: QueuedSend, key: string): boolean =>
  rows.some((later) => later.id > row.id && targetKeys(later.message).includes(key));
