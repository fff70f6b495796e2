import type { TransactionAction } from '@azure/data-tables';
import type { AlertDigestRepository } from '../app/alerts/alert-digests';
import { encodeKey } from './keys';
import { insertOrReplace } from './conditional';
import { SEND_QUEUE_TABLE } from './send-queue-repository';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * Key layout (in the outbox's table, next to the digest posts themselves)
 *   SendQueue  PK 'digest-of'            RK encodeKey(alert id)   the storm digest an alert is in
 *              PK 'digest_<digest row>'  RK encodeKey(alert id)   the alerts in one digest, in order
 */
/** Table Storage takes at most 100 actions in one transaction. */
const TRANSACTION_MAX = 100;

/** Alerts whose digest is remembered at most (the oldest forgotten first). */
const REMEMBERED_MAX = 10_000;

export class TableAlertDigestRepository implements AlertDigestRepository {
  /**
   * The digest of alerts known to be in one. An alert joins a digest once and never leaves it, so what
   * was seen stays true: a storm's paging asks each alert's digest without a read. Absence is never
   * remembered (another instance may put the alert in a digest at any time).
   */
  private readonly digestOfAlert = new Map<string, string>();

  constructor(private readonly store: TableStore) {}

  private remember(alertId: string, digestId: string): void {
    if (this.digestOfAlert.size >= REMEMBERED_MAX)
      this.digestOfAlert.delete(this.digestOfAlert.keys().next().value!);
    this.digestOfAlert.set(alertId, digestId);
  }

  private get client() {
    return this.store.table(SEND_QUEUE_TABLE);
  }

  async add(digestId: string, alertId: string, at: Date): Promise<void> {
    await this.addMany(digestId, [alertId], at);
  }

  /**
   * The digest's own rows first, then the `digest-of` rows, each partition in transactions of up to
   * 100: a storm's joins cost a few round trips, not two each (the same order as one add, so a
   * crash between them leaves what a crash inside one add did).
   */
  async addMany(digestId: string, alertIds: readonly string[], at: Date): Promise<void> {
    const joined = at.toISOString();
    const ids = [...new Set(alertIds)];
    await this.upsertAll(
      ids.map((alertId, seq) => ({
        partitionKey: `digest_${digestId}`,
        rowKey: encodeKey(alertId),
        alertId,
        at: joined,
        // Keeps the order of alerts that joined together.
        seq,
      })),
    );
    await this.upsertAll(
      ids.map((alertId) => ({
        partitionKey: 'digest-of',
        rowKey: encodeKey(alertId),
        digestId,
      })),
    );
    for (const alertId of ids) this.remember(alertId, digestId);
  }

  /**
   * Rows of one partition, written whether or not they are there, in transactions of at most 100 (Table
   * Storage's limit). Joins are almost always new rows, so they go as inserts (see insertOrReplace); when a
   * row is there already, its transaction fails whole and goes again as upserts.
   */
  private async upsertAll(rows: { partitionKey: string; rowKey: string }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += TRANSACTION_MAX) {
      const chunk = rows.slice(i, i + TRANSACTION_MAX);
      if (chunk.length === 1) await insertOrReplace(this.client, chunk[0]!);
      else
        await this.client
          .submitTransaction(chunk.map((row): TransactionAction => ['create', row]))
          .catch(() =>
            this.client.submitTransaction(
              chunk.map((row): TransactionAction => ['upsert', row, 'Replace']),
            ),
          );
    }
  }

  async digestOf(alertId: string): Promise<string | undefined> {
    const known = this.digestOfAlert.get(alertId);
    if (known) return known;
    const row = await getOrUndefined<{ digestId: string }>(
      this.client,
      'digest-of',
      encodeKey(alertId),
    );
    if (row?.digestId) this.remember(alertId, row.digestId);
    return row?.digestId;
  }

  async alerts(digestId: string): Promise<string[]> {
    const rows = await listPartition<{ alertId: string; at: string; seq?: number }>(
      this.client,
      `digest_${digestId}`,
    );
    return rows
      .sort((a, b) => a.at.localeCompare(b.at) || (a.seq ?? 0) - (b.seq ?? 0))
      .map((r) => r.alertId);
  }
}
