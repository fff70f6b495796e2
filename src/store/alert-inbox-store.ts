import type { TableEntityResult } from '@azure/data-tables';
import type { AlertInboxStore, InboxEntry } from '../app/alerts/alert-inbox';
import type { Conditional } from '../app/ports';
import { fromJsonChunkColumns, toJsonChunkColumns, type ChunkLayout } from './chunked-columns';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { PartitionBatcher } from './partition-batcher';
import { encodeKey } from './keys';
import { getOrUndefined, type TableStore } from './tables';

/*
 * Key layout
 *   AlertInbox  PK the alert's source ('incident', 'hsa')   RK encodeKey(dedup key)
 *               alertId, version (signed timestamp, seconds), signatures (taken at that version, space
 *               separated), the validated alert as JSON in `incoming`, actor, done, state, raised
 *               (false until the first version is applied in full; absent on older rows), claimedBy,
 *               claimedUntil
 * One row per sender's alert: inserting it is the dedup claim (409: known already), and the webhook's
 * only write for a new alert. Rows stay once done: they answer duplicates and replays with the alert's
 * id without reading the alert.
 */
export const ALERT_INBOX_TABLE = 'AlertInbox';

const INCOMING: ChunkLayout = { name: 'incoming' };

interface InboxRow {
  alertId: string;
  version: number;
  signatures: string;
  actor: string;
  done: boolean;
  state?: string;
  raised?: boolean;
  claimedBy: string;
  claimedUntil: string;
}

const toEntity = (entry: Omit<InboxEntry, 'etag'>) => ({
  partitionKey: entry.source,
  rowKey: encodeKey(entry.dedupKey),
  alertId: entry.alertId,
  version: entry.version,
  signatures: entry.signatures.join(' '),
  actor: JSON.stringify(entry.actor),
  done: entry.done,
  ...(entry.state === undefined ? {} : { state: entry.state }),
  ...(entry.raised === undefined ? {} : { raised: entry.raised }),
  claimedBy: entry.claimedBy,
  claimedUntil: entry.claimedUntil,
  ...toJsonChunkColumns(entry.incoming, INCOMING),
});

const fromEntity = (row: TableEntityResult<InboxRow & Record<string, unknown>>): InboxEntry => {
  const incoming = fromJsonChunkColumns<InboxEntry['incoming']>(row, INCOMING);
  return {
    source: incoming.source,
    dedupKey: incoming.dedupKey,
    alertId: row.alertId,
    version: Number(row.version),
    signatures: row.signatures ? row.signatures.split(' ') : [],
    incoming,
    actor: JSON.parse(row.actor) as InboxEntry['actor'],
    done: row.done === true,
    ...(row.state ? { state: row.state } : {}),
    ...(typeof row.raised === 'boolean' ? { raised: row.raised } : {}),
    claimedBy: row.claimedBy ?? '',
    claimedUntil: row.claimedUntil ?? '',
    etag: row.etag ?? '',
  };
};

/** The alert inbox in Table Storage: a conditional insert per sender's alert, ETag replaces after. */
export class TableAlertInboxStore implements AlertInboxStore {
  /** Grouped replaces by partition (the source): a storm's done marks go a transaction at a time. */
  private readonly batchers = new Map<string, PartitionBatcher>();

  constructor(private readonly store: TableStore) {}

  private batcher(source: string): PartitionBatcher {
    let batcher = this.batchers.get(source);
    if (!batcher)
      this.batchers.set(source, (batcher = new PartitionBatcher(() => this.client, source)));
    return batcher;
  }

  private get client() {
    return this.store.table(ALERT_INBOX_TABLE);
  }

  async insert(entry: Omit<InboxEntry, 'etag'>): Promise<Conditional<InboxEntry>> {
    const inserted = await insertIfAbsent(this.client, toEntity(entry));
    return inserted.ok ? { ok: true, value: { ...entry, etag: inserted.value } } : inserted;
  }

  async get(source: InboxEntry['source'], dedupKey: string): Promise<InboxEntry | undefined> {
    const row = await getOrUndefined<InboxRow & Record<string, unknown>>(
      this.client,
      source,
      encodeKey(dedupKey),
    );
    return row && fromEntity(row);
  }

  async replace(
    entry: InboxEntry,
    opts: { grouped?: boolean } = {},
  ): Promise<Conditional<InboxEntry>> {
    const { etag, ...rest } = entry;
    const replaced = opts.grouped
      ? await this.batcher(entry.source).replace(toEntity(rest), etag)
      : await replaceIfUnchanged(this.client, toEntity(rest), etag);
    return replaced.ok ? { ok: true, value: { ...entry, etag: replaced.value } } : replaced;
  }

  async listUndone(): Promise<InboxEntry[]> {
    const rows = this.client.listEntities<InboxRow & Record<string, unknown>>({
      queryOptions: { filter: 'done eq false' },
    });
    const undone: InboxEntry[] = [];
    for await (const row of rows) undone.push(fromEntity(row));
    return undone;
  }
}
