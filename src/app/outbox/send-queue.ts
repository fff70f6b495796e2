import type { Logger } from 'pino';
import type { Clock } from '../../domain/shared/clock';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Metrics, OutboxBacklog } from '../metrics';
import type { SendLimit } from '../../domain/teams-send-budget';
import { SendBudget } from './budget';
import { DeliveryCallbacks } from './callbacks';
import { RefreshGathering } from './gathering';
import {
  budgetKey,
  isCardUpdate,
  targetKey,
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
  type RenderDigest,
  type SendQueueRepository,
} from './ports';
import { RefreshDraining } from './refresh-draining';
import { heldForDigest, newPostsFirst, throttledUntil } from './send-order';
import { describeFailure, retryState, RetryPolicy, sendFailure } from './retry';
import { RowCache, updatedLater } from './row-cache';
import { RowDelivery } from './row-delivery';

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
  /**
   * A storm digest's card as it stands, for its post about to be sent: the alerts that join a digest
   * while its post waits need no re-render of their own (see drawsDigestsWhenSent).
   */
  renderDigest?: RenderDigest;
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

/**
 * The outbox: every outgoing message is a row in Table Storage with a delivery state. A worker
 * delivers each conversation's messages in order, within the Teams per-conversation limits
 * (SendBudget), honours Retry-After on 429 and retries 412/5xx with backoff and jitter
 * (RetryPolicy). Rows survive a restart; claims are conditional on the ETag, so two instances never
 * deliver the same row twice at once. `tick()` is one pass; the composition root runs `pass()` in a
 * job loop (src/jobs/outbox-job.ts). The pieces it drives sit beside it: the row cache
 * (row-cache.ts), one row's delivery steps (row-delivery.ts), gathered refreshes (gathering.ts,
 * refresh-draining.ts) and the delivery callbacks (callbacks.ts).
 */
export class SendQueue {
  private readonly budget: SendBudget;
  private readonly retries: RetryPolicy;
  /** A real-time worker passes at least this often. */
  readonly pollMs: number;
  private seeded = false;
  /** The rows still to deliver that this process knows of (listed afresh every `pollMs`). */
  private readonly cache: RowCache;
  /** Claiming, sending and writing back one row. */
  private readonly delivery: RowDelivery;
  private readonly refreshes: RefreshDraining;
  /** By conversation: until when the first of its rows must wait (this process's last pass). */
  private readonly headWaits = new Map<string, number>();
  private sequence = 0;
  /** Set when a message is queued during a pass, so the worker looks again at once. */
  private dirty = false;
  private wake?: () => void;
  private ticking?: Promise<TickReport>;
  /** By conversation: card refreshes being gathered into one row. */
  private readonly gathering: RefreshGathering;
  private readonly stopObserving?: () => void;
  /** What records where a message went, or that it failed for good. */
  private readonly callbacks: DeliveryCallbacks;

  constructor(
    private readonly repo: SendQueueRepository,
    deliver: Deliver,
    private readonly deps: SendQueueDeps,
    options: SendQueueOptions = {},
  ) {
    this.budget = new SendBudget(options.limits);
    this.retries = new RetryPolicy(options.maxAttempts ?? 8, options.random ?? Math.random);
    const leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.cache = new RowCache(repo, deps, this.pollMs);
    this.delivery = new RowDelivery(
      repo,
      deliver,
      this.cache,
      this.budget,
      this.retries,
      leaseMs,
      deps,
    );
    this.refreshes = new RefreshDraining(this.delivery, this.budget, this.retries, deps);
    this.callbacks = new DeliveryCallbacks(deps, async (row) =>
      this.cache.remember(row.id, await this.repo.replace({ ...row, callbackPending: false })),
    );
    this.gathering = new RefreshGathering(
      (message) => this.store(message),
      options.timers ?? realOutboxTimers,
    );
    this.stopObserving = deps.metrics?.observeOutbox(() => this.backlog());
  }

  /** What this process knows is still to deliver (the table as last listed, within `pollMs`). */
  backlog(): OutboxBacklog {
    return this.cache.backlog();
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
    this.callbacks.onPosted(purpose, callback, opts);
  }

  /**
   * Registers what records that a message queued with `purpose` failed for good (a page to someone
   * Teams cannot find). Register it before the worker starts: a failure is marked for its callback
   * only when one is registered, and a failure before a restart is handed to it on the next pass.
   */
  onFailed(purpose: string, callback: FailedCallback): void {
    this.callbacks.onFailed(purpose, callback);
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
    this.cache.add(row);
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

  /**
   * True when a storm digest's queued post is drawn afresh from its alerts as it is sent: a digest
   * whose post is still queued (read from the table after an alert joined it) shows that alert without
   * any revision, since the send claims the row before it draws the card.
   */
  get drawsDigestsWhenSent(): boolean {
    return !!this.deps.renderDigest;
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
    this.cache.remember(row.id, revised);
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
    await this.cache.pruneHourly();
    const pending = await this.cache.pending();
    const byConversation = new Map<string, QueuedSend[]>();
    for (const row of pending) {
      if (row.state === 'sent' || row.state === 'failed') {
        await this.callbacks.runCallback(row);
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
  private async drain(queued: QueuedSend[], report: TickReport): Promise<Date | undefined> {
    const rows = newPostsFirst(queued, this.deps.clock.now());
    const conversation = rows[0]?.conversationKey ?? '';
    const waitUntil = (at: Date): Date => {
      this.headWaits.set(conversation, at.getTime());
      return at;
    };
    const throttled = throttledUntil(rows, this.deps.clock.now());
    if (throttled) return waitUntil(throttled);
    for (const original of rows) {
      let row = original;
      const now = this.deps.clock.now();
      if (Date.parse(row.notBefore) > now.getTime()) return waitUntil(new Date(row.notBefore));
      const budget = this.budget.nextSendAt(row.conversationKey, now);
      if (budget.getTime() > now.getTime()) return waitUntil(budget);
      // An edit leaves Teams' next sends to a storm digest about to go.
      const held = heldForDigest(rows, row, now);
      if (held) return waitUntil(held);

      if (row.message.kind === 'refreshes') {
        const wait = await this.refreshes.drain(row, row.message, rows, report);
        if (wait) return waitUntil(wait);
        continue;
      }
      let message: OutboxMessage = row.message;
      if (isCardUpdate(message) && updatedLater(rows, row, targetKey(message))) {
        await this.delivery.finish(row, { state: 'superseded' });
        continue;
      }
      if (isCardUpdate(message) || (message.kind === 'threadReply' && message.afterPostId)) {
        const where = await this.delivery.whereToUpdate(message);
        // The post it updates failed or vanished: nothing to update.
        if (where === 'gone') {
          await this.delivery.finish(row, {
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

      const claimed = await this.delivery.claim(row);
      // Lost: another worker has it, and the table is looked at afresh next time.
      if (!claimed) return undefined;
      row = claimed;
      try {
        // A card refresh becomes an update of the card as it stands now.
        // A storm digest's post is drawn afresh, with every alert that joined it while it waited.
        const ready =
          message.kind === 'refresh'
            ? await this.delivery.rendered(message)
            : row.digest && message.kind === 'channelPost'
              ? await this.delivery.renderedDigest(row.id, message)
              : message;
        const delivered = await this.delivery.send(row.conversationKey, ready, now);
        const sentAt = this.deps.clock.now().toISOString();
        const sent = await this.delivery.finish(row, {
          state: 'sent',
          sentAt,
          // What went out (a digest drawn afresh), for the callback recording which alerts it showed.
          ...(ready.kind === 'channelPost' && ready !== message ? { message: ready } : {}),
          delivered,
          callbackPending: this.callbacks.hasCallback(row, delivered),
          lastError: undefined,
        });
        report.sent++;
        this.deps.metrics?.pageDelivered(message.kind);
        if (sent) await this.callbacks.runCallback(sent);
      } catch (e) {
        const error = sendFailure(e);
        if (error.statusCode === 429) this.deps.metrics?.teamsThrottled();
        if (this.delivery.givesUp(error, row.attempts, message.kind)) {
          const failed = await this.delivery.finish(row, {
            state: 'failed',
            lastError: describeFailure(error),
            callbackPending: this.callbacks.hasFailedCallback(row),
          });
          report.failed++;
          this.deps.metrics?.pageFailed(message.kind);
          if (failed) await this.callbacks.runCallback(failed);
          continue;
        }
        const notBefore = this.retries.retryAt(error, row.attempts, this.deps.clock.now());
        await this.delivery.finish(row, {
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

  /** After a restart, what was sent in the last hour still counts against each conversation's budget. */
  private async seedBudgets(): Promise<void> {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - this.budget.longestWindowMs);
    for (const row of await this.repo.listSentSince(since))
      if (row.sentAt) this.budget.seed(row.conversationKey, Date.parse(row.sentAt));
    this.seeded = true;
  }
}
