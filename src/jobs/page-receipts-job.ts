import type { Logger } from 'pino';
import type { PageReceiptStore, PageReceipts } from '../app/alerts/page-receipts';
import { jobActor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

export interface PageReceiptsJobDeps {
  store: Pick<PageReceiptStore, 'due' | 'claim' | 'release'>;
  receipts: Pick<PageReceipts, 'check'>;
  clock: Clock;
  /** Names this instance in the checks it claims (for people reading the table). */
  instanceId: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** How long a claim keeps other instances off a check; a crashed instance's claims lapse after it. */
  leaseMs?: number;
  /** Checks made per tick at most. */
  batch?: number;
}

const actor = jobActor('delivery receipts');

/**
 * Delivery receipts from GOV.UK Notify, by polling. Each tick takes the checks that are due, claims each
 * with a conditional write (so of several app instances exactly one asks Notify), asks Notify for the
 * message's status, records a final one on the alert, and sets the next check or removes it. All state
 * is in Table Storage: a restart carries on where the last instance stopped.
 */
export class PageReceiptsJob {
  private readonly job: ScheduledJob;

  constructor(private readonly deps: PageReceiptsJobDeps) {
    this.job = new ScheduledJob(async () => void (await this.tick()), {
      name: 'delivery receipts',
      logger: deps.logger,
    });
  }

  /** One pass; answers how many checks this instance made. Safe to call from several instances. */
  async tick(now: Date = this.deps.clock.now()): Promise<{ checked: number }> {
    const lease = new Date(now.getTime() + (this.deps.leaseMs ?? 60_000));
    let checked = 0;
    for (const due of await this.deps.store.due(now, this.deps.batch ?? 50)) {
      const claim = await this.deps.store.claim(due, lease, this.deps.instanceId);
      if (!claim.ok) continue; // another instance has it
      checked++;
      try {
        const result = await this.deps.receipts.check(claim.value, actor, now);
        await this.deps.store.release(
          claim.value,
          result.done ? undefined : { dueAt: result.next, tries: claim.value.tries + 1 },
        );
      } catch (err) {
        // The claim lapses at the end of the lease and the check is made again.
        this.deps.logger?.error(
          { err, alertId: due.alertId, notifyId: due.notifyId },
          'alerts: a delivery receipt check failed',
        );
      }
    }
    return { checked };
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
