import type { AlertDigestRepository } from '../app/alerts/alert-digests';
import { encodeKey } from './keys';
import { SEND_QUEUE_TABLE } from './send-queue-repository';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * Key layout (in the outbox's table, next to the digest posts themselves)
 *   SendQueue  PK 'digest-of'            RK encodeKey(alert id)   the storm digest an alert is in
 *              PK 'digest_<digest row>'  RK encodeKey(alert id)   the alerts in one digest, in order
 */
export class TableAlertDigestRepository implements AlertDigestRepository {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(SEND_QUEUE_TABLE);
  }

  async add(digestId: string, alertId: string, at: Date): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: `digest_${digestId}`,
        rowKey: encodeKey(alertId),
        alertId,
        at: at.toISOString(),
      },
      'Replace',
    );
    await this.client.upsertEntity(
      { partitionKey: 'digest-of', rowKey: encodeKey(alertId), digestId },
      'Replace',
    );
  }

  async digestOf(alertId: string): Promise<string | undefined> {
    const row = await getOrUndefined<{ digestId: string }>(
      this.client,
      'digest-of',
      encodeKey(alertId),
    );
    return row?.digestId;
  }

  async alerts(digestId: string): Promise<string[]> {
    const rows = await listPartition<{ alertId: string; at: string }>(
      this.client,
      `digest_${digestId}`,
    );
    return rows.sort((a, b) => a.at.localeCompare(b.at)).map((r) => r.alertId);
  }
}
