import type { RegulatoryClockIndex, RunningClock } from '../app/regulatory-clocks';
import type { RegulatoryClockKind } from '../domain/alerts/regulatory-clocks';
import { encodeKey } from './keys';
import { isNotFound, listPartition, type TableStore } from './tables';

/*
 * Key layout
 *   RegulatoryClocks  PK 'running'  RK encodeKey(alertId) + '~' + clock kind
 *                     alertId, clock, flaggedAt
 * One row per reporting clock that may still need a reminder, so the reminder job reads one small partition
 * instead of every alert. The clock itself (flag, reminders sent, report) is on the alert's timeline; a row
 * is written after the flag and removed once the report is recorded or the last reminder is sent.
 */
export const REGULATORY_CLOCK_TABLE = 'RegulatoryClocks';
const RUNNING_PARTITION = 'running';

interface RunningRow {
  alertId: string;
  clock: RegulatoryClockKind;
  flaggedAt: string;
}

const rowKey = (alertId: string, clock: RegulatoryClockKind): string =>
  `${encodeKey(alertId)}~${clock}`;

export class TableRegulatoryClockIndex implements RegulatoryClockIndex {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(REGULATORY_CLOCK_TABLE);
  }

  async put(clock: RunningClock): Promise<void> {
    const row: RunningRow = { ...clock };
    await this.client.upsertEntity(
      {
        partitionKey: RUNNING_PARTITION,
        rowKey: rowKey(clock.alertId, clock.clock),
        ...row,
      },
      'Replace',
    );
  }

  async remove(alertId: string, clock: RegulatoryClockKind): Promise<void> {
    try {
      await this.client.deleteEntity(RUNNING_PARTITION, rowKey(alertId, clock));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async listRunning(): Promise<RunningClock[]> {
    const rows = await listPartition<RunningRow>(this.client, RUNNING_PARTITION);
    return rows.map((r) => ({ alertId: r.alertId, clock: r.clock, flaggedAt: r.flaggedAt }));
  }
}
