import { TableClient } from '@azure/data-tables';
import { logDecision, type Decision } from '../../../src/domain/decisions';
import { parseQuarter } from '../../../src/domain/figures';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([DECISION_TABLE]);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await stop();
});

const q3 = parseQuarter('2026-Q3')!;
const actor = { id: 'lead-1', name: 'Asha Patel', source: 'api' as const };
const decision = (id: string, at: Date, over: Partial<Decision> = {}): Decision => ({
  ...logDecision(
    { text: `Decision ${id}`, rationale: 'Because', decidedBy: 'forum', outcome: 'approved' },
    { id, actor, at },
  ),
  ...over,
});
/** `count` decisions of Q3 2026-27, an hour apart from 1 November. */
const many = (count: number, prefix = 'D-') =>
  Array.from({ length: count }, (_, i) =>
    decision(
      `${prefix}${String(i).padStart(3, '0')}`,
      new Date(Date.parse('2026-11-01T09:00:00Z') + i * 3_600_000),
    ),
  );

/** The reads of the Decisions table while `act` runs: queries and point reads. */
async function reads(act: () => Promise<unknown>) {
  const list = jest.spyOn(TableClient.prototype, 'listEntities');
  const get = jest.spyOn(TableClient.prototype, 'getEntity');
  await act();
  const ofDecisions = (instances: unknown[]) =>
    instances.filter((c) => (c as TableClient).tableName === DECISION_TABLE).length;
  const counted = {
    queries: ofDecisions(list.mock.instances),
    points: ofDecisions(get.mock.instances),
  };
  list.mockRestore();
  get.mockRestore();
  return counted;
}

describe("the newest of a quarter's decisions and how many it holds", () => {
  it('when a quarter holds more decisions than asked for, then the newest come with the count, from one query and one point read', async () => {
    const repo = new TableDecisionRepository(store);
    for (const d of many(30)) await repo.create(d);
    await repo.create(decision('D-BEFORE', new Date('2026-09-30T22:59:59Z')));
    await repo.create(decision('D-AFTER', new Date('2027-01-01T00:00:00Z')));
    await repo.create(
      decision('D-DRILL', new Date('2026-11-02T09:00:00Z'), {
        exercise: { id: 'X-1', name: 'Drill' },
      }),
    );

    // The first read makes the kept count whole from the log (see the test of older decisions below).
    expect((await repo.newestOfQuarter(q3, 10)).total).toBe(30);
    let got: Awaited<ReturnType<TableDecisionRepository['newestOfQuarter']>> | undefined;
    const counted = await reads(async () => (got = await repo.newestOfQuarter(q3, 10)));
    expect(got!.total).toBe(30);
    expect(got!.decisions.map((d) => d.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `D-${String(29 - i).padStart(3, '0')}`),
    );
    expect(counted).toMatchObject({ queries: 1, points: 1 });
  });

  it('when the same decision is logged twice, then it is counted once', async () => {
    const repo = new TableDecisionRepository(store);
    const [d] = many(1);
    expect((await repo.create(d!)).ok).toBe(true);
    expect((await repo.create(d!)).ok).toBe(false);
    expect((await new TableDecisionRepository(store).create(d!)).ok).toBe(false);
    expect((await repo.newestOfQuarter(q3, 1)).total).toBe(1);
  });

  it('when two instances log decisions at once, then every one is counted', async () => {
    const [a, b] = [new TableDecisionRepository(store), new TableDecisionRepository(store)];
    await Promise.all(many(20).map((d, i) => (i % 2 ? a : b).create(d)));
    expect((await a.newestOfQuarter(q3, 5)).total).toBe(20);
  });

  it('when many decisions are logged at once, then the kept count takes them without lost races, none lost', async () => {
    const repo = new TableDecisionRepository(store);
    const [first, ...rest] = many(61);
    await repo.create(first!);
    expect((await repo.newestOfQuarter(q3, 5)).total).toBe(1);
    const write = jest.spyOn(TableClient.prototype, 'updateEntity');
    await Promise.all(rest.map((d) => repo.create(d)));
    const writes = write.mock.instances.filter(
      (c) => (c as unknown as TableClient).tableName === DECISION_TABLE,
    ).length;
    write.mockRestore();
    // Ids that arrive while the row is being written wait for its next write: no write loses a race on
    // the row's ETag, so there are never more writes than decisions (hundreds of lost races without).
    expect(writes).toBeLessThanOrEqual(rest.length);
    expect((await repo.newestOfQuarter(q3, 5)).total).toBe(61);
  });

  it('when decisions were logged before the count was kept, then the quarter is counted from the log once, and kept from then on', async () => {
    const repo = new TableDecisionRepository(store);
    for (const d of many(12)) await repo.create(d);
    // As before the count was kept: no row for the quarter.
    await store.table(DECISION_TABLE).deleteEntity('quarter', '2026-Q3');
    // And one logged since, by a version that keeps it: the row it starts is not the whole quarter.
    await repo.create(decision('D-LATER', new Date('2026-12-01T09:00:00Z')));

    expect((await repo.newestOfQuarter(q3, 5)).total).toBe(13);
    const again = await reads(() => repo.newestOfQuarter(q3, 5));
    expect(again).toMatchObject({ queries: 1, points: 1 });
    expect((await repo.newestOfQuarter(q3, 5)).total).toBe(13);
  });

  it("when a decision's count was lost (a crash after logging it), then reading the quarter puts it back", async () => {
    const repo = new TableDecisionRepository(store);
    for (const d of many(3)) await repo.create(d);
    await repo.newestOfQuarter(q3, 2);
    const write = jest
      .spyOn(TableClient.prototype, 'updateEntity')
      .mockRejectedValueOnce(new Error('connection reset'));
    expect((await repo.create(decision('D-LOST', new Date('2026-12-01T09:00:00Z')))).ok).toBe(true);
    write.mockRestore();

    const read = await repo.newestOfQuarter(q3, 2);
    expect(read.decisions.map((d) => d.id)).toEqual(['D-LOST', 'D-002']);
    expect(read.total).toBe(4);
    expect((await repo.newestOfQuarter(q3, 2)).total).toBe(4);
  });

  it("when another instance logs a decision after this one counted the quarter, then this one's next count has it, and the quarter's ids are read again only then", async () => {
    const [here, there] = [new TableDecisionRepository(store), new TableDecisionRepository(store)];
    for (const d of many(12)) await there.create(d);
    expect((await here.newestOfQuarter(q3, 5)).total).toBe(12);
    /** The point reads of the quarter's id row that fetch the ids themselves (not only its ETag). */
    const idReads = async (act: () => Promise<unknown>) => {
      const get = jest.spyOn(TableClient.prototype, 'getEntity');
      await act();
      const whole = get.mock.calls.filter(
        ([pk, , options]) => pk === 'quarter' && !options?.queryOptions?.select,
      ).length;
      get.mockRestore();
      return whole;
    };

    let total = 0;
    expect(await idReads(async () => (total = (await here.newestOfQuarter(q3, 5)).total))).toBe(0);
    expect(total).toBe(12);

    // Logged with an earlier date than the newest five: only the kept count can say it is there.
    await there.create(decision('D-THERE', new Date('2026-10-15T09:00:00Z')));
    expect(await idReads(async () => (total = (await here.newestOfQuarter(q3, 5)).total))).toBe(1);
    expect(total).toBe(13);
    // This instance's own decisions keep what it holds up to date: nothing to read again.
    await here.create(decision('D-HERE', new Date('2026-10-16T09:00:00Z')));
    expect(await idReads(async () => (total = (await here.newestOfQuarter(q3, 5)).total))).toBe(0);
    expect(total).toBe(14);
  });

  it('when fewer decisions remain than asked for (retention deleted the rest), then the count is of those listed', async () => {
    const repo = new TableDecisionRepository(store);
    for (const d of many(3)) await repo.create(d);
    expect((await repo.newestOfQuarter(q3, 2)).total).toBe(3);
    const log = store.table(DECISION_TABLE);
    for await (const row of log.listEntities({ queryOptions: { filter: "PartitionKey eq 'log'" } }))
      if (row['id'] === 'D-000' || row.rowKey === 'id_D-000')
        await log.deleteEntity('log', row.rowKey!);

    const read = await repo.newestOfQuarter(q3, 5);
    expect(read.decisions.map((d) => d.id)).toEqual(['D-002', 'D-001']);
    expect(read.total).toBe(2);
  });
});
