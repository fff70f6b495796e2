import type { Logger } from 'pino';
import type { HsaResponses } from '../app/alerts/hsa-responses';
import type { Clock } from '../domain/shared/clock';
import { JobLoop, type LoopSettings } from './job-loop';

/** Reminds organisations of overdue HSA responses in each HSA's thread; each reminder is sent once. */
export class HsaReminderJob {
  private loop?: JobLoop;

  constructor(
    private readonly deps: {
      responses: Pick<HsaResponses, 'remindOverdue'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {}

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.responses.remindOverdue(now);
  }

  /** Ticks every `intervalMs` until stopped, less often while ticks fail (JobLoop). */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    if (this.loop) return;
    this.loop = new JobLoop(
      async () => {
        const sent = await this.tick();
        if (sent) this.deps.logger?.info({ sent }, 'HSA reminders sent');
      },
      { ...settings, name: 'HSA reminders', intervalMs, logger: this.deps.logger },
    );
    this.loop.start();
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    await loop?.stop();
  }
}
