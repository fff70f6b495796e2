import type { Logger } from 'pino';
import type { Retention, RetentionPass } from '../app/retention';
import type { JobClaims } from '../app/rota/ports';
import type { Clock } from '../domain/shared/clock';
import { retentionDay } from '../domain/retention/retention-period';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/** How often the job looks whether today's pass has been done (it runs once a UK day). */
export const RETENTION_CHECK_MS = 60 * 60_000;

/**
 * Deletes records past their retention (Retention.sweep) once a UK day. The first instance to claim the
 * day runs the pass; every other instance, and the same one later that day, skips it. A pass cut short
 * (a crash, a store outage) is finished by the next day's: every delete is safe to repeat.
 */
export class RetentionJob {
  private readonly job: ScheduledJob;

  constructor(
    private readonly deps: {
      retention: Pick<Retention, 'sweep'>;
      claims: JobClaims;
      clock: Clock;
      /** Names this process in the claim row. */
      instanceId: string;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.job = new ScheduledJob(
      async () => {
        const pass = await this.tick();
        if (pass) deps.logger?.info({ ...pass.counts, cutOff: pass.cutOff }, 'retention pass done');
      },
      { name: 'retention', logger: deps.logger },
    );
  }

  /** Today's pass if no instance has run it yet; undefined when it has. */
  async tick(now: Date = this.deps.clock.now()): Promise<RetentionPass | undefined> {
    const claimed = await this.deps.claims.claim(
      `retention:${retentionDay(now)}`,
      now,
      this.deps.instanceId,
    );
    return claimed ? this.deps.retention.sweep(now) : undefined;
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
