import type { Logger } from 'pino';
import type { SendQueue, TickReport } from '../app/outbox';
import { JobLoop, type LoopSettings } from './job-loop';

/**
 * The outbox's real-time worker: it delivers what is due and sleeps until the next message is, or
 * waits longer and longer while passes fail (Table Storage down: JobLoop's backoff). A message queued
 * that could go sooner wakes it.
 */
export class OutboxJob {
  private loop?: JobLoop;

  constructor(
    readonly queue: SendQueue,
    private readonly logger: Logger,
  ) {}

  /** One pass, as the worker makes it. */
  tick(): Promise<TickReport> {
    return this.queue.tick();
  }

  start(settings: LoopSettings = {}): void {
    if (this.loop) return;
    const loop = new JobLoop(() => this.queue.pass(), {
      ...settings,
      name: 'the send queue',
      intervalMs: this.queue.pollMs,
      logger: this.logger,
      runAtStart: true,
    });
    this.queue.onWork(() => loop.wake());
    this.loop = loop;
    loop.start();
  }

  /**
   * Stops the worker after the pass in progress; undelivered rows stay queued for the next start, and
   * refreshes being gathered are stored first.
   */
  async stop(): Promise<void> {
    await this.queue.flushGathered();
    const loop = this.loop;
    this.loop = undefined;
    this.queue.onWork(undefined);
    await loop?.stop();
    await this.queue.stop();
  }
}
