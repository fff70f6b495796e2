/*
 * The send queue's view of its table: the rows still to deliver that this process knows of, when
 * the table is listed again (and how cheaply), and the hourly pruning of finished rows.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/shared/clock';
import type { OutboxBacklog } from '../metrics';
import { targetKeys } from './message';
import type { QueuedSend, SendQueueRepository } from './ports';

/** Beyond this many new or changed rows, a listing reads the whole table rather than each row. */
export const FRESH_READS_MAX = 20;
/** How long delivered and failed messages stay in the table as the delivery record. */
export const KEEP_FINISHED_MS = 24 * 3_600_000;

/**
 * The rows still to deliver that this process knows of, with their ETags: what it queued itself and
 * what the last full listing found. The table is listed again every `pollMs` (for rows other
 * instances queued) and after a lost claim, not on every pass: a backlog waiting for a
 * conversation's budget costs no reads.
 */
export class RowCache {
  private readonly known = new Map<string, QueuedSend>();
  private listedAt = -Infinity;
  private relist = true;
  private prunedAt = -Infinity;

  constructor(
    private readonly repo: SendQueueRepository,
    private readonly deps: { clock: Clock; logger: Pick<Logger, 'warn'> },
    private readonly pollMs: number,
  ) {}

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

  /** A row this process has just stored. */
  add(row: QueuedSend): void {
    this.known.set(row.id, row);
  }

  /** Keeps the in-memory view of a row in step with the table after a write (undefined: lost race). */
  remember(id: string, row: QueuedSend | undefined): void {
    if (!row) {
      this.known.delete(id);
      this.relist = true;
    } else if (isPending(row)) this.known.set(id, row);
    else this.known.delete(id);
  }

  /** The rows to look at this pass, oldest first: listed from the table when due, else from memory. */
  async pending(): Promise<QueuedSend[]> {
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

  /** Keeps the table small: finished rows go after a day (the pending query reads the partition). */
  async pruneHourly(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.prunedAt < 3_600_000) return;
    this.prunedAt = now;
    await this.repo
      .deleteFinishedBefore(new Date(now - KEEP_FINISHED_MS))
      .catch((err) => this.deps.logger.warn({ err }, 'could not prune the send queue'));
  }
}

/** True while a row still has something to do: a delivery, or the "posted" callback. */
export const isPending = (row: QueuedSend): boolean =>
  row.state === 'queued' ||
  row.state === 'throttled' ||
  row.state === 'sending' ||
  row.callbackPending === true;

/** Rows in queue order (their ids sort by when they were queued). */
export const byId = (a: QueuedSend, b: QueuedSend): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** True when a row after `row` updates the message `key` anyway, so `row` need not. */
export const updatedLater = (rows: QueuedSend[], row: QueuedSend, key: string): boolean =>
  rows.some((later) => later.id > row.id && targetKeys(later.message).includes(key));
