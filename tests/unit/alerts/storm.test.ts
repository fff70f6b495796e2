import type { Alert } from '../../../src/domain/alerts';
import {
  DEFAULT_STORM_THRESHOLD,
  digestLineChanged,
  stormDecision,
} from '../../../src/domain/alerts/storm';

const NOW = new Date('2026-11-28T09:00:00Z');
const secondsAgo = (...seconds: number[]): Date[] =>
  seconds.map((s) => new Date(NOW.getTime() - s * 1000));

describe('storm coalescing', () => {
  test.each([
    ['no earlier alerts', 'post', []],
    ['4 in the last minute', 'post', [1, 10, 20, 59]],
    ['5 in the last minute (this is the sixth)', 'digest', [1, 2, 3, 4, 5]],
    ['5 in the last minute, one of them exactly a minute ago', 'post', [1, 2, 3, 4, 60]],
    ['5 over two minutes', 'post', [10, 40, 70, 100, 110]],
    ['50 in the last second', 'digest', Array.from({ length: 50 }, () => 0.5)],
  ])('when a channel had %s, then the new alert gets a %s', (_label, decision, ago) => {
    expect(stormDecision(secondsAgo(...(ago as number[])), NOW)).toBe(decision);
  });

  test('when times come as ISO strings or epoch milliseconds, then they count the same', () => {
    const times = secondsAgo(1, 2, 3, 4, 5);
    expect(
      stormDecision(
        times.map((d) => d.toISOString()),
        NOW,
      ),
    ).toBe('digest');
    expect(
      stormDecision(
        times.map((d) => d.getTime()),
        NOW,
      ),
    ).toBe('digest');
  });

  test('when recorded times are in the future (clock skew), then they do not count', () => {
    expect(stormDecision(secondsAgo(-1, -2, -3, -4, -5), NOW)).toBe('post');
  });

  test('when a channel sets a lower threshold, then the storm starts sooner', () => {
    expect(stormDecision(secondsAgo(1, 2), NOW, { maxAlerts: 2, windowMs: 10_000 })).toBe('digest');
    expect(DEFAULT_STORM_THRESHOLD).toEqual({ maxAlerts: 5, windowMs: 60_000 });
  });
});

describe('whether a storm digest line changed', () => {
  const at = NOW.toISOString();
  const actor = { id: 'job', name: 'CTAC', source: 'job' as const };
  const event = (kind: string, extra: Record<string, unknown> = {}) =>
    ({ seq: 0, kind, at, actor, ...extra }) as unknown as Alert['timeline'][number];

  test.each([
    ['raised only', false, [event('raised')]],
    [
      'raised, posted, escalated on its timer, paged and its page failed',
      false,
      [
        event('raised'),
        event('posted'),
        event('escalated', { manual: false }),
        event('paged'),
        event('page.failed'),
      ],
    ],
    ['a note added', false, [event('raised'), event('noted')]],
    ['acknowledged', true, [event('raised'), event('acknowledged')]],
    ['escalated by hand', true, [event('raised'), event('escalated', { manual: true })]],
    ['snoozed', true, [event('raised'), event('snoozed')]],
    ['updated by its sender', true, [event('raised'), event('updated')]],
    ['resolved', true, [event('raised'), event('resolved')]],
  ])('when an alert was %s, then its line changed: %s', (_label, changed, timeline) => {
    expect(digestLineChanged({ timeline })).toBe(changed);
  });
});
