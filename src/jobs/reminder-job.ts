import type { Logger } from 'pino';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/**
 * A job that sends the reminders falling due at each tick (each reminder once: the use case records what
 * it sent) and logs how many went. The HSA, risk decision and supplier reminder jobs are this with their
 * own use case and name.
 */
export class ReminderJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      /** What the log calls these reminders ("supplier reminders"). */
      what: string;
      /** Sends what is due at `now`; answers how many were sent. */
      remind: (now: Date) => Promise<number>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const sent = await this.tick();
        if (sent) deps.logger?.info({ sent }, `${deps.what} sent`);
      },
      { name: deps.what, logger: deps.logger },
    );
  }

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.remind(now);
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
