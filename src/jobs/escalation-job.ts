import type { Logger } from 'pino';
import type { AlertEscalation } from '../app/alerts/alert-escalation';
import type {
  EscalationTimer,
  EscalationTimerStore,
  OpenAlertIndex,
  UnpostedAlertIndex,
} from '../app/alerts/escalation-ports';
import type { AlertRepository } from '../app/alerts/ports';
import { isOpen } from '../domain/alerts';
import { jobActor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

export interface EscalationJobDeps {
  timers: EscalationTimerStore;
  escalation: AlertEscalation;
  alerts: Pick<AlertRepository, 'get'> & OpenAlertIndex;
  clock: Clock;
  /** Names this instance in the timers it claims (for people reading the table). */
  instanceId: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** How long a claim keeps other instances off a timer; a crashed instance's claims lapse after it. */
  leaseMs?: number;
  /** How often a tick also checks that every open alert has a timer (repairs a crash between writes). */
  reconcileEveryMs?: number;
  /** Timers handled per tick at most. */
  batch?: number;
  /**
   * The check that every open alert's card reached the channel (a crash between storing an alert and
   * queueing its card): alerts older than `graceMs` (default 60 s) not marked posted, claimed one
   * instance each, every `checkEveryMs` (default 60 s).
   */
  delivery?: {
    index: UnpostedAlertIndex;
    ensurePosted(alertId: string): Promise<void>;
    checkEveryMs?: number;
    graceMs?: number;
  };
}

const actor = jobActor('escalation');
/** Due timers handled at once in a tick. */
const DUE_AT_ONCE = 8;

/**
 * Escalation timers. Each tick takes the timers that are due, claims each with a conditional write (so
 * of several app instances exactly one acts on it), lets the alert's escalation fire its due steps and
 * page, and moves the timer to the next due time. All state is in Table Storage: a restart carries on
 * where the last instance stopped.
 */
export class EscalationJob {
  private readonly job: ScheduledJob;
  private lastReconcile = Number.NEGATIVE_INFINITY;
  private lastPostCheck = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: EscalationJobDeps) {
    this.job = new ScheduledJob(async () => void (await this.tick()), {
      name: 'escalation',
      logger: deps.logger,
    });
  }

  /** One pass; answers how many timers this instance acted on. Safe to call from several instances. */
  async tick(now: Date = this.deps.clock.now()): Promise<{ handled: number }> {
    const reconcileEvery = this.deps.reconcileEveryMs ?? 5 * 60_000;
    if (now.getTime() - this.lastReconcile >= reconcileEvery) {
      this.lastReconcile = now.getTime();
      await this.reconcile(now);
    }
    const delivery = this.deps.delivery;
    if (delivery && now.getTime() - this.lastPostCheck >= (delivery.checkEveryMs ?? 60_000)) {
      this.lastPostCheck = now.getTime();
      await this.checkPosted(now, delivery);
    }
    const lease = new Date(now.getTime() + (this.deps.leaseMs ?? 60_000));
    let handled = 0;
    const due = await this.deps.timers.due(now, this.deps.batch ?? 50);
    // Several alerts at once (a storm's first steps fall due together): their claims, rota look-ups
    // and pages then share storage requests; the earliest due start first.
    const work = async () => {
      for (let timer = due.shift(); timer; timer = due.shift())
        if (await this.runTimer(timer, lease, now)) handled++;
    };
    await Promise.all(Array.from({ length: Math.min(DUE_AT_ONCE, due.length) }, work));
    return { handled };
  }

  /** Claims a due timer and runs the alert's due steps; false when another instance has it. */
  private async runTimer(due: EscalationTimer, lease: Date, now: Date): Promise<boolean> {
    const claim = await this.deps.timers.claim(due, lease, this.deps.instanceId);
    if (!claim.ok) return false; // another instance has it
    try {
      const next = await this.deps.escalation.runDue(due.alertId, now, actor);
      await this.deps.timers.release(claim.value, next);
    } catch (err) {
      // The claim lapses at the end of the lease and the timer is tried again.
      this.deps.logger?.error({ err, alertId: due.alertId }, 'escalation: a due timer failed');
    }
    return true;
  }

  /** Posts the card of every open alert that should be in the channel by now and is not. */
  private async checkPosted(
    now: Date,
    delivery: NonNullable<EscalationJobDeps['delivery']>,
  ): Promise<void> {
    const grace = delivery.graceMs ?? 60_000;
    const claimed = await delivery.index.claimUnposted(
      new Date(now.getTime() - grace),
      now,
      5 * 60_000,
    );
    for (const alertId of claimed)
      await delivery.ensurePosted(alertId).catch((err) => {
        this.deps.logger?.error({ err, alertId }, 'alerts: could not make sure a card was posted');
      });
  }

  /** Gives every open alert without a timer the one it should have (after a crash between writes). */
  async reconcile(now: Date): Promise<void> {
    const [open, timed] = await Promise.all([
      this.deps.alerts.openAlertIds(),
      this.deps.timers.alertIds(),
    ]);
    for (const id of open) {
      if (timed.has(id)) continue;
      const stored = await this.deps.alerts.get(id);
      if (stored && isOpen(stored.alert))
        await this.deps.escalation.scheduleAfterChange(stored.alert, now);
    }
  }

  /**
   * Ticks now instead of at the end of the wait: a timer was set due now (a new alert whose first step
   * pages at once). Wakes while a tick runs make one more tick after it, so a burst of alerts is
   * handled together; nothing when not running.
   */
  wake(): void {
    this.job.wake();
  }

  /**
   * Ticks every `intervalMs` until stopped, less often while ticks fail (JobLoop); the timer does not
   * keep the process alive.
   */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    this.job.start(intervalMs, settings);
  }

  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
