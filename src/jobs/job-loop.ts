import { inBackground } from '../app/work-priority';
import type { Logger } from 'pino';
import type { Metrics } from '../app/metrics';
import {
  failureLogLevel,
  nextJobDelay,
  type JobBackoffOptions,
} from '../domain/shared/job-backoff';

/** The timers a job loop sleeps on: real ones in the app, virtual ones in tests. */
export interface LoopTimers {
  /** Calls `fn` once after `ms`; answers a function that cancels the call. */
  after(ms: number, fn: () => void): () => void;
  /** Milliseconds on a steady clock, to space out repeated log lines. */
  now(): number;
}

/** Real timers that do not keep the process alive. */
export const realTimers: LoopTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  now: () => performance.now(),
};

/** How a job's loop is run; every field has a default for the app. */
export interface LoopSettings {
  backoff?: JobBackoffOptions;
  timers?: LoopTimers;
  random?: () => number;
  /** Reads the job's lag (`ctac.jobs.lag_seconds`) while it runs. */
  metrics?: Pick<Metrics, 'observeJob'>;
}

export interface JobLoopOptions extends LoopSettings {
  /** Names the job in log lines ("escalation", "the send queue"). */
  name: string;
  /** The wait between ticks while they work. */
  intervalMs: number;
  logger?: Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>;
  /** Ticks once at start instead of after the first interval. */
  runAtStart?: boolean;
  /** Checked before each tick and after each wait: the loop ends once it answers true. */
  until?: () => boolean;
}

/**
 * What a tick may answer: nothing (wait the interval), or how long to wait before the next one (a send
 * queue knows when its next message is due).
 */
export type TickAnswer = number | void;

/**
 * Runs a job's tick over and over, one at a time. While ticks fail (Table Storage down, say) it waits
 * longer each time (nextJobDelay: doubling with jitter, capped), logs the first failure as an error and
 * the repeats quietly with a warning once a minute, and logs "resumed" when a tick works again, after
 * which it is back to its interval. A failing store is not hammered at the normal rate.
 */
export class JobLoop {
  private stopped = true;
  private failures = 0;
  private loudAt = 0;
  private woken = false;
  private interrupt?: () => void;
  private done?: Promise<void>;
  /** When the last tick ended well (or the loop started), and the wait it then planned. */
  private keptTimeAt = 0;
  private plannedWaitMs = 0;
  private readonly timers: LoopTimers;
  private readonly random: () => number;

  constructor(
    private readonly tick: () => Promise<TickAnswer>,
    private readonly options: JobLoopOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
  }

  /** How many ticks in a row have failed (0 while the job works). */
  get failing(): number {
    return this.failures;
  }

  /** Starts ticking; a second call does nothing. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.keptTimeAt = this.timers.now();
    this.plannedWaitMs = this.options.runAtStart ? 0 : this.options.intervalMs;
    const stopObserving = this.options.metrics?.observeJob(this.options.name, () =>
      this.lagSeconds(),
    );
    this.done = this.run().finally(() => stopObserving?.());
  }

  /**
   * How far behind the job is: seconds since its last good tick beyond the wait it planned then; 0
   * while it keeps time, growing while ticks fail (backoff) or one hangs.
   */
  lagSeconds(): number {
    return Math.max(0, this.timers.now() - this.keptTimeAt - this.plannedWaitMs) / 1000;
  }

  /** Ticks now instead of at the end of the wait (new work arrived); a wait in a backoff is cut short too. */
  wake(): void {
    this.woken = true;
    this.interrupt?.();
  }

  /** Stops after the tick in progress, if any, and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt?.();
    await this.done;
  }

  /** Resolves when the loop has ended (stop(), or `until` answered true). */
  async finished(): Promise<void> {
    await this.done;
  }

  private async run(): Promise<void> {
    const ended = () => this.stopped || (this.options.until?.() ?? false);
    let delay = this.options.runAtStart ? 0 : this.options.intervalMs;
    while (!ended()) {
      if (delay > 0 && !this.woken) await this.sleep(delay);
      this.woken = false;
      if (ended()) break;
      delay = await this.once();
    }
    this.stopped = true;
  }

  /** One tick; answers how long to wait before the next. */
  private async once(): Promise<number> {
    const { name, intervalMs, logger } = this.options;
    try {
      // A job's storage requests yield to people waiting (src/app/work-priority.ts).
      const asked = await inBackground(() => this.tick());
      if (this.failures > 0)
        logger?.info({ job: name, failedTicks: this.failures }, `${name}: resumed`);
      this.failures = 0;
      const wait = typeof asked === 'number' ? Math.max(0, asked) : intervalMs;
      this.keptTimeAt = this.timers.now();
      this.plannedWaitMs = wait;
      return wait;
    } catch (err) {
      this.failures += 1;
      const retryInMs = nextJobDelay(this.failures, intervalMs, this.random, this.options.backoff);
      const now = this.timers.now();
      const level = failureLogLevel(this.failures, now - this.loudAt);
      if (level !== 'debug') this.loudAt = now;
      const fields = { job: name, failures: this.failures, retryInMs };
      if (level === 'error')
        logger?.error({ ...fields, err }, `${name}: a tick failed; trying again less often`);
      else if (level === 'warn')
        logger?.warn({ ...fields, err }, `${name}: still failing; trying again less often`);
      else logger?.debug(fields, `${name}: a tick failed again`);
      return retryInMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const cancel = this.timers.after(ms, () => {
        this.interrupt = undefined;
        resolve();
      });
      this.interrupt = () => {
        this.interrupt = undefined;
        cancel();
        resolve();
      };
    });
  }
}
