import { alertWeeks, alertWeeksFromRows, alertWeeksOf } from '../../../src/api/tab-views';
import {
  acknowledge,
  raiseAlert,
  recordPaged,
  recordPosted,
  type Alert,
} from '../../../src/domain/alerts';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { ALERT_TABLES, alertPartition } from '../../../src/store/alert-rows';
import { ALERT_VIEW_TABLE, AlertViewTable } from '../../../src/store/alert-views';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { incident, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
let repo: TableAlertRepository;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(Object.values(ALERT_TABLES));
  repo = new TableAlertRepository(store);
});
afterAll(() => stop());

let n = 0;
const at = new Date('2026-11-24T09:00:00Z');
const newAlert = (dedupKey: string, raisedAt = at): Alert =>
  raiseAlert(incident({ dedupKey }), { id: `V${++n}`, actor: webhookActor, at: raisedAt }).alert;
const sam = { id: people.sam.aadObjectId, name: people.sam.name, source: 'teams' as const };
const views = () => store.table(ALERT_VIEW_TABLE);

const resolve = (alert: Alert, resolvedAt: Date): Alert => ({
  ...alert,
  state: 'resolved',
  resolvedAt: resolvedAt.toISOString(),
  resolvedBy: sam,
});

/** What the tab's weekly figures would be if worked out from every alert, for comparison. */
const fromEveryAlert = (alerts: Alert[], now: Date) => alertWeeks(alerts, now, 8);

test('when an alert is acknowledged and then resolved, then the open list shows each change and the weekly figures count it once resolved', async () => {
  const alert = newAlert('VIEW-1');
  const created = await repo.create(alert);
  if (!created.ok) throw new Error('not created');
  expect((await repo.listOpen()).find((a) => a.id === alert.id)?.state).toBe('triggered');

  const acked = acknowledge(alert, sam, new Date(at.getTime() + 12 * 60_000));
  if (!acked.ok) throw new Error('not acknowledged');
  const updated = await repo.update(acked.alert, created.value.etag);
  if (!updated.ok) throw new Error('not updated');
  // This process reads its own change at once (the open row is written off the acknowledging path).
  const listed = (await repo.listOpen()).find((a) => a.id === alert.id);
  expect(listed).toMatchObject({ state: 'acknowledged', acknowledgedBy: { name: sam.name } });
  // The list row is the alert without its timeline, as the alert row holds it.
  const { timeline: _t, ...summary } = acked.alert;
  expect(listed).toEqual(summary);
  // Another instance reads the same row from the table.
  expect((await new TableAlertRepository(store).listOpen()).find((a) => a.id === alert.id)).toEqual(
    summary,
  );

  const resolvedAt = new Date(at.getTime() + 90 * 60_000);
  const closed = resolve(acked.alert, resolvedAt);
  expect((await repo.update(closed, updated.value.etag)).ok).toBe(true);
  expect((await repo.listOpen()).map((a) => a.id)).not.toContain(alert.id);
  const days = await repo.resolvedSince(new Date('2026-11-20T00:00:00Z'));
  expect(days.find((d) => d.raisedOn === '2026-11-24')?.alerts[alert.id]).toEqual([
    12 * 60_000,
    90 * 60_000,
  ]);
});

test('when a change shows nowhere in the open list (a page queued, the card posted), then the open row is left as it was, and the next change that shows is written', async () => {
  const alert = newAlert('VIEW-QUIET-1');
  const created = await repo.create(alert);
  if (!created.ok) throw new Error('not created');
  const partition = alertPartition(alert.source, alert.dedupKey);
  const openRow = async () => {
    await repo.listOpen(); // waits for the open-row writes asked for so far
    return views().getEntity('open', partition);
  };
  const first = await openRow();

  const paged = recordPaged(
    alert,
    { stepIndex: 0, recipients: [{ id: sam.id, name: sam.name }] },
    webhookActor,
    new Date(at.getTime() + 1_000),
  );
  if (!paged.ok) throw new Error('not paged');
  const afterPage = await repo.update(paged.alert, created.value.etag);
  if (!afterPage.ok) throw new Error('not updated');
  const post = { conversationId: '19:cyber@thread.tacv2', activityId: 'A-1' };
  const posted = recordPosted(paged.alert, post, webhookActor, new Date(at.getTime() + 2_000));
  if (!posted.ok) throw new Error('not posted');
  const afterPost = await repo.update(posted.alert, afterPage.value.etag);
  if (!afterPost.ok) throw new Error('not updated');
  // Both are on the alert itself; the open row is the one written when the alert was made.
  expect((await repo.get(alert.id))?.alert.channelPost).toEqual(post);
  expect((await openRow()).etag).toBe(first.etag);
  const listed = (await repo.listOpen()).find((a) => a.id === alert.id);
  expect(listed).toMatchObject({ state: 'triggered' });
  expect(listed).not.toHaveProperty('channelPost');

  const acked = acknowledge(posted.alert, sam, new Date(at.getTime() + 60_000));
  if (!acked.ok) throw new Error('not acknowledged');
  expect((await repo.update(acked.alert, afterPost.value.etag)).ok).toBe(true);
  expect((await openRow()).etag).not.toBe(first.etag);
  expect((await repo.listOpen()).find((a) => a.id === alert.id)).toMatchObject({
    state: 'acknowledged',
    acknowledgedBy: { name: sam.name },
  });
});

test('when the weekly figures are made from the kept rows, then they equal those worked out from every alert', async () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const alerts: Alert[] = [];
  for (let i = 0; i < 12; i++) {
    // Spread over three UK weeks, some across a Sunday midnight, with times that are not whole minutes.
    const raisedAt = new Date(Date.parse('2026-11-08T23:30:00Z') + i * 40 * 3_600_000 + i * 1_234);
    let alert = newAlert(`VIEW-WEEK-${i}`, raisedAt);
    const created = await repo.create(alert);
    if (!created.ok) throw new Error('not created');
    let etag = created.value.etag;
    if (i % 3 !== 2) {
      const acked = acknowledge(alert, sam, new Date(raisedAt.getTime() + (i + 1) * 61_001));
      if (!acked.ok) throw new Error('not acknowledged');
      const written = await repo.update(acked.alert, etag);
      if (!written.ok) throw new Error('not written');
      [alert, etag] = [acked.alert, written.value.etag];
    }
    if (i % 4 !== 3) {
      alert = resolve(alert, new Date(raisedAt.getTime() + (i + 1) * 3_600_777));
      expect((await repo.update(alert, etag)).ok).toBe(true);
    }
    alerts.push(alert);
  }
  const open = (await repo.listOpen()).filter((a) => a.dedupKey.startsWith('VIEW-WEEK-'));
  const days = (await repo.resolvedSince(new Date('2026-11-01T00:00:00Z'))).map((d) => ({
    ...d,
    alerts: Object.fromEntries(
      Object.entries(d.alerts).filter(([id]) => alerts.some((a) => a.id === id)),
    ),
  }));
  expect(alertWeeksOf(days, open, now)).toEqual(fromEveryAlert(alerts, now));
});

test('when many alerts raised the same day are resolved at once from two instances, then every one is counted', async () => {
  const day = new Date('2026-10-14T10:00:00Z');
  const created = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const alert = newAlert(`VIEW-BULK-${i}`, new Date(day.getTime() + i * 1000));
      const stored = await repo.create(alert);
      if (!stored.ok) throw new Error('not created');
      return { alert, etag: stored.value.etag };
    }),
  );
  const other = new TableAlertRepository(store);
  await Promise.all(
    created.map(({ alert, etag }, i) =>
      (i % 2 ? other : repo).update(resolve(alert, new Date(day.getTime() + 3_600_000)), etag),
    ),
  );
  const [row] = await repo.resolvedSince(new Date('2026-10-14T00:00:00Z'));
  expect(row?.raisedOn).toBe('2026-10-14');
  expect(Object.keys(row?.alerts ?? {}).sort()).toEqual(created.map((c) => c.alert.id).sort());
  // Its week's row, made again by both instances as they wrote the day, counts each alert once.
  const weeks = await new AlertViewTable(store).resolvedWeeks(new Date('2026-10-12T00:00:00Z'));
  expect(weeks.find((w) => w.weekOf === '2026-10-12')).toMatchObject({
    raised: 30,
    res: { n: 30 },
    days: { '2026-10-14': 30 },
  });
});

test('when the views are missing or wrong (a table from before them, or a crash), then the backfill makes them right, and again changes nothing', async () => {
  // A second world of its own, so the counts are this test's.
  const own = await startTestStore();
  try {
    await own.store.createTables(Object.values(ALERT_TABLES));
    const alerts = new TableAlertRepository(own.store);
    const open = newAlert('VIEW-OLD-OPEN', new Date('2026-11-02T09:00:00Z'));
    const closed = newAlert('VIEW-OLD-CLOSED', new Date('2026-11-03T09:00:00Z'));
    const crashed = newAlert('VIEW-CRASHED', new Date('2026-11-04T09:00:00Z'));
    const stored = await Promise.all([open, closed, crashed].map((a) => alerts.create(a)));
    for (const [i, a] of [closed, crashed].entries()) {
      const s = stored[i + 1]!;
      if (!s.ok) throw new Error('not created');
      await alerts.update(resolve(a, new Date(a.raisedAt.replace('09:', '10:'))), s.value.etag);
    }
    // As a table made before AlertViews: no rows at all. And a crash after resolving one alert left
    // its open row behind (put back here by hand).
    const table = own.store.table(ALERT_VIEW_TABLE);
    for await (const row of table.listEntities())
      await table.deleteEntity(row.partitionKey!, row.rowKey!);
    const { timeline: _t, ...crashedSummary } = crashed;
    await new AlertViewTable(own.store).putOpen(
      alertPartition('incident', 'VIEW-CRASHED'),
      crashedSummary,
    );
    await own.store
      .table(ALERT_TABLES.alerts)
      .upsertEntity({ partitionKey: '~open', rowKey: alertPartition('incident', 'VIEW-CRASHED') });
    expect((await alerts.listOpen()).map((a) => a.id)).toEqual([crashed.id]);

    const first = await alerts.backfillViews(new Date('2026-11-28T12:00:00Z'));
    expect(first).toEqual({ open: 1, resolved: 2 });
    expect((await alerts.listOpen()).map((a) => a.id)).toEqual([open.id]);
    const since = new Date('2026-11-01T00:00:00Z');
    const days = await alerts.resolvedSince(since);
    expect(
      days
        .map((d) => Object.keys(d.alerts))
        .flat()
        .sort(),
    ).toEqual([closed.id, crashed.id].sort());
    expect(days.find((d) => d.raisedOn === '2026-11-03')?.alerts[closed.id]).toEqual([
      null,
      3_600_000,
    ]);

    // Run again (every start runs it): the same rows.
    const rows = async () => {
      const out: unknown[] = [];
      for await (const row of table.listEntities<Record<string, unknown>>())
        if (row.partitionKey !== 'meta')
          out.push({ ...row, etag: undefined, timestamp: undefined });
      return out;
    };
    const before = await rows();
    expect(await alerts.backfillViews(new Date('2026-11-28T12:05:00Z'))).toEqual({
      open: 1,
      resolved: 0,
    });
    expect(await rows()).toEqual(before);
  } finally {
    await own.stop();
  }
});

test('when a resolved alert is written again (a retry), then its day row is unchanged', async () => {
  const alert = newAlert('VIEW-RETRY', new Date('2026-09-01T09:00:00Z'));
  const created = await repo.create(alert);
  if (!created.ok) throw new Error('not created');
  const closed = resolve(alert, new Date('2026-09-01T09:30:00Z'));
  expect((await repo.update(closed, created.value.etag)).ok).toBe(true);
  const read = async () =>
    (await repo.resolvedSince(new Date('2026-09-01T00:00:00Z'))).find(
      (d) => d.raisedOn === '2026-09-01',
    );
  const before = await views().getEntity('resolved', '2026-09-01');
  expect((await read())?.alerts[alert.id]).toEqual([null, 30 * 60_000]);
  await repo.backfillViews(new Date('2026-11-28T12:00:00Z'));
  expect((await views().getEntity('resolved', '2026-09-01')).etag).toBe(before.etag);
});

test('when many open alerts change at once and one is resolved meanwhile, then the list shows every change and the resolved one stays off it', async () => {
  const alerts = Array.from({ length: 130 }, (_, i) => newAlert(`VIEW-MANY-${i}`));
  const created = await Promise.all(alerts.map((a) => repo.create(a)));
  const acks = await Promise.all(
    alerts.map(async (alert, i) => {
      const c = created[i]!;
      if (!c.ok) throw new Error('not created');
      const acked = acknowledge(alert, sam, new Date(at.getTime() + 60_000));
      if (!acked.ok) throw new Error('not acknowledged');
      const updated = await repo.update(acked.alert, c.value.etag);
      if (!updated.ok) throw new Error('not updated');
      return { alert: acked.alert, etag: updated.value.etag };
    }),
  );
  // Resolved straight after its acknowledgement, before the batch holding that acknowledgement is written.
  const gone = acks[7]!;
  expect(
    (await repo.update(resolve(gone.alert, new Date(at.getTime() + 120_000)), gone.etag)).ok,
  ).toBe(true);
  const other = new TableAlertRepository(store);
  await repo.listOpen(); // waits for this process's pending rows
  const listed = new Map((await other.listOpen()).map((a) => [a.id, a]));
  expect(listed.has(gone.alert.id)).toBe(false);
  for (const { alert } of acks)
    if (alert.id !== gone.alert.id) expect(listed.get(alert.id)?.state).toBe('acknowledged');
});

test('when open alerts change in waves while busy (a storm, a burst of acknowledgements), then their open rows go together in a few transactions, and the list shows every change', async () => {
  const here = new TableAlertRepository(store);
  const alerts = Array.from({ length: 100 }, (_, i) => newAlert(`VIEW-WAVES-${i}`));
  const created = await Promise.all(alerts.map((a) => here.create(a)));
  const transactions = jest.spyOn(views(), 'submitTransaction');
  const started = Date.now();
  // Ten waves of ten acknowledgements, 20 ms apart: each would have been a transaction of its own.
  for (let wave = 0; wave < 10; wave++) {
    await Promise.all(
      alerts.slice(wave * 10, wave * 10 + 10).map(async (alert) => {
        const c = created[alerts.indexOf(alert)]!;
        if (!c.ok) throw new Error('not created');
        const acked = acknowledge(alert, sam, new Date(at.getTime() + 60_000));
        if (!acked.ok || !(await here.update(acked.alert, c.value.etag)).ok)
          throw new Error('not acknowledged');
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
  }
  await here.listOpen(); // waits for this process's pending rows, without the gathering's wait
  const written = transactions.mock.calls.length;
  transactions.mockRestore();
  // About one transaction per 100 ms of gathering (fewer than one a wave on a slow machine too).
  const gatherings = Math.ceil((Date.now() - started) / 100);
  expect(written).toBeGreaterThanOrEqual(2);
  expect(written).toBeLessThanOrEqual(Math.min(9, gatherings + 1));
  const listed = new Map((await new TableAlertRepository(store).listOpen()).map((a) => [a.id, a]));
  for (const alert of alerts) expect(listed.get(alert.id)?.state).toBe('acknowledged');
});

describe('the week rows the tab reads for its weekly figures', () => {
  const from = new Date('2026-10-01T00:00:00Z');
  const now = new Date('2026-11-28T12:00:00Z');

  /** Alerts over three UK weeks with times of many values, some left open (acknowledged or not). */
  async function raiseSome(alerts: TableAlertRepository, prefix: string): Promise<Alert[]> {
    const made: Alert[] = [];
    for (let i = 0; i < 36; i++) {
      const raisedAt = new Date(Date.parse('2026-11-08T23:10:00Z') + i * 13 * 3_600_000 + i * 997);
      let alert = newAlert(`${prefix}-${i}`, raisedAt);
      const created = await alerts.create(alert);
      if (!created.ok) throw new Error('not created');
      let etag = created.value.etag;
      if (i % 5 !== 4) {
        const when = new Date(raisedAt.getTime() + ((i * 7_919) % 50) * 61_003);
        const acked = acknowledge(alert, sam, when);
        if (!acked.ok) throw new Error('not acknowledged');
        const written = await alerts.update(acked.alert, etag);
        if (!written.ok) throw new Error('not written');
        [alert, etag] = [acked.alert, written.value.etag];
      }
      if (i % 6 !== 5) {
        alert = resolve(alert, new Date(raisedAt.getTime() + ((i * 104_729) % 300) * 60_777));
        expect((await alerts.update(alert, etag)).ok).toBe(true);
      }
      made.push(alert);
    }
    return made;
  }

  test('when alerts are acknowledged and resolved, then the figures from the week rows equal those worked out from every alert', async () => {
    const own = await startTestStore();
    try {
      await own.store.createTables(Object.values(ALERT_TABLES));
      const alerts = new TableAlertRepository(own.store);
      const made = await raiseSome(alerts, 'WEEK-ROWS');
      const weeks = await new AlertViewTable(own.store).resolvedWeeks(from);
      // One row a week, not one entry an alert.
      expect(weeks.map((w) => w.weekOf)).toEqual([
        '2026-11-02',
        '2026-11-09',
        '2026-11-16',
        '2026-11-23',
      ]);
      expect(weeks.reduce((n, w) => n + w.raised, 0)).toBe(
        made.filter((a) => a.state === 'resolved').length,
      );
      const open = await alerts.listOpen();
      expect(alertWeeksFromRows(weeks, open, now)).toEqual(alertWeeks(made, now, 8));
      // The same as the figures from the day rows.
      expect(alertWeeksFromRows(weeks, open, now)).toEqual(
        alertWeeksOf(await alerts.resolvedSince(from), open, now),
      );
    } finally {
      await own.stop();
    }
  });

  test('when the week rows are missing or behind their days (older data, a crash), then the start makes them again once, and two instances at once agree', async () => {
    const own = await startTestStore();
    try {
      await own.store.createTables(Object.values(ALERT_TABLES));
      const alerts = new TableAlertRepository(own.store);
      const made = await raiseSome(alerts, 'WEEK-REPAIR');
      const table = own.store.table(ALERT_VIEW_TABLE);
      const weekRows = async () => {
        const out: Record<string, unknown>[] = [];
        for await (const row of table.listEntities<Record<string, unknown>>({
          queryOptions: { filter: "PartitionKey eq 'resolved-week'" },
        }))
          out.push(row);
        return out;
      };
      const made1 = await weekRows();
      // Day rows from before week rows were kept: none. And a crash left one week behind its days.
      for (const row of made1.slice(1))
        await table.deleteEntity(String(row.partitionKey), String(row.rowKey));
      const behind = made1[0]!;
      const empty = { n: 0, lo: 0, values: [] };
      await table.updateEntity(
        {
          partitionKey: 'resolved-week',
          rowKey: String(behind.rowKey),
          days: '{}',
          figures0: JSON.stringify({
            weekOf: behind.rowKey,
            raised: 0,
            ack: empty,
            res: empty,
            days: {},
          }),
        },
        'Merge',
      );
      expect(await new AlertViewTable(own.store).resolvedWeeks(from)).toHaveLength(1);

      const at = new Date('2026-11-28T12:00:00Z');
      await Promise.all([
        alerts.backfillViews(at),
        new TableAlertRepository(own.store).backfillViews(at),
      ]);
      const repaired = await weekRows();
      expect(repaired.map((r) => r['figures0'])).toEqual(made1.map((r) => r['figures0']));
      const open = await alerts.listOpen();
      expect(
        alertWeeksFromRows(await new AlertViewTable(own.store).resolvedWeeks(from), open, now),
      ).toEqual(alertWeeks(made, now, 8));
      // Every start runs it: nothing is written again.
      expect(await new AlertViewTable(own.store).repairWeeks()).toBe(0);
      expect((await weekRows()).map((r) => r.etag)).toEqual(repaired.map((r) => r.etag));
    } finally {
      await own.stop();
    }
  });
  test('when a week row cannot be written, then the resolve still succeeds and the next start makes the row', async () => {
    const own = await startTestStore();
    try {
      await own.store.createTables(Object.values(ALERT_TABLES));
      let weeksFail = true;
      // The same store, but AlertViews refuses every write of a week row while weeksFail.
      const failing = new Proxy(own.store, {
        get(target, prop, receiver) {
          if (prop !== 'table') return Reflect.get(target, prop, receiver);
          return (name: string) => {
            const client = target.table(name);
            if (name !== ALERT_VIEW_TABLE) return client;
            return new Proxy(client, {
              get(c, key) {
                const value = Reflect.get(c, key, c) as unknown;
                if (typeof value !== 'function') return value;
                return (...args: unknown[]) =>
                  weeksFail &&
                  (key === 'createEntity' || key === 'updateEntity') &&
                  (args[0] as { partitionKey?: string }).partitionKey === 'resolved-week'
                    ? Promise.reject(Object.assign(new Error('storage down'), { statusCode: 503 }))
                    : (value as (...a: unknown[]) => unknown).apply(c, args);
              },
            });
          };
        },
      });
      const alerts = new TableAlertRepository(failing);
      const alert = newAlert('WEEK-FAIL', new Date('2026-11-17T09:00:00Z'));
      const created = await alerts.create(alert);
      if (!created.ok) throw new Error('not created');
      const closed = resolve(alert, new Date('2026-11-17T09:45:00Z'));
      expect((await alerts.update(closed, created.value.etag)).ok).toBe(true);
      const weeks = () =>
        new AlertViewTable(own.store).resolvedWeeks(new Date('2026-11-16T00:00:00Z'));
      expect(await weeks()).toEqual([]);
      // Its day row has it: the next start makes the week from it.
      weeksFail = false;
      await new TableAlertRepository(own.store).backfillViews(new Date('2026-11-28T12:00:00Z'));
      expect(await weeks()).toMatchObject([{ weekOf: '2026-11-16', raised: 1, res: { n: 1 } }]);
    } finally {
      await own.stop();
    }
  });
});
