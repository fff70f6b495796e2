import type { Logger } from 'pino';
import type { HsaResponses } from '../app/alerts/hsa-responses';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/** Reminds organisations of overdue HSA responses in each HSA's thread; each reminder is sent once. */
export class HsaReminderJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      responses: Pick<HsaResponses, 'remindOverdue'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const sent = await this.tick();
        if (sent) deps.logger?.info({ sent }, 'HSA reminders sent');
      },
      { name: 'HSA reminders', logger: deps.logger },
    );
  }

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.responses.remindOverdue(now);
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
