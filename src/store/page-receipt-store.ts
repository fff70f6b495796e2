import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type {
  PageReceiptStore,
  PendingReceipt,
  StoredReceiptCheck,
} from '../app/alerts/page-receipts';
import type { Conditional } from '../app/ports';
import type { PageChannel } from '../domain/alerts';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { isConditionFailed, isNotFound, type TableStore } from './tables';

/*
 * Key layout
 *   PageReceipts   PK 'pending'   RK encodeKey(Notify id)   alertId, escalationSeq, personId, personName,
 *                                                          channel, notifyId, acceptedAt, dueAt (ISO 8601
 *                                                          UTC, so text order is time order), tries,
 *                                                          claimedBy
 * One row per text or email GOV.UK Notify accepted whose delivery receipt is still to come, all in one
 * partition: the receipts job asks for `dueAt le now` within it, claims a row by replacing it on its ETag,
 * and deletes it once the receipt is recorded (or after 72 hours).
 */
export const PAGE_RECEIPT_TABLE = 'PageReceipts';

const PENDING_PARTITION = 'pending';

interface ReceiptRow {
  alertId: string;
  escalationSeq: number;
  personId: string;
  personName: string;
  channel: string;
  notifyId: string;
  acceptedAt: string;
  dueAt: string;
  tries: number;
  claimedBy: string;
}

const toRow = (check: PendingReceipt, claimedBy: string): ReceiptRow => ({
  alertId: check.alertId,
  escalationSeq: check.page.escalationSeq,
  personId: check.page.person.id,
  personName: check.page.person.name,
  channel: check.page.channel,
  notifyId: check.notifyId,
  acceptedAt: check.acceptedAt,
  dueAt: check.dueAt,
  tries: check.tries,
  claimedBy,
});

const fromRow = (row: ReceiptRow, etag: string): StoredReceiptCheck => ({
  alertId: row.alertId,
  page: {
    escalationSeq: row.escalationSeq,
    person: { id: row.personId, name: row.personName },
    channel: row.channel as PageChannel,
  },
  notifyId: row.notifyId,
  acceptedAt: row.acceptedAt,
  dueAt: row.dueAt,
  tries: row.tries,
  etag,
});

export class TablePageReceiptStore implements PageReceiptStore {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(PAGE_RECEIPT_TABLE);
  }

  async add(check: PendingReceipt): Promise<void> {
    await insertIfAbsent<ReceiptRow>(this.client, {
      partitionKey: PENDING_PARTITION,
      rowKey: encodeKey(check.notifyId),
      ...toRow(check, ''),
    });
  }

  async due(now: Date, limit: number): Promise<StoredReceiptCheck[]> {
    const checks: StoredReceiptCheck[] = [];
    const filter = odata`PartitionKey eq ${PENDING_PARTITION} and dueAt le ${now.toISOString()}`;
    for await (const row of this.client.listEntities<ReceiptRow>({ queryOptions: { filter } }))
      checks.push(fromRow(row, row.etag));
    return checks.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, limit);
  }

  async claim(
    check: StoredReceiptCheck,
    until: Date,
    by: string,
  ): Promise<Conditional<StoredReceiptCheck>> {
    const claimed = { ...check, dueAt: until.toISOString() };
    const res = await this.replace(claimed, by, check.etag);
    return res.ok ? { ok: true, value: { ...claimed, etag: res.value } } : res;
  }

  async release(
    claimed: StoredReceiptCheck,
    next: { dueAt: Date; tries: number } | undefined,
  ): Promise<void> {
    if (next) {
      // A conflict: the claim lapsed and another instance has the check now; theirs stands.
      await this.replace(
        { ...claimed, dueAt: next.dueAt.toISOString(), tries: next.tries },
        '',
        claimed.etag,
      );
      return;
    }
    await this.client
      .deleteEntity(PENDING_PARTITION, encodeKey(claimed.notifyId), { etag: claimed.etag })
      .catch((e) => {
        if (!isConditionFailed(e) && !isNotFound(e)) throw e;
      });
  }

  private replace(
    check: PendingReceipt,
    claimedBy: string,
    etag: string,
  ): Promise<Conditional<string>> {
    return replaceIfUnchanged<ReceiptRow>(
      this.client,
      {
        partitionKey: PENDING_PARTITION,
        rowKey: encodeKey(check.notifyId),
        ...toRow(check, claimedBy),
      },
      etag,
    ).catch((e) => {
      if (isNotFound(e)) return { ok: false as const, reason: 'conflict' as const };
      throw e;
    });
  }
}
