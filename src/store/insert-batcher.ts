import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import { insertIfAbsent } from './conditional';

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

interface Waiting {
  entity: TableEntity<object>;
  size: number;
  settle(result: Promise<Conditional<string>>): void;
}

/**
 * Inserts into one partition, grouped under load ("group commit"): an insert with nothing in flight
 * goes at once on its own; inserts arriving while one is in flight wait for it and then go together
 * in one transaction. A quiet queue adds no delay, and a busy one makes one storage request for many
 * rows instead of one each.
 *
 * Each caller gets its own answer, as `insertIfAbsent` gives it: when a grouped transaction fails
 * (one row already there, a row too large), nothing in it was written, and each row is then tried on
 * its own, so one bad row never costs the others theirs.
 */
export class InsertBatcher {
  private waiting: Waiting[] = [];
  private inFlight = false;

  constructor(
    private readonly client: () => TableClient,
    private readonly partitionKey: string,
  ) {}

  insert<T extends object>(entity: TableEntity<T>): Promise<Conditional<string>> {
    if (entity.partitionKey !== this.partitionKey)
      throw new Error(`InsertBatcher for ${this.partitionKey} was given another partition.`);
    return new Promise((resolve) => {
      this.waiting.push({
        entity,
        size: approximateSize(entity),
        settle: (result) => resolve(result),
      });
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.waiting.length) {
        const group = this.takeGroup();
        if (group.length === 1) await this.insertAlone(group[0]!);
        else await this.commitGroup(group);
      }
    } finally {
      this.inFlight = false;
    }
  }

  /** The oldest waiting rows that fit in one transaction (always at least one). */
  private takeGroup(): Waiting[] {
    let chars = 0;
    let n = 0;
    while (
      n < this.waiting.length &&
      n < MAX_ACTIONS &&
      (n === 0 || chars + this.waiting[n]!.size <= MAX_BATCH_CHARS)
    )
      chars += this.waiting[n++]!.size;
    return this.waiting.splice(0, n);
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    try {
      const actions = group.map((w): TransactionAction => ['create', w.entity]);
      const res = await this.client().submitTransaction(actions);
      for (const w of group) {
        const etag = res.getResponseForEntity(w.entity.rowKey)?.etag;
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
    const result = insertIfAbsent(this.client(), w.entity);
    w.settle(result);
    await result.catch(() => undefined);
  }
}
