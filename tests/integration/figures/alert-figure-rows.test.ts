import { FakeClock } from '../../../src/domain/shared/clock';
import { alertQuarterFigures, parseQuarter } from '../../../src/domain/figures';
import { FIGURES_WEEK } from '../../../src/store/alert-figures';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { ALERT_VIEW_TABLE } from '../../../src/store/alert-views';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { figureReads, figureWrites } from './figure-writes';
import { alertWorld, as, incident, people, webhookActor } from '../alerts/fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => ({ store, stop } = await startTestStore()));
afterEach(async () => {
  jest.restoreAllMocks();
  await stop();
});

const q3 = parseQuarter('2026-Q3')!;

describe('the kept weekly alert figures', () => {
  it('when alerts are acknowledged and resolved, then their week row holds their times by severity', async () => {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const high = (await w.service.ingest(incident({ dedupKey: 'MSP-1' }), webhookActor)).alert;
    const low = (
      await w.service.ingest(incident({ dedupKey: 'MSP-2', severity: 'low' }), webhookActor)
    ).alert;
    const open = (await w.service.ingest(incident({ dedupKey: 'MSP-3' }), webhookActor)).alert;
    clock.advance(12 * 60_000);
    await w.service.acknowledge(as(people.sam), high.id);
    clock.advance(48 * 60_000);
    await w.service.resolve(as(people.sam), high.id, 'Host rebuilt');
    await w.service.resolve(as(people.alex), low.id, 'Done');

    const rows = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');
    expect(rows.map((r) => r.weekOf)).toEqual(['2026-10-05']);
    expect(rows[0]!.alerts).toEqual({
      [high.id]: ['high', '2026-10-05T09:00:00.000Z', 12 * 60_000, 60 * 60_000],
      [low.id]: ['low', '2026-10-05T09:00:00.000Z', null, 60 * 60_000],
    });
    expect(rows[0]!.alerts[open.id]).toBeUndefined();
    const figures = alertQuarterFigures(q3, rows);
    expect(
      figures.byWeek.map((f) => [
        f.severity,
        f.medianMinutesToAcknowledge,
        f.medianMinutesToResolve,
      ]),
    ).toEqual([
      ['high', 12, 60],
      ['low', undefined, 60],
    ]);
  });

  it('when the same alert is recorded twice or acknowledged again, then it is counted once and the second writes nothing', async () => {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const alert = (await w.service.ingest(incident(), webhookActor)).alert;
    clock.advance(5 * 60_000);
    await w.service.acknowledge(as(people.sam), alert.id);
    await w.alerts.figures.flush();
    const acknowledged = (await w.alerts.get(alert.id))!.alert;

    expect(await figureWrites(() => w.alerts.figures.record([acknowledged]))).toBe(0);
    expect(await figureWrites(() => w.service.acknowledge(as(people.alex), alert.id))).toBe(0);
    // The start's backfill records every open alert again: nothing changes.
    expect(await figureWrites(() => w.alerts.backfillViews(clock.now()))).toBe(0);

    const [row] = await w.alerts.figures.weeksBetween('2026-10-05', '2026-10-05');
    expect(Object.keys(row!.alerts)).toEqual([alert.id]);
    expect(alertQuarterFigures(q3, [row!]).byWeek[0]!.acknowledged).toBe(1);
  });

  it('when a late acknowledgement entry lands after the resolve, then the resolve time is kept', async () => {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const alert = (await w.service.ingest(incident(), webhookActor)).alert;
    clock.advance(5 * 60_000);
    await w.service.acknowledge(as(people.sam), alert.id);
    const acknowledged = (await w.alerts.get(alert.id))!.alert;
    clock.advance(5 * 60_000);
    await w.service.resolve(as(people.sam), alert.id, 'Done');
    await w.alerts.figures.record([acknowledged]);
    const [row] = await w.alerts.figures.weeksBetween('2026-10-05', '2026-10-05');
    expect(row!.alerts[alert.id]).toEqual(['high', '2026-10-05T09:00:00.000Z', 300_000, 600_000]);
  });

  it('when many alerts resolve at once, then every one is recorded', async () => {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push((await w.service.ingest(incident({ dedupKey: `MSP-${i}` }), webhookActor)).alert.id);
    clock.advance(60_000);
    await Promise.all(ids.map((id) => w.service.resolve(as(people.sam), id, 'Done')));
    const [row] = await w.alerts.figures.weeksBetween('2026-10-05', '2026-10-05');
    expect(Object.keys(row!.alerts).sort()).toEqual([...ids].sort());
  });
});

describe('the once-only backfill of the weekly alert figures', () => {
  /** Alerts settled in the week of 5 October, with the kept figure rows then taken away (as before issue 20). */
  async function settledBeforeFigures() {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const high = (await w.service.ingest(incident({ dedupKey: 'MSP-1' }), webhookActor)).alert;
    const low = (
      await w.service.ingest(incident({ dedupKey: 'MSP-2', severity: 'low' }), webhookActor)
    ).alert;
    const open = (await w.service.ingest(incident({ dedupKey: 'MSP-3' }), webhookActor)).alert;
    clock.advance(10 * 60_000);
    await w.service.acknowledge(as(people.sam), high.id);
    clock.advance(50 * 60_000);
    await w.service.resolve(as(people.sam), high.id, 'Host rebuilt');
    clock.advance(60 * 60_000);
    await w.service.resolve(as(people.alex), low.id, 'Done');
    // An exercise's alert, acknowledged and resolved the same week: it counts in no figure.
    const resolved = (await w.alerts.get(high.id))!.alert;
    await w.alerts.create({
      ...resolved,
      id: 'A-EX1',
      dedupKey: 'EX-1',
      exercise: { id: 'EXR-1', name: 'Winter drill' },
    });
    await w.alerts.figures.flush();
    const views = store.table(ALERT_VIEW_TABLE);
    for await (const row of views.listEntities({
      queryOptions: { filter: `PartitionKey eq '${FIGURES_WEEK}'` },
    }))
      await views.deleteEntity(FIGURES_WEEK, row.rowKey!);
    expect(await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28')).toEqual([]);
    return { w, clock, high, low, open };
  }

  it('when alerts were settled before the rows were kept, then the backfill puts them in the quarter, exercises left out', async () => {
    const { w, clock, high, low } = await settledBeforeFigures();

    expect(await w.alerts.backfillFigures(clock.now())).toEqual({ recorded: 2 });

    const rows = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');
    expect(rows.map((r) => r.weekOf)).toEqual(['2026-10-05']);
    expect(rows[0]!.alerts).toEqual({
      [high.id]: ['high', '2026-10-05T09:00:00.000Z', 10 * 60_000, 60 * 60_000],
      [low.id]: ['low', '2026-10-05T09:00:00.000Z', null, 120 * 60_000],
    });
    expect(
      alertQuarterFigures(q3, rows).byWeek.map((f) => [
        f.severity,
        f.acknowledged,
        f.resolved,
        f.medianMinutesToResolve,
      ]),
    ).toEqual([
      ['high', 1, 1, 60],
      ['low', 0, 1, 120],
    ]);
  });

  it('when the backfill has run, then a second run (another start) writes nothing', async () => {
    const { w, clock } = await settledBeforeFigures();
    await w.alerts.backfillFigures(clock.now());
    const before = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');

    let again: unknown;
    expect(
      await figureWrites(async () => {
        again = await new TableAlertRepository(store).backfillFigures(clock.now());
      }),
    ).toBe(0);
    expect(again).toBeUndefined();
    expect(await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28')).toEqual(before);
  });

  it('when two instances backfill at once, then each alert is in its week once', async () => {
    const { w, clock, high, low } = await settledBeforeFigures();

    await Promise.all([
      new TableAlertRepository(store).backfillFigures(clock.now()),
      new TableAlertRepository(store).backfillFigures(clock.now()),
    ]);

    const rows = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!.alerts).sort()).toEqual([high.id, low.id].sort());
    expect(alertQuarterFigures(q3, rows).byWeek.map((f) => [f.severity, f.resolved])).toEqual([
      ['high', 1],
      ['low', 1],
    ]);
  });
});

describe('the summaries kept beside the week entries', () => {
  const views = () => store.table(ALERT_VIEW_TABLE);
  /** Every row of a week's figures, its shards and any unsharded row. */
  async function weekRows(week: string) {
    const rows: Record<string, unknown>[] = [];
    for await (const row of views().listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${FIGURES_WEEK}' and RowKey ge '${week}' and RowKey lt '${week}~~'`,
      },
    }))
      rows.push(row);
    return rows;
  }

  /** Two alerts of the week of 5 October acknowledged and resolved, one only acknowledged. */
  async function settledWeek() {
    const clock = new FakeClock('2026-10-05T09:00:00Z');
    const w = await alertWorld(store, { clock });
    const ids: string[] = [];
    for (const [key, severity] of [
      ['MSP-1', 'high'],
      ['MSP-2', 'high'],
      ['MSP-3', 'low'],
    ] as const)
      ids.push(
        (await w.service.ingest(incident({ dedupKey: key, severity }), webhookActor)).alert.id,
      );
    clock.advance(7 * 60_000);
    await w.service.acknowledge(as(people.sam), ids[0]!);
    clock.advance(6 * 60_000);
    await w.service.acknowledge(as(people.sam), ids[1]!);
    clock.advance(40 * 60_000);
    await w.service.resolve(as(people.sam), ids[0]!, 'Done');
    await w.service.resolve(as(people.alex), ids[2]!, 'Done');
    await w.alerts.figures.flush();
    return { w, clock, ids };
  }

  it('when the quarter is read, then the summaries give the figures of every entry', async () => {
    const { w } = await settledWeek();
    const rows = await weekRows('2026-10-05');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row['summaryChunks']).toBe(1);

    const summaries = await w.alerts.figures.summariesBetween('2026-09-28', '2026-12-28');
    expect(summaries).toEqual([
      {
        weekOf: '2026-10-05',
        summary: {
          '2026-Q3': {
            high: { ack: [7 * 60_000, 13 * 60_000], res: [53 * 60_000] },
            low: { ack: [], res: [53 * 60_000] },
          },
        },
      },
    ]);
    const entries = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');
    expect(alertQuarterFigures(q3, summaries)).toEqual(alertQuarterFigures(q3, entries));
  });

  it('when a week row was kept before the shards and their summaries, then the quarter is worked out from its entries, and the next start moves it into its shards, once', async () => {
    const { w, clock } = await settledWeek();
    const entries = await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28');
    // As an older version wrote it: one row for the week, the entries and count, no summary.
    for (const row of await weekRows('2026-10-05'))
      await views().deleteEntity(FIGURES_WEEK, row['rowKey'] as string);
    await views().createEntity({
      partitionKey: FIGURES_WEEK,
      rowKey: '2026-10-05',
      count: Object.keys(entries[0]!.alerts).length,
      alertsChunks: 1,
      alerts0: JSON.stringify(entries[0]!.alerts),
    });
    // No start has run here, so nothing says the rows were moved yet.

    const fromEntries = await w.alerts.figures.summariesBetween('2026-09-28', '2026-12-28');
    expect(alertQuarterFigures(q3, fromEntries)).toEqual(alertQuarterFigures(q3, entries));
    expect(await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28')).toEqual(entries);

    const start = new TableAlertRepository(store);
    expect(await figureWrites(() => start.backfillFigures(clock.now()))).toBeGreaterThan(0);
    const moved = await weekRows('2026-10-05');
    expect(moved.map((r) => r['rowKey'])).not.toContain('2026-10-05');
    for (const row of moved) expect(row['summaryChunks']).toBe(1);
    expect(await w.alerts.figures.weeksBetween('2026-09-28', '2026-12-28')).toEqual(entries);
    expect(await w.alerts.figures.summariesBetween('2026-09-28', '2026-12-28')).toEqual(
      fromEntries,
    );
    expect(
      await figureWrites(() => new TableAlertRepository(store).backfillFigures(clock.now())),
    ).toBe(0);
  });

  it("when another instance resolves an alert after this one read the quarter, then this one's next read has it, reading again only the row that changed", async () => {
    const { w, clock, ids } = await settledWeek();
    const here = w.alerts.figures;
    await here.summariesBetween('2026-09-28', '2026-12-28');
    const unchanged = await figureReads(() => here.summariesBetween('2026-09-28', '2026-12-28'));
    // The keys of the range only: nothing changed, so no summary is read again.
    expect(unchanged).toEqual({ queries: 1, rows: 0 });

    // The other instance resolves an alert this one read as acknowledged: a row it read changes.
    const there = await alertWorld(store, { clock });
    clock.advance(20 * 60_000);
    await there.service.resolve(as(people.alex), ids[1]!, 'Done');
    await there.alerts.figures.flush();

    let summaries: Awaited<ReturnType<typeof here.summariesBetween>> = [];
    const reads = await figureReads(
      async () => (summaries = await here.summariesBetween('2026-09-28', '2026-12-28')),
    );
    expect(reads).toEqual({ queries: 1, rows: 1 });
    expect(summaries[0]!.summary['2026-Q3']!.high).toEqual({
      ack: [7 * 60_000, 13 * 60_000],
      res: [53 * 60_000, 73 * 60_000],
    });
    const entries = await here.weeksBetween('2026-09-28', '2026-12-28');
    expect(alertQuarterFigures(q3, summaries)).toEqual(alertQuarterFigures(q3, entries));
  });

  it('when retention takes alerts out of rows this instance read, then its next read counts only those left', async () => {
    const { w, ids } = await settledWeek();
    const here = w.alerts.figures;
    expect(
      alertQuarterFigures(q3, await here.summariesBetween('2026-09-28', '2026-12-28')).bySeverity,
    ).toHaveLength(2);
    // As retention does: the alert out of its row's entries, the summary left off; a row left empty deleted.
    for (const row of await weekRows('2026-10-05')) {
      const alerts = JSON.parse(row['alerts0'] as string) as Record<string, unknown>;
      if (!(ids[0]! in alerts) && !(ids[2]! in alerts)) continue;
      delete alerts[ids[0]!];
      delete alerts[ids[2]!];
      const rowKey = row['rowKey'] as string;
      if (!Object.keys(alerts).length) await views().deleteEntity(FIGURES_WEEK, rowKey);
      else
        await views().updateEntity(
          {
            partitionKey: FIGURES_WEEK,
            rowKey,
            count: Object.keys(alerts).length,
            alertsChunks: 1,
            alerts0: JSON.stringify(alerts),
          },
          'Replace',
        );
    }

    const figures = alertQuarterFigures(
      q3,
      await here.summariesBetween('2026-09-28', '2026-12-28'),
    );
    expect(figures.bySeverity.map((f) => [f.severity, f.acknowledged, f.resolved])).toEqual([
      ['high', 1, 0],
    ]);
  });

  it('when two instances record the same alerts at once, then the summary counts each once', async () => {
    const { w, ids } = await settledWeek();
    const settled = await Promise.all(ids.map(async (id) => (await w.alerts.get(id))!.alert));
    await Promise.all([
      new TableAlertRepository(store).figures.record(settled),
      new TableAlertRepository(store).figures.record(settled),
    ]);
    const [week] = await w.alerts.figures.summariesBetween('2026-10-05', '2026-10-05');
    expect(week!.summary['2026-Q3']!.high).toEqual({
      ack: [7 * 60_000, 13 * 60_000],
      res: [53 * 60_000],
    });
    expect(week!.summary['2026-Q3']!.low).toEqual({ ack: [], res: [53 * 60_000] });
  });
});
