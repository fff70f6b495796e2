import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { AlertRepository, StoredAlert } from '../app/alerts/ports';
import type { Conditional } from '../app/ports';
import {
  dedupKeyOf,
  isOpen,
  type Alert,
  type AlertEvent,
  type AlertSummary,
} from '../domain/alerts';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  isNotFound,
  listPartition,
  type TableStore,
} from './tables';

/*
 * Key layout of the Alerts table
 *
 *   PK encodeKey('<source>:<dedupKey>')   RK 'alert'           the alert (state, content), JSON in `body`
 *                                          RK 'event-000001'    one row per timeline event (seq, zero padded)
 *   PK '~id'                               RK encodeKey(id)     alert id -> its partition (ids are CTAC's own)
 *   PK '~open'                             RK <alert partition> one row per alert that may be open
 *
 * The alert partition is named by what makes an alert unique (source and dedup key), so creating the
 * 'alert' row IS the dedup claim: the row and the alert's first events commit in one transaction, and a
 * second create for the same source and key fails as a whole (409), whoever sends it.
 * Every later change replaces the 'alert' row on its ETag and inserts the new event rows in the same
 * transaction, so the audit trail can never disagree with the state.
 *
 * The two index partitions cannot join that transaction (a transaction is one partition), so they are
 * written to be safe when left behind by a crash:
 *   - '~id' rows are claimed before the create; an orphan points at a partition whose alert has another
 *     id (or none), and `get` checks the id it finds.
 *   - '~open' rows are written before the create and removed after the alert is resolved; `listOpen`
 *     reads each alert and drops rows whose alert turns out to be resolved.
 * Id -> partition never changes once written, so it is cached in memory.
 *
 * The ETag handed out is `<event count>|<entity ETag>`: an update needs to know which timeline events are
 * new since the read, and the count travels with the ETag so the caller never has to.
 */
export const ALERT_TABLES = { alerts: 'Alerts' } as const;

const ALERT_ROW = 'alert';
const ID_PARTITION = '~id';
const OPEN_PARTITION = '~open';
/** One partition per week alerts were raised in (UTC, from Monday): the tab's weekly figures. */
const WEEK_MS = 7 * 86_400_000;
const MONDAY_EPOCH_OFFSET = 4 * 86_400_000; // 1 Jan 1970 was a Thursday
const weekPartition = (at: string | Date): string => {
  const ms = new Date(at).getTime();
  const monday = ms - ((((ms - MONDAY_EPOCH_OFFSET) % WEEK_MS) + WEEK_MS) % WEEK_MS);
  return `~week_${new Date(monday).toISOString().slice(0, 10)}`;
};
const eventRow = (seq: number) => `event-${String(seq).padStart(6, '0')}`;
/** Table Storage string properties hold at most 32K UTF-16 characters: longer JSON is split. */
const CHUNK = 30_000;
const MAX_CACHED_IDS = 10_000;

const newestFirst = (alerts: AlertSummary[]): AlertSummary[] =>
  alerts.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id.localeCompare(a.id));

/** The partition of the alert with this source and dedup key. */
export const alertPartition = (source: Alert['source'], dedupKey: string): string =>
  encodeKey(`${source}:${dedupKeyOf(source, dedupKey)}`);

type Chunked = Record<string, string | number>;

const chunk = (json: string): Chunked => {
  const out: Chunked = { bodyChunks: Math.max(1, Math.ceil(json.length / CHUNK)) };
  for (let i = 0; i * CHUNK < json.length || i === 0; i++)
    out[`body${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
};

const unchunk = (row: Record<string, unknown>): string => {
  const n = Number(row.bodyChunks ?? 1);
  let json = '';
  for (let i = 0; i < n; i++) json += String(row[`body${i}`] ?? '');
  return json;
};

interface AlertRowExtras {
  eventCount: number;
}

const alertEntity = (partitionKey: string, alert: Alert) => {
  const { timeline, ...rest } = alert;
  return {
    partitionKey,
    rowKey: ALERT_ROW,
    // A few plain columns for people reading the table in Storage Explorer; `body` is the truth.
    id: alert.id,
    source: alert.source,
    dedupKey: alert.dedupKey,
    title: alert.title,
    state: alert.state,
    raisedAt: alert.raisedAt,
    eventCount: timeline.length,
    ...chunk(JSON.stringify(rest)),
  };
};

const eventEntity = (partitionKey: string, alertId: string, event: AlertEvent) => ({
  partitionKey,
  rowKey: eventRow(event.seq),
  alertId,
  kind: event.kind,
  seq: event.seq,
  at: event.at,
  actorId: event.actor.id,
  actorName: event.actor.name,
  eventSource: event.source,
  ...chunk(JSON.stringify(event)),
});

const makeEtag = (eventCount: number, etag: string) => `${eventCount}|${etag}`;
const splitEtag = (etag: string): { eventCount: number; etag: string } | undefined => {
  const bar = etag.indexOf('|');
  const eventCount = Number(etag.slice(0, bar));
  return bar > 0 && Number.isInteger(eventCount)
    ? { eventCount, etag: etag.slice(bar + 1) }
    : undefined;
};

/** Alerts in Table Storage: see the key layout above. */
export class TableAlertRepository implements AlertRepository {
  private readonly partitionOfId = new Map<string, string>();

  constructor(private readonly store: TableStore) {}

  private get client(): TableClient {
    return this.store.table(ALERT_TABLES.alerts);
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    if (!id) return undefined;
    const known = this.partitionOfId.get(id);
    if (known) {
      const stored = await this.readPartition(known);
      if (stored?.alert.id === id) return stored;
      // A wrong hint (forged card data): forget it and ask the index.
      this.partitionOfId.delete(id);
    }
    const row = await getOrUndefined<{ partition: string }>(
      this.client,
      ID_PARTITION,
      encodeKey(id),
    );
    if (!row || row.partition === known) return undefined;
    const stored = await this.readPartition(row.partition);
    if (!stored || stored.alert.id !== id) return undefined;
    this.remember(id, row.partition);
    return stored;
  }

  suggestLocation(id: string, source: string, dedupKey: string): void {
    if (!id || this.partitionOfId.has(id) || (source !== 'hsa' && source !== 'incident')) return;
    if (!dedupKey || dedupKey.length > 1_000) return;
    this.remember(id, alertPartition(source, dedupKey));
  }

  async findByDedupKey(
    source: Alert['source'],
    dedupKey: string,
  ): Promise<StoredAlert | undefined> {
    const stored = await this.readPartition(alertPartition(source, dedupKey));
    if (stored) this.remember(stored.alert.id, alertPartition(source, dedupKey));
    return stored;
  }

  async create(alert: Alert): Promise<Conditional<StoredAlert>> {
    const partition = alertPartition(alert.source, alert.dedupKey);
    const [idClaim, openClaim] = await Promise.all([
      insertIfAbsent(this.client, {
        partitionKey: ID_PARTITION,
        rowKey: encodeKey(alert.id),
        id: alert.id,
        partition,
      }),
      // Claimed, not overwritten: a duplicate must not repoint the open alert's row at its own id.
      insertIfAbsent(this.client, {
        partitionKey: OPEN_PARTITION,
        rowKey: partition,
        alertId: alert.id,
        raisedAt: alert.raisedAt,
        posted: false,
      }),
      // The week it was raised in names its partition (the same row whichever sender wins a race).
      this.client.upsertEntity(
        { partitionKey: weekPartition(alert.raisedAt), rowKey: partition, alertId: alert.id },
        'Replace',
      ),
    ]);
    if (!idClaim.ok) {
      // Ids are random; a clash means the caller reused an id, which must not join two alerts.
      const existing = await getOrUndefined<{ partition: string }>(
        this.client,
        ID_PARTITION,
        encodeKey(alert.id),
      );
      if (existing?.partition !== partition)
        throw new Error(`Alert id ${alert.id} is already used by another alert.`);
    }
    const actions: TransactionAction[] = [
      ['create', alertEntity(partition, alert)],
      ...alert.timeline.map((e): TransactionAction => [
        'create',
        eventEntity(partition, alert.id, e),
      ]),
    ];
    const committed = await this.commit(actions);
    if (committed === 'lost') {
      if (idClaim.ok)
        await this.client.deleteEntity(ID_PARTITION, encodeKey(alert.id)).catch(() => undefined);
      return { ok: false, reason: 'exists' };
    }
    this.remember(alert.id, partition);
    if (!openClaim.ok)
      // A row left by an attempt that never committed: this alert owns the partition now.
      await this.client.upsertEntity(
        {
          partitionKey: OPEN_PARTITION,
          rowKey: partition,
          alertId: alert.id,
          raisedAt: alert.raisedAt,
          posted: false,
        },
        'Replace',
      );
    return { ok: true, value: { alert, etag: makeEtag(alert.timeline.length, committed) } };
  }

  async update(alert: Alert, etag: string): Promise<Conditional<StoredAlert>> {
    const known = splitEtag(etag);
    if (!known) return { ok: false, reason: 'conflict' };
    const partition = alertPartition(alert.source, alert.dedupKey);
    const fresh = alert.timeline.slice(known.eventCount);
    if (fresh.length > 99)
      throw new Error('Too many new timeline events for one change (at most 99).');
    const actions: TransactionAction[] = [
      ['update', alertEntity(partition, alert), 'Replace', { etag: known.etag }],
      ...fresh.map((e): TransactionAction => ['create', eventEntity(partition, alert.id, e)]),
    ];
    const committed = await this.commit(actions);
    if (committed === 'lost') return { ok: false, reason: 'conflict' };
    if (!isOpen(alert))
      await this.client.deleteEntity(OPEN_PARTITION, partition).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    else if (fresh.some((e) => e.kind === 'posted')) await this.markPosted(partition);
    return { ok: true, value: { alert, etag: makeEtag(alert.timeline.length, committed) } };
  }

  async listOpen(): Promise<AlertSummary[]> {
    const rows = await listPartition<{ alertId: string }>(this.client, OPEN_PARTITION);
    const partitions = rows.map((row) => row.rowKey ?? '');
    const read = await this.summaries(partitions);
    read.forEach((alert, i) => {
      if (alert && !isOpen(alert))
        // Resolved, but the index row outlived it (a crash after the resolve): tidy up.
        void this.client.deleteEntity(OPEN_PARTITION, partitions[i]!).catch(() => undefined);
    });
    return newestFirst(read.filter((a): a is AlertSummary => !!a && isOpen(a)));
  }

  /**
   * Submits one partition's transaction and answers the alert row's new ETag, or 'lost' when another
   * change won: 412 (the row changed since it was read) or 409 (the row, or an event row, is already
   * there). Nothing is applied then.
   */
  private async commit(actions: TransactionAction[]): Promise<string | 'lost'> {
    try {
      const res = await this.client.submitTransaction(actions);
      // The alert row is always the first action; an update's sub-response names no row key.
      const etag = res.getResponseForEntity(ALERT_ROW)?.etag ?? res.subResponses[0]?.etag?.trim();
      if (etag) return etag;
      const partition = (actions[0][1] as { partitionKey: string }).partitionKey;
      return (await this.client.getEntity(partition, ALERT_ROW)).etag ?? '';
    } catch (e) {
      if (isConditionFailed(e) || isConflict(e)) return 'lost';
      throw e;
    }
  }

  /**
   * Ids of the alerts that may be open, from the open index alone (one partition). A few may be
   * resolved already, or stale; callers read the alert before acting.
   */
  async openAlertIds(): Promise<string[]> {
    const rows = await listPartition<{ alertId: string }>(this.client, OPEN_PARTITION);
    return rows.map((row) => row.alertId);
  }

  async claimUnposted(raisedBefore: Date, now: Date, leaseMs: number): Promise<string[]> {
    const rows = await listPartition<{
      alertId: string;
      raisedAt: string;
      posted?: boolean;
      checkedAt?: string;
    }>(this.client, OPEN_PARTITION);
    const won: string[] = [];
    for (const row of rows) {
      if (row.posted === true || !(row.raisedAt < raisedBefore.toISOString())) continue;
      if (row.checkedAt && Date.parse(row.checkedAt) > now.getTime() - leaseMs) continue;
      const claimed = await replaceIfUnchanged(
        this.client,
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

  /**
   * Alerts raised at or after `from` (up to `now`), resolved ones too, without their timelines: the
   * week partitions the span covers, then each alert's own row (a point read each).
   */
  async raisedSince(from: Date, now: Date): Promise<AlertSummary[]> {
    const weeks = new Set([weekPartition(now)]);
    for (let t = from.getTime(); t < now.getTime(); t += WEEK_MS)
      weeks.add(weekPartition(new Date(t)));
    const rows = (await Promise.all([...weeks].map((w) => listPartition(this.client, w)))).flat();
    const partitions = [...new Set(rows.map((r) => r.rowKey ?? ''))];
    const read = await this.summaries(partitions);
    return newestFirst(
      read.filter((a): a is AlertSummary => !!a && a.raisedAt >= from.toISOString()),
    );
  }

  /**
   * The alerts kept in these partitions, without timelines: each alert's own row, a point read each
   * (8 at a time), in the same order; undefined where there is none.
   */
  private async summaries(partitions: string[]): Promise<(AlertSummary | undefined)[]> {
    const out: (AlertSummary | undefined)[] = [];
    for (let i = 0; i < partitions.length; i += 8) {
      const rows = await Promise.all(
        partitions
          .slice(i, i + 8)
          .map((p) => getOrUndefined<Record<string, unknown>>(this.client, p, ALERT_ROW)),
      );
      out.push(...rows.map((row) => row && (JSON.parse(unchunk(row)) as AlertSummary)));
    }
    return out;
  }

  /** Records in the open index that the alert's card is in the channel (or is known to be). */
  async markPostedAlert(alert: Pick<Alert, 'source' | 'dedupKey'>): Promise<void> {
    await this.markPosted(alertPartition(alert.source, alert.dedupKey));
  }

  private async markPosted(partition: string): Promise<void> {
    await this.client
      .updateEntity({ partitionKey: OPEN_PARTITION, rowKey: partition, posted: true }, 'Merge')
      .catch((e) => {
        // Resolved meanwhile: the row is gone, which says no more.
        if (!isNotFound(e)) throw e;
      });
  }

  /** The alert row and its events in one query. */
  private async readPartition(partition: string): Promise<StoredAlert | undefined> {
    const rows = await listPartition<Record<string, unknown>>(this.client, partition);
    const alertRow = rows.find((r) => r.rowKey === ALERT_ROW);
    if (!alertRow) return undefined;
    const extras = alertRow as unknown as AlertRowExtras;
    const timeline = rows
      .filter((r) => r.rowKey?.startsWith('event-'))
      .map((r) => JSON.parse(unchunk(r)) as AlertEvent)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, extras.eventCount);
    const alert = { ...(JSON.parse(unchunk(alertRow)) as Omit<Alert, 'timeline'>), timeline };
    return { alert, etag: makeEtag(extras.eventCount, alertRow.etag ?? '') };
  }

  private remember(id: string, partition: string): void {
    if (this.partitionOfId.size >= MAX_CACHED_IDS) this.partitionOfId.clear();
    this.partitionOfId.set(id, partition);
  }
}
