import type { Logger } from 'pino';
import type { RegulatoryClocks } from '../app/regulatory-clocks';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/**
 * Reminds the leads of the organisations a NIS or data breach clock concerns, 1:1, at 24, 48, 60 and 70
 * hours after the flag until the report is recorded; each mark once, whichever instance gets there first.
 */
export class RegulatoryClockJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      clocks: Pick<RegulatoryClocks, 'remindDue'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const sent = await this.tick();
        if (sent) deps.logger?.info({ sent }, 'reporting clock reminders sent');
      },
      { name: 'reporting clock reminders', logger: deps.logger },
    );
  }

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.clocks.remindDue(now);
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
