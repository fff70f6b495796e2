import type { TableClient } from '@azure/data-tables';
import type { NhsPollerStore } from '../app/alerts/poller-ports';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { getOrUndefined, type TableStore } from './tables';

/*
 * Key layout of the NhsAlertPoller table
 *   PK 'cursor'   RK 'poller'               leaseUntil, leasedBy, lastPolledAt (ISO 8601)
 *   PK 'seen'     RK encodeKey(threat id)   fingerprint of the API's item as last taken in, alertId
 * The cursor row is claimed on its ETag, so one instance polls at a time. The seen rows say what is new
 * or changed on a page, so a poll stops at the first page that holds nothing new.
 */
export const ALERT_POLLER_TABLES = { poller: 'NhsAlertPoller' } as const;

const CURSOR = { partitionKey: 'cursor', rowKey: 'poller' };
const SEEN_PARTITION = 'seen';

interface CursorRow {
  leaseUntil: string;
  leasedBy: string;
  lastPolledAt: string;
}

export class TableNhsPollerStore implements NhsPollerStore {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(ALERT_POLLER_TABLES.poller);
  }

  async claim(now: Date, until: Date, by: string): Promise<boolean> {
    const row = await getOrUndefined<CursorRow>(this.client, CURSOR.partitionKey, CURSOR.rowKey);
    const next = { ...CURSOR, leaseUntil: until.toISOString(), leasedBy: by };
    if (!row) return (await insertIfAbsent(this.client, { ...next, lastPolledAt: '' })).ok;
    if (row.leaseUntil && Date.parse(row.leaseUntil) > now.getTime()) return false;
    return (
      await replaceIfUnchanged(this.client, { ...next, lastPolledAt: row.lastPolledAt }, row.etag)
    ).ok;
  }

  async release(finishedAt: Date): Promise<void> {
    await this.client.upsertEntity<CursorRow>(
      { ...CURSOR, leaseUntil: '', leasedBy: '', lastPolledAt: finishedAt.toISOString() },
      'Replace',
    );
  }

  async lastPolledAt(): Promise<Date | undefined> {
    const row = await getOrUndefined<CursorRow>(this.client, CURSOR.partitionKey, CURSOR.rowKey);
    return row?.lastPolledAt ? new Date(row.lastPolledAt) : undefined;
  }

  async fingerprints(threatIds: string[]): Promise<Map<string, string>> {
    const rows = await Promise.all(
      threatIds.map((id) =>
        getOrUndefined<{ fingerprint: string }>(this.client, SEEN_PARTITION, encodeKey(id)),
      ),
    );
    const found = new Map<string, string>();
    rows.forEach((row, i) => row && found.set(threatIds[i], row.fingerprint));
    return found;
  }

  async remember(threatId: string, fingerprint: string, alertId: string, at: Date): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: SEEN_PARTITION,
        rowKey: encodeKey(threatId),
        threatId,
        fingerprint,
        alertId,
        at: at.toISOString(),
      },
      'Replace',
    );
  }
}
