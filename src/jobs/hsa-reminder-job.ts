import type { Logger } from 'pino';
import type { HsaResponses } from '../app/alerts/hsa-responses';
import type { Clock } from '../domain/shared/clock';

/** Reminds organisations of overdue HSA responses in each HSA's thread; each reminder is sent once. */
export class HsaReminderJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly deps: {
      responses: Pick<HsaResponses, 'remindOverdue'>;
      clock: Clock;
      logger?: Pick<Logger, 'info' | 'error'>;
    },
  ) {}

  /** One pass; answers how many reminders were sent. */
  tick(now: Date = this.deps.clock.now()): Promise<number> {
    return this.deps.responses.remindOverdue(now);
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .then((sent) => sent && this.deps.logger?.info({ sent }, 'HSA reminders sent'))
        .catch((err) => this.deps.logger?.error({ err }, 'HSA reminders: tick failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
