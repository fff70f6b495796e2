import { GATHER_MS, RefreshGathering } from '../../../src/app/outbox/gathering';
import type { OutboxMessage, OutboxTimers } from '../../../src/app/outbox';

/** Timers a test fires by hand: nothing ends a gathering until the test moves time on. */
class HandTimers implements OutboxTimers {
  private now = 0;
  private readonly waits: { at: number; fn: () => void; live: boolean }[] = [];
  after(ms: number, fn: () => void): () => void {
    const wait = { at: this.now + ms, fn, live: true };
    this.waits.push(wait);
    return () => (wait.live = false);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const w of this.waits.filter((w) => w.live && w.at <= this.now)) {
      w.live = false;
      w.fn();
    }
  }
}

const target = (i: number) => ({
  conversationId: `19:c;messageid=m${i}`,
  activityId: `m${i}`,
  alertId: `alert-${i}`,
});

function setUp() {
  const timers = new HandTimers();
  const stored: OutboxMessage[] = [];
  const gathering = new RefreshGathering(async (message) => {
    stored.push(message);
    return `row-${stored.length}`;
  }, timers);
  return { timers, stored, gathering };
}

describe('refresh gathering', () => {
  test('when refreshes come within the gathering time, then they are stored as one row once it ends, each card once', async () => {
    const { timers, stored, gathering } = setUp();
    const ids = [target(1), target(2), target(1), target(3)].map((t) => gathering.add('19:c', t));
    timers.advance(GATHER_MS - 1);
    expect(stored).toEqual([]);
    timers.advance(1);
    expect(await Promise.all(ids)).toEqual(['row-1', 'row-1', 'row-1', 'row-1']);
    expect(stored).toEqual([
      { kind: 'refreshes', conversationId: '19:c', targets: [target(1), target(2), target(3)] },
    ]);
    expect(gathering.has('19:c')).toBe(false);
  });

  test('when fifty refreshes are gathered, then they are stored at once without waiting for the timer', async () => {
    const { stored, gathering } = setUp();
    const ids = Array.from({ length: 50 }, (_, i) => gathering.add('19:c', target(i)));
    expect(new Set(await Promise.all(ids))).toEqual(new Set(['row-1']));
    expect(stored).toHaveLength(1);
  });

  test('when the worker stops mid-gathering, then flushAll stores what was gathered and the timer no longer fires', async () => {
    const { timers, stored, gathering } = setUp();
    const id = gathering.add('19:a', target(1));
    const other = gathering.add('19:b', target(2));
    await gathering.flushAll();
    expect(await Promise.all([id, other])).toEqual(['row-1', 'row-2']);
    timers.advance(GATHER_MS);
    expect(stored).toHaveLength(2);
  });
});
