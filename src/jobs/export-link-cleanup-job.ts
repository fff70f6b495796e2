import type { Logger } from 'pino';
import type { Exports } from '../app/exports';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/**
 * Deletes old one-time export links (Exports.removeOld): a day after they expired, used or not. Safe on
 * several instances at once: a link already deleted by another is skipped.
 */
export class ExportLinkCleanupJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      exports: Pick<Exports, 'removeOld'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const removed = await this.tick();
        if (removed) deps.logger?.info({ removed }, 'old export links deleted');
      },
      { name: 'export link clean-up', logger: deps.logger },
    );
  }

  /** One pass; answers how many links were deleted. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.exports.removeOld(now);
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
