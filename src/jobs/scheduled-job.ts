import { JobLoop, type JobLoopOptions, type LoopSettings, type TickAnswer } from './job-loop';

/** What names and runs a job's loop, apart from its interval and the settings given at start. */
export type ScheduledJobOptions = Omit<JobLoopOptions, 'intervalMs' | keyof LoopSettings>;

/**
 * Every background job's one start and stop: a JobLoop around the job's tick, started at most once at a
 * time, and stopped after the tick in progress (which it waits for). The timers do not keep the process
 * alive; while ticks fail the loop backs off (JobLoop).
 */
export class ScheduledJob {
  private loop?: JobLoop;

  constructor(
    private readonly tick: () => Promise<TickAnswer>,
    private readonly options: ScheduledJobOptions,
  ) {}

  /** True between start() and stop(). */
  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Ticks every `intervalMs` until stopped; a second call while running does nothing. */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    if (this.loop) return;
    this.loop = new JobLoop(this.tick, { ...settings, ...this.options, intervalMs });
    this.loop.start();
  }

  /** Ticks now instead of at the end of the wait (new work arrived); nothing when not running. */
  wake(): void {
    this.loop?.wake();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    await loop?.stop();
  }
}
