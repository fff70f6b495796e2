import type { TableClient } from '@azure/data-tables';
import {
  alertFigureEntry,
  alertFigureWeekOf,
  sameEntry,
  summariseAlertWeek,
  type AlertFigureEntry,
  type AlertFigureWeek,
  type AlertFigureWeekSummary,
  type AlertWeekSummary,
  type SortedTimes,
} from '../domain/figures';
import type { SeverityRank } from '../domain/alerts/severity';
import type { AlertSummary } from '../domain/alerts';
import { ALERT_VIEW_TABLE } from './alert-views';
import { fromChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';
import { GatheredWrites } from './gathered-writes';
import { getOrUndefined, isConditionFailed, isConflict, type TableStore } from './tables';

/*
 * Key layout of the kept alert figures (issue 20), a partition of the AlertViews table:
 *
 *   PK 'figures-week'  RK <Monday, UK week raised>   the alerts raised that week that have been acknowledged
 *                                                    or resolved: `alerts`, JSON { <alert id>:
 *                                                    [severity, raisedAt, ms to acknowledge, ms to resolve] }
 *                                                    Beside them, written with them: `summary`, JSON
 *                                                    { <quarter raised>: { <severity>: [ack, resolve] } },
 *                                                    each the sorted ms as differences from the one before
 *                                                    (summariseAlertWeek, made from the merged entries), so
 *                                                    the quarter figures read lists of numbers with a
 *                                                    `select`, not an entry per alert; a row without one
 *                                                    (written before) is read whole and worked out
 *
 * Written after the alert repository commits an acknowledgement, a resolve or an update of an acknowledged
 * alert, so the quarter's response times by week and severity are one range of one partition (13 or 14
 * rows), not every alert. An entry is keyed by alert id and merged, never added to a sum: writing the same
 * alert twice (a retry, the same event applied twice, two instances) changes nothing, and a time once known
 * is never taken back (a late write of the acknowledgement cannot clear the resolve). Exercise alerts never
 * get an entry. An entry and its share of the summary take about 75 characters, two bytes each in
 * Table Storage, so a week holds about 7,000 such alerts before its row nears the 1 MiB of an entity.
 *
 *   PK 'meta'          RK 'figures-summarised'       every week row written before summaries were kept has
 *                                                    been given one, once (`summariseOldWeeks`, at start)
 *
 *   PK 'meta'          RK 'figures-backfilled'       the alerts settled before these rows were kept have been
 *                                                    recorded from the Alerts table, once (`backfillFigures` of
 *                                                    src/store/alert-repository.ts, at start)
 */
export const FIGURES_WEEK = 'figures-week';
const ALERTS: ChunkLayout = { name: 'alerts' };
const SUMMARY: ChunkLayout = { name: 'summary' };
/** Columns a summary may take: a row of more would be past the 1 MiB of an entity anyway. */
const MAX_SUMMARY_CHUNKS = 16;
const SUMMARY_COLUMNS = [
  'RowKey',
  `${SUMMARY.name}Chunks`,
  ...Array.from({ length: MAX_SUMMARY_CHUNKS }, (_, i) => `${SUMMARY.name}${i}`),
];
const META = 'meta';
const BACKFILLED = 'figures-backfilled';
const SUMMARISED = 'figures-summarised';
/** Rewrites of a week row lost to other writers before giving up (each re-reads the row). */
const MAX_WEEK_RETRIES = 40;

type Row = Record<string, unknown> & { rowKey?: string; etag?: string };

const merge = (old: AlertFigureEntry | undefined, next: AlertFigureEntry): AlertFigureEntry =>
  old ? [next[0], next[1], next[2] ?? old[2], next[3] ?? old[3]] : next;

/** Ascending whole ms as the differences from the one before (short numbers: a row stays small). */
const toDifferences = (sorted: readonly number[]): number[] =>
  sorted.map((v, i) => (i ? v - sorted[i - 1]! : v));

function fromDifferences(differences: readonly number[]): number[] {
  const out = new Array<number>(differences.length);
  let at = 0;
  for (let i = 0; i < differences.length; i++) out[i] = at += differences[i]!;
  return out;
}

type StoredSummary = Record<string, Partial<Record<SeverityRank, [number[], number[]]>>>;

const encodeSummary = (summary: AlertWeekSummary): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(summary).map(([quarter, bySeverity]) => [
        quarter,
        Object.fromEntries(
          Object.entries(bySeverity).map(([severity, t]) => [
            severity,
            [toDifferences(t.ack), toDifferences(t.res)],
          ]),
        ),
      ]),
    ),
  );

const decodeSummary = (text: string): AlertWeekSummary =>
  Object.fromEntries(
    Object.entries(JSON.parse(text) as StoredSummary).map(([quarter, bySeverity]) => [
      quarter,
      Object.fromEntries(
        Object.entries(bySeverity).map(([severity, [ack, res]]): [string, SortedTimes] => [
          severity,
          { ack: fromDifferences(ack), res: fromDifferences(res) },
        ]),
      ),
    ]),
  );

const hasSummary = (row: Row): boolean =>
  row[`${SUMMARY.name}Chunks`] !== undefined && row[`${SUMMARY.name}Chunks`] !== null;

const entriesOf = (row: Row): Record<string, AlertFigureEntry> =>
  JSON.parse(fromChunkColumns(row, ALERTS)) as Record<string, AlertFigureEntry>;

const weekEntity = (weekOf: string, alerts: Readonly<Record<string, AlertFigureEntry>>) => ({
  partitionKey: FIGURES_WEEK,
  rowKey: weekOf,
  count: Object.keys(alerts).length,
  ...toChunkColumns(JSON.stringify(alerts), ALERTS),
  ...toChunkColumns(encodeSummary(summariseAlertWeek(weekOf, alerts)), SUMMARY, MAX_SUMMARY_CHUNKS),
});

/** The kept weekly alert figures: see the key layout above. */
export class AlertFigureRows {
  /** Writes to one week from this process go one at a time; entries arriving meanwhile join the next. */
  private readonly weeks = new GatheredWrites<AlertFigureEntry>(
    (week, entries) => this.writeWeek(week, entries),
    merge,
  );

  constructor(private readonly store: TableStore) {}

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
    await Promise.all([...byWeek].map(([week, entries]) => this.addToWeek(week, entries)));
  }

  /** Waits for every write asked for so far. */
  async flush(): Promise<void> {
    await this.weeks.flush();
  }

  /** The week rows from `fromWeek` to `toWeek` (Mondays, inclusive): one range of one partition. */
  async weeksBetween(fromWeek: string, toWeek: string): Promise<AlertFigureWeek[]> {
    await this.flush();
    const filter = `PartitionKey eq '${FIGURES_WEEK}' and RowKey ge '${fromWeek}' and RowKey le '${toWeek}'`;
    const rows: AlertFigureWeek[] = [];
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } }))
      rows.push({ weekOf: row.rowKey ?? '', alerts: entriesOf(row) });
    return rows;
  }

  /**
   * The summaries of the week rows from `fromWeek` to `toWeek` (Mondays, inclusive): one range of one
   * partition, its summary columns only. A row kept without a summary (written before them, and not yet
   * given one at start) is read whole and its summary worked out from its entries.
   */
  async summariesBetween(fromWeek: string, toWeek: string): Promise<AlertFigureWeekSummary[]> {
    await this.flush();
    const filter = `PartitionKey eq '${FIGURES_WEEK}' and RowKey ge '${fromWeek}' and RowKey le '${toWeek}'`;
    const rows: Row[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter, select: SUMMARY_COLUMNS },
    }))
      rows.push(row);
    return Promise.all(
      rows.map(async (row): Promise<AlertFigureWeekSummary> => {
        const weekOf = row.rowKey ?? '';
        if (hasSummary(row))
          return { weekOf, summary: decodeSummary(fromChunkColumns(row, SUMMARY)) };
        const whole = await getOrUndefined<Row>(this.client, FIGURES_WEEK, weekOf);
        return { weekOf, summary: whole ? summariseAlertWeek(weekOf, entriesOf(whole)) : {} };
      }),
    );
  }

  /**
   * Gives every week row written before summaries were kept its summary, once (the 'meta' row says so):
   * one query of the partition's keys, and a rewrite of each row without one. Rewriting is the usual
   * merge on the row's ETag, so a write of the same week by another instance meanwhile is kept.
   */
  async summariseOldWeeks(now: Date): Promise<{ summarised: number } | undefined> {
    if (await getOrUndefined(this.client, META, SUMMARISED)) return undefined;
    const lacking: string[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: {
        filter: `PartitionKey eq '${FIGURES_WEEK}'`,
        select: ['RowKey', `${SUMMARY.name}Chunks`],
      },
    }))
      if (!hasSummary(row) && row.rowKey) lacking.push(row.rowKey);
    await Promise.all(lacking.map((week) => this.addToWeek(week, {})));
    await this.client.upsertEntity(
      { partitionKey: META, rowKey: SUMMARISED, at: now.toISOString() },
      'Replace',
    );
    return { summarised: lacking.length };
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

  private addToWeek(week: string, entries: Record<string, AlertFigureEntry>): Promise<void> {
    return this.weeks.add(week, entries);
  }

  private async writeWeek(week: string, entries: Record<string, AlertFigureEntry>): Promise<void> {
    for (let attempt = 0; attempt < MAX_WEEK_RETRIES; attempt++) {
      const row = await getOrUndefined<Row>(this.client, FIGURES_WEEK, week);
      const alerts = row ? entriesOf(row) : {};
      let changed = false;
      for (const [id, entry] of Object.entries(entries)) {
        const merged = merge(alerts[id], entry);
        if (sameEntry(alerts[id], merged)) continue;
        alerts[id] = merged;
        changed = true;
      }
      // A row kept without a summary is written again to get one, even with no entry changed.
      if (!changed && (!row || hasSummary(row))) return;
      try {
        if (row)
          await this.client.updateEntity(weekEntity(week, alerts), 'Replace', {
            etag: row.etag ?? '*',
          });
        else await this.client.createEntity(weekEntity(week, alerts));
        return;
      } catch (e) {
        // Another writer changed the week first: read it again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
    throw new Error(`The alert figures of the week of ${week} changed too often to record more.`);
  }
}
