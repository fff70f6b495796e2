import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { RetentionStore } from '../app/retention';
import { isOpen, type AlertSummary } from '../domain/alerts';
import { alertFigureWeekOf } from '../domain/figures';
import { isPastRetention } from '../domain/retention/retention-period';
import { ALERT_TABLES } from './alert-rows';
import { FIGURES_WEEK, figureRowKey } from './alert-figures';
import { ukDay } from './alert-view-rows';
import { AUDIT_TABLE } from './audit-repository';
import { fromChunkColumns, toChunkColumns } from './chunked-columns';
import { DECISION_TABLE } from './decision-repository';
import { HSA_RESPONSE_TABLES } from './alert-hsa-response-repository';
import { encodeKey, invertedTimeKey } from './keys';
import { RISK_CARD_TABLE } from './risk-card-repository';
import { fromJsonColumns } from './risk-json';
import { RISK_REMINDER_TABLE } from './risk-reminder-repository';
import { RISK_TABLE } from './risk-repository';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  isNotFound,
  type TableStore,
} from './tables';

/*
 * What the retention job deletes, table by table (each table's key layout is beside its repository):
 *   Alerts        a resolved alert's partition (its row and any 'event-' rows), its '~id' row, any '~open'
 *                 row, and last its '~week_<Monday>' row, which is how the job finds it: an alert half
 *                 deleted by a crash is found again and finished the next day
 *   AlertViews    its open row if one is left, its entry in its UK day's 'resolved' row and in its UK
 *                 week's 'figures-week' shard row (and unsharded row, if not yet moved)
 *   HsaResponses  an HSA's partition and its '~follow-ups' row; an HSA CTAC still follows up (some
 *                 organisation has not finished) is kept, alert and all, until it is finished
 *   Risks         a closed risk's row and history rows; RiskCards and RiskReminders: its partitions
 *   Decisions     both rows of each decision ('t_' and 'id_')
 *   AuditLog      every entry but the retention job's own ('retention.deleted'), which are kept
 * Deletes go in transactions of up to 100 rows of one partition. A row another instance deleted first
 * makes its transaction fail; the rows are then deleted one by one, a missing one skipped.
 */
const BATCH = 100;
const BODY = { name: 'body' } as const;
/** Rewrites of a views row lost to other writers before giving up (each re-reads the row). */
const ENTRY_RETRIES = 20;

type Row = Record<string, unknown> & { partitionKey?: string; rowKey?: string; etag?: string };

export class TableRetentionStore implements RetentionStore {
  constructor(private readonly store: TableStore) {}

  async deleteResolvedAlerts(cutOff: Date): Promise<number> {
    const alerts = this.store.table(ALERT_TABLES.alerts);
    // An alert raised in a week whose Monday is after the cut-off was resolved after it too.
    const filter = odata`PartitionKey ge '~week_' and PartitionKey le ${`~week_${cutOff.toISOString().slice(0, 10)}`}`;
    const candidates: Row[] = [];
    for await (const row of alerts.listEntities<Row>({ queryOptions: { filter } }))
      candidates.push(row);
    let deleted = 0;
    for (const week of candidates) {
      const partition = week.rowKey ?? '';
      const alert = await this.alertOf(alerts, partition);
      const resolvedAt = alert?.resolvedAt ?? (week['resolvedAt'] as string | undefined);
      if (alert && (isOpen(alert) || !isPastRetention(resolvedAt, cutOff))) continue;
      if (!alert && !isPastRetention(resolvedAt, cutOff)) continue;
      const id = alert?.id ?? (week['alertId'] as string);
      if (id && (await this.stillFollowedUp(id))) continue;
      if (id)
        await this.deleteAlertRows(
          alerts,
          partition,
          id,
          alert?.raisedAt ?? (week['raisedAt'] as string),
        );
      await deleteRows(alerts, [week]);
      if (alert) deleted += 1;
    }
    return deleted;
  }

  async deleteClosedRisks(cutOff: Date): Promise<number> {
    const risks = this.store.table(RISK_TABLE);
    const filter = "PartitionKey eq 'register' and status eq 'closed'";
    const closed: Row[] = [];
    for await (const row of risks.listEntities<Row>({ queryOptions: { filter } }))
      if (row['kind'] === 'risk') closed.push(row);
    let deleted = 0;
    for (const row of closed) {
      const risk = fromJsonColumns<{ id: string; closure?: { at: string }; updatedAt: string }>(
        row,
      );
      if (!isPastRetention(risk.closure?.at ?? risk.updatedAt, cutOff)) continue;
      const from = `${row.rowKey}_ev_`;
      const history = await list(
        risks,
        odata`PartitionKey eq 'register' and RowKey ge ${from} and RowKey lt ${`${from}~`}`,
      );
      await deleteRows(risks, history);
      await this.deletePartition(RISK_CARD_TABLE, encodeKey(risk.id));
      await this.deletePartition(RISK_REMINDER_TABLE, encodeKey(risk.id));
      // The risk's own row last: a pass cut short finds the risk again and finishes it.
      if (await deleteRows(risks, [row])) deleted += 1;
    }
    return deleted;
  }

  async deleteDecisions(cutOff: Date): Promise<number> {
    const decisions = this.store.table(DECISION_TABLE);
    // Newest first by inverted time: everything logged before the cut-off sorts after its key.
    const rows = await list(
      decisions,
      odata`PartitionKey eq 'log' and RowKey ge ${`t_${invertedTimeKey(cutOff)}`} and RowKey lt 't\`'`,
    );
    const old = rows.filter((r) =>
      isPastRetention(fromJsonColumns<{ loggedAt?: string }>(r).loggedAt, cutOff),
    );
    await deleteRows(
      decisions,
      old.map((r) => ({ partitionKey: 'log', rowKey: `id_${encodeKey(String(r['id']))}` })),
    );
    return deleteRows(decisions, old);
  }

  async deleteAuditEvents(cutOff: Date): Promise<number> {
    const audit = this.store.table(AUDIT_TABLE);
    const rows = await list(
      audit,
      odata`PartitionKey eq 'audit' and RowKey ge ${invertedTimeKey(cutOff)}`,
    );
    return deleteRows(
      audit,
      rows.filter(
        (r) =>
          r['action'] !== 'retention.deleted' &&
          isPastRetention(fromJsonColumns<{ at?: string }>(r).at, cutOff),
      ),
    );
  }

  /** The alert kept in its partition's own row, without its timeline; undefined when it is gone. */
  private async alertOf(alerts: TableClient, partition: string): Promise<AlertSummary | undefined> {
    const row = await getOrUndefined<Row>(alerts, partition, partition);
    return row && (JSON.parse(fromChunkColumns(row, BODY)) as AlertSummary);
  }

  /** Whether CTAC still follows up this HSA (an organisation has not yet finished its response). */
  private async stillFollowedUp(alertId: string): Promise<boolean> {
    const row = await getOrUndefined<Row>(
      this.store.table(HSA_RESPONSE_TABLES.responses),
      '~follow-ups',
      encodeKey(alertId),
    );
    return !!row && row['finished'] !== true;
  }

  private async deleteAlertRows(
    alerts: TableClient,
    partition: string,
    alertId: string,
    raisedAt: string | undefined,
  ): Promise<void> {
    await this.deletePartition(HSA_RESPONSE_TABLES.responses, encodeKey(alertId));
    await deleteRows(this.store.table(HSA_RESPONSE_TABLES.responses), [
      { partitionKey: '~follow-ups', rowKey: encodeKey(alertId) },
    ]);
    const views = this.store.table(ALERT_TABLES.views);
    await deleteRows(views, [{ partitionKey: 'open', rowKey: partition }]);
    if (raisedAt) {
      await this.forgetEntry(views, 'resolved', ukDay(raisedAt), 'times', alertId);
      // Its week's shard, and the week's unsharded row if the start has not moved it yet.
      const week = alertFigureWeekOf({ raisedAt });
      for (const rowKey of [figureRowKey(week, alertId), week])
        await this.forgetEntry(views, FIGURES_WEEK, rowKey, 'alerts', alertId);
    }
    await deleteRows(alerts, [
      { partitionKey: '~open', rowKey: partition },
      { partitionKey: '~id', rowKey: encodeKey(alertId) },
    ]);
    await this.deletePartition(ALERT_TABLES.alerts, partition);
  }

  /**
   * Takes the alert out of a row of entries keyed by alert id (the resolved times of its UK day, the
   * figures of its UK week); the row goes with its last entry. Rewritten on the row's ETag, read again
   * when another writer changed it first.
   */
  private async forgetEntry(
    views: TableClient,
    partitionKey: string,
    rowKey: string,
    column: string,
    alertId: string,
  ): Promise<void> {
    const layout = { name: column };
    for (let attempt = 0; attempt < ENTRY_RETRIES; attempt++) {
      const row = await getOrUndefined<Row>(views, partitionKey, rowKey);
      if (!row) return;
      const entries = JSON.parse(fromChunkColumns(row, layout)) as Record<string, unknown>;
      if (!(alertId in entries)) return;
      delete entries[alertId];
      const etag = { etag: row.etag ?? '*' };
      try {
        if (Object.keys(entries).length === 0) await views.deleteEntity(partitionKey, rowKey, etag);
        else
          await views.updateEntity(
            {
              partitionKey,
              rowKey,
              count: Object.keys(entries).length,
              ...toChunkColumns(JSON.stringify(entries), layout),
            },
            'Replace',
            etag,
          );
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConditionFailed(e)) throw e;
      }
    }
    throw new Error(
      `The ${partitionKey} row ${rowKey} changed too often to delete an alert from it.`,
    );
  }

  private async deletePartition(table: string, partitionKey: string): Promise<number> {
    const client = this.store.table(table);
    return deleteRows(client, await list(client, odata`PartitionKey eq ${partitionKey}`));
  }
}

async function list(client: TableClient, filter: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of client.listEntities<Row>({ queryOptions: { filter } })) rows.push(row);
  return rows;
}

/**
 * Deletes the rows, up to 100 of one partition in a transaction; answers how many were there to delete.
 * A transaction that fails (a row deleted meanwhile) is done again row by row, skipping missing rows.
 */
async function deleteRows(
  client: TableClient,
  rows: readonly { partitionKey?: string; rowKey?: string }[],
): Promise<number> {
  const byPartition = new Map<string, string[]>();
  for (const row of rows) {
    const keys = byPartition.get(row.partitionKey ?? '') ?? [];
    keys.push(row.rowKey ?? '');
    byPartition.set(row.partitionKey ?? '', keys);
  }
  let deleted = 0;
  for (const [partitionKey, rowKeys] of byPartition)
    for (let i = 0; i < rowKeys.length; i += BATCH) {
      const batch = rowKeys.slice(i, i + BATCH);
      try {
        if (batch.length === 1) await client.deleteEntity(partitionKey, batch[0]!);
        else
          await client.submitTransaction(
            batch.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]),
          );
        deleted += batch.length;
      } catch (e) {
        if (batch.length === 1) {
          if (!isNotFound(e)) throw e;
          continue;
        }
        if (!isNotFound(e) && !isConflict(e) && !isConditionFailed(e)) throw e;
        for (const rowKey of batch)
          deleted += await client.deleteEntity(partitionKey, rowKey).then(
            () => 1,
            (err: unknown) => {
              if (isNotFound(err)) return 0;
              throw err;
            },
          );
      }
    }
  return deleted;
}
