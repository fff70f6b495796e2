import type { Logger } from 'pino';
import type { RiskDecisionReminders } from '../app/risks/decision-reminders';
import type { Clock } from '../domain/shared/clock';
import { ReminderJob } from './reminder-job';

/** Reminds the leads of escalated risks still undecided; each reminder is sent once. */
export class RiskReminderJob extends ReminderJob {
  constructor(deps: {
    reminders: Pick<RiskDecisionReminders, 'remindDue'>;
    clock: Clock;
    logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  }) {
    super({
      what: 'risk decision reminders',
      remind: (now) => deps.reminders.remindDue(now),
      clock: deps.clock,
      logger: deps.logger,
    });
  }
}
