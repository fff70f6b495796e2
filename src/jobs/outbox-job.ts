import type { Logger } from 'pino';
import type { SendQueue, TickReport } from '../app/outbox';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/**
 * The outbox's real-time worker: it delivers what is due and sleeps until the next message is, or
 * waits longer and longer while passes fail (Table Storage down: JobLoop's backoff). A message queued
 * that could go sooner wakes it.
 */
export class OutboxJob {
  private readonly job: ScheduledJob;

  constructor(
    readonly queue: SendQueue,
    logger: Logger,
  ) {
    this.job = new ScheduledJob(() => this.queue.pass(), {
      name: 'the send queue',
      logger,
      runAtStart: true,
    });
  }

  /** One pass, as the worker makes it. */
  tick(): Promise<TickReport> {
    return this.queue.tick();
  }

  /** Passes every poll interval of the queue, or sooner when a message is due or queued. */
  start(settings: LoopSettings = {}): void {
    if (this.job.running) return;
    this.queue.onWork(() => this.job.wake());
    this.job.start(this.queue.pollMs, settings);
  }

  /**
   * Stops the worker after the pass in progress; undelivered rows stay queued for the next start, and
   * refreshes being gathered are stored first.
   */
  async stop(): Promise<void> {
    await this.queue.flushGathered();
    this.queue.onWork(undefined);
    await this.job.stop();
    await this.queue.stop();
  }
}
