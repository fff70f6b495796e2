import {
  mergeAlertWeekSummaries,
  summariseAlertWeek,
  type AlertFigureEntry,
} from '../../../src/domain/figures';
import { FIGURE_SHARDS, figureRowKey, figureShardOf } from '../../../src/store/alert-figures';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Ids as the alert id generator makes them ("A" and 7 base32 characters), from a fixed seed. */
function typicalIds(count: number): string[] {
  let seed = 20261203;
  const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) >>> 16;
  return Array.from(
    { length: count },
    () => `A${Array.from({ length: 7 }, () => CROCKFORD[next() % 32]).join('')}`,
  );
}

const spread = (ids: readonly string[]): number[] => {
  const counts = new Array<number>(FIGURE_SHARDS).fill(0);
  for (const id of ids) counts[figureShardOf(id)]! += 1;
  return counts;
};

describe('the shard of an alert figure entry', () => {
  it('when the same id is hashed at any time, then it is in the same shard (fixed values: a change would count alerts twice)', () => {
    expect(['A7K3Q9XM', 'A0000000', 'A-00000001', 'AZZZZZZZ', ''].map(figureShardOf)).toEqual([
      2, 4, 0, 6, 5,
    ]);
    expect(figureRowKey('2026-10-05', 'A7K3Q9XM')).toBe('2026-10-05~2');
  });

  it('when a week of typical ids is spread, then every shard holds close to an eighth', () => {
    for (const ids of [
      typicalIds(10_000),
      Array.from({ length: 10_000 }, (_, i) => `A-${String(i).padStart(8, '0')}`),
    ]) {
      const counts = spread(ids);
      expect(counts.every((n) => n >= 0 && Number.isInteger(n))).toBe(true);
      for (const n of counts) expect(Math.abs(n - 1_250)).toBeLessThan(1_250 * 0.08);
    }
  });

  it("when a week's entries are split by shard, then the shards' summaries merged are the week's summary", () => {
    const entries: Record<string, AlertFigureEntry> = {};
    typicalIds(500).forEach((id, i) => {
      entries[id] = [
        i % 3 ? 'high' : 'low',
        // The week of 29 June holds the first of July: two quarters.
        new Date(Date.parse('2026-06-29T00:00:00Z') + i * 1_000_000).toISOString(),
        i % 4 ? (i * 7_919) % 1_800_000 : null,
        i % 5 ? (i * 104_729) % 10_800_000 : null,
      ];
    });
    const shards = Array.from({ length: FIGURE_SHARDS }, () => ({}) as typeof entries);
    for (const [id, entry] of Object.entries(entries)) shards[figureShardOf(id)]![id] = entry;
    const whole = summariseAlertWeek('2026-06-29', entries);
    expect(Object.keys(whole).sort()).toEqual(['2026-Q1', '2026-Q2']);
    expect(mergeAlertWeekSummaries(shards.map((s) => summariseAlertWeek('2026-06-29', s)))).toEqual(
      whole,
    );
  });
});
