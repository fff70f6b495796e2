import type { TableClient } from '@azure/data-tables';
import {
  alertFigureEntry,
  alertFigureWeekOf,
  sameEntry,
  type AlertFigureEntry,
  type AlertFigureWeek,
} from '../domain/figures';
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
 *
 * Written after the alert repository commits an acknowledgement, a resolve or an update of an acknowledged
 * alert, so the quarter's response times by week and severity are one range of one partition (13 or 14
 * rows), not every alert. An entry is keyed by alert id and merged, never added to a sum: writing the same
 * alert twice (a retry, the same event applied twice, two instances) changes nothing, and a time once known
 * is never taken back (a late write of the acknowledgement cannot clear the resolve). Exercise alerts never
 * get an entry. A week holds about 15,000 such alerts before its row nears Table Storage's 1 MiB.
 *
 *   PK 'meta'          RK 'figures-backfilled'       the alerts settled before these rows were kept have been
 *                                                    recorded from the Alerts table, once (`backfillFigures` of
 *                                                    src/store/alert-repository.ts, at start)
 */
export const FIGURES_WEEK = 'figures-week';
const ALERTS: ChunkLayout = { name: 'alerts' };
const META = 'meta';
const BACKFILLED = 'figures-backfilled';
/** Rewrites of a week row lost to other writers before giving up (each re-reads the row). */
const MAX_WEEK_RETRIES = 40;

type Row = Record<string, unknown> & { rowKey?: string; etag?: string };

const merge = (old: AlertFigureEntry | undefined, next: AlertFigureEntry): AlertFigureEntry =>
  old ? [next[0], next[1], next[2] ?? old[2], next[3] ?? old[3]] : next;

const weekEntity = (weekOf: string, alerts: Readonly<Record<string, AlertFigureEntry>>) => ({
  partitionKey: FIGURES_WEEK,
  rowKey: weekOf,
  count: Object.keys(alerts).length,
  ...toChunkColumns(JSON.stringify(alerts), ALERTS),
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
      rows.push({
        weekOf: row.rowKey ?? '',
        alerts: JSON.parse(fromChunkColumns(row, ALERTS)) as Record<string, AlertFigureEntry>,
      });
    return rows;
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
      const alerts = row
        ? (JSON.parse(fromChunkColumns(row, ALERTS)) as Record<string, AlertFigureEntry>)
        : {};
      let changed = false;
      for (const [id, entry] of Object.entries(entries)) {
        const merged = merge(alerts[id], entry);
        if (sameEntry(alerts[id], merged)) continue;
        alerts[id] = merged;
        changed = true;
      }
      if (!changed) return;
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
