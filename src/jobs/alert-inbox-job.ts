import type { Logger } from 'pino';
import type { AlertInbox } from '../app/alerts/alert-inbox';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/** How often the inbox is searched for rows left undone (a crash, a stopped instance). */
const SCAN_MS = 30_000;

/**
 * The alert inbox's worker: woken by the webhook at once, it applies what this instance accepted; at
 * start and every SCAN_MS it also takes over rows whose claim has lapsed, so a restart finishes what
 * was accepted before a crash.
 */
export class AlertInboxJob {
  private readonly job: ScheduledJob;
  private scannedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly inbox: AlertInbox,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.job = new ScheduledJob(() => this.tick(), {
      name: 'the alert inbox',
      logger,
      runAtStart: true,
    });
  }

  /** One pass: everything queued here, then a scan when one is due and what it took over. */
  async tick(): Promise<void> {
    await this.inbox.drain();
    const now = this.clock.now().getTime();
    if (now - this.scannedAt < SCAN_MS) return;
    this.scannedAt = now;
    if (await this.inbox.recover()) await this.inbox.drain();
  }

  /** Wakes the worker now (an alert was accepted); nothing when not running. */
  wake(): void {
    this.job.wake();
  }

  start(settings: LoopSettings = {}): void {
    this.job.start(SCAN_MS, settings);
  }

  /** Resolves once everything this instance accepted so far is applied (tests). */
  settled(): Promise<void> {
    return this.inbox.settled();
  }

  /** Stops after the pass in progress; what is still queued is applied by a later scan. */
  async stop(): Promise<void> {
    this.inbox.stop();
    await this.job.stop();
  }
}
