import type { Logger } from 'pino';
import type { SupplierReminders } from '../app/suppliers';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/** Tells the leads 30 and 7 days before a supplier review or an assurance expiry falls due; each reminder is sent once. */
export class SupplierReminderJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      reminders: Pick<SupplierReminders, 'remindDue'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const sent = await this.tick();
        if (sent) deps.logger?.info({ sent }, 'supplier reminders sent');
      },
      { name: 'supplier reminders', logger: deps.logger },
    );
  }

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.reminders.remindDue(now);
  }

  /** Ticks every `intervalMs` until stopped, less often while ticks fail (JobLoop). */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    this.job.start(intervalMs, settings);
  }

  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
