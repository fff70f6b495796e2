// The timers module's own, not the globals: a test's fake timers must not hold a gathering still.
import { clearTimeout, setTimeout } from 'node:timers';
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import { insertIfAbsent, insertOrReplace, replaceIfUnchanged } from './conditional';
import { backgroundTurn, inForeground, isBackground } from '../app/work-priority';

/** Table Storage takes at most 100 actions in one transaction, and at most 4 MiB of request. */
const MAX_ACTIONS = 100;
const MAX_BATCH_CHARS = 1_500_000;

/** Characters the entity takes on the wire, near enough: its strings, and a little for the rest. */
const approximateSize = (entity: object): number => {
  let size = 0;
  for (const [key, value] of Object.entries(entity))
    size += key.length + (typeof value === 'string' ? value.length : 32);
  return size;
};

/** Under load, rows that can wait wait at most this long (from the oldest of them) for others. */
const GATHER_MS = 200;
/**
 * Under load, rows background work hands in (nobody waits for them) wait at most this long for others:
 * short, as background work writes one step after another (an alert applied is several writes).
 */
const BACKGROUND_GATHER_MS = 30;
/** How long after a transaction of several rows the batcher still counts as busy. */
const BUSY_FOR_MS = 1_000;

/**
 * The batcher's clock and timer, injected so tests move virtual time instead of sleeping (the job
 * loops' VirtualTimers in tests/helpers fits).
 */
export interface BatcherTimers {
  /** Calls `fn` once after `ms`; answers a function that cancels the call. */
  after(ms: number, fn: () => void): () => void;
  /** Milliseconds since the epoch. */
  now(): number;
}

const realTimers: BatcherTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  now: () => Date.now(),
};

export interface PartitionBatcherOptions {
  /** Longest a row that can wait waits for others under load (from the oldest waiting). */
  gatherMs?: number;
  /** The same for a row background work hands in without saying whether it can wait. */
  backgroundGatherMs?: number;
  timers?: BatcherTimers;
}

interface Waiting {
  entity: TableEntity<object>;
  /** The row's action in a grouped transaction. */
  action: TransactionAction;
  /** The same write in a request of its own (a group of one, or a group that failed). */
  alone(): Promise<Conditional<string>>;
  size: number;
  canWait: boolean;
  /** When it was handed in (ms since the epoch). */
  at: number;
  /** How long it may wait for others under load, from `at`. */
  gatherMs: number;
  /** Handed in by background work (isBackground), not by someone waiting. */
  background: boolean;
  settle(result: Promise<Conditional<string>>): void;
}

/**
 * Sends a write as the work of whoever waits for its rows: when someone waits for one of them, it goes as
 * theirs, not as the background's that started the flush (no background slot to wait for, and no
 * background turn before they hear).
 */
const asTheirs = <T>(rows: readonly Waiting[], send: () => T): T =>
  rows.some((w) => !w.background) ? inForeground(send) : send();

/**
 * Writes into one partition, grouped under load ("group commit"): a write with nothing in flight
 * goes at once on its own; writes arriving while one is in flight wait for it and then go together
 * in one transaction. A quiet queue adds no delay, and a busy one makes one storage request for many
 * rows instead of one each. The writes are conditional inserts (`insert`), replaces on an ETag
 * (`replace`) and upserts (`upsert`), each answered as its plain request would answer it.
 *
 * A row whose caller does not need it stored at once (`canWait`: a card update for everyone else,
 * whose presser already has the new card) may wait a little longer under load, so the groups grow:
 * when the last transaction carried several rows and ended less than a second ago, and every row
 * waiting can wait, the next goes when it is full or when the first of its rows' times is up
 * (`gatherMs` from when the row came, 200 ms unless set), whichever is first. A row that cannot wait ends the gathering at once. Table Storage and
 * its client spend most of a small transaction's work on the transaction itself, so a busy queue
 * then costs far less per row. Rows handed in by background work (isBackground: applying a storm's
 * alerts, the jobs) can wait unless their writer says otherwise, for at most `backgroundGatherMs`
 * (30 ms unless set): a storm's rows then go in far fewer requests (bench/HISTORY.md, 5 Dec 2026).
 *
 * Each caller gets its own answer, as `insertIfAbsent` gives it: when a grouped transaction fails
 * (one row already there, a row too large), nothing in it was written, and each row is then tried on
 * its own, so one bad row never costs the others theirs.
 */
export class PartitionBatcher {
  private waiting: Waiting[] = [];
  private inFlight = false;
  /** Until when the batcher counts as busy: a while after a transaction of several rows ended. */
  private busyUntil = 0;
  /** Ends the current gathering early (a row that cannot wait arrived, or the group is full). */
  private endGathering?: () => void;
  private readonly gatherMs: number;
  private readonly backgroundGatherMs: number;
  private readonly timers: BatcherTimers;

  constructor(
    private readonly client: () => TableClient,
    private readonly partitionKey: string,
    {
      gatherMs = GATHER_MS,
      backgroundGatherMs = BACKGROUND_GATHER_MS,
      timers = realTimers,
    }: PartitionBatcherOptions = {},
  ) {
    this.gatherMs = gatherMs;
    this.backgroundGatherMs = backgroundGatherMs;
    this.timers = timers;
  }

  insert<T extends object>(
    entity: TableEntity<T>,
    opts: { canWait?: boolean } = {},
  ): Promise<Conditional<string>> {
    return this.add(entity, ['create', entity], () => insertIfAbsent(this.client(), entity), opts);
  }

  /** Replaces the row on `etag`: `conflict` when it changed since (412) or is gone (404). */
  replace<T extends object>(
    entity: TableEntity<T>,
    etag: string,
    opts: { canWait?: boolean } = {},
  ): Promise<Conditional<string>> {
    return this.add(
      entity,
      ['update', entity, 'Replace', { etag }],
      () => replaceIfUnchanged(this.client(), entity, etag),
      opts,
    );
  }

  /** Writes the row whether or not one is there (always `ok`; a failure rejects). */
  upsert<T extends object>(
    entity: TableEntity<T>,
    opts: { canWait?: boolean } = {},
  ): Promise<Conditional<string>> {
    return this.add(
      entity,
      ['upsert', entity, 'Replace'],
      async () => ({
        ok: true,
        value: (await this.client().upsertEntity(entity, 'Replace')).etag ?? '',
      }),
      opts,
    );
  }

  /**
   * Writes a row that is almost always new (always `ok`; a failure rejects): an insert, then a replace
   * should the row be there after all. It leaves what `upsert` leaves, but Azurite looks a new row up
   * once, not twice (an upsert there is a lookup and then an insert, each a pass over the rows of the
   * partition), which in a storm's shared partitions is most of what a row costs it. In Table Storage
   * an insert costs what an upsert does. A row already there fails its group's transaction, and the
   * rows are then written one by one (as for `insert`): not for rows that are often there.
   */
  upsertNew<T extends object>(
    entity: TableEntity<T>,
    opts: { canWait?: boolean } = {},
  ): Promise<Conditional<string>> {
    return this.add(entity, ['create', entity], () => insertOrReplace(this.client(), entity), opts);
  }

  /**
   * Any other write: `action` in a grouped transaction, `alone` when it goes in a request of its own
   * (as the first of a quiet queue, or after its group failed): `alone` decides what its caller hears.
   */
  write<T extends object>(
    entity: TableEntity<T>,
    action: TransactionAction,
    alone: () => Promise<Conditional<string>>,
    opts: { canWait?: boolean } = {},
  ): Promise<Conditional<string>> {
    return this.add(entity, action, alone, opts);
  }

  private add<T extends object>(
    entity: TableEntity<T>,
    action: TransactionAction,
    alone: () => Promise<Conditional<string>>,
    opts: { canWait?: boolean },
  ): Promise<Conditional<string>> {
    if (entity.partitionKey !== this.partitionKey)
      throw new Error(`PartitionBatcher for ${this.partitionKey} was given another partition.`);
    const background = isBackground();
    return new Promise((resolve) => {
      // Nobody waits for a background writer's row unless it says so: it waits its own short time.
      const backgroundMayWait = opts.canWait === undefined && background;
      const canWait = opts.canWait ?? background;
      this.waiting.push({
        entity,
        action,
        alone,
        size: approximateSize(entity),
        canWait,
        at: this.timers.now(),
        gatherMs: backgroundMayWait ? this.backgroundGatherMs : this.gatherMs,
        background,
        // A background writer resumes in a turn of its own, not with every row of its transaction.
        settle: background
          ? (result) => void backgroundTurn().then(() => resolve(result))
          : (result) => resolve(result),
      });
      if (!this.inFlight) void this.flush();
      // Only a gathering in progress needs to hear of it.
      else if (this.endGathering && (!canWait || this.groupIsFull())) this.endGathering();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.waiting.length) {
        await this.gather();
        const group = this.takeGroup();
        if (group.length === 1) await this.insertAlone(group[0]!);
        else await this.commitGroup(group);
        this.busyUntil = group.length > 1 ? this.timers.now() + BUSY_FOR_MS : 0;
      }
    } finally {
      this.inFlight = false;
    }
  }

  /**
   * Under load, while every waiting row can wait and the group is not full: waits for more, until the
   * first of the waiting rows' times is up.
   */
  private async gather(): Promise<void> {
    const busy = this.timers.now() < this.busyUntil;
    if (!busy || this.groupIsFull() || !this.waiting.every((w) => w.canWait)) return;
    let until = Infinity;
    for (const w of this.waiting) until = Math.min(until, w.at + w.gatherMs);
    const wait = until - this.timers.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const cancel = this.timers.after(wait, () => this.endGathering?.());
      this.endGathering = () => {
        cancel();
        this.endGathering = undefined;
        resolve();
      };
    });
  }

  /** Whether the waiting rows fill a transaction (more would have to go in another). */
  private groupIsFull(): boolean {
    const n = this.takeGroupSize();
    return n >= MAX_ACTIONS || n < this.waiting.length;
  }

  /** The oldest waiting rows that fit in one transaction (always at least one). */
  private takeGroup(): Waiting[] {
    return this.waiting.splice(0, this.takeGroupSize());
  }

  /** How many of the oldest waiting rows fit in one transaction. */
  private takeGroupSize(): number {
    let chars = 0;
    let n = 0;
    while (
      n < this.waiting.length &&
      n < MAX_ACTIONS &&
      (n === 0 || chars + this.waiting[n]!.size <= MAX_BATCH_CHARS)
    )
      chars += this.waiting[n++]!.size;
    return n;
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    try {
      const actions = group.map((w) => w.action);
      const res = await asTheirs(group, () => this.client().submitTransaction(actions));
      for (const [i, w] of group.entries()) {
        // An update's sub-response may name no row; the sub-responses come in the actions' order.
        const etag =
          res.getResponseForEntity(w.entity.rowKey)?.etag ?? res.subResponses[i]?.etag?.trim();
        // Every sub-response names its row and ETag; read it back should one ever not.
        w.settle(
          etag
            ? Promise.resolve({ ok: true, value: etag })
            : this.client()
                .getEntity(this.partitionKey, w.entity.rowKey)
                .then((row) => ({ ok: true as const, value: row.etag ?? '' })),
        );
      }
    } catch {
      // Nothing was written: each row on its own, so each caller hears about its own.
      await Promise.all(group.map((w) => this.insertAlone(w)));
    }
  }

  /** One row in a request of its own; its caller gets the answer, whatever it is. */
  private async insertAlone(w: Waiting): Promise<void> {
    const result = asTheirs([w], () => w.alone());
    w.settle(result);
    await result.catch(() => undefined);
  }
}
