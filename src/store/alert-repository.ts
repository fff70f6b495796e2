import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Logger } from 'pino';
import type { AlertRepository, StoredAlert } from '../app/alerts/ports';
import type { Conditional } from '../app/ports';
import {
  dedupKeyOf,
  isOpen,
  type Alert,
  type AlertEvent,
  type AlertSummary,
  type AlertTimes,
} from '../domain/alerts';
import { alertFigureEntry } from '../domain/figures';
import { AlertFigureRows } from './alert-figures';
import { AlertViewTable, ALERT_VIEW_TABLE, type ResolvedAlertDay } from './alert-views';
import { fromChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';
import { replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { PartitionBatcher } from './partition-batcher';
import { RecentCopies } from './recent-copies';
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
 *   PK encodeKey('<source>:<dedupKey>')   RK the same value    the alert: its content as JSON in `body`, and
 *                                                              its timeline as JSON in `timeline`
 *                                          RK 'event-000001'    older timeline events of a long-lived alert
 *   PK '~id'                               RK encodeKey(id)     alert id -> its partition (ids are CTAC's own)
 *   PK '~open'                             RK <alert partition> one row per alert that may be open
 *   PK '~week_<Monday>'                    RK <alert partition> the alerts raised that week (UTC); once
 *                                                              resolved, its raised/acknowledged/resolved times
 *
 * What the tab's alert routes read is kept in a table of its own, AlertViews (src/store/alert-views.ts): each
 * open alert's summary, and the resolved alerts' times by the day they were raised. This repository writes
 * those rows after each change it commits; `backfillViews` (run at start) makes any a crash left undone.
 *
 * The alert partition is named by what makes an alert unique (source and dedup key), so creating the
 * alert row IS the dedup claim: a second create for the same source and key fails (409), whoever
 * sends it. The row's key repeats the partition's rather than being one word for every alert: Azurite
 * (local runs and tests) finds a row by its row key first and then looks through every row with that
 * key, so a shared 'alert' made each read and write of an alert go through all of them (about 1 ms
 * of its CPU at 3,000 alerts; Table Storage itself does not care).
 * The alert row holds the alert and its whole timeline, so reading an alert is one point read, and a
 * change (the new state and its timeline event together) is one write on the row's ETag: the audit
 * trail can never disagree with the state. Should an alert's timeline outgrow the row (hundreds of long
 * notes), its oldest events move to 'event-' rows, in the same transaction as the change that moves
 * them; `archived` counts them (events with seq below it are in rows, the rest in the alert row).
 *
 * The index partitions cannot join that write (a transaction is one partition), so they are
 * written to be safe when left behind by a crash:
 *   - '~id' rows are claimed before the create; an orphan points at a partition whose alert has another
 *     id (or none), and `get` checks the id it finds.
 *   - '~open' rows are written before the create and removed after the alert is resolved; the jobs
 *     reading them read each alert before acting.
 *   - AlertViews rows are written after the change commits (so none names an alert that does not exist);
 *     an open row is replaced, never made, by a later change, so a late write cannot bring back a resolved
 *     alert. A crash between a commit and its view rows is followed by a start, whose backfill repairs them.
 * Id -> partition never changes once written, so it is cached in memory.
 *
 * The ETag handed out is `a<archived>.<event count>|<entity ETag>`: the next change needs to know which
 * events are already in rows and which are new, and the counts travel with the ETag so the caller
 * never has to.
 */
export const ALERT_TABLES = { alerts: 'Alerts', views: ALERT_VIEW_TABLE } as const;

/** The key of the alert row in its partition. */
const alertRow = (partition: string) => partition;
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
/** A new alert's row in the open index, not yet posted to the channel. */
const openEntity = (partition: string, alert: Alert) => ({
  partitionKey: OPEN_PARTITION,
  rowKey: partition,
  alertId: alert.id,
  raisedAt: alert.raisedAt,
  posted: false,
});

/** A row of a week partition: the alert, and once it is resolved for good, its times. */
interface WeekRow {
  rowKey?: string;
  alertId: string;
  raisedAt?: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
}

const weekEntity = (partition: string, alert: AlertSummary) => ({
  partitionKey: weekPartition(alert.raisedAt),
  rowKey: partition,
  alertId: alert.id,
  raisedAt: alert.raisedAt,
  ...(isOpen(alert) || !alert.resolvedAt
    ? {}
    : { acknowledgedAt: alert.acknowledgedAt ?? '', resolvedAt: alert.resolvedAt }),
});

const eventRow = (seq: number) => `event-${String(seq).padStart(6, '0')}`;
/**
 * The most timeline JSON kept in the alert row (an entity holds at most 1 MiB, 2 bytes a character):
 * past it, the oldest events move to their own rows. About 80 of the longest notes, or 1,000 plain
 * events.
 */
export const INLINE_TIMELINE_MAX = 200_000;
/** Events moved to rows in one change, at most (a transaction holds 100 actions). */
const MAX_MOVED = 99;
const MAX_CACHED_IDS = 10_000;
/** Partitions with a batcher of their own kept at once (the index partitions and a few weeks). */
const MAX_BATCHERS = 16;
/** Settled alerts the figures backfill gathers before writing their weeks. */
const BACKFILL_BATCH = 2_000;

/** The alert without its timeline, as the views keep it. */
const summaryOf = ({ timeline: _timeline, ...summary }: Alert): AlertSummary => summary;

const newestFirst = <T extends { raisedAt: string; id: string }>(alerts: T[]): T[] =>
  alerts.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id.localeCompare(a.id));

/** The partition of the alert with this source and dedup key. */
export const alertPartition = (source: Alert['source'], dedupKey: string): string =>
  encodeKey(`${source}:${dedupKeyOf(source, dedupKey)}`);

/** Long JSON is split over columns (see chunked-columns.ts): the alert or event, and the inline timeline. */
const BODY: ChunkLayout = { name: 'body' };
const TIMELINE: ChunkLayout = { name: 'timeline' };

interface AlertRowExtras {
  /** Events kept in 'event-' rows (the oldest). */
  archived?: number;
}

/** The alert row: the alert, and its inline events (`inline`, the JSON of those from `archived` on). */
const alertEntity = (
  partitionKey: string,
  rowKey: string,
  alert: Alert,
  { archived, inline }: InlineTimeline,
) => {
  const { timeline, ...rest } = alert;
  return {
    partitionKey,
    rowKey,
    // A few plain columns for people reading the table in Storage Explorer; `body` is the truth.
    id: alert.id,
    source: alert.source,
    dedupKey: alert.dedupKey,
    title: alert.title,
    state: alert.state,
    raisedAt: alert.raisedAt,
    eventCount: timeline.length,
    archived,
    ...toChunkColumns(JSON.stringify(rest), BODY),
    ...toChunkColumns(inline, TIMELINE),
  };
};

/** Which of an alert's events stay in its row (those from `archived` on), and their JSON. */
interface InlineTimeline {
  archived: number;
  inline: string;
}

/**
 * How many of the alert's events must be in rows so the rest fit in its row: `from` (already in rows)
 * plus the oldest of the others, while they are over the limit (at most MAX_MOVED at a time; the
 * newest event always stays). The usual change moves none, and its JSON is made once.
 */
const inlineTimeline = (timeline: AlertEvent[], from: number): InlineTimeline => {
  const inline = JSON.stringify(timeline.slice(from));
  if (inline.length <= INLINE_TIMELINE_MAX) return { archived: from, inline };
  let size = inline.length;
  let archived = from;
  while (
    size > INLINE_TIMELINE_MAX &&
    archived - from < MAX_MOVED &&
    archived < timeline.length - 1
  )
    size -= JSON.stringify(timeline[archived++]).length + 1;
  return { archived, inline: JSON.stringify(timeline.slice(archived)) };
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
  ...toChunkColumns(JSON.stringify(event), BODY),
});

const makeEtag = (archived: number, eventCount: number, etag: string) =>
  `a${archived}.${eventCount}|${etag}`;
const splitEtag = (
  etag: string,
): { archived: number; eventCount: number; etag: string } | undefined => {
  const match = /^a(\d{1,9})\.(\d{1,9})\|(.+)$/s.exec(etag);
  if (!match) return undefined;
  const [archived, eventCount] = [Number(match[1]), Number(match[2])];
  return archived <= eventCount ? { archived, eventCount, etag: match[3]! } : undefined;
};

/** Alerts in Table Storage: see the key layout above. */
export class TableAlertRepository implements AlertRepository {
  private readonly partitionOfId = new Map<string, string>();
  /** The alerts this process read or wrote last, by id: for a conditional write's first try (`recent`). */
  private readonly copies = new RecentCopies<StoredAlert>();
  private readonly batchers = new Map<string, PartitionBatcher>();
  private readonly views: AlertViewTable;
  /** The kept weekly response times by severity (issue 20): see src/store/alert-figures.ts. */
  readonly figures: AlertFigureRows;

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
      // Claimed, not overwritten: a duplicate must not repoint the open alert's row at its own id.
      this.batcher(OPEN_PARTITION).insert(openEntity(partition, alert)),
      // The week it was raised in names its partition (the same row whichever sender wins a race).
      this.batcher(weekPartition(alert.raisedAt)).upsert(weekEntity(partition, alert)),
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
    await Promise.all([
      // A row left by an attempt that never committed: this alert owns the partition now.
      openClaim.ok ? undefined : this.client.upsertEntity(openEntity(partition, alert), 'Replace'),
      isOpen(alert)
        ? this.views.putOpen(partition, summaryOf(alert))
        : this.views.recordResolved([summaryOf(alert)]),
      isOpen(alert) ? undefined : this.figures.record([summaryOf(alert)]),
    ]);
    return { ok: true, value: this.kept({ alert, etag: committed.etag }) };
  }

  async update(alert: Alert, etag: string): Promise<Conditional<StoredAlert>> {
    const known = splitEtag(etag);
    if (!known || known.eventCount > alert.timeline.length)
      return { ok: false, reason: 'conflict' };
    const fresh = alert.timeline.slice(known.eventCount);
    const partition = alertPartition(alert.source, alert.dedupKey);
    const committed = await this.write(alert, known.archived, known.etag);
    if (committed === 'lost') return { ok: false, reason: 'conflict' };
    if (!isOpen(alert))
      await Promise.all([
        this.client.deleteEntity(OPEN_PARTITION, partition).catch((e) => {
          if (!isNotFound(e)) throw e;
        }),
        // Resolved for good: its week's row keeps its times, so the weekly figures need no read.
        this.client.upsertEntity(weekEntity(partition, alert), 'Replace'),
        this.views.removeOpen(partition),
        this.views.recordResolved([summaryOf(alert)]),
        this.figures.record([summaryOf(alert)]),
      ]);
    else {
      // Acknowledged (or changed once acknowledged): its week's response times, off the acknowledger's path.
      // A write lost to a crash is made by the start's backfill, which records every open alert again.
      if (
        alert.acknowledgedAt &&
        fresh.some((e) => e.kind === 'acknowledged' || e.kind === 'updated')
      )
        void this.figures.record([summaryOf(alert)]).catch(() => undefined);
      if (fresh.some((e) => e.kind === 'posted')) await this.markPosted(partition);
      // Off the path of the person pressing Acknowledge: written with others in one batch.
      this.views.replaceOpenSoon(partition, summaryOf(alert));
    }
    return { ok: true, value: this.kept({ alert, etag: committed.etag }) };
  }

  /** The open alerts, newest first: the AlertViews open rows (one partition), no alert read. */
  async listOpen(): Promise<AlertSummary[]> {
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

  /**
   * Makes the AlertViews rows agree with the alerts (idempotent; run at start, so after any crash):
   * every alert the open index or the open rows name is read once, an open one's row is written, and a
   * resolved one's row removed and its times recorded. The first time (a table made before AlertViews
   * existed), every resolved alert's times are recorded from the week rows, read in one range.
   */
  async backfillViews(now: Date): Promise<{ open: number; resolved: number }> {
    const [indexRows, viewRows, backfilled] = await Promise.all([
      listPartition<{ alertId: string }>(this.client, OPEN_PARTITION),
      this.views.listOpen(),
      this.views.isBackfilled(),
    ]);
    const partitions = [
      ...new Set([
        ...indexRows.map((row) => row.rowKey ?? ''),
        ...viewRows.map((row) => row.partition),
      ]),
    ];
    const read = await this.summaries(partitions);
    const resolved = new Map<string, AlertSummary>();
    let open = 0;
    for (let i = 0; i < partitions.length; i += 8)
      await Promise.all(
        read.slice(i, i + 8).map(async (alert, j) => {
          const partition = partitions[i + j]!;
          if (alert && isOpen(alert)) {
            open++;
            return Promise.all([
              this.views.putOpen(partition, alert),
              this.figures.record([alert]),
            ]);
          }
          if (alert) resolved.set(alert.id, alert);
          await Promise.all([
            this.views.removeOpen(partition),
            alert && this.figures.record([alert]),
            // Resolved, but the index row outlived it (a crash after the resolve): tidy up.
            alert &&
              this.client.deleteEntity(OPEN_PARTITION, partition).catch((e) => {
                if (!isNotFound(e)) throw e;
              }),
          ]);
        }),
      );
    if (!backfilled)
      for (const alert of await this.resolvedFromWeekRows()) resolved.set(alert.id, alert);
    await this.views.recordResolved([...resolved.values()]);
    // The week rows the tab's figures read, made again where behind their day rows.
    await this.views.repairWeeks();
    if (!backfilled) await this.views.markBackfilled(now);
    return { open, resolved: resolved.size };
  }

  /**
   * Records every acknowledged or resolved alert in the kept weekly figure rows, once: those rows began
   * with issue 20, so the alerts settled before are not in them and an older quarter would show nothing.
   * The alert rows are read in one query of the Alerts table (the index partitions, whose keys start with
   * '~', and the older events' rows are passed over), and each alert's entry is merged into its week, keyed
   * by alert id: an alert already there, a rerun or two instances at once write nothing new, and exercise
   * alerts get no entry. The mark is written last, so a start that fails on the way tries again next time.
   * Undefined when it was done already (one point read).
   */
  async backfillFigures(now: Date): Promise<{ recorded: number } | undefined> {
    // The week rows kept before the shards go into their shards, once (src/store/alert-figures.ts).
    await this.figures.shardOldWeeks(now);
    if (await this.figures.isBackfilled()) return undefined;
    const filter = "PartitionKey lt '~'";
    let batch: AlertSummary[] = [];
    let recorded = 0;
    for await (const row of this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      if (row.rowKey !== row.partitionKey) continue;
      const alert = JSON.parse(fromChunkColumns(row, BODY)) as AlertSummary;
      if (!alertFigureEntry(alert)) continue;
      batch.push(alert);
      // Written as it goes, so a table of many alerts is never held in memory at once.
      if (batch.length >= BACKFILL_BATCH) {
        recorded += batch.length;
        await this.figures.record(batch);
        batch = [];
      }
    }
    recorded += batch.length;
    await this.figures.record(batch);
    await this.figures.markBackfilled(now);
    return { recorded };
  }

  /** Every resolved alert the week rows know, whatever week (one range query; a few point reads). */
  private async resolvedFromWeekRows(): Promise<AlertSummary[]> {
    const filter = "PartitionKey ge '~week_' and PartitionKey lt '~week`'";
    const found: AlertSummary[] = [];
    const toRead: string[] = [];
    for await (const row of this.client.listEntities<WeekRow>({ queryOptions: { filter } })) {
      if (row.resolvedAt && row.raisedAt)
        found.push({
          id: row.alertId,
          raisedAt: row.raisedAt,
          acknowledgedAt: row.acknowledgedAt || undefined,
          resolvedAt: row.resolvedAt,
        } as AlertSummary);
      else toRead.push(row.rowKey ?? '');
    }
    for (const alert of await this.summaries([...new Set(toRead)]))
      if (alert && !isOpen(alert)) found.push(alert);
    return found;
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
    for (const [partition, row] of byPartition)
      if (row.resolvedAt && row.raisedAt)
        times.push({
          id: row.alertId,
          raisedAt: row.raisedAt,
          acknowledgedAt: row.acknowledgedAt || undefined,
          resolvedAt: row.resolvedAt,
        });
      else toRead.push(partition);
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
    await this.markPosted(alertPartition(alert.source, alert.dedupKey));
  }

  private async markPosted(partition: string): Promise<void> {
    const entity = { partitionKey: OPEN_PARTITION, rowKey: partition, posted: true };
    // A storm's cards are recorded together: their marks go a transaction at a time.
    await this.batcher(OPEN_PARTITION).write(entity, ['update', entity, 'Merge'], async () => {
      await this.client.updateEntity(entity, 'Merge').catch((e) => {
        // Resolved meanwhile: the row is gone, which says no more.
        if (!isNotFound(e)) throw e;
      });
      return { ok: true, value: '' };
    });
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
