import type { TableClient } from '@azure/data-tables';
import { isExerciseAlert, type AlertSummary, type OpenAlertSummary } from '../domain/alerts';
import type { ResolvedWeek } from '../domain/figures';
import {
  daysOfWeek,
  OPEN,
  openViewEntity,
  RESOLVED,
  RESOLVED_WEEK,
  resolvedDayEntity,
  resolvedTimes,
  resolvedWeekEntity,
  resolvedWeekOf,
  sameDays,
  SUMMARY,
  TIMES,
  ukDay,
  ukWeekOfDay,
  WEEK_FIGURES,
  type ResolvedAlertDay,
  type ResolvedTimes,
} from './alert-view-rows';
import { fromChunkColumns } from './chunked-columns';
import { insertIfAbsent } from './conditional';
import { GatheredWrites } from './gathered-writes';
import { PartitionBatcher } from './partition-batcher';
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
 *   PK 'open'      RK <alert partition>   an alert that may be open: the alert without its timeline and channel
 *                                         post, as JSON in `summary` (what every list of open alerts shows); a
 *                                         change that shows in neither (a page queued, the card posted) writes
 *                                         no row
 *   PK 'resolved'  RK <UK date raised>    the resolved alerts raised that day (UK time), for the weekly figures:
 *                                         `times`, JSON { <alert id>: [ms to acknowledge, ms to resolve] }
 *                                         (null for one that never happened)
 *   PK 'resolved-week'  RK <Monday, UK>   the week's day rows in brief, for the tab's weekly figures: how many
 *                                         resolved alerts were raised that week and the middle of their times
 *                                         to acknowledge and resolve (`figures`, JSON of a ResolvedWeek,
 *                                         src/domain/figures/resolved-weeks.ts), with the count of each day
 *                                         row it was made from (`days`)
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
 *
 * The tab's weekly figures read the week rows, not the day rows: nine small rows (the middle 600 or so of
 * each week's times) rather than the times of every alert resolved in nine weeks (1.5 MB at 50,000 alerts).
 * A week row is made from its seven day rows after each write of one of them, written on its ETag and made
 * again if it changed meanwhile; as it is worked out from the day rows (never added to), a retry or two
 * instances at once cannot count an alert twice. A crash between a day row and its week leaves the week
 * behind its days: each start compares every week's day counts with the day rows' and makes those behind
 * again (repairWeeks), which also makes the weeks of day rows written before week rows were kept.
 */
export const ALERT_VIEW_TABLE = 'AlertViews';

const META = 'meta';
const BACKFILLED = 'backfilled';
/** Rewrites of a week row lost to other writers before giving up (each re-reads the row and its days). */
const MAX_WEEK_RETRIES = 20;
/** Rewrites of a day row lost to other writers before giving up (each re-reads the row). */
const MAX_DAY_RETRIES = 40;

type Row = Record<string, unknown> & { rowKey?: string; etag?: string };

/** Open rows written in one transaction at most (Table Storage's limit for one partition). */
const OPEN_BATCH = 100;
/** Under load, how long open-row replaces wait for others before they are written together. */
const OPEN_GATHER_MS = 100;
/** How long after a flush of several open rows the replaces count as under load. */
const OPEN_BUSY_FOR_MS = 1_000;

/** The AlertViews table: see the key layout above. */
export class AlertViewTable {
  private readonly dayWrites = new GatheredWrites<ResolvedTimes>((day, entries) =>
    this.writeDay(day, entries),
  );
  /** Week rows to make again, one write at a time per week; asks meanwhile are gathered into the next. */
  private readonly weekWrites = new GatheredWrites<true>((week) => this.writeWeek(week));
  /** Open rows to replace, by alert partition: the latest summary of each (see replaceOpenSoon). */
  private readonly pendingOpen = new Map<string, AlertSummary>();
  /** The chain of open-row flushes; the last link settles once every replace asked for is written. */
  private openFlushes: Promise<void> = Promise.resolve();
  private openFlushQueued = false;
  /** Until when open-row replaces count as under load (a flush of several rows ended shortly before). */
  private openBusyUntil = 0;
  /** Ends the wait of the replaces gathering now (flushOpen: a reader wants them written). */
  private endOpenGathering?: () => void;
  /** Readers waiting for the open rows to be written (flushOpen): no replace waits for others then. */
  private openReaders = 0;
  /** New alerts' open rows: one write each when quiet, a transaction for many in a storm. */
  private readonly newOpen = new PartitionBatcher(() => this.client, OPEN);

  constructor(
    private readonly store: TableStore,
    /**
     * A batch of open rows or a week row that could not be written (the next change or the start's
     * backfill repairs it).
     */
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

  /**
   * Writes the open row whether or not one is there. Rows written while another is in flight go
   * together in one transaction after it (a storm's new alerts: one request for many, not one each).
   */
  async putOpen(partition: string, alert: AlertSummary): Promise<void> {
    await this.newOpen.upsert(openViewEntity(partition, alert));
  }

  /**
   * The same for a new alert's row, almost never there yet: an insert, a replace only should it be
   * (PartitionBatcher.upsertNew). Not for the backfill, whose rows are mostly there: each would cost two
   * requests and break its transaction.
   */
  async putNewOpen(partition: string, alert: AlertSummary): Promise<void> {
    await this.newOpen.upsertNew(openViewEntity(partition, alert));
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
   * a second write in sequence. Under load (the last flush carried several rows, within a second) the
   * rows asked for wait up to OPEN_GATHER_MS for others, so a storm's or a burst of acknowledgements'
   * rows go a few transactions a second, not one every few alerts (issue 18). `listOpen` ends that wait
   * and waits for what is pending, so this process reads its own changes; a crash before the write
   * leaves the row one change behind until the next change or the backfill at the next start. A
   * replace never makes a row, so one landing after the alert's resolve (which removes the row)
   * changes nothing.
   */
  replaceOpenSoon(partition: string, alert: AlertSummary): void {
    this.pendingOpen.set(partition, alert);
    if (this.openFlushQueued) return;
    this.openFlushQueued = true;
    this.openFlushes = this.openFlushes
      .then(() => this.gatherOpen())
      .then(() => this.flushOpenOnce());
  }

  /** The wait before the replaces asked for are written: the next turn when quiet, longer under load. */
  private gatherOpen(): Promise<void> {
    const underLoad = Date.now() < this.openBusyUntil && this.openReaders === 0;
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      const end = () => {
        clearTimeout(timer);
        clearImmediate(immediate);
        if (this.endOpenGathering === end) this.endOpenGathering = undefined;
        resolve();
      };
      if (underLoad) timer = setTimeout(end, OPEN_GATHER_MS);
      else immediate = setImmediate(end);
      this.endOpenGathering = end;
    });
  }

  /** Waits until every open row asked for with replaceOpenSoon so far is written (or has failed). */
  async flushOpen(): Promise<void> {
    this.openReaders++;
    try {
      this.endOpenGathering?.();
      let seen: Promise<void>;
      do {
        seen = this.openFlushes;
        await seen;
      } while (seen !== this.openFlushes);
    } finally {
      this.openReaders--;
    }
  }

  private async flushOpenOnce(): Promise<void> {
    this.openFlushQueued = false;
    const rows = [...this.pendingOpen].map(([partition, alert]) =>
      openViewEntity(partition, alert),
    );
    this.pendingOpen.clear();
    this.openBusyUntil = rows.length > 1 ? Date.now() + OPEN_BUSY_FOR_MS : 0;
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
  async listOpen(): Promise<{ partition: string; alert: OpenAlertSummary }[]> {
    await this.flushOpen();
    const rows = await listPartition<Row>(this.client, OPEN);
    return rows.map((row) => ({
      partition: row.rowKey ?? '',
      alert: JSON.parse(fromChunkColumns(row, SUMMARY)) as OpenAlertSummary,
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
      } catch (e) {
        // Another writer changed the day first: read it again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
        continue;
      }
      // The week row follows its days: made again from them now the day has changed. One that fails
      // stays behind its days until the next write of the week or the next start (repairWeeks); the
      // resolve itself, committed already, is not failed for it.
      await this.weekWrites.add(ukWeekOfDay(day), { changed: true }).catch(this.onError);
      return;
    }
    throw new Error(`The resolved alerts of ${day} changed too often to record more.`);
  }

  /**
   * Makes a week row again from its day rows (seven point reads). The row is read first and written on
   * its ETag, so a writer that read the days before another's day write cannot overwrite a newer row: its
   * write fails and it reads everything again. Nothing is written when the row already counts every day.
   */
  private async writeWeek(week: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_WEEK_RETRIES; attempt++) {
      const current = await getOrUndefined<Row>(this.client, RESOLVED_WEEK, week);
      const days: Record<string, Record<string, ResolvedTimes>> = {};
      await Promise.all(
        daysOfWeek(week).map(async (day) => {
          const row = await getOrUndefined<Row>(this.client, RESOLVED, day);
          if (row)
            days[day] = JSON.parse(fromChunkColumns(row, TIMES)) as Record<string, ResolvedTimes>;
        }),
      );
      const made = resolvedWeekOf(week, days);
      if (
        current &&
        sameDays(JSON.parse(String(current['days'])) as Record<string, number>, made.days)
      )
        return;
      try {
        if (current)
          await this.client.updateEntity(resolvedWeekEntity(made), 'Replace', {
            etag: current.etag ?? '*',
          });
        else await this.client.createEntity(resolvedWeekEntity(made));
        return;
      } catch (e) {
        // Another writer made the week first: read it and its days again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
    throw new Error(`The resolved alerts of the week of ${week} changed too often to sum up.`);
  }

  /**
   * The week rows from the UK week of `from` on: one range of one partition. With the open rows, what the
   * tab's weekly figures count.
   */
  async resolvedWeeks(from: Date): Promise<ResolvedWeek[]> {
    const filter = `PartitionKey eq '${RESOLVED_WEEK}' and RowKey ge '${ukWeekOfDay(ukDay(from))}'`;
    const weeks: ResolvedWeek[] = [];
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } }))
      weeks.push(JSON.parse(fromChunkColumns(row, WEEK_FIGURES)) as ResolvedWeek);
    return weeks;
  }

  /**
   * Makes again every week row behind its day rows, or missing (a crash between a day row and its week,
   * or day rows written before week rows were kept): the day rows' counts and the week rows' are read in
   * two queries, and only the weeks that differ are made again (a week row whose days are all gone goes).
   * Run at each start; idempotent, and two instances at once make the same rows. Answers how many weeks
   * were made.
   */
  async repairWeeks(): Promise<number> {
    const counts = new Map<string, Record<string, number>>();
    const dayFilter = `PartitionKey eq '${RESOLVED}'`;
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: dayFilter, select: ['RowKey', 'count'] },
    })) {
      const week = ukWeekOfDay(row.rowKey ?? '');
      counts.set(week, { ...counts.get(week), [row.rowKey ?? '']: Number(row['count'] ?? 0) });
    }
    const weekFilter = `PartitionKey eq '${RESOLVED_WEEK}'`;
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: weekFilter, select: ['RowKey', 'days'] },
    })) {
      const days = counts.get(row.rowKey ?? '');
      if (!days)
        // Its alerts have all gone (the retention job deletes their day entries): so does it.
        await this.client
          .deleteEntity(RESOLVED_WEEK, row.rowKey ?? '', { etag: row.etag ?? '*' })
          .catch((e) => {
            if (!isNotFound(e) && !isConditionFailed(e)) throw e;
          });
      else if (sameDays(JSON.parse(String(row['days'])) as Record<string, number>, days))
        counts.delete(row.rowKey ?? '');
    }
    await Promise.all(
      [...counts.keys()].map((week) => this.weekWrites.add(week, { changed: true })),
    );
    return counts.size;
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
