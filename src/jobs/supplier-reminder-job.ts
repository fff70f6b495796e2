import type { Logger } from 'pino';
import type { SupplierReminders } from '../app/suppliers';
import type { Clock } from '../domain/shared/clock';
import { ReminderJob } from './reminder-job';

/** Tells the leads 30 and 7 days before a supplier review or an assurance expiry falls due; each reminder is sent once. */
export class SupplierReminderJob extends ReminderJob {
  constructor(deps: {
    reminders: Pick<SupplierReminders, 'remindDue'>;
    clock: Clock;
    logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  }) {
    super({
      what: 'supplier reminders',
      remind: (now) => deps.reminders.remindDue(now),
      clock: deps.clock,
      logger: deps.logger,
    });
  }
}
