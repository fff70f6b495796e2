import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Clock } from '../domain/shared/clock';
import type { IdGenerator } from '../domain/shared/ids';
import {
  backoffDelay,
  nextSendAt,
  sendsToKeep,
  TEAMS_CONVERSATION_LIMITS,
  type SendLimit,
} from '../domain/teams-send-budget';
import {
  budgetKey,
  TeamsSendError,
  type Delivered,
  type OutgoingMessage,
  type RefreshTarget,
} from './teams-sender';
import { JobLoop, type LoopSettings } from '../jobs/job-loop';

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
  message: OutgoingMessage;
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
  /** True for a storm digest: a channel post listing several alerts (kept in the digest's rows). */
  digest?: boolean;
  /** True while the "posted" callback still has to run for a sent channel post. */
  callbackPending?: boolean;
  lastError?: string;
  etag: string;
}

/** The table behind the queue (src/store/send-queue-repository.ts). */
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
  /** Puts an alert in a storm digest (the digest's row id). */
  addToDigest(digestId: string, alertId: string, at: Date): Promise<void>;
  /** The digest an alert is in, if any. */
  digestOf(alertId: string): Promise<string | undefined>;
  /** The alerts in a digest, in the order they joined. */
  digestAlerts(digestId: string): Promise<string[]>;
  /** Deletes finished rows queued before `before`; answers how many. */
  deleteFinishedBefore(before: Date): Promise<number>;
  /** Replaces the row if nobody changed it since it was read; false on a lost race. */
  replace(row: QueuedSend): Promise<QueuedSend | undefined>;
}

export interface SendQueueOptions {
  limits?: readonly SendLimit[];
  /** After this many failed attempts a message is marked failed. */
  maxAttempts?: number;
  /** How long a claim lasts; a worker that dies mid-send leaves the row to be retried after it. */
  leaseMs?: number;
  random?: () => number;
  /** A real-time worker wakes at least this often, to pick up rows other instances queued. */
  pollMs?: number;
}

/** Called once a channel post is delivered, to record where the alert's card is. */
export type PostedCallback = (
  alertId: string,
  post: { conversationId: string; activityId: string; digest?: boolean },
) => Promise<void>;

export interface TickReport {
  sent: number;
  retried: number;
  failed: number;
  /** When the next queued message may be tried, if any is waiting. */
  nextDueAt?: Date;
}

/**
 * The persisted send queue: every outgoing message is a row in Table Storage with a delivery state.
 * A worker delivers each conversation's messages in order, within the Teams per-conversation limits
 * (nextSendAt), honours Retry-After on 429 and retries 412/5xx with backoff and jitter
 * (backoffDelay). Rows survive a restart; claims are conditional on the ETag, so two instances never
 * deliver the same row twice at once.
 */
/** Beyond this many new or changed rows, a listing reads the whole table rather than each row. */
const FRESH_READS_MAX = 20;
/** Refreshes are gathered for at most this long (from the first), then stored as one row. */
const GATHER_MS = 200;
/** The most refreshes one row holds. */
const BUNDLE_MAX = 50;

/** Refreshes being gathered into one row for a conversation, and who waits for it to be stored. */
interface Gathering {
  targets: RefreshTarget[];
  waiters: { resolve(id: string): void; reject(e: unknown): void }[];
  timer: ReturnType<typeof setTimeout>;
}

export class SendQueue {
  private readonly sentAt = new Map<string, number[]>();
  private readonly limits: readonly SendLimit[];
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly random: () => number;
  private readonly pollMs: number;
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
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private ticking?: Promise<TickReport>;
  /** By conversation: card refreshes being gathered into one row. */
  private readonly gathering = new Map<string, Gathering>();

  constructor(
    private readonly repo: SendQueueRepository,
    private readonly deliver: (message: OutgoingMessage) => Promise<Delivered>,
    private readonly deps: {
      clock: Clock;
      ids: IdGenerator;
      logger: Logger;
      onPosted?: PostedCallback;
      /**
       * Whether a delivered digest post shows an alert (an alert can join a digest just before its
       * post goes out, with the line that shows it still to come): only those are recorded as posted.
       */
      digestShows?: (message: OutgoingMessage, alertId: string) => boolean;
      /**
       * An alert's card as it stands (for a `refresh` about to be sent); undefined when the alert is
       * gone, and the refresh then fails.
       */
      render?: (alertId: string) => Promise<Partial<Activity> | undefined>;
    },
    options: SendQueueOptions = {},
  ) {
    this.limits = options.limits ?? TEAMS_CONVERSATION_LIMITS;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.pollMs = options.pollMs ?? 5_000;
  }

  /**
   * Queues a message durably and returns its id (once it is stored); the worker delivers it.
   *
   * Card refreshes for a conversation that is waiting for its Teams budget (many people acknowledging
   * at once), which could not go sooner anyway, are gathered for up to 200 ms and stored as one row;
   * the worker sends them as one update each. Any other refresh is stored at once in a row of its own.
   */
  enqueue(
    message: OutgoingMessage,
    opts: { alertId?: string; digest?: boolean; id?: string } = {},
  ): Promise<string> {
    if (message.kind !== 'refresh' || opts.id) return this.store(message, opts);
    const conversation = budgetKey(message);
    let gathering = this.gathering.get(conversation);
    const waiting = (this.headWaits.get(conversation) ?? 0) > this.deps.clock.now().getTime();
    if (!gathering && !waiting) return this.store(message, opts);
    if (!gathering) {
      const timer = setTimeout(() => void this.storeGathered(conversation), GATHER_MS);
      gathering = { targets: [], waiters: [], timer };
      this.gathering.set(conversation, gathering);
    }
    const { targets, waiters } = gathering;
    const { kind: _kind, ...target } = message;
    targets.push(target);
    const stored = new Promise<string>((resolve, reject) => waiters.push({ resolve, reject }));
    if (targets.length >= BUNDLE_MAX) void this.storeGathered(conversation);
    return stored;
  }

  /** Stores a conversation's gathered refreshes as one row (each one once, where it first came). */
  private async storeGathered(conversation: string): Promise<void> {
    const gathering = this.gathering.get(conversation);
    if (!gathering) return;
    this.gathering.delete(conversation);
    clearTimeout(gathering.timer);
    const seen = new Set<string>();
    const targets = gathering.targets.filter((t) => {
      const key = targetKey(t);
      return !seen.has(key) && !!seen.add(key);
    });
    try {
      const id = await this.store({ kind: 'refreshes', conversationId: conversation, targets });
      for (const w of gathering.waiters) w.resolve(id);
    } catch (e) {
      for (const w of gathering.waiters) w.reject(e);
    }
  }

  private async store(
    message: OutgoingMessage,
    opts: { alertId?: string; digest?: boolean; id?: string } = {},
  ): Promise<string> {
    const now = this.deps.clock.now();
    const id = opts.id ?? this.newId();
    const row = await this.repo.add(
      {
        id,
        conversationKey: budgetKey(message),
        message,
        state: 'queued',
        attempts: 0,
        notBefore: now.toISOString(),
        enqueuedAt: now.toISOString(),
        alertId: opts.alertId,
        digest: opts.digest,
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

  addToDigest(digestId: string, alertId: string): Promise<void> {
    return this.repo.addToDigest(digestId, alertId, this.deps.clock.now());
  }

  digestOf(alertId: string): Promise<string | undefined> {
    return this.repo.digestOf(alertId);
  }

  digestAlerts(digestId: string): Promise<string[]> {
    return this.repo.digestAlerts(digestId);
  }

  /**
   * Replaces the content of a channel post that has not been picked up for delivery yet (conditional
   * on the row's ETag). False when it is already on its way or sent: then send an update instead.
   */
  async reviseQueued(row: QueuedSend, activity: Partial<Activity>): Promise<boolean> {
    if (row.state !== 'queued' || row.message.kind !== 'channelPost') return false;
    const revised = await this.repo.replace({ ...row, message: { ...row.message, activity } });
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

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { sent: 0, retried: 0, failed: 0 };
    if (!this.seeded) await this.seedBudgets();
    await this.pruneHourly();
    const pending = await this.pending();
    const byConversation = new Map<string, QueuedSend[]>();
    for (const row of pending) {
      if (row.state === 'sent') {
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
      const budget = nextSendAt(this.sentAt.get(row.conversationKey) ?? [], now, this.limits);
      if (budget.getTime() > now.getTime()) return waitUntil(budget);

      if (row.message.kind === 'refreshes') {
        const wait = await this.drainRefreshes(row, row.message, rows, report);
        if (wait) return waitUntil(wait);
        continue;
      }
      let message: OutgoingMessage = row.message;
      if (isCardUpdate(message) && updatedLater(rows, row, targetKey(message))) {
        await this.finish(row, { state: 'superseded' });
        continue;
      }
      if (isCardUpdate(message)) {
        const where = await this.whereToUpdate(message);
        // The post it updates failed or vanished: nothing to update.
        if (where === 'gone') {
          await this.finish(row, {
            state: 'failed',
            lastError: 'the message to update was never posted',
          });
          report.failed++;
          continue;
        }
        if (where === 'wait') return new Date(now.getTime() + 1_000);
        message = { ...message, ...where };
      }

      const claimed = await this.claim(row);
      // Lost: another worker has it, and the table is looked at afresh next time.
      if (!claimed) return undefined;
      row = claimed;
      try {
        // A card refresh becomes an update of the card as it stands now.
        if (message.kind === 'refresh') message = await this.rendered(message);
        const delivered = await this.send(row.conversationKey, message, now);
        const sentAt = this.deps.clock.now().toISOString();
        const isPost = message.kind === 'channelPost' && (!!row.alertId || !!row.digest);
        const sent = await this.finish(row, {
          state: 'sent',
          sentAt,
          delivered,
          callbackPending: isPost && !!this.deps.onPosted,
          lastError: undefined,
        });
        report.sent++;
        if (sent) await this.runCallback(sent);
      } catch (e) {
        const error = sendFailure(e);
        if (this.failsForGood(error, row.attempts, message.kind)) {
          await this.finish(row, { state: 'failed', lastError: describe(error) });
          report.failed++;
          continue;
        }
        const notBefore = this.retryAt(error, row.attempts);
        await this.finish(row, {
          state: retryState(error),
          notBefore: notBefore.toISOString(),
          lastError: describe(error),
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
    bundle: Extract<OutgoingMessage, { kind: 'refreshes' }>,
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
      const budget = nextSendAt(this.sentAt.get(row.conversationKey) ?? [], now, this.limits);
      if (budget.getTime() > now.getTime()) return stopAt(budget);
      const target = left[0]!;
      if (updatedLater(rows, row, targetKey(target))) {
        left.shift();
        continue;
      }
      const where = await this.whereToUpdate(target);
      if (where === 'wait') return stopAt(new Date(now.getTime() + 1_000));
      try {
        const activity = where === 'gone' ? undefined : await this.deps.render?.(target.alertId);
        if (where !== 'gone' && activity)
          await this.send(row.conversationKey, { kind: 'update', ...where, activity }, now);
        left.shift();
        attempts = 0;
        if (activity) report.sent++;
      } catch (e) {
        const error = sendFailure(e);
        if (this.failsForGood(error, attempts, 'refresh')) {
          left.shift();
          attempts = 0;
          report.failed++;
          continue;
        }
        report.retried++;
        return stopAt(this.retryAt(error, Math.max(1, attempts)), {
          state: retryState(error),
          lastError: describe(error),
        });
      }
    }
    return this.doneRefreshes(row, bundle);
  }

  /** A row of refreshes with nothing left to send: kept a day as the record, like any sent row. */
  private async doneRefreshes(
    row: QueuedSend,
    bundle: Extract<OutgoingMessage, { kind: 'refreshes' }>,
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
   * out; 'wait' while the post is on its way, 'gone' when it failed or vanished.
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
    if (post.state !== 'sent' || !post.delivered?.activityId) return 'wait';
    return post.delivered;
  }

  /** Sends one message, counted against its conversation's budget. */
  private send(conversationKey: string, message: OutgoingMessage, now: Date): Promise<Delivered> {
    this.recordSend(conversationKey, now);
    return this.deliver(message).finally(() =>
      // Teams saw it at some moment before the answer: count it at the latest, so the budget
      // never runs ahead of Teams' own count however long the request took.
      this.moveSend(conversationKey, now, this.deps.clock.now()),
    );
  }

  /** True (and logged) when a failed send is not to be tried again. */
  private failsForGood(error: TeamsSendError, attempts: number, kind: string): boolean {
    if (error.retryable && attempts < this.maxAttempts) return false;
    this.deps.logger.warn(
      { status: error.statusCode, attempts, kind },
      'a message to Teams failed for good',
    );
    return true;
  }

  /** When to try a failed send again: Retry-After, or backoff with jitter. */
  private retryAt(error: TeamsSendError, attempts: number): Date {
    const wait = backoffDelay(attempts, error.retryAfterSeconds, this.random);
    return new Date(this.deps.clock.now().getTime() + wait);
  }

  private async rendered(
    message: Extract<OutgoingMessage, { kind: 'refresh' }>,
  ): Promise<OutgoingMessage> {
    const activity = await this.deps.render?.(message.alertId);
    // 410: the alert is gone, so there is no card to show; not worth another try.
    if (!activity) throw new TeamsSendError(410, undefined, 'the alert is no longer stored');
    const { alertId: _alertId, ...where } = message;
    return { ...where, kind: 'update', activity };
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

  private async runCallback(row: QueuedSend): Promise<void> {
    const onPosted = this.deps.onPosted;
    const post = row.delivered;
    if (!row.callbackPending || !onPosted || !post?.activityId) return;
    try {
      const where = { conversationId: post.conversationId, activityId: post.activityId };
      if (row.digest) {
        for (const alertId of await this.repo.digestAlerts(row.id))
          if (this.deps.digestShows?.(row.message, alertId) ?? true)
            await onPosted(alertId, { ...where, digest: true });
      } else if (row.alertId) await onPosted(row.alertId, where);
      this.remember(row.id, await this.repo.replace({ ...row, callbackPending: false }));
    } catch (e) {
      // The row stays pending and the next pass tries again.
      this.deps.logger.warn(
        { err: e, alertId: row.alertId },
        'could not record where an alert was posted',
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

  private recordSend(key: string, at: Date): void {
    const kept = sendsToKeep(this.sentAt.get(key) ?? [], at, this.limits);
    kept.push(at.getTime());
    this.sentAt.set(key, kept);
  }

  /** Moves a send recorded at `from` to `to` (when the answer came). */
  private moveSend(key: string, from: Date, to: Date): void {
    const times = this.sentAt.get(key);
    const i = times?.lastIndexOf(from.getTime()) ?? -1;
    if (times && i >= 0) times[i] = Math.max(from.getTime(), to.getTime());
  }

  /** After a restart, what was sent in the last hour still counts against each conversation's budget. */
  private async seedBudgets(): Promise<void> {
    const now = this.deps.clock.now();
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    for (const row of await this.repo.listSentSince(new Date(now.getTime() - longest)))
      if (row.sentAt)
        this.sentAt.set(row.conversationKey, [
          ...(this.sentAt.get(row.conversationKey) ?? []),
          Date.parse(row.sentAt),
        ]);
    this.seeded = true;
  }

  /**
   * Starts the real-time worker: it delivers what is due and sleeps until the next message is, or
   * waits longer and longer while passes fail (Table Storage down: JobLoop's backoff).
   */
  start(settings: LoopSettings = {}): void {
    if (this.running) return;
    this.running = true;
    const loop = new JobLoop(
      async () => {
        this.dirty = false;
        const next = (await this.tick()).nextDueAt;
        if (this.dirty) return 0;
        return next
          ? Math.max(0, Math.min(this.pollMs, next.getTime() - this.deps.clock.now().getTime()))
          : this.pollMs;
      },
      {
        ...settings,
        name: 'the send queue',
        intervalMs: this.pollMs,
        logger: this.deps.logger,
        runAtStart: true,
        until: () => !this.running,
      },
    );
    this.wake = () => loop.wake();
    loop.start();
    this.loop = loop.finished();
  }

  /**
   * Stops the worker after the pass in progress; undelivered rows stay queued for the next start, and
   * refreshes being gathered are stored first.
   */
  async stop(): Promise<void> {
    await Promise.all([...this.gathering.keys()].map((c) => this.storeGathered(c)));
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.ticking;
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

/** A change to a message already sent: an update with its card, or an alert card's refresh. */
const isCardUpdate = (
  m: OutgoingMessage,
): m is Extract<OutgoingMessage, { kind: 'update' | 'refresh' }> =>
  m.kind === 'update' || m.kind === 'refresh';

/** The message a card update changes: its id, or the queued post it follows. */
const targetKey = (t: { activityId?: string; afterPostId?: string }): string =>
  t.activityId ?? `after:${t.afterPostId}`;

/** The messages a row's card updates change (none for a post or a reply). */
const targetKeys = (m: OutgoingMessage): string[] =>
  m.kind === 'refreshes' ? m.targets.map(targetKey) : isCardUpdate(m) ? [targetKey(m)] : [];

/** True when a row after `row` updates the message `key` anyway, so `row` need not. */
const updatedLater = (rows: QueuedSend[], row: QueuedSend, key: string): boolean =>
  rows.some((later) => later.id > row.id && targetKeys(later.message).includes(key));

/** A failed send as the queue judges it: anything but a TeamsSendError counts as a network failure. */
const sendFailure = (e: unknown): TeamsSendError =>
  e instanceof TeamsSendError ? e : new TeamsSendError(undefined, undefined, String(e));

/** The state of a row waiting to be tried again: 429s are marked throttled. */
const retryState = (error: TeamsSendError): DeliveryState =>
  error.statusCode === 429 ? 'throttled' : 'queued';

/** How long delivered and failed messages stay in the table as the delivery record. */
const KEEP_FINISHED_MS = 24 * 3_600_000;

const describe = (e: TeamsSendError): string =>
  `${e.statusCode ?? 'network'}: ${e.message}`.slice(0, 500);
