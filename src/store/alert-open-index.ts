import type { TableClient } from '@azure/data-tables';
import type { Alert } from '../domain/alerts';
import { OPEN_PARTITION, openEntity } from './alert-rows';
import { replaceIfUnchanged } from './conditional';
import { PartitionBatcher } from './partition-batcher';
import { isNotFound, listPartition } from './tables';

/*
 * The Alerts table's open index ('~open', one row per alert that may be open: see the key layout in
 * src/store/alert-rows.ts). The alert repository claims a row before it creates an alert and removes it
 * once the alert is resolved; the escalation job reads it to give every open alert a timer and to post
 * the cards of alerts a crash left unposted (`claimUnposted`), marked off as their cards are recorded.
 */
export class AlertOpenIndex {
  /** A storm's claims and posted marks go a transaction at a time. */
  private readonly batcher = new PartitionBatcher(() => this.client(), OPEN_PARTITION);

  constructor(private readonly client: () => TableClient) {}

  /**
   * Claims the row of an alert about to be created: not overwritten when there, so a duplicate never
   * repoints the open alert's row at its own id.
   */
  claim(partition: string, alert: Alert) {
    return this.batcher.insert(openEntity(partition, alert));
  }

  /** Writes the row over one left by an attempt that never committed: this alert owns the partition. */
  async takeOver(partition: string, alert: Alert): Promise<void> {
    await this.client().upsertEntity(openEntity(partition, alert), 'Replace');
  }

  /** Removes the row of an alert resolved for good (gone already is fine). */
  async remove(partition: string): Promise<void> {
    await this.client()
      .deleteEntity(OPEN_PARTITION, partition)
      .catch((e) => {
        if (!isNotFound(e)) throw e;
      });
  }

  /** Ids of the alerts that may be open (one partition); a few may be resolved already, or stale. */
  async alertIds(): Promise<string[]> {
    const rows = await listPartition<{ alertId: string }>(this.client(), OPEN_PARTITION);
    return rows.map((row) => row.alertId);
  }

  /**
   * Claims, for `leaseMs`, the alerts raised before `raisedBefore` whose cards are not known to be in the
   * channel and that no instance has claimed within the lease (a conditional write each): their ids.
   */
  async claimUnposted(raisedBefore: Date, now: Date, leaseMs: number): Promise<string[]> {
    const rows = await listPartition<{
      alertId: string;
      raisedAt: string;
      posted?: boolean;
      checkedAt?: string;
    }>(this.client(), OPEN_PARTITION);
    const won: string[] = [];
    for (const row of rows) {
      if (row.posted === true || !(row.raisedAt < raisedBefore.toISOString())) continue;
      if (row.checkedAt && Date.parse(row.checkedAt) > now.getTime() - leaseMs) continue;
      const claimed = await replaceIfUnchanged(
        this.client(),
        {
          partitionKey: OPEN_PARTITION,
          rowKey: row.rowKey ?? '',
          alertId: row.alertId,
          raisedAt: row.raisedAt,
          posted: false,
          checkedAt: now.toISOString(),
        },
        row.etag ?? '',
      );
      if (claimed.ok) won.push(row.alertId);
    }
    return won;
  }

  /** Marks that the alert's card is in the channel (or is known to be). */
  async markPosted(partition: string): Promise<void> {
    const entity = { partitionKey: OPEN_PARTITION, rowKey: partition, posted: true };
    await this.batcher.write(entity, ['update', entity, 'Merge'], async () => {
      await this.client()
        .updateEntity(entity, 'Merge')
        .catch((e) => {
          // Resolved meanwhile: the row is gone, which says no more.
          if (!isNotFound(e)) throw e;
        });
      return { ok: true, value: '' };
    });
  }
}
