import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Logger } from 'pino';
import type { AlertRepository, StoredAlert } from '../app/alerts/ports';
import type { Conditional } from '../app/ports';
import {
  isOpen,
  type Alert,
  type AlertEvent,
  type AlertSummary,
  type AlertTimes,
  type OpenAlertSummary,
} from '../domain/alerts';
import { AlertBackfills } from './alert-backfills';
import { AlertFigureRows } from './alert-figures';
import { AlertOpenIndex } from './alert-open-index';
import {
  ALERT_TABLES,
  alertEntity,
  alertPartition,
  alertRow,
  BODY,
  eventEntity,
  ID_PARTITION,
  inlineTimeline,
  makeEtag,
  splitEtag,
  TIMELINE,
  WEEK_MS,
  weekEntity,
  weekPartition,
  type AlertRowExtras,
  type WeekRow,
  weekRowTimes,
} from './alert-rows';
import { sameOpenRow, type ResolvedAlertDay } from './alert-view-rows';
import { AlertViewTable } from './alert-views';
import { fromChunkColumns } from './chunked-columns';
import { encodeKey } from './keys';
import { PartitionBatcher } from './partition-batcher';
import { RecentCopies } from './recent-copies';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  listPartition,
  type TableStore,
} from './tables';

/*
 * Key layout of the Alerts table, its rows and the ETag handed out (and why the index partitions are safe
 * when a crash leaves them behind): src/store/alert-rows.ts. The start-time backfills: alert-backfills.ts.
 * The '~open' index's reads and writes: alert-open-index.ts.
 */
const MAX_CACHED_IDS = 10_000;
/** Partitions with a batcher of their own kept at once (the index partitions and a few weeks). */
const MAX_BATCHERS = 16;

/** The alert without its timeline, as the views keep it. */
const summaryOf = ({ timeline: _timeline, ...summary }: Alert): AlertSummary => summary;

const newestFirst = <T extends { raisedAt: string; id: string }>(alerts: T[]): T[] =>
  alerts.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id.localeCompare(a.id));

/** Alerts in Table Storage: see the key layout in src/store/alert-rows.ts. */
export class TableAlertRepository implements AlertRepository {
  private readonly partitionOfId = new Map<string, string>();
  /** The alerts this process read or wrote last, by id: for a conditional write's first try (`recent`). */
  private readonly copies = new RecentCopies<StoredAlert>();
  private readonly batchers = new Map<string, PartitionBatcher>();
  /** The '~open' index: see src/store/alert-open-index.ts. */
  private readonly openIndex = new AlertOpenIndex(() => this.client);
  private readonly views: AlertViewTable;
  /** The kept weekly response times by severity (issue 20): see src/store/alert-figures.ts. */
  readonly figures: AlertFigureRows;
  private readonly backfills: AlertBackfills;

  constructor(
    private readonly store: TableStore,
    /** The app's logger, for what the kept figure rows could not keep (a process-wide one without it). */
    opts: { logger?: Pick<Logger, 'error'> } = {},
  ) {
    const { logger } = opts;
    this.views = new AlertViewTable(store);
    this.figures = new AlertFigureRows(
      store,
      logger ? { log: (fields, message) => logger.error(fields, message) } : {},
    );
    this.backfills = new AlertBackfills(store, this.views, this.figures, (partitions) =>
      this.summaries(partitions),
    );
  }

  private get client(): TableClient {
    return this.store.table(ALERT_TABLES.alerts);
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    if (!id) return undefined;
    const known = this.partitionOfId.get(id);
    if (known) {
      const stored = await this.readAlert(known);
      if (stored?.alert.id === id) return this.kept(stored);
      // A wrong hint (forged card data): forget it and ask the index.
      this.partitionOfId.delete(id);
    }
    const row = await getOrUndefined<{ partition: string }>(
      this.client,
      ID_PARTITION,
      encodeKey(id),
    );
    if (!row || row.partition === known) return undefined;
    const stored = await this.readAlert(row.partition);
    if (!stored || stored.alert.id !== id) return undefined;
    this.remember(id, row.partition);
    return this.kept(stored);
  }

  /**
   * The alert as this process last read or wrote it, within the last 30 seconds: only to start a
   * conditional write without reading it again (a copy changed since fails the write's ETag).
   */
  recent(id: string): StoredAlert | undefined {
    return this.copies.get(id);
  }

  private kept(stored: StoredAlert): StoredAlert {
    this.copies.keep(stored.alert.id, stored);
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
    const stored = await this.readAlert(alertPartition(source, dedupKey));
    if (stored) this.remember(stored.alert.id, alertPartition(source, dedupKey));
    return stored;
  }

  async create(alert: Alert): Promise<Conditional<StoredAlert>> {
    const partition = alertPartition(alert.source, alert.dedupKey);
    // The index rows of many alerts made at once (a storm) go a transaction per partition.
    const [idClaim, openClaim] = await Promise.all([
      this.batcher(ID_PARTITION).insert({
        partitionKey: ID_PARTITION,
        rowKey: encodeKey(alert.id),
        id: alert.id,
        partition,
      }),
      this.openIndex.claim(partition, alert),
      // The week it was raised in names its partition (the same row whichever sender wins a race).
      this.batcher(weekPartition(alert.raisedAt)).upsertNew(weekEntity(partition, alert)),
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
    const committed = await this.write(alert, 0);
    if (committed === 'lost') {
      if (idClaim.ok)
        await this.client.deleteEntity(ID_PARTITION, encodeKey(alert.id)).catch(() => undefined);
      return { ok: false, reason: 'exists' };
    }
    this.remember(alert.id, partition);
    const summary = summaryOf(alert);
    await Promise.all([
      openClaim.ok ? undefined : this.openIndex.takeOver(partition, alert),
      isOpen(alert)
        ? this.views.putNewOpen(partition, summary)
        : this.views.recordResolved([summary]),
      isOpen(alert) ? undefined : this.figures.record([summary]),
    ]);
    return { ok: true, value: this.kept({ alert, etag: committed.etag }) };
  }

  async update(alert: Alert, etag: string): Promise<Conditional<StoredAlert>> {
    const known = splitEtag(etag);
    if (!known || known.eventCount > alert.timeline.length)
      return { ok: false, reason: 'conflict' };
    const fresh = alert.timeline.slice(known.eventCount);
    const partition = alertPartition(alert.source, alert.dedupKey);
    // The alert as this write finds it, when this process holds that very version (the write is on its ETag).
    const before = this.copies.get(alert.id);
    const replaced = before?.etag === etag ? before.alert : undefined;
    const committed = await this.write(alert, known.archived, known.etag);
    if (committed === 'lost') return { ok: false, reason: 'conflict' };
    const summary = summaryOf(alert);
    if (!isOpen(alert))
      await Promise.all([
        this.openIndex.remove(partition),
        // Resolved for good: its week's row keeps its times, so the weekly figures need no read.
        this.client.upsertEntity(weekEntity(partition, alert), 'Replace'),
        this.views.removeOpen(partition),
        this.views.recordResolved([summary]),
        this.figures.record([summary]),
      ]);
    else {
      // Acknowledged (or changed once acknowledged): its week's response times, off the acknowledger's path.
      // A write lost to a crash is made by the start's backfill, which records every open alert again.
      if (
        alert.acknowledgedAt &&
        fresh.some((e) => e.kind === 'acknowledged' || e.kind === 'updated')
      )
        void this.figures.record([summary]).catch(() => undefined);
      if (fresh.some((e) => e.kind === 'posted')) await this.openIndex.markPosted(partition);
      // Off the path of the person pressing Acknowledge: written with others in one batch. Not at all
      // when the change shows nowhere in the open list (a page queued, the card posted: most of what a
      // storm writes for each alert) and this process knows the version it replaced.
      if (!replaced || !sameOpenRow(summaryOf(replaced), summary))
        this.views.replaceOpenSoon(partition, summary);
    }
    return { ok: true, value: this.kept({ alert, etag: committed.etag }) };
  }

  /** The open alerts, newest first: the AlertViews open rows (one partition), no alert read. */
  async listOpen(): Promise<OpenAlertSummary[]> {
    const rows = await this.views.listOpen();
    return newestFirst(rows.map((row) => row.alert).filter(isOpen));
  }

  /**
   * The resolved alerts raised from the UK day of `from` on, by day, with their times to acknowledge and
   * resolve: one range of the AlertViews table. With listOpen, what the tab's weekly figures count.
   */
  resolvedSince(from: Date): Promise<ResolvedAlertDay[]> {
    return this.views.resolvedSince(from);
  }

  /** Makes the AlertViews rows agree with the alerts (idempotent; run at start): see AlertBackfills. */
  backfillViews(now: Date): Promise<{ open: number; resolved: number }> {
    return this.backfills.backfillViews(now);
  }

  /** Records the alerts settled before the kept weekly figure rows began, once: see AlertBackfills. */
  backfillFigures(now: Date): Promise<{ recorded: number } | undefined> {
    return this.backfills.backfillFigures(now);
  }

  /**
   * Writes the alert row, created or replaced on `etag`, with the events `inlineTimeline` moves out of
   * it (events before `archived` are in rows already) in the same transaction. Answers the ETag to hand
   * out, or 'lost' when another change won: 412 (the row changed since it was read) or 409 (the row,
   * or an event row, is already there). Nothing is applied then. The usual change moves no events:
   * one plain write.
   */
  private async write(
    alert: Alert,
    archived: number,
    etag?: string,
  ): Promise<{ etag: string } | 'lost'> {
    const partition = alertPartition(alert.source, alert.dedupKey);
    const rowKey = alertRow(partition);
    const kept = inlineTimeline(alert.timeline, archived);
    const moveTo = kept.archived;
    const row = alertEntity(partition, rowKey, alert, kept);
    const moved = alert.timeline
      .slice(archived, moveTo)
      .map((e): TransactionAction => ['create', eventEntity(partition, alert.id, e)]);
    try {
      let written: string | undefined;
      if (moved.length) {
        const res = await this.client.submitTransaction([
          etag === undefined ? ['create', row] : ['update', row, 'Replace', { etag }],
          ...moved,
        ]);
        // The alert row is the first action; an update's sub-response names no row key.
        written = res.getResponseForEntity(rowKey)?.etag ?? res.subResponses[0]?.etag?.trim();
      } else
        written = (
          etag === undefined
            ? await this.client.createEntity(row)
            : await this.client.updateEntity(row, 'Replace', { etag })
        ).etag;
      written ||= (await this.client.getEntity(partition, rowKey)).etag ?? '';
      return { etag: makeEtag(moveTo, alert.timeline.length, written) };
    } catch (e) {
      if (isConditionFailed(e) || isConflict(e)) return 'lost';
      throw e;
    }
  }

  /**
   * Ids of the alerts that may be open, from the open index alone (one partition). A few may be
   * resolved already, or stale; callers read the alert before acting.
   */
  openAlertIds(): Promise<string[]> {
    return this.openIndex.alertIds();
  }

  claimUnposted(raisedBefore: Date, now: Date, leaseMs: number): Promise<string[]> {
    return this.openIndex.claimUnposted(raisedBefore, now, leaseMs);
  }

  /**
   * When the alerts raised at or after `from` (up to `now`) were raised, acknowledged and resolved,
   * resolved ones too: the week partitions the span covers, whose rows hold a resolved alert's times;
   * only alerts still open (or whose week row a crash left without times) are read, a point read each.
   */
  async raisedSince(from: Date, now: Date): Promise<AlertTimes[]> {
    const weeks = new Set([weekPartition(now)]);
    for (let t = from.getTime(); t < now.getTime(); t += WEEK_MS)
      weeks.add(weekPartition(new Date(t)));
    const rows = (
      await Promise.all([...weeks].map((w) => listPartition<WeekRow>(this.client, w)))
    ).flat();
    // One row per alert (a sender that lost the race to create it may have left one in another week).
    const byPartition = new Map<string, WeekRow>();
    for (const row of rows) {
      const seen = byPartition.get(row.rowKey ?? '');
      if (!seen || (!seen.resolvedAt && row.resolvedAt)) byPartition.set(row.rowKey ?? '', row);
    }
    const times: AlertTimes[] = [];
    const toRead: string[] = [];
    for (const [partition, row] of byPartition) {
      const kept = weekRowTimes(row);
      if (kept) times.push(kept);
      else toRead.push(partition);
    }
    const read = await this.summaries(toRead);
    read.forEach((alert, i) => {
      if (!alert) return;
      const { id, raisedAt, acknowledgedAt, resolvedAt } = alert;
      times.push({ id, raisedAt, acknowledgedAt, resolvedAt });
      // Resolved, but a crash between the resolve and its week row left the row without times: keep
      // them now, so the next look needs no read.
      if (!isOpen(alert))
        void this.client
          .upsertEntity(weekEntity(toRead[i]!, alert), 'Replace')
          .catch(() => undefined);
    });
    return newestFirst(times.filter((a) => a.raisedAt >= from.toISOString()));
  }

  /**
   * The alerts kept in these partitions, without timelines: each alert's own row, a point read each
   * (8 at a time), in the same order; undefined where there is none.
   */
  private async summaries(partitions: string[]): Promise<(AlertSummary | undefined)[]> {
    const out: (AlertSummary | undefined)[] = [];
    for (let i = 0; i < partitions.length; i += 8) {
      const rows = await Promise.all(partitions.slice(i, i + 8).map((p) => this.readAlertRow(p)));
      out.push(
        ...rows.map((row) => row && (JSON.parse(fromChunkColumns(row, BODY)) as AlertSummary)),
      );
    }
    return out;
  }

  /** Records in the open index that the alert's card is in the channel (or is known to be). */
  async markPostedAlert(alert: Pick<Alert, 'source' | 'dedupKey'>): Promise<void> {
    await this.openIndex.markPosted(alertPartition(alert.source, alert.dedupKey));
  }

  /** The grouped writes into one partition of the Alerts table (see PartitionBatcher). */
  private batcher(partitionKey: string): PartitionBatcher {
    let batcher = this.batchers.get(partitionKey);
    if (!batcher) {
      // Week partitions come and go: only the few in use are kept.
      if (this.batchers.size >= MAX_BATCHERS) this.batchers.clear();
      batcher = new PartitionBatcher(() => this.client, partitionKey);
      this.batchers.set(partitionKey, batcher);
    }
    return batcher;
  }

  /**
   * The alert: its row (a point read), and for a long-lived alert whose oldest events are in rows,
   * those rows too (one query of its partition).
   */
  private async readAlert(partition: string): Promise<StoredAlert | undefined> {
    const row = await this.readAlertRow(partition);
    if (!row) return undefined;
    const inRows = (row as unknown as AlertRowExtras).archived ?? 0;
    const inline = JSON.parse(fromChunkColumns(row, TIMELINE)) as AlertEvent[];
    const older = inRows > 0 ? await this.archivedEvents(partition, inRows) : [];
    const alert = {
      ...(JSON.parse(fromChunkColumns(row, BODY)) as Omit<Alert, 'timeline'>),
      timeline: [...older, ...inline],
    };
    return { alert, etag: makeEtag(inRows, alert.timeline.length, row.etag ?? '') };
  }

  /** The alert row of a partition (a point read). */
  private readAlertRow(
    partition: string,
  ): Promise<(Record<string, unknown> & { etag?: string }) | undefined> {
    return getOrUndefined<Record<string, unknown>>(this.client, partition, alertRow(partition));
  }

  /** The first `count` events of an alert, from their rows. */
  private async archivedEvents(partition: string, count: number): Promise<AlertEvent[]> {
    const rows = await listPartition<Record<string, unknown>>(this.client, partition);
    return rows
      .filter((r) => r.rowKey?.startsWith('event-'))
      .map((r) => JSON.parse(fromChunkColumns(r, BODY)) as AlertEvent)
      .filter((e) => e.seq < count)
      .sort((a, b) => a.seq - b.seq);
  }

  private remember(id: string, partition: string): void {
    if (this.partitionOfId.size >= MAX_CACHED_IDS) this.partitionOfId.clear();
    this.partitionOfId.set(id, partition);
  }
}
