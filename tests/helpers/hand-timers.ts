import type { OutboxTimers } from '../../src/app/outbox';

/** Timers a test fires by hand: nothing waiting on one runs until the test moves time on. */
export class HandTimers implements OutboxTimers {
  private now = 0;
  private readonly waits: { at: number; fn: () => void; live: boolean }[] = [];

  after(ms: number, fn: () => void): () => void {
    const wait = { at: this.now + ms, fn, live: true };
    this.waits.push(wait);
    return () => (wait.live = false);
  }

  /** How many calls are still waiting. */
  get pending(): number {
    return this.waits.filter((w) => w.live).length;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const w of this.waits.filter((w) => w.live && w.at <= this.now)) {
      w.live = false;
      w.fn();
    }
  }
}

/** Lets promise chains started by a timer run to their end (storage fakes answer at once). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
}
