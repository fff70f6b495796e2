import { FakeClock } from '../../src/domain/shared/clock';
import { ScheduledJob } from '../../src/jobs/scheduled-job';
import { VirtualTimers } from '../helpers/virtual-timers';

describe('ScheduledJob', () => {
  test('when started twice, then one loop ticks every interval until stopped, and none after', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    const timers = new VirtualTimers(clock);
    const ticks: number[] = [];
    const job = new ScheduledJob(async () => void ticks.push(clock.now().getTime()), {
      name: 'test job',
    });
    const start = clock.now().getTime();

    job.start(1_000, { timers });
    job.start(1_000, { timers });
    expect(job.running).toBe(true);
    await timers.advance(3_500, 1);
    expect(ticks.map((t) => t - start)).toEqual([1_000, 2_000, 3_000]);

    await job.stop();
    expect(job.running).toBe(false);
    expect(timers.waiting).toBe(0);
    await timers.advance(5_000, 0);
    expect(ticks).toHaveLength(3);
  });

  test('when it runs at start and is woken, then it ticks at once each time', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    const timers = new VirtualTimers(clock);
    let ticks = 0;
    const job = new ScheduledJob(async () => void (ticks += 1), {
      name: 'test job',
      runAtStart: true,
    });
    job.wake(); // not running: nothing happens
    job.start(60_000, { timers });
    await timers.settle(1);
    expect(ticks).toBe(1);
    job.wake();
    await timers.settle(1);
    expect(ticks).toBe(2);
    await job.stop();
  });

  test('when stopped before it was started, then nothing happens', async () => {
    const job = new ScheduledJob(async () => undefined, { name: 'test job' });
    await expect(job.stop()).resolves.toBeUndefined();
  });
});
