import { TableClient } from '@azure/data-tables';
import type { AlertSummary } from '../../../src/domain/alerts';
import { FakeClock } from '../../../src/domain/shared/clock';
import {
  alertFigureEntry,
  alertQuarterFigures,
  parseQuarter,
  type AlertFigureEntry,
} from '../../../src/domain/figures';
import {
  AlertFigureRows,
  FIGURE_SHARDS,
  FIGURES_WEEK,
  MAX_ROW_BYTES,
  figureRowKey,
} from '../../../src/store/alert-figures';
import { HSA_RESPONSE_TABLES } from '../../../src/store/alert-hsa-response-repository';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { ALERT_VIEW_TABLE } from '../../../src/store/alert-views';
import { TableRetentionStore } from '../../../src/store/retention-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { figureReads, figureWrites } from './figure-writes';
import {
  alertTableNames,
  alertWorld,
  as,
  incident,
  people,
  webhookActor,
} from '../alerts/fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([...alertTableNames, ...Object.values(HSA_RESPONSE_TABLES)]);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await stop();
});

const q3 = parseQuarter('2026-Q3')!;
const WEEK = '2026-10-05';
const views = () => store.table(ALERT_VIEW_TABLE);

/**
 * `count` settled alerts raised in the week of 5 October, times differing from alert to alert (some only
 * acknowledged, some resolved without an acknowledgement), as the repository would record them.
 */
function settled(count: number, from = 0): AlertSummary[] {
  const severities = ['critical', 'high', 'medium', 'low', 'information'] as const;
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const raised = Date.parse('2026-10-05T00:00:00Z') + (i % 10_000) * 50_000;
    const ack = i % 7 === 0 ? undefined : raised + 60_000 + ((i * 7_919) % 1_740_000);
    const res = i % 5 === 0 ? undefined : raised + 600_000 + ((i * 104_729) % 10_800_000);
    return {
      id: `A${String(i).padStart(7, '0')}`,
      severityRank: severities[i % severities.length]!,
      raisedAt: new Date(raised).toISOString(),
      acknowledgedAt: ack === undefined ? undefined : new Date(ack).toISOString(),
      resolvedAt: res === undefined ? undefined : new Date(res).toISOString(),
    } as unknown as AlertSummary;
  });
}

/** The week's entries worked out in memory from every alert: what the rows must answer. */
function expectedWeek(alerts: readonly AlertSummary[]) {
  const entries: Record<string, AlertFigureEntry> = {};
  for (const alert of alerts) {
    const entry = alertFigureEntry(alert);
    if (entry) entries[alert.id] = entry;
  }
  return { weekOf: WEEK, alerts: entries };
}

/** Every stored row of the figures partition, whole. */
async function storedRows(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of views().listEntities<Record<string, unknown>>({
    queryOptions: { filter: `PartitionKey eq '${FIGURES_WEEK}'` },
  }))
    rows.push(row);
  return rows;
}

/** A stored row's characters: its keys and every string column (Table Storage counts two bytes each). */
const charactersOf = (row: Record<string, unknown>): number =>
  Object.entries(row)
    .filter(([k, v]) => typeof v === 'string' && k !== 'etag' && k !== 'timestamp')
    .reduce((n, [k, v]) => n + k.length + (v as string).length, 0);

async function expectExact(figures: AlertFigureRows, alerts: readonly AlertSummary[]) {
  const expected = expectedWeek(alerts);
  const weeks = await figures.weeksBetween('2026-09-28', '2026-12-28');
  expect(weeks).toEqual([expected]);
  const summaries = await figures.summariesBetween('2026-09-28', '2026-12-28');
  expect(summaries.map((s) => s.weekOf)).toEqual([WEEK]);
  expect(alertQuarterFigures(q3, summaries)).toEqual(alertQuarterFigures(q3, [expected]));
}

describe('the kept weekly alert figures, spread over shard rows', () => {
  it("when a week's alerts are recorded, then they are spread over its shard rows and the quarter's answers are those of every entry", async () => {
    const figures = new TableAlertRepository(store).figures;
    const alerts = settled(400);
    await figures.record(alerts);

    const rows = await storedRows();
    expect(rows.map((r) => r['rowKey']).sort()).toEqual(
      Array.from({ length: FIGURE_SHARDS }, (_, s) => `${WEEK}~${s}`),
    );
    for (const row of rows) {
      const held = Object.keys(JSON.parse(row['alerts0'] as string) as object);
      expect(held.length).toBe(row['count']);
      for (const id of held) expect(row['rowKey']).toBe(figureRowKey(WEEK, id));
    }
    expect(rows.reduce((n, r) => n + (r['count'] as number), 0)).toBe(
      Object.keys(expectedWeek(alerts).alerts).length,
    );
    await expectExact(figures, alerts);
  });

  it("when a quarter's first read finds many rows, then it reads their summaries in one range, later only a row that changed, and every answer is that of every entry", async () => {
    const figures = new TableAlertRepository(store).figures;
    const DAY = 86_400_000;
    /** The alerts moved on `days` days, under other ids: the same week's alerts in a later week. */
    const later = (alerts: readonly AlertSummary[], days: number, prefix: string) =>
      alerts.map((a) => {
        const moved = (at?: string) => at && new Date(Date.parse(at) + days * DAY).toISOString();
        return {
          ...a,
          id: `${prefix}${a.id}`,
          raisedAt: moved(a.raisedAt),
          acknowledgedAt: moved(a.acknowledgedAt),
          resolvedAt: moved(a.resolvedAt),
        } as AlertSummary;
      });
    const week = settled(300);
    const alerts = [...week, ...later(week, 7, 'B'), ...later(week, 14, 'C')];
    await figures.record(alerts);
    await figures.flush();
    const exact = async () =>
      alertQuarterFigures(q3, await figures.weeksBetween('2026-09-28', '2026-12-28'));

    let summaries: Awaited<ReturnType<typeof figures.summariesBetween>> = [];
    const read = () => figures.summariesBetween('2026-09-28', '2026-12-28');
    // Three weeks of eight shard rows: the keys, then the summaries of the range at once.
    expect(await figureReads(async () => (summaries = await read()))).toEqual({
      queries: 2,
      rows: 0,
    });
    expect(summaries.map((s) => s.weekOf)).toEqual(['2026-10-05', '2026-10-12', '2026-10-19']);
    expect(alertQuarterFigures(q3, summaries)).toEqual(await exact());

    // An alert of the middle week only acknowledged until now is resolved: one row changes.
    const open = later(week, 7, 'B').find((a) => a.acknowledgedAt && !a.resolvedAt)!;
    await figures.record([
      {
        ...open,
        resolvedAt: new Date(Date.parse(open.raisedAt) + 3_600_000).toISOString(),
      } as AlertSummary,
    ]);
    expect(await figureReads(async () => (summaries = await read()))).toEqual({
      queries: 1,
      rows: 1,
    });
    expect(alertQuarterFigures(q3, summaries)).toEqual(await exact());
  });

  it('when many acknowledgements land at once, then the week is written one row at a time, not a write in flight per shard', async () => {
    const figures = new TableAlertRepository(store).figures;
    let inFlight = 0;
    let most = 0;
    for (const method of ['createEntity', 'updateEntity'] as const) {
      const original = TableClient.prototype[method] as (...args: unknown[]) => Promise<unknown>;
      jest.spyOn(TableClient.prototype, method).mockImplementation(async function (
        this: TableClient,
        ...args: unknown[]
      ) {
        const figureRow = (args[0] as { partitionKey?: string }).partitionKey === FIGURES_WEEK;
        if (figureRow) most = Math.max(most, ++inFlight);
        try {
          return await original.apply(this, args);
        } finally {
          if (figureRow) inFlight--;
        }
      } as never);
    }
    const alerts = settled(80);
    await Promise.all(alerts.map((alert) => figures.record([alert])));
    expect(most).toBe(1);
    await expectExact(figures, alerts);
  });

  it('when the same alerts are written twice and by two instances at once, then each counts once and the repeat writes nothing', async () => {
    const alerts = settled(300);
    await Promise.all([
      new TableAlertRepository(store).figures.record(alerts),
      new TableAlertRepository(store).figures.record(alerts),
    ]);
    const figures = new TableAlertRepository(store).figures;
    expect(await figureWrites(() => figures.record(alerts))).toBe(0);
    expect((await storedRows()).reduce((n, r) => n + (r['count'] as number), 0)).toBe(
      Object.keys(expectedWeek(alerts).alerts).length,
    );
    await expectExact(figures, alerts);
  });

  it('when a week holds more alerts than one row could (20,000), then it reads exactly and no row nears the entity limit', async () => {
    const figures = new TableAlertRepository(store).figures;
    const alerts = settled(20_000);
    // As one row, the entries alone would pass Table Storage's 1 MiB (two bytes a character).
    expect(2 * JSON.stringify(expectedWeek(alerts).alerts).length).toBeGreaterThan(1_048_576);
    for (let i = 0; i < alerts.length; i += 2_000) await figures.record(alerts.slice(i, i + 2_000));

    const rows = await storedRows();
    expect(rows).toHaveLength(FIGURE_SHARDS);
    const longest = Math.max(...rows.map(charactersOf));
    expect(2 * longest).toBeLessThan(MAX_ROW_BYTES);
    await expectExact(figures, alerts);
  }, 120_000);

  it('when a shard row would pass the limit, then an error naming the week is logged, nothing is written past it and the other shards are kept', async () => {
    const logged: Record<string, unknown>[] = [];
    const figures = new AlertFigureRows(store, {
      maxRowBytes: 20_000,
      log: (fields) => logged.push(fields),
    });
    const small = settled(100);
    await figures.record(small);
    expect(logged).toEqual([]);

    const more = settled(2_000, 100);
    await figures.record(more);
    expect(logged.length).toBeGreaterThan(0);
    for (const fields of logged) expect(fields).toMatchObject({ week: WEEK, limit: 20_000 });
    const rows = await storedRows();
    for (const row of rows) expect(2 * charactersOf(row)).toBeLessThan(20_000);
    // What was kept still reads exactly: every entry of every row, once.
    const weeks = await figures.weeksBetween(WEEK, WEEK);
    const kept = Object.keys(weeks[0]!.alerts);
    expect(kept.length).toBe(rows.reduce((n, r) => n + (r['count'] as number), 0));
    for (const id of Object.keys(expectedWeek(small).alerts)) expect(kept).toContain(id);
  });
});

describe('the week rows kept before the shards', () => {
  /** The alerts' week as an older version kept it: one row, entries and count, no summary. */
  async function oldRow(alerts: readonly AlertSummary[]) {
    const entries = expectedWeek(alerts).alerts;
    await views().createEntity({
      partitionKey: FIGURES_WEEK,
      rowKey: WEEK,
      count: Object.keys(entries).length,
      alertsChunks: 1,
      alerts0: JSON.stringify(entries),
    });
  }

  /**
   * 60 alerts in an old row, 20 of them only acknowledged then; since then those 20 were resolved and 30
   * new alerts recorded, into the shards.
   */
  async function oldAndNew() {
    const all = settled(90);
    const early = all.slice(0, 60).map((a, i) => (i < 20 ? { ...a, resolvedAt: undefined } : a));
    for (let i = 0; i < 20; i++) early[i]!.acknowledgedAt ??= early[i]!.raisedAt;
    await oldRow(early);
    const since = [
      ...all.slice(0, 20).map((a, i) => ({ ...a, acknowledgedAt: early[i]!.acknowledgedAt })),
      ...all.slice(60),
    ];
    await new TableAlertRepository(store).figures.record(since);
    const now = [...since.slice(0, 20), ...all.slice(20, 60), ...since.slice(20)];
    return now;
  }

  it('when the start has not moved an old row yet, then the week is read exactly, each alert in it and in a shard counted once', async () => {
    const now = await oldAndNew();
    expect((await storedRows()).map((r) => r['rowKey'])).toContain(WEEK);
    await expectExact(new TableAlertRepository(store).figures, now);
  });

  it('when the start runs, then the old row is moved into its shards and deleted, once; a second start, or two at once, change nothing', async () => {
    const now = await oldAndNew();
    const clock = new FakeClock('2026-12-03T09:00:00Z');

    await Promise.all([
      new TableAlertRepository(store).backfillFigures(clock.now()),
      new TableAlertRepository(store).backfillFigures(clock.now()),
    ]);
    const rows = await storedRows();
    expect(rows.map((r) => r['rowKey'])).not.toContain(WEEK);
    for (const row of rows) expect(row['summaryChunks']).toBe(1);
    await expectExact(new TableAlertRepository(store).figures, now);

    const before = await storedRows();
    let again: unknown;
    expect(
      await figureWrites(async () => {
        again = await new TableAlertRepository(store).backfillFigures(clock.now());
      }),
    ).toBe(0);
    expect(again).toBeUndefined();
    expect(await storedRows()).toEqual(before);
    await expectExact(new TableAlertRepository(store).figures, now);
  });
});

describe('retention and the shard rows', () => {
  it('when a resolved alert past retention is deleted, then it leaves its week shard and any old row', async () => {
    const clock = new FakeClock('2019-10-07T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const kept = (await w.service.ingest(incident({ dedupKey: 'MSP-1' }), webhookActor)).alert;
    const gone = (await w.service.ingest(incident({ dedupKey: 'MSP-2' }), webhookActor)).alert;
    clock.advance(10 * 60_000);
    await w.service.resolve(as(people.sam), gone.id, 'Done');
    await w.service.acknowledge(as(people.sam), kept.id);
    await w.alerts.figures.flush();
    // The same alert in the week's unsharded row too, as if the start had not moved it yet.
    const [week] = await w.alerts.figures.weeksBetween('2019-10-07', '2019-10-07');
    await views().createEntity({
      partitionKey: FIGURES_WEEK,
      rowKey: '2019-10-07',
      count: 1,
      alertsChunks: 1,
      alerts0: JSON.stringify({ [gone.id]: week!.alerts[gone.id] }),
    });

    await new TableRetentionStore(store).deleteResolvedAlerts(new Date('2020-01-01T00:00:00Z'));

    const after = await w.alerts.figures.weeksBetween('2019-10-07', '2019-10-07');
    expect(Object.keys(after[0]!.alerts)).toEqual([kept.id]);
  });
});
