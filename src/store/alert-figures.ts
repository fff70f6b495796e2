import type { TableClient } from '@azure/data-tables';
import type { Logger } from 'pino';
import {
  alertFigureEntry,
  alertFigureWeekOf,
  sameEntry,
  summariseAlertWeek,
  type AlertFigureEntry,
  type AlertFigureWeek,
  type AlertFigureWeekSummary,
} from '../domain/figures';
import type { AlertSummary } from '../domain/alerts';
import {
  hasSummary,
  KEY_COLUMNS,
  KeptSummaries,
  SUMMARY_COLUMNS,
  summaryColumns,
  type FigureRow,
} from './alert-figure-summaries';
import { ALERT_VIEW_TABLE } from './alert-views';
import { fromChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';
import { GatheredWrites } from './gathered-writes';
import { createLogger } from '../logger';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  isNotFound,
  type TableStore,
} from './tables';

/*
 * Key layout of the kept alert figures (issue 20), a partition of the AlertViews table:
 *
 *   PK 'figures-week'  RK <Monday, UK week raised>~<shard, 0 to 7>
 *                                                    the alerts raised that week that have been acknowledged
 *                                                    or resolved and whose id hashes to the shard
 *                                                    (figureShardOf): `alerts`, JSON { <alert id>:
 *                                                    [severity, raisedAt, ms to acknowledge, ms to resolve] }
 *                                                    Beside them, written with them: `summary`, JSON
 *                                                    { <quarter raised>: { <severity>: [ack, resolve] } },
 *                                                    each the sorted ms as differences from the one before
 *                                                    (summariseAlertWeek, made from the merged entries), so
 *                                                    the quarter figures read lists of numbers with a
 *                                                    `select`, not an entry per alert; a row without one
 *                                                    (retention took an alert out of it): its week is read whole
 *                                                    (the summary's codec, and what an instance keeps of those
 *                                                    it read: src/store/alert-figure-summaries.ts)
 *
 *   PK 'figures-week'  RK <Monday>                   the same for the whole week, as versions before the
 *                                                    shards wrote it: moved into the week's shards once, at
 *                                                    start (`shardOldWeeks`), then deleted; until then a
 *                                                    read of its week merges its entries with the shards'
 *
 * Written after the alert repository commits an acknowledgement, a resolve or an update of an acknowledged
 * alert, so the quarter's response times by week and severity are one range of one partition (the quarter's
 * 13 or 14 weeks' shards: RowKey from '<first Monday>' to before '<last Monday>~~', as '~' sorts after every
 * digit), not every alert. An entry is keyed by alert id and merged, never added to a sum: writing the same
 * alert twice (a retry, the same event applied twice, two instances) changes nothing, and a time once known
 * is never taken back (a late write of the acknowledgement cannot clear the resolve). Exercise alerts never
 * get an entry. An alert is always in the same shard (a hash of its id), so each shard's summary counts it
 * once and a week's summary is its shards' merged.
 *
 * Why eight shards: Table Storage refuses an entity over 1 MiB and counts two bytes a character. An entry
 * and its share of the summary take about 72 characters (measured: 63 the entry, 8 to 10 its summary's
 * share), so one row a week held about 7,000 alerts, and the bench's full size (about 10,000 a week) was
 * past it. A shard row is kept under 900,000 bytes by Table Storage's count (MAX_ROW_BYTES, 14 % under the
 * limit), about 6,000 alerts, so a week holds about 45,000 (the hash spreads a week's ids within a few per
 * cent of an eighth), four and a half times the bench's full size, while a quarter is still one range of
 * at most 112 small rows. A write that would pass it is not made: an error naming the week is logged and
 * those alerts are left out of the figures, rather than a write that fails in Azure again and again.
 *
 *   PK 'meta'          RK 'figures-sharded'          every week row written before the shards has been
 *                                                    moved into its shards, once (`shardOldWeeks`, at start)
 *
 *   PK 'meta'          RK 'figures-summarised'       written by versions before the shards (every unsharded
 *                                                    row had been given a summary); no longer read
 *
 *   PK 'meta'          RK 'figures-backfilled'       the alerts settled before these rows were kept have been
 *                                                    recorded from the Alerts table, once (`backfillFigures` of
 *                                                    src/store/alert-backfills.ts, at start)
 */
export const FIGURES_WEEK = 'figures-week';
/** Rows a week's entries are spread over (see the key layout above for why eight). */
export const FIGURE_SHARDS = 8;
/** The most a shard row may take by Table Storage's count (its limit is 1 MiB, 1,048,576 bytes). */
export const MAX_ROW_BYTES = 900_000;
const ALERTS: ChunkLayout = { name: 'alerts' };
/** Rows of a range read again one at a time when no more than this many changed; else the range once. */
const READ_ONE_BY_ONE = 16;
const META = 'meta';
const BACKFILLED = 'figures-backfilled';
const SHARDED = 'figures-sharded';
/** Rewrites of a week row lost to other writers before giving up (each re-reads the row). */
const MAX_WEEK_RETRIES = 40;

type Row = FigureRow;

/**
 * The shard of a week an alert's entry is kept in: FNV-1a (32-bit) of its id's UTF-16 units, modulo the
 * shard count. Fixed for ever: a change would put an alert in two rows of its week and count it twice.
 */
export function figureShardOf(alertId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < alertId.length; i++) {
    hash ^= alertId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % FIGURE_SHARDS;
}

/** The row key of the shard holding an alert's entry in the week of `weekOf` (its Monday). */
export const figureRowKey = (weekOf: string, alertId: string): string =>
  `${weekOf}~${figureShardOf(alertId)}`;

const weekOfRowKey = (rowKey: string): string => rowKey.split('~')[0]!;
const isShardRow = (row: Row): boolean => (row.rowKey ?? '').includes('~');
const isKeptShard = (row: Row): boolean => isShardRow(row) && hasSummary(row);
/** The filter of the week rows from `fromWeek` to `toWeek` (Mondays, inclusive), shards and all. */
const weeksFilter = (fromWeek: string, toWeek: string): string =>
  `PartitionKey eq '${FIGURES_WEEK}' and RowKey ge '${fromWeek}' and RowKey lt '${toWeek}~~'`;

const merge = (old: AlertFigureEntry | undefined, next: AlertFigureEntry): AlertFigureEntry =>
  old ? [next[0], next[1], next[2] ?? old[2], next[3] ?? old[3]] : next;

const entriesOf = (row: Row): Record<string, AlertFigureEntry> =>
  JSON.parse(fromChunkColumns(row, ALERTS)) as Record<string, AlertFigureEntry>;

/**
 * One week's entries from all its rows, merged by alert id: an unsharded row (kept before the shards and
 * not yet moved) first, its shards' entries, written since, over it. An alert in both counts once.
 */
function entriesOfWeek(rows: readonly Row[]): Record<string, AlertFigureEntry> {
  const alerts: Record<string, AlertFigureEntry> = {};
  for (const row of [...rows.filter((r) => !isShardRow(r)), ...rows.filter(isShardRow)])
    for (const [id, entry] of Object.entries(entriesOf(row))) alerts[id] = merge(alerts[id], entry);
  return alerts;
}

/** The rows in query order, grouped by week (ascending, as the range returns them). */
function byWeek(rows: readonly Row[]): Map<string, Row[]> {
  const weeks = new Map<string, Row[]>();
  for (const row of rows) {
    const week = weekOfRowKey(row.rowKey ?? '');
    const held = weeks.get(week);
    if (held) held.push(row);
    else weeks.set(week, [row]);
  }
  return weeks;
}

/**
 * An entity's size as Table Storage counts it: 4 bytes, the keys' characters at two bytes, and each
 * property's 8 bytes, its name's characters at two bytes and its value (a string 4 bytes and two a
 * character, a number 8 at most).
 */
function entityBytes(entity: Readonly<Record<string, unknown>>): number {
  let bytes = 4;
  for (const [name, value] of Object.entries(entity))
    if (name === 'partitionKey' || name === 'rowKey') bytes += 2 * String(value).length;
    else bytes += 8 + 2 * name.length + (typeof value === 'string' ? 4 + 2 * value.length : 8);
  return bytes;
}

/** Where the figure rows say what they could not keep. */
export type FigureLog = (fields: Record<string, unknown>, message: string) => void;

let defaultLogger: Logger | undefined;
const logError: FigureLog = (fields, message) =>
  (defaultLogger ??= createLogger(process.env['LOG_LEVEL'] ?? 'info')).error(fields, message);

/** The kept weekly alert figures: see the key layout above. */
export class AlertFigureRows {
  /**
   * Writes to one week from this process go one at a time, its shard rows one after another; entries
   * arriving meanwhile join the next. One at a time per week, as when a week was one row: a burst of
   * acknowledgements then adds a few background writes in turn, not one in flight per shard.
   */
  private readonly weeks = new GatheredWrites<AlertFigureEntry>(
    (weekOf, entries) => this.writeWeek(weekOf, entries),
    merge,
  );
  private readonly maxRowBytes: number;
  private readonly log: FigureLog;
  private readonly summaries = new KeptSummaries();

  constructor(
    private readonly store: TableStore,
    options: { maxRowBytes?: number; log?: FigureLog } = {},
  ) {
    this.maxRowBytes = options.maxRowBytes ?? MAX_ROW_BYTES;
    this.log = options.log ?? logError;
  }

  private get client(): TableClient {
    return this.store.table(ALERT_VIEW_TABLE);
  }

  /** Adds or updates the alerts' entries (those that count in no figure are skipped). */
  async record(alerts: readonly AlertSummary[]): Promise<void> {
    const byWeek = new Map<string, Record<string, AlertFigureEntry>>();
    for (const alert of alerts) {
      const entry = alertFigureEntry(alert);
      if (!entry) continue;
      const week = alertFigureWeekOf(alert);
      const entries = byWeek.get(week) ?? {};
      entries[alert.id] = merge(entries[alert.id], entry);
      byWeek.set(week, entries);
    }
    await Promise.all([...byWeek].map(([week, entries]) => this.weeks.add(week, entries)));
  }

  /** Waits for every write asked for so far. */
  async flush(): Promise<void> {
    await this.weeks.flush();
  }

  /**
   * The weeks from `fromWeek` to `toWeek` (Mondays, inclusive), each with every entry of its rows: one
   * range of one partition.
   */
  async weeksBetween(fromWeek: string, toWeek: string): Promise<AlertFigureWeek[]> {
    await this.flush();
    const rows: Row[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: weeksFilter(fromWeek, toWeek) },
    }))
      rows.push(row);
    return [...byWeek(rows)].map(([weekOf, weekRows]) => ({
      weekOf,
      alerts: entriesOfWeek(weekRows),
    }));
  }

  /**
   * The summaries of the weeks from `fromWeek` to `toWeek` (Mondays, inclusive), each its shards' merged.
   * First the range's keys and ETags only (one range of one partition, a few bytes a row); then the summary
   * columns of only the rows this instance has not read at their ETag: most reads of a quarter after an
   * acknowledgement read one row again and merge one week again, not the quarter's tens of thousands of
   * times (see KeptSummaries). A week with an unsharded row (kept before the shards, not yet moved at
   * start), whose alerts its shards may hold too, or with a row without a summary is read whole and worked
   * out from its entries merged by alert id. The summaries answered are shared with later reads: read only.
   */
  async summariesBetween(fromWeek: string, toWeek: string): Promise<AlertFigureWeekSummary[]> {
    await this.flush();
    const keys: Row[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: weeksFilter(fromWeek, toWeek), select: KEY_COLUMNS },
    }))
      keys.push(row);
    const weeks = byWeek(keys);
    const whole = new Set(
      [...weeks].filter(([, rows]) => !rows.every(isKeptShard)).map(([w]) => w),
    );
    const unread = [...weeks]
      .filter(([w]) => !whole.has(w))
      .flatMap(([w, rows]) => rows.filter((row) => !this.summaries.has(w, row)));
    const read = await this.readSummaries(fromWeek, toWeek, unread);
    const answer = await Promise.all(
      [...weeks].map(async ([weekOf, rows]): Promise<AlertFigureWeekSummary> => ({
        weekOf,
        summary:
          (!whole.has(weekOf) && this.summaries.week(weekOf, rows, read)) ||
          summariseAlertWeek(weekOf, entriesOfWeek(await this.week(weekOf))),
      })),
    );
    this.summaries.keepOnly(weeks.keys());
    return answer;
  }

  /**
   * The summary columns of the rows named, by row key: each read on its own when they are few (an
   * acknowledgement changes one row), else the whole range once, as a first read of a quarter needs.
   */
  private async readSummaries(
    fromWeek: string,
    toWeek: string,
    rows: readonly Row[],
  ): Promise<Map<string, Row>> {
    const read = new Map<string, Row>();
    if (rows.length > READ_ONE_BY_ONE) {
      for await (const row of this.client.listEntities<Row>({
        queryOptions: { filter: weeksFilter(fromWeek, toWeek), select: SUMMARY_COLUMNS },
      }))
        read.set(row.rowKey ?? '', row);
      return read;
    }
    await Promise.all(
      rows.map(async ({ rowKey = '' }) => {
        const row = await getOrUndefined<Row>(this.client, FIGURES_WEEK, rowKey, SUMMARY_COLUMNS);
        // Not there: deleted since the keys were read (retention), and the week is read without it.
        if (row) read.set(rowKey, row);
      }),
    );
    return read;
  }

  /**
   * Moves every week row written before the shards (one row a week, RK <Monday>) into its week's shards,
   * then deletes it, once (the 'meta' row says so): one query of the partition's keys, then a row at a
   * time. Its entries go beneath the shards' (a shard's entry, written since, wins where they differ), so
   * a second run, or two instances at once, change nothing; the old row is deleted on its ETag, so one
   * written to meanwhile is moved again.
   */
  async shardOldWeeks(now: Date): Promise<{ moved: number } | undefined> {
    if (await getOrUndefined(this.client, META, SHARDED)) return undefined;
    const old: string[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: `PartitionKey eq '${FIGURES_WEEK}'`, select: ['RowKey'] },
    }))
      if (row.rowKey && !isShardRow(row)) old.push(row.rowKey);
    // One at a time: each may be a large row, read and written whole.
    for (const week of old) await this.moveOldWeek(week);
    await this.client.upsertEntity(
      { partitionKey: META, rowKey: SHARDED, at: now.toISOString() },
      'Replace',
    );
    return { moved: old.length };
  }

  /** True once the alerts settled before these rows were kept have been recorded. */
  async isBackfilled(): Promise<boolean> {
    return !!(await getOrUndefined(this.client, META, BACKFILLED));
  }

  async markBackfilled(at: Date): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: META, rowKey: BACKFILLED, at: at.toISOString() },
      'Replace',
    );
  }

  /** Every row of one week, whole: a range of one partition. */
  private async week(weekOf: string): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: weeksFilter(weekOf, weekOf) },
    }))
      rows.push(row);
    return rows;
  }

  private async moveOldWeek(week: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_WEEK_RETRIES; attempt++) {
      const row = await getOrUndefined<Row>(this.client, FIGURES_WEEK, week);
      if (!row) return;
      const byRow = new Map<string, Record<string, AlertFigureEntry>>();
      for (const [id, entry] of Object.entries(entriesOf(row))) {
        const rowKey = figureRowKey(week, id);
        byRow.set(rowKey, { ...byRow.get(rowKey), [id]: entry });
      }
      await Promise.all(
        [...byRow].map(([rowKey, entries]) => this.writeRow(rowKey, entries, true)),
      );
      try {
        await this.client.deleteEntity(FIGURES_WEEK, week, { etag: row.etag ?? '*' });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        // Written meanwhile (an older version still running): move what it holds now.
        if (!isConditionFailed(e)) throw e;
      }
    }
    throw new Error(`The alert figures of the week of ${week} changed too often to move.`);
  }

  /** A week's gathered entries, each shard row's in turn. */
  private async writeWeek(
    weekOf: string,
    entries: Record<string, AlertFigureEntry>,
  ): Promise<void> {
    const byRow = new Map<string, Record<string, AlertFigureEntry>>();
    for (const [id, entry] of Object.entries(entries)) {
      const rowKey = figureRowKey(weekOf, id);
      const row = byRow.get(rowKey) ?? {};
      row[id] = entry;
      byRow.set(rowKey, row);
    }
    for (const [rowKey, rowEntries] of byRow) await this.writeRow(rowKey, rowEntries);
  }

  /**
   * Merges entries into a shard row: read, merge by alert id, write back on the row's ETag (again from the
   * read when another writer was first). `beneath`: the row's own entry wins where both have a value (the
   * move of an unsharded row, whose entries are older).
   */
  private async writeRow(
    rowKey: string,
    entries: Record<string, AlertFigureEntry>,
    beneath = false,
  ): Promise<void> {
    const weekOf = weekOfRowKey(rowKey);
    for (let attempt = 0; attempt < MAX_WEEK_RETRIES; attempt++) {
      const row = await getOrUndefined<Row>(this.client, FIGURES_WEEK, rowKey);
      const alerts = row ? entriesOf(row) : {};
      let changed = false;
      for (const [id, entry] of Object.entries(entries)) {
        const held = alerts[id];
        const merged = beneath && held ? merge(entry, held) : merge(held, entry);
        if (sameEntry(held, merged)) continue;
        alerts[id] = merged;
        changed = true;
      }
      // A row kept without a summary is written again to get one, even with no entry changed.
      if (!changed && (!row || hasSummary(row))) return;
      const entity = {
        partitionKey: FIGURES_WEEK,
        rowKey,
        count: Object.keys(alerts).length,
        ...toChunkColumns(JSON.stringify(alerts), ALERTS),
        ...summaryColumns(summariseAlertWeek(weekOf, alerts)),
      };
      const bytes = entityBytes(entity);
      if (bytes > this.maxRowBytes) {
        this.log(
          { week: weekOf, row: rowKey, alerts: entity.count, bytes, limit: this.maxRowBytes },
          `The alert figures of the week of ${weekOf} are too many for one row: ${Object.keys(entries).length} alerts are left out of the quarter figures.`,
        );
        return;
      }
      try {
        if (row) await this.client.updateEntity(entity, 'Replace', { etag: row.etag ?? '*' });
        else await this.client.createEntity(entity);
        return;
      } catch (e) {
        // Another writer changed the row first: read it again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
    throw new Error(`The alert figures of the week of ${weekOf} changed too often to record more.`);
  }
}
