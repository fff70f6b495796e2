import type { TableClient } from '@azure/data-tables';
import { DateTime } from 'luxon';
import { isExerciseAlert, type AlertSummary } from '../domain/alerts';
import { UK_ZONE } from '../domain/shared/time';
import { fromChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';
import { insertIfAbsent } from './conditional';
import { GatheredWrites } from './gathered-writes';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  isNotFound,
  listPartition,
  type TableStore,
} from './tables';

/*
 * Key layout of the AlertViews table: what the tab's alert routes read, kept up to date by the alert
 * repository's writes (src/store/alert-repository.ts) rather than worked out from every alert on each call.
 *
 *   PK 'open'      RK <alert partition>   an alert that may be open: the alert without its timeline, as JSON
 *                                         in `summary` (what every list of open alerts shows)
 *   PK 'resolved'  RK <UK date raised>    the resolved alerts raised that day (UK time), for the weekly figures:
 *                                         `times`, JSON { <alert id>: [ms to acknowledge, ms to resolve] }
 *                                         (null for one that never happened)
 *   PK 'meta'      RK 'backfilled'        the rows above were made from the Alerts table once (see backfill)
 *                  RK 'figures-backfilled'  the kept weekly figures' marker (src/store/alert-figures.ts)
 *
 * A table of its own, not more partitions of Alerts: Azurite (the embedded default and the tests) answers a
 * partition or range query by testing every row of the table in memory, so a query of Alerts costs as much as
 * every alert ever kept (about 48 ms at 50,000 alerts); here it costs the open alerts and a row a day. In Azure
 * a partition query costs what it returns either way.
 *
 * A resolved alert's times never change (resolved is final), so a day row only gains entries, keyed by alert
 * id so that writing one twice (a retry, the backfill) changes nothing. A day holds about 17,000 resolved
 * alerts before its row nears Table Storage's 1 MiB.
 */
export const ALERT_VIEW_TABLE = 'AlertViews';

const OPEN = 'open';
const RESOLVED = 'resolved';
const META = 'meta';
const BACKFILLED = 'backfilled';
const SUMMARY: ChunkLayout = { name: 'summary' };
const TIMES: ChunkLayout = { name: 'times' };
/** Rewrites of a day row lost to other writers before giving up (each re-reads the row). */
const MAX_DAY_RETRIES = 40;

/** The UK date an instant falls on: the row a resolved alert's times go in. */
export const ukDay = (at: string | Date): string =>
  DateTime.fromJSDate(new Date(at), { zone: UK_ZONE }).toISODate() ?? '';

/** The open list's row for an alert (exported so the bench writes exactly these rows in bulk). */
export const openViewEntity = (partition: string, alert: AlertSummary) => ({
  partitionKey: OPEN,
  rowKey: partition,
  id: alert.id,
  raisedAt: alert.raisedAt,
  ...toChunkColumns(JSON.stringify(alert), SUMMARY),
});

/** How long a resolved alert took: ms to acknowledge and to resolve (null when it never was). */
export type ResolvedTimes = [toAcknowledgeMs: number | null, toResolveMs: number | null];

const msBetween = (from: string, to: string | undefined): number | null =>
  to ? Date.parse(to) - Date.parse(from) : null;

/** A resolved alert's entry in its day row. */
export const resolvedTimes = (
  alert: Pick<AlertSummary, 'raisedAt' | 'acknowledgedAt' | 'resolvedAt'>,
): ResolvedTimes => [
  msBetween(alert.raisedAt, alert.acknowledgedAt),
  msBetween(alert.raisedAt, alert.resolvedAt),
];

/** A day row as written: the entries of the resolved alerts raised on `day`. */
export const resolvedDayEntity = (day: string, times: Readonly<Record<string, ResolvedTimes>>) => ({
  partitionKey: RESOLVED,
  rowKey: day,
  count: Object.keys(times).length,
  ...toChunkColumns(JSON.stringify(times), TIMES),
});

/** The resolved alerts raised on one UK day, by id. */
export interface ResolvedAlertDay {
  /** YYYY-MM-DD, UK time. */
  raisedOn: string;
  alerts: Record<string, ResolvedTimes>;
}

type Row = Record<string, unknown> & { rowKey?: string; etag?: string };

/** Open rows written in one transaction at most (Table Storage's limit for one partition). */
const OPEN_BATCH = 100;

/** The AlertViews table: see the key layout above. */
export class AlertViewTable {
  private readonly dayWrites = new GatheredWrites<ResolvedTimes>((day, entries) =>
    this.writeDay(day, entries),
  );
  /** Open rows to replace, by alert partition: the latest summary of each (see replaceOpenSoon). */
  private readonly pendingOpen = new Map<string, AlertSummary>();
  /** The chain of open-row flushes; the last link settles once every replace asked for is written. */
  private openFlushes: Promise<void> = Promise.resolve();
  private openFlushQueued = false;

  constructor(
    private readonly store: TableStore,
    /** A batch of open rows that could not be written (the next change or the start's backfill repairs it). */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  private get client(): TableClient {
    return this.store.table(ALERT_VIEW_TABLE);
  }

  /** Claims the open row of a new alert (before its create commits); false if a row is there. */
  async claimOpen(partition: string, alert: AlertSummary): Promise<{ ok: boolean; etag: string }> {
    const claim = await insertIfAbsent(this.client, openViewEntity(partition, alert));
    return { ok: claim.ok, etag: claim.ok ? claim.value : '' };
  }

  /** Writes the open row whether or not one is there. */
  async putOpen(partition: string, alert: AlertSummary): Promise<void> {
    await this.client.upsertEntity(openViewEntity(partition, alert), 'Replace');
  }

  /**
   * Replaces the open row after a change to an open alert. A missing row stays missing: the alert was
   * resolved meanwhile (a later write removed it) or predates this table (the backfill makes it).
   */
  async replaceOpen(partition: string, alert: AlertSummary): Promise<void> {
    await this.client.updateEntity(openViewEntity(partition, alert), 'Replace').catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  /**
   * Replaces the open row after a change to an open alert, off the caller's path: answers at once, and the
   * rows asked for meanwhile are written together in transactions of up to 100 (one partition), the latest
   * summary of each alert only. An acknowledgement then costs its own commit and a share of one batch, not
   * a second write in sequence. `listOpen` waits for what is pending, so this process reads its own
   * changes; a crash before the write leaves the row one change behind until the next change or the
   * backfill at the next start. A replace never makes a row, so one landing after the alert's resolve
   * (which removes the row) changes nothing.
   */
  replaceOpenSoon(partition: string, alert: AlertSummary): void {
    this.pendingOpen.set(partition, alert);
    if (this.openFlushQueued) return;
    this.openFlushQueued = true;
    this.openFlushes = this.openFlushes
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.flushOpenOnce());
  }

  /** Waits until every open row asked for with replaceOpenSoon so far is written (or has failed). */
  async flushOpen(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.openFlushes;
      await seen;
    } while (seen !== this.openFlushes);
  }

  private async flushOpenOnce(): Promise<void> {
    this.openFlushQueued = false;
    const rows = [...this.pendingOpen].map(([partition, alert]) =>
      openViewEntity(partition, alert),
    );
    this.pendingOpen.clear();
    for (let i = 0; i < rows.length; i += OPEN_BATCH) {
      const batch = rows.slice(i, i + OPEN_BATCH);
      try {
        await this.client.submitTransaction(batch.map((row) => ['update', row, 'Replace']));
      } catch {
        // One row gone (its alert resolved meanwhile) fails the whole transaction: write them one by one.
        const results = await Promise.allSettled(
          batch.map((row) =>
            this.replaceOpen(
              row.rowKey,
              JSON.parse(fromChunkColumns(row, SUMMARY)) as AlertSummary,
            ),
          ),
        );
        for (const r of results) if (r.status === 'rejected') this.onError(r.reason);
      }
    }
  }

  /** Removes the open row (only as it was at `etag`, if given). */
  async removeOpen(partition: string, etag?: string): Promise<void> {
    // A replace still to be written would fail on the missing row anyway; it need not be tried.
    this.pendingOpen.delete(partition);
    await this.client.deleteEntity(OPEN, partition, etag ? { etag } : {}).catch((e) => {
      if (!isNotFound(e) && !isConditionFailed(e)) throw e;
    });
  }

  /** Every open row: one partition. */
  async listOpen(): Promise<{ partition: string; alert: AlertSummary }[]> {
    await this.flushOpen();
    const rows = await listPartition<Row>(this.client, OPEN);
    return rows.map((row) => ({
      partition: row.rowKey ?? '',
      alert: JSON.parse(fromChunkColumns(row, SUMMARY)) as AlertSummary,
    }));
  }

  /** Adds resolved alerts to their days' rows (an alert already there is left as it is). */
  async recordResolved(alerts: readonly AlertSummary[]): Promise<void> {
    const byDay = new Map<string, Record<string, ResolvedTimes>>();
    for (const alert of alerts) {
      // An exercise's alerts count in no real figure.
      if (isExerciseAlert(alert)) continue;
      const day = ukDay(alert.raisedAt);
      const entries = byDay.get(day) ?? {};
      entries[alert.id] = resolvedTimes(alert);
      byDay.set(day, entries);
    }
    await Promise.all([...byDay].map(([day, entries]) => this.addToDay(day, entries)));
  }

  /**
   * Adds entries to a day's row. Writes to one day from this process go one at a time, and entries
   * arriving while one is written are gathered into the next (a bulk resolve makes a few writes, not one
   * lost race after another).
   */
  private addToDay(day: string, entries: Record<string, ResolvedTimes>): Promise<void> {
    return this.dayWrites.add(day, entries);
  }

  private async writeDay(day: string, entries: Record<string, ResolvedTimes>): Promise<void> {
    for (let attempt = 0; attempt < MAX_DAY_RETRIES; attempt++) {
      const row = await getOrUndefined<Row>(this.client, RESOLVED, day);
      const times = row
        ? (JSON.parse(fromChunkColumns(row, TIMES)) as Record<string, ResolvedTimes>)
        : {};
      const missing = Object.keys(entries).filter((id) => !(id in times));
      if (!missing.length) return;
      for (const id of missing) times[id] = entries[id]!;
      try {
        if (row)
          await this.client.updateEntity(resolvedDayEntity(day, times), 'Replace', {
            etag: row.etag ?? '*',
          });
        else await this.client.createEntity(resolvedDayEntity(day, times));
        return;
      } catch (e) {
        // Another writer changed the day first: read it again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
    throw new Error(`The resolved alerts of ${day} changed too often to record more.`);
  }

  /** The resolved alerts raised from the UK day of `from` on: one range of one partition. */
  async resolvedSince(from: Date): Promise<ResolvedAlertDay[]> {
    const filter = `PartitionKey eq '${RESOLVED}' and RowKey ge '${ukDay(from)}'`;
    const days: ResolvedAlertDay[] = [];
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } }))
      days.push({
        raisedOn: row.rowKey ?? '',
        alerts: JSON.parse(fromChunkColumns(row, TIMES)) as Record<string, ResolvedTimes>,
      });
    return days;
  }

  async isBackfilled(): Promise<boolean> {
    return !!(await getOrUndefined(this.client, META, BACKFILLED));
  }

  async markBackfilled(at: Date): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: META, rowKey: BACKFILLED, at: at.toISOString() },
      'Replace',
    );
  }
}
