import { odata } from '@azure/data-tables';
import type { TakenRequest, WebhookReplayGuard } from '../app/alerts/webhook-replay';
import { insertIfAbsent } from './conditional';
import { getOrUndefined, isNotFound, type TableStore } from './tables';

/*
 * Key layout
 *   WebhookReplay  PK the request's signed X-CTAC-Timestamp, 12 digits   RK its signature (64 hex)
 *                  alertId and state: what the request gave when it was taken
 * Partitioned by the signed timestamp so requests past their five minutes are found with one range
 * filter on PartitionKey and deleted.
 */
export const WEBHOOK_REPLAY_TABLE = 'WebhookReplay';

interface ReplayRow {
  alertId: string;
  state: string;
}

const partitionOf = (timestampSeconds: number): string =>
  String(Math.max(0, Math.floor(timestampSeconds))).padStart(12, '0');

/** The webhook's replay guard in Table Storage: a conditional insert per signature (409: seen already). */
export class TableWebhookReplayGuard implements WebhookReplayGuard {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(WEBHOOK_REPLAY_TABLE);
  }

  async find(signature: string, timestampSeconds: number): Promise<TakenRequest | undefined> {
    const row = await getOrUndefined<ReplayRow>(
      this.client,
      partitionOf(timestampSeconds),
      signature,
    );
    return row && { alertId: row.alertId, state: row.state };
  }

  async record(signature: string, timestampSeconds: number, taken: TakenRequest): Promise<void> {
    // A 409 is the same request recorded by another instance at the same moment: either record will do.
    await insertIfAbsent<ReplayRow>(this.client, {
      partitionKey: partitionOf(timestampSeconds),
      rowKey: signature,
      ...taken,
    });
  }

  async forgetBefore(timestampSeconds: number): Promise<void> {
    const filter = odata`PartitionKey lt ${partitionOf(timestampSeconds)}`;
    const rows = this.client.listEntities({
      queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
    });
    for await (const { partitionKey, rowKey } of rows) {
      if (partitionKey === undefined || rowKey === undefined) continue;
      try {
        await this.client.deleteEntity(partitionKey, rowKey);
      } catch (e) {
        // Another instance swept it first.
        if (!isNotFound(e)) throw e;
      }
    }
  }
}
