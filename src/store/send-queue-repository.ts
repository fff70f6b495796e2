import { deflateRawSync, inflateRawSync } from 'zlib';
import type { TableEntityResult } from '@azure/data-tables';
import type { QueuedSend, SendQueueRepository } from '../app/outbox';
import { fromChunkColumns, toChunkColumns, type ChunkedColumns } from './chunked-columns';
import { replaceIfUnchanged } from './conditional';
import { PartitionBatcher } from './partition-batcher';
import { getOrUndefined, type TableStore } from './tables';

/*
 * Key layout
 *   SendQueue  PK 'send'   RK <enqueued ms, 15 digits>_<seq>_<uuid>   one row per outgoing message
 * Row keys sort oldest first, so a conversation's messages are delivered in the order they were
 * queued. The message (plain JSON: where it goes and its text or card, up to about 28 KB) is
 * deflated, in base64, and split over `message0..message3` by the shared column codec
 * (chunked-columns.ts; a string property holds at most 32K characters); `messageEncoding` says so. Rows without it hold the JSON as it is: small messages (a card
 * refresh), and rows queued before messages were deflated.
 * `purpose` and `subject` say what a message is for and about, for the callback that records where it
 * went (a risk's card: src/bot/risks/channel-notifier.ts).
 * Finished rows (sent, failed, superseded) stay a day as the delivery record, then are deleted;
 * storm digests are kept, since later acknowledgements update their message.
 * The same table holds which alerts are in which storm digest (src/store/alert-digest-repository.ts).
 */
export const SEND_QUEUE_TABLE = 'SendQueue';
const PARTITION = 'send';
/** Rows still to deliver, or whose "posted" callback is still to run. */
const PENDING = `PartitionKey eq '${PARTITION}' and (state eq 'queued' or state eq 'throttled' or state eq 'sending' or callbackPending eq true)`;
/** The message's columns: `message0..message3`, read until one is missing (no count column). */
const MESSAGE_COLUMNS = { name: 'message', countColumn: null };
const MAX_CHUNKS = 4;

interface SendRow {
  conversationKey: string;
  state: QueuedSend['state'];
  attempts: number;
  notBefore: string;
  enqueuedAt: string;
  sentAt?: string;
  kind: string;
  delivered?: string;
  alertId?: string;
  purpose?: string;
  subject?: string;
  callbackPending?: boolean;
  digest?: boolean;
  lastError?: string;
  /** 'deflate-base64', or absent for the JSON as it is. */
  messageEncoding?: string;
  message0: string;
  message1?: string;
  message2?: string;
  message3?: string;
}

export class TableSendQueueRepository implements SendQueueRepository {
  /** New rows go in together when several are queued at once (a storm, many acknowledgements). */
  private readonly inserts = new PartitionBatcher(() => this.client, PARTITION);

  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(SEND_QUEUE_TABLE);
  }

  async add(row: Omit<QueuedSend, 'etag'>, opts?: { canWait?: boolean }): Promise<QueuedSend> {
    const res = await this.inserts.insert(toEntity(row), opts);
    if (!res.ok) throw new Error(`send-queue row ${row.id} already exists`);
    return { ...row, etag: res.value };
  }

  async get(id: string): Promise<QueuedSend | undefined> {
    const row = await getOrUndefined<SendRow>(this.client, PARTITION, id);
    return row && fromEntity(row);
  }

  listPending(): Promise<QueuedSend[]> {
    return this.query(PENDING);
  }

  async listPendingKeys(): Promise<{ id: string; etag: string }[]> {
    const keys: { id: string; etag: string }[] = [];
    for await (const row of this.client.listEntities({
      queryOptions: { filter: PENDING, select: ['RowKey'] },
    }))
      keys.push({ id: row.rowKey ?? '', etag: row.etag });
    return keys;
  }

  listSentSince(since: Date): Promise<QueuedSend[]> {
    return this.query(
      `PartitionKey eq '${PARTITION}' and state eq 'sent' and sentAt ge '${since.toISOString()}'`,
    );
  }

  async findPostForAlert(alertId: string): Promise<QueuedSend | undefined> {
    const rows = await this.query(
      `PartitionKey eq '${PARTITION}' and kind eq 'channelPost' and alertId eq '${alertId.replace(/'/g, "''")}'`,
    );
    return rows.at(-1);
  }

  listRecentPosts(conversationKey: string, since: Date): Promise<QueuedSend[]> {
    return this.query(
      `PartitionKey eq '${PARTITION}' and kind eq 'channelPost' and conversationKey eq '${conversationKey.replace(/'/g, "''")}' and enqueuedAt ge '${since.toISOString()}'`,
    );
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    const rows = await this.query(
      `PartitionKey eq '${PARTITION}' and (state eq 'sent' or state eq 'failed' or state eq 'superseded') and callbackPending eq false and digest eq false and enqueuedAt lt '${before.toISOString()}'`,
    );
    for (const row of rows)
      await this.client.deleteEntity(PARTITION, row.id, { etag: row.etag }).catch(() => undefined);
    return rows.length;
  }

  async replace(row: QueuedSend): Promise<QueuedSend | undefined> {
    const { etag, ...rest } = row;
    const res = await replaceIfUnchanged(this.client, toEntity(rest), etag);
    return res.ok ? { ...row, etag: res.value } : undefined;
  }

  private async query(filter: string): Promise<QueuedSend[]> {
    const rows: QueuedSend[] = [];
    for await (const row of this.client.listEntities<SendRow>({ queryOptions: { filter } }))
      rows.push(fromEntity(row));
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * Below this many characters a message is stored as its JSON: deflating a small one (a card refresh
 * names only an alert and a message) saves little room and costs more than the rest of the row.
 */
const DEFLATE_FROM = 1_024;

/**
 * The message as stored: its JSON deflated and in base64 (a card's JSON is mostly repeated keys, so
 * it takes about a third of the room, and less to send and store), in chunks; a small one as it is.
 * Made once per message: a row is written again at each change of state with the same message.
 */
const packed = new WeakMap<object, { columns: ChunkedColumns; deflated: boolean }>();
function pack(message: QueuedSend['message']): { columns: ChunkedColumns; deflated: boolean } {
  const known = packed.get(message);
  if (known) return known;
  const json = JSON.stringify(message);
  const deflated = json.length >= DEFLATE_FROM;
  const text = deflated ? deflateRawSync(json, { level: 1 }).toString('base64') : json;
  const made = { columns: toChunkColumns(text, MESSAGE_COLUMNS, MAX_CHUNKS), deflated };
  packed.set(message, made);
  return made;
}

function toEntity(row: Omit<QueuedSend, 'etag'>) {
  const { columns, deflated } = pack(row.message);
  const entity: Record<string, unknown> = {
    partitionKey: PARTITION,
    rowKey: row.id,
    conversationKey: row.conversationKey,
    state: row.state,
    attempts: row.attempts,
    notBefore: row.notBefore,
    enqueuedAt: row.enqueuedAt,
    kind: row.message.kind,
    callbackPending: row.callbackPending ?? false,
    digest: row.digest ?? false,
  };
  if (deflated) entity['messageEncoding'] = 'deflate-base64';
  if (row.sentAt) entity['sentAt'] = row.sentAt;
  if (row.delivered) entity['delivered'] = JSON.stringify(row.delivered);
  if (row.alertId) entity['alertId'] = row.alertId;
  if (row.purpose) entity['purpose'] = row.purpose;
  if (row.subject) entity['subject'] = row.subject;
  if (row.lastError) entity['lastError'] = row.lastError;
  Object.assign(entity, columns);
  return entity as { partitionKey: string; rowKey: string } & Record<string, unknown>;
}

function fromEntity(row: TableEntityResult<SendRow>): QueuedSend {
  const text = fromChunkColumns(row as unknown as Record<string, unknown>, MESSAGE_COLUMNS);
  // Small messages, and rows queued before messages were deflated, hold the JSON itself.
  const json =
    row.messageEncoding === 'deflate-base64'
      ? inflateRawSync(Buffer.from(text, 'base64')).toString('utf8')
      : text;
  return {
    id: row.rowKey!,
    conversationKey: row.conversationKey,
    message: JSON.parse(json),
    state: row.state,
    attempts: row.attempts,
    notBefore: row.notBefore,
    enqueuedAt: row.enqueuedAt,
    sentAt: row.sentAt || undefined,
    delivered: row.delivered ? JSON.parse(row.delivered) : undefined,
    alertId: row.alertId || undefined,
    purpose: row.purpose || undefined,
    subject: row.subject || undefined,
    callbackPending: !!row.callbackPending,
    digest: !!row.digest,
    lastError: row.lastError || undefined,
    etag: row.etag,
  };
}
