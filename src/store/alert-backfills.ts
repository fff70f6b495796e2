/*
 * The start-time backfills of the rows the alert repository (src/store/alert-repository.ts) derives from
 * its alerts: the AlertViews rows, and the kept weekly figure rows for alerts settled before they began.
 */
import type { TableClient } from '@azure/data-tables';
import { isOpen, type AlertSummary } from '../domain/alerts';
import { alertFigureEntry } from '../domain/figures';
import type { AlertFigureRows } from './alert-figures';
import { ALERT_TABLES, BODY, OPEN_PARTITION, weekRowTimes, type WeekRow } from './alert-rows';
import type { AlertViewTable } from './alert-views';
import { fromChunkColumns } from './chunked-columns';
import { isNotFound, listPartition, type TableStore } from './tables';

/** Settled alerts the figures backfill gathers before writing their weeks. */
const BACKFILL_BATCH = 2_000;

/** Makes the Alerts table's derived rows good at start; TableAlertRepository delegates here. */
export class AlertBackfills {
  constructor(
    private readonly store: TableStore,
    private readonly views: AlertViewTable,
    private readonly figures: AlertFigureRows,
    /** The alerts kept in these partitions, without timelines, in order: the repository's reads. */
    private readonly summaries: (partitions: string[]) => Promise<(AlertSummary | undefined)[]>,
  ) {}

  private get client(): TableClient {
    return this.store.table(ALERT_TABLES.alerts);
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
      const kept = weekRowTimes(row);
      if (kept) found.push(kept as AlertSummary);
      else toRead.push(row.rowKey ?? '');
    }
    for (const alert of await this.summaries([...new Set(toRead)]))
      if (alert && !isOpen(alert)) found.push(alert);
    return found;
  }
}
