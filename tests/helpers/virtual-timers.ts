import type { FakeClock } from '../../src/domain/shared/clock';
import type { LoopTimers } from '../../src/jobs/job-loop';

/**
 * Job-loop timers on a FakeClock: a loop's wait is a note of when it ends, and `advance` moves the clock
 * from one due wait to the next, letting each woken loop finish its tick (real I/O) before going on.
 */
export class VirtualTimers implements LoopTimers {
  private readonly waits = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;

  constructor(private readonly clock: FakeClock) {}

  after(ms: number, fn: () => void): () => void {
    const id = ++this.seq;
    this.waits.set(id, { at: this.clock.now().getTime() + ms, fn });
    return () => this.waits.delete(id);
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** How many loops are waiting now. */
  get waiting(): number {
    return this.waits.size;
  }

  /**
   * Moves the clock forward by `ms`, firing each wait that falls due on the way. Before each step it
   * waits (in real time, polling) until `loops` loops are waiting, that is until every tick in
   * progress is over.
   */
  async advance(ms: number, loops: number, settleTimeoutMs = 60_000): Promise<void> {
    const end = this.clock.now().getTime() + ms;
    for (;;) {
      await this.settle(loops, settleTimeoutMs);
      const next = [...this.waits.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.clock.set(new Date(Math.max(next[1].at, this.clock.now().getTime())));
      this.waits.delete(next[0]);
      next[1].fn();
    }
    this.clock.set(new Date(end));
  }

  /** Resolves once `loops` loops are waiting (every tick in progress has finished). */
  async settle(loops: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.waits.size < loops) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.waits.size} of ${loops} job loops came back to wait`);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }
}
