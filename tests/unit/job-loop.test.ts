import { isBackground } from '../../src/app/work-priority';
import { FakeClock } from '../../src/domain/shared/clock';
import { failureLogLevel, nextJobDelay } from '../../src/domain/shared/job-backoff';
import { JobLoop } from '../../src/jobs/job-loop';
import { VirtualTimers } from '../helpers/virtual-timers';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('nextJobDelay', () => {
  const low = () => 0;
  const high = () => 0.999999;

  test('when the last tick worked, then the next is one interval away', () => {
    expect(nextJobDelay(0, 15 * SECOND, high)).toBe(15 * SECOND);
  });

  test.each([
    // failures, interval, lowest, highest
    [1, 15 * SECOND, 15 * SECOND, 30 * SECOND],
    [2, 15 * SECOND, 30 * SECOND, 60 * SECOND],
    [3, 15 * SECOND, 30 * SECOND, 60 * SECOND], // capped at 60 s (more than 4 intervals)
    [1, 200, 1 * SECOND, 2 * SECOND], // at least 1 s, however short the interval
    [4, 200, 8 * SECOND, 16 * SECOND],
    [9, 200, 30 * SECOND, 60 * SECOND],
    [2, 60 * SECOND, 120 * SECOND, 240 * SECOND], // a long interval: capped at 4 intervals
    [50, 60 * SECOND, 120 * SECOND, 240 * SECOND],
  ])(
    'when %i ticks in a row failed with a %i ms interval, then the wait is between %i and %i ms',
    (failures, interval, lowest, highest) => {
      expect(nextJobDelay(failures, interval, low)).toBe(lowest);
      expect(nextJobDelay(failures, interval, high)).toBeLessThanOrEqual(highest);
      expect(nextJobDelay(failures, interval, high)).toBeGreaterThan(highest - 5);
    },
  );

  test('when a cap and a minimum are given, then the waits keep within them and never under the interval', () => {
    for (let failures = 1; failures < 40; failures++)
      for (const r of [0, 0.3, 0.7, 0.99]) {
        const d = nextJobDelay(failures, 500, () => r, { minMs: 250, capMs: 5 * SECOND });
        expect(d).toBeGreaterThanOrEqual(500);
        expect(d).toBeLessThanOrEqual(5 * SECOND);
      }
    // A cap below the interval cannot make a failing job tick faster than a working one.
    expect(nextJobDelay(3, 10 * SECOND, low, { capMs: SECOND })).toBe(10 * SECOND);
  });

  test('when random misbehaves, then the wait stays within bounds', () => {
    expect(nextJobDelay(1, SECOND, () => -1)).toBe(SECOND);
    expect(nextJobDelay(1, SECOND, () => 7)).toBeLessThanOrEqual(2 * SECOND);
  });
});

describe('failureLogLevel', () => {
  test('when the first tick fails, then it is an error; repeats are quiet with a warning once a minute', () => {
    expect(failureLogLevel(1, 0)).toBe('error');
    expect(failureLogLevel(2, 10 * SECOND)).toBe('debug');
    expect(failureLogLevel(7, MINUTE)).toBe('warn');
  });
});

/** A logger that keeps each line's level, fields and message. */
function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) =>
    void lines.push({ level, fields, msg });
  return {
    lines,
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as never,
  };
}

describe('JobLoop', () => {
  test('when ticks fail for ten minutes, then the job tries far less often than every interval, logs one error and says when it resumed', async () => {
    const clock = new FakeClock();
    const timers = new VirtualTimers(clock);
    const { lines, logger } = recordingLogger();
    let storeUp = true;
    const ticks: { at: number; ok: boolean }[] = [];
    const loop = new JobLoop(
      async () => {
        ticks.push({ at: clock.now().getTime(), ok: storeUp });
        if (!storeUp) throw new Error('connect ECONNREFUSED 127.0.0.1:10002');
      },
      { name: 'escalation', intervalMs: 15 * SECOND, logger, timers, random: () => 0.5 },
    );
    loop.start();
    await timers.advance(MINUTE, 1);
    expect(ticks).toHaveLength(4);

    storeUp = false;
    const outageStart = clock.now().getTime();
    await timers.advance(10 * MINUTE, 1);
    const duringOutage = ticks.filter((t) => t.at > outageStart);
    // Every 15 s would be 40 tries; backing off to every 30 to 60 s it is about 14.
    expect(duringOutage.length).toBeLessThanOrEqual(16);
    expect(duringOutage.length).toBeGreaterThanOrEqual(10);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(lines[0]!.msg).toBe('escalation: a tick failed; trying again less often');
    // Repeats: quiet lines, and a warning roughly once a minute rather than once a tick.
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    expect(warnings.length).toBeLessThanOrEqual(10);
    expect(lines.filter((l) => l.level === 'debug').length).toBeGreaterThan(0);
    expect(loop.failing).toBe(duringOutage.length);

    storeUp = true;
    const back = clock.now().getTime();
    await timers.advance(2 * MINUTE, 1);
    const afterwards = ticks.filter((t) => t.at > back);
    // Within one capped wait (60 s) it works again, then ticks every 15 s as before.
    expect(afterwards[0]!.at - back).toBeLessThanOrEqual(MINUTE);
    const gaps = afterwards.slice(1).map((t, i) => t.at - afterwards[i]!.at);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(gaps)).toEqual(new Set([15 * SECOND]));
    const resumed = lines.filter((l) => l.msg === 'escalation: resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.fields).toMatchObject({
      job: 'escalation',
      failedTicks: duringOutage.length,
    });
    expect(loop.failing).toBe(0);
    await loop.stop();
  });

  test('when a tick answers how long to wait, then the next tick comes after that wait', async () => {
    const clock = new FakeClock();
    const timers = new VirtualTimers(clock);
    const at: number[] = [];
    const loop = new JobLoop(
      async () => {
        at.push(clock.now().getTime());
        return 2 * SECOND;
      },
      { name: 'queue', intervalMs: 5 * SECOND, timers, runAtStart: true },
    );
    loop.start();
    await timers.advance(5 * SECOND, 1);
    expect(at.map((t) => t - at[0]!)).toEqual([0, 2_000, 4_000]);
    await loop.stop();
  });

  test('when woken during a wait, then it ticks at once', async () => {
    const clock = new FakeClock();
    const timers = new VirtualTimers(clock);
    let ticks = 0;
    const loop = new JobLoop(async () => void (ticks += 1), {
      name: 'queue',
      intervalMs: MINUTE,
      timers,
    });
    loop.start();
    await timers.settle(1);
    expect(ticks).toBe(0);
    loop.wake();
    await timers.settle(1);
    expect(ticks).toBe(1);
    await loop.stop();
    expect(timers.waiting).toBe(0);
  });

  test('when woken from a request, then the tick still runs as background work (its storage yields to people waiting)', async () => {
    const clock = new FakeClock();
    const timers = new VirtualTimers(clock);
    const seen: boolean[] = [];
    const loop = new JobLoop(
      async () => {
        await Promise.resolve();
        seen.push(isBackground());
      },
      { name: 'queue', intervalMs: MINUTE, timers },
    );
    loop.start();
    await timers.settle(1);
    // As the webhook does when it accepts an alert: not background work itself.
    expect(isBackground()).toBe(false);
    loop.wake();
    await timers.settle(1);
    expect(seen).toEqual([true]);
    await loop.stop();
  });

  test('when stopped during a tick, then stop waits for that tick and no other starts', async () => {
    let release!: () => void;
    let ticks = 0;
    const loop = new JobLoop(
      async () => {
        ticks += 1;
        await new Promise<void>((resolve) => (release = resolve));
      },
      { name: 'slow', intervalMs: 10, runAtStart: true },
    );
    loop.start();
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(ticks).toBe(1);
  });
});
