import type { Logger } from 'pino';
import type { HsaResponses } from '../app/alerts/hsa-responses';
import type { Clock } from '../domain/shared/clock';
import { ReminderJob } from './reminder-job';

/** Reminds organisations of overdue HSA responses in each HSA's thread; each reminder is sent once. */
export class HsaReminderJob extends ReminderJob {
  constructor(deps: {
    responses: Pick<HsaResponses, 'remindOverdue'>;
    clock: Clock;
    logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  }) {
    super({
      what: 'HSA reminders',
      remind: (now) => deps.responses.remindOverdue(now),
      clock: deps.clock,
      logger: deps.logger,
    });
  }
}
