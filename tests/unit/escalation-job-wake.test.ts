import type { AlertEscalation } from '../../src/app/alerts/alert-escalation';
import type { EscalationTimer, EscalationTimerStore } from '../../src/app/alerts/escalation-ports';
import { FakeClock } from '../../src/domain/shared/clock';
import { EscalationJob } from '../../src/jobs/escalation-job';
import { VirtualTimers } from '../helpers/virtual-timers';

/**
 * The escalation job woken for a timer due now (a new alert paging at once): it ticks at once, and a
 * burst of wakes makes one tick, or one more after the tick in progress, never one each. Its ports are
 * stubs here: the job's tables are tested against Azurite in tests/integration/alerts.
 */

/** The job's timers: none due, and a look at them can be held to keep a tick in progress. */
class HeldTimers implements EscalationTimerStore {
  looks = 0;
  private held?: Promise<void>;
  private letGo?: () => void;
  holdNextLook(): void {
    this.held = new Promise<void>((resolve) => (this.letGo = resolve));
  }
  endHold(): void {
    this.letGo?.();
    this.held = undefined;
  }
  async due(): Promise<EscalationTimer[]> {
    this.looks += 1;
    await this.held;
    return [];
  }
  async set(): Promise<void> {}
  async clear(): Promise<void> {}
  async claim(): Promise<never> {
    throw new Error('nothing is due');
  }
  async release(): Promise<void> {}
  async alertIds(): Promise<Set<string>> {
    return new Set();
  }
}

function jobWith(timers: HeldTimers, clock: FakeClock) {
  return new EscalationJob({
    timers,
    escalation: {} as AlertEscalation,
    alerts: { get: async () => undefined, openAlertIds: async () => [] },
    clock,
    instanceId: 'test',
  });
}

test('when woken several times while waiting, then it ticks once at once, not at the end of its interval', async () => {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const loop = new VirtualTimers(clock);
  const timers = new HeldTimers();
  const job = jobWith(timers, clock);
  job.start(10 * 60_000, { timers: loop });
  await loop.settle(1);
  expect(timers.looks).toBe(0);

  for (let i = 0; i < 5; i++) job.wake();
  await loop.settle(1);
  expect(timers.looks).toBe(1);
  // Still at 09:00: the ten-minute wait did not end.
  expect(clock.now().toISOString()).toBe('2026-11-28T09:00:00.000Z');
  await job.stop();
});

test('when woken several times while a tick is in progress, then it ticks once more after it', async () => {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const loop = new VirtualTimers(clock);
  const timers = new HeldTimers();
  const job = jobWith(timers, clock);
  job.start(10 * 60_000, { timers: loop });
  await loop.settle(1);

  timers.holdNextLook();
  job.wake();
  while (timers.looks < 1) await new Promise<void>((resolve) => setImmediate(resolve));
  for (let i = 0; i < 5; i++) job.wake();
  timers.endHold();
  await loop.settle(1);
  expect(timers.looks).toBe(2);
  expect(clock.now().toISOString()).toBe('2026-11-28T09:00:00.000Z');
  await job.stop();
});

test('when not started, then a wake does nothing', async () => {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const timers = new HeldTimers();
  const job = jobWith(timers, clock);
  job.wake();
  await new Promise<void>((resolve) => setImmediate(resolve));
  expect(timers.looks).toBe(0);
});
