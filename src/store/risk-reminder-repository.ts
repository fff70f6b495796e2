import type { RiskReminderLog } from '../app/risks/ports';
import type { DueRiskReminder } from '../domain/risk';
import { insertIfAbsent } from './conditional';
import { encodeKey } from './keys';
import { isNotFound, type TableStore } from './tables';

export const RISK_REMINDER_TABLE = 'RiskReminders';

/*
 * Key layout (table RiskReminders)
 *   PK encodeKey(riskId)  RK '<kind>_<due time, ISO 8601>'   one row per reminder sent to the leads
 * Inserted only if absent: the first instance to claim a reminder sends it, and nobody sends it again.
 */
export class TableRiskReminderLog implements RiskReminderLog {
  constructor(private readonly store: TableStore) {}

  async claim(reminder: DueRiskReminder, at: Date): Promise<boolean> {
    const res = await insertIfAbsent(this.store.table(RISK_REMINDER_TABLE), {
      partitionKey: encodeKey(reminder.riskId),
      rowKey: rowKeyOf(reminder),
      kind: reminder.kind,
      dueAt: reminder.dueAt,
      sentAt: at.toISOString(),
    });
    return res.ok;
  }

  async release(reminder: DueRiskReminder): Promise<void> {
    await this.store
      .table(RISK_REMINDER_TABLE)
      .deleteEntity(encodeKey(reminder.riskId), rowKeyOf(reminder))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }
}

const rowKeyOf = (reminder: DueRiskReminder): string => `${reminder.kind}_${reminder.dueAt}`;
