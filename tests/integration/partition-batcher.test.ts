import { inBackground } from '../../src/app/work-priority';
import { FakeClock } from '../../src/domain/shared/clock';
import { replaceIfUnchanged } from '../../src/store/conditional';
import { PartitionBatcher } from '../../src/store/partition-batcher';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';
import { VirtualTimers } from '../helpers/virtual-timers';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(['BatcherTest']);
});
afterAll(() => stop());

const client = () => store.table('BatcherTest');

/** The client, counting the storage requests that write (one each, or one per transaction). */
const countingClient = () => {
  const counter = {
    requests: 0,
    client: () =>
      new Proxy(client(), {
        get(target, prop, receiver) {
          if (
            prop === 'createEntity' ||
            prop === 'updateEntity' ||
            prop === 'upsertEntity' ||
            prop === 'submitTransaction'
          )
            counter.requests++;
          return Reflect.get(target, prop, receiver) as unknown;
        },
      }),
  };
  return counter;
};

/** What `pending` settles to within 5 s, or 'still waiting' (its timer cleared either way). */
const within5s = async <T>(pending: Promise<T>): Promise<T | 'still waiting'> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      pending,
      new Promise<'still waiting'>((r) => (timer = setTimeout(() => r('still waiting'), 5_000))),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

const row = (partitionKey: string, i: number) => ({
  partitionKey,
  rowKey: `r${String(i).padStart(3, '0')}`,
  n: i,
});

const settled = (p: Promise<unknown>) => {
  let done = false;
  void p.finally(() => {
    done = true;
  });
  return () => done;
};

/** Makes the batcher busy: one row alone, then a group of five that waited for it. */
const makeBusy = async (batcher: PartitionBatcher, partitionKey: string) => {
  const all = [batcher.insert(row(partitionKey, 900))];
  for (let i = 1; i <= 5; i++) all.push(batcher.insert(row(partitionKey, 900 + i)));
  for (const r of await Promise.all(all)) expect(r.ok).toBe(true);
};

test('when many rows are inserted at once, then every one is stored and its ETag is good for a conditional change', async () => {
  const batcher = new PartitionBatcher(client, 'many');
  const counting = countingClient();
  const grouped = new PartitionBatcher(counting.client, 'many');
  const results = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      grouped.insert({ partitionKey: 'many', rowKey: `r${String(i).padStart(3, '0')}`, n: i }),
    ),
  );
  expect(results.every((r) => r.ok)).toBe(true);
  // The first goes alone; the rest wait for it and go together (at most 100 a transaction).
  expect(counting.requests).toBeLessThanOrEqual(4);
  const stored: number[] = [];
  for await (const row of client().listEntities<{ n: number }>({
    queryOptions: { filter: "PartitionKey eq 'many'" },
  }))
    stored.push(row.n);
  expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  const first = results[75]!;
  if (!first.ok) throw new Error('not stored');
  const changed = await replaceIfUnchanged(
    client(),
    { partitionKey: 'many', rowKey: 'r075', n: -1 },
    first.value,
  );
  expect(changed.ok).toBe(true);
  // A quiet batcher inserts at once, on its own.
  expect(await batcher.insert({ partitionKey: 'many', rowKey: 'alone', n: 0 })).toMatchObject({
    ok: true,
  });
});

test('when one row in a group cannot be stored, then only its caller hears so and the others are stored', async () => {
  await client().createEntity({ partitionKey: 'mixed', rowKey: 'taken', n: 0 });
  const batcher = new PartitionBatcher(client, 'mixed');
  const first = batcher.insert({ partitionKey: 'mixed', rowKey: 'a', n: 1 });
  // These wait for the first and go as one group: a duplicate, a row too large, and good ones.
  const duplicate = batcher.insert({ partitionKey: 'mixed', rowKey: 'taken', n: 2 });
  const tooLarge = batcher.insert({
    partitionKey: 'mixed',
    rowKey: 'big',
    text: 'x'.repeat(40_000),
  });
  const good = [
    batcher.insert({ partitionKey: 'mixed', rowKey: 'b', n: 3 }),
    batcher.insert({ partitionKey: 'mixed', rowKey: 'c', n: 4 }),
  ];
  expect((await first).ok).toBe(true);
  expect(await duplicate).toEqual({ ok: false, reason: 'exists' });
  await expect(tooLarge).rejects.toThrow();
  for (const g of good) expect((await g).ok).toBe(true);
  const rows: string[] = [];
  for await (const row of client().listEntities({
    queryOptions: { filter: "PartitionKey eq 'mixed'" },
  }))
    rows.push(row.rowKey!);
  expect(rows.sort()).toEqual(['a', 'b', 'c', 'taken']);
  expect((await client().getEntity<{ n: number }>('mixed', 'taken')).n).toBe(0);
});

describe('rows that can wait (card updates for everyone else)', () => {
  // The batcher's clock stands still unless a test moves it, so no test sleeps for a gathering or
  // for the busy spell to pass, and slow storage cannot end either early.
  let timers: VirtualTimers;
  beforeEach(() => {
    timers = new VirtualTimers(new FakeClock());
  });

  test('when the batcher is busy, then rows that can wait gather until a row that cannot arrives, and all go in one transaction', async () => {
    const counting = countingClient();
    // A minute's gathering: only the row that cannot wait ends it here.
    const batcher = new PartitionBatcher(counting.client, 'gather', { gatherMs: 60_000, timers });
    await makeBusy(batcher, 'gather');
    const before = counting.requests;
    const patient: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      patient.push(batcher.insert(row('gather', i), { canWait: true }));
      // Spread out in real time (storage answers meanwhile): without gathering, each would go on its own.
      await new Promise((r) => setTimeout(r, 2));
    }
    const waiting = patient.map(settled);
    // Time for a row sent by mistake to come back from storage: none does, as the gathering holds.
    await new Promise((r) => setTimeout(r, 50));
    expect(waiting.filter((done) => done())).toHaveLength(0);
    const urgent = await batcher.insert(row('gather', 30));
    expect(urgent.ok).toBe(true);
    for (const r of (await Promise.all(patient)) as { ok: boolean }[]) expect(r.ok).toBe(true);
    // The first row that can wait went with the group before it, or alone; the rest went with the urgent one.
    expect(counting.requests - before).toBeLessThanOrEqual(2);
    let stored = 0;
    for await (const _ of client().listEntities({
      queryOptions: { filter: "PartitionKey eq 'gather'" },
    }))
      stored++;
    expect(stored).toBe(6 + 31);
  });

  test('when the batcher is busy and no other row comes, then a row that can wait goes once its time is up', async () => {
    const batcher = new PartitionBatcher(client, 'deadline', { gatherMs: 100, timers });
    await makeBusy(batcher, 'deadline');
    const answer = batcher.insert(row('deadline', 1), { canWait: true });
    // It waits for its time, then goes.
    await timers.settle(1);
    expect(timers.waiting).toBe(1);
    await timers.advance(100, 0);
    expect(await answer).toMatchObject({ ok: true });
  });

  test('when the batcher is busy and a transaction fills, then its rows go at once', async () => {
    const counting = countingClient();
    const batcher = new PartitionBatcher(counting.client, 'full', { gatherMs: 60_000, timers });
    await makeBusy(batcher, 'full');
    const before = counting.requests;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => batcher.insert(row('full', i), { canWait: true })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(counting.requests - before).toBeLessThanOrEqual(2);
  });

  test('when the batcher was busy but has been quiet for a while, then a row that can wait goes at once', async () => {
    const batcher = new PartitionBatcher(client, 'calm', { gatherMs: 60_000, timers });
    await makeBusy(batcher, 'calm');
    await timers.advance(1_100, 0);
    const answer = await within5s(batcher.insert(row('calm', 1), { canWait: true }));
    expect(answer).toMatchObject({ ok: true });
  });

  test('when the batcher is quiet, then a row that can wait goes at once, on its own', async () => {
    const batcher = new PartitionBatcher(client, 'quiet', { gatherMs: 60_000, timers });
    expect(await batcher.insert(row('quiet', 1), { canWait: true })).toMatchObject({ ok: true });
  });
});

describe('rows background work hands in (a storm applied, the jobs)', () => {
  let timers: VirtualTimers;
  beforeEach(() => {
    timers = new VirtualTimers(new FakeClock());
  });

  test('when the batcher is busy, then background rows gather for their own short time and go in one transaction', async () => {
    const counting = countingClient();
    const batcher = new PartitionBatcher(counting.client, 'bg-gather', {
      gatherMs: 60_000,
      backgroundGatherMs: 100,
      timers,
    });
    await makeBusy(batcher, 'bg-gather');
    const before = counting.requests;
    const written: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      written.push(inBackground(() => batcher.insert(row('bg-gather', i))));
      // Spread out in real time: without gathering, most would go on their own or in small groups.
      await new Promise((r) => setTimeout(r, 2));
    }
    const waiting = written.map(settled);
    await new Promise((r) => setTimeout(r, 50));
    // The first may have gone alone; the others wait for their time.
    expect(waiting.filter((done) => done()).length).toBeLessThanOrEqual(1);
    // Their time (100 ms), not the minute a card update may wait.
    await timers.advance(100, 0);
    for (const r of (await Promise.all(written)) as { ok: boolean }[]) expect(r.ok).toBe(true);
    expect(counting.requests - before).toBeLessThanOrEqual(2);
  });

  test('when background rows are gathering, then a row someone waits for goes at once and takes them with it', async () => {
    const counting = countingClient();
    const batcher = new PartitionBatcher(counting.client, 'bg-urgent', {
      backgroundGatherMs: 60_000,
      timers,
    });
    await makeBusy(batcher, 'bg-urgent');
    const before = counting.requests;
    const background = [1, 2, 3].map((i) =>
      inBackground(() => batcher.insert(row('bg-urgent', i))),
    );
    await new Promise((r) => setTimeout(r, 50));
    // Someone waiting: not held for the background's gathering (the virtual clock never moves).
    expect(await batcher.insert(row('bg-urgent', 4))).toMatchObject({ ok: true });
    for (const r of await Promise.all(background)) expect(r.ok).toBe(true);
    expect(counting.requests - before).toBeLessThanOrEqual(2);
  });

  test('when a background writer says its row cannot wait, then it is not held under load', async () => {
    const batcher = new PartitionBatcher(client, 'bg-now', { backgroundGatherMs: 60_000, timers });
    await makeBusy(batcher, 'bg-now');
    const answer = await within5s(
      inBackground(() => batcher.insert(row('bg-now', 1), { canWait: false })),
    );
    expect(answer).toMatchObject({ ok: true });
  });

  test("when a test fakes the global timers, then a background row gathering under load still goes in its time (the batcher's own timers are the timers module's)", async () => {
    // Built with its real timers: only the globals are faked, as a test of some other part would.
    const batcher = new PartitionBatcher(client, 'bg-faked', { backgroundGatherMs: 20 });
    await makeBusy(batcher, 'bg-faked');
    const nodeTimers = jest.requireActual<typeof import('node:timers')>('node:timers');
    let watchdog: ReturnType<typeof nodeTimers.setTimeout> | undefined;
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date'] });
    try {
      const answer = inBackground(() => batcher.insert(row('bg-faked', 1)));
      const late = new Promise(
        (r) => (watchdog = nodeTimers.setTimeout(() => r('still waiting'), 3_000)),
      );
      expect(await Promise.race([answer, late])).toMatchObject({ ok: true });
    } finally {
      jest.useRealTimers();
      nodeTimers.clearTimeout(watchdog);
    }
  });

  test('when the batcher is quiet, then a background row goes at once', async () => {
    const batcher = new PartitionBatcher(client, 'bg-quiet', {
      backgroundGatherMs: 60_000,
      timers,
    });
    const answer = await within5s(inBackground(() => batcher.insert(row('bg-quiet', 1))));
    expect(answer).toMatchObject({ ok: true });
  });
});

test('when many rows are replaced on their ETags at once, then they go in a few transactions and each caller gets a good new ETag', async () => {
  const plain = new PartitionBatcher(client, 'replaces');
  const inserted = await Promise.all(
    Array.from({ length: 30 }, (_, i) => plain.insert(row('replaces', i))),
  );
  const counting = countingClient();
  const batcher = new PartitionBatcher(counting.client, 'replaces');
  const replaced = await Promise.all(
    inserted.map((r, i) =>
      batcher.replace({ ...row('replaces', i), n: i + 1000 }, r.ok ? r.value : ''),
    ),
  );
  expect(replaced.every((r) => r.ok)).toBe(true);
  // One alone, then the rest together: far fewer requests than rows.
  expect(counting.requests).toBeLessThan(5);
  for (const [i, r] of replaced.entries()) {
    const stored = await client().getEntity<{ n: number }>('replaces', row('replaces', i).rowKey);
    expect(stored.n).toBe(i + 1000);
    // The ETag each caller got is the row's own: a conditional change on it works.
    const again = await replaceIfUnchanged(client(), row('replaces', i), r.ok ? r.value : '');
    expect(again.ok).toBe(true);
  }
});

test('when one replace in a group is on a stale ETag, then only that one hears "conflict" and the others are written', async () => {
  const plain = new PartitionBatcher(client, 'stale');
  const inserted = await Promise.all(
    Array.from({ length: 6 }, (_, i) => plain.insert(row('stale', i))),
  );
  const etags = inserted.map((r) => (r.ok ? r.value : ''));
  // Row 3 changes under the batcher's callers.
  await client().updateEntity({ ...row('stale', 3), n: -1 }, 'Replace');
  const batcher = new PartitionBatcher(client, 'stale');
  const results = await Promise.all(
    etags.map((etag, i) => batcher.replace({ ...row('stale', i), n: i + 50 }, etag)),
  );
  expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true]);
  expect(results[3]).toEqual({ ok: false, reason: 'conflict' });
  const stored = await client().getEntity<{ n: number }>('stale', row('stale', 3).rowKey);
  expect(stored.n).toBe(-1);
  const other = await client().getEntity<{ n: number }>('stale', row('stale', 4).rowKey);
  expect(other.n).toBe(54);
});

test('when many rows are upserted at once, new and existing alike, then every one holds what was written last', async () => {
  await client().createEntity(row('upserts', 2));
  const counting = countingClient();
  const batcher = new PartitionBatcher(counting.client, 'upserts');
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => batcher.upsert({ ...row('upserts', i), n: i * 2 })),
  );
  expect(results.every((r) => r.ok && r.value)).toBe(true);
  expect(counting.requests).toBeLessThan(5);
  for (let i = 0; i < 40; i++) {
    const stored = await client().getEntity<{ n: number }>('upserts', row('upserts', i).rowKey);
    expect(stored.n).toBe(i * 2);
  }
});

test('when rows that are almost always new are written at once and one is there already, then every one holds what was written and its ETag is good', async () => {
  await client().createEntity(row('new-rows', 7));
  const batcher = new PartitionBatcher(client, 'new-rows');
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => batcher.upsertNew({ ...row('new-rows', i), n: i * 3 })),
  );
  for (const [i, r] of results.entries()) {
    if (!r.ok) throw new Error(`row ${i} not written`);
    const stored = await client().getEntity<{ n: number }>('new-rows', row('new-rows', i).rowKey);
    // Including the row that was there before: replaced, as an upsert would.
    expect(stored.n).toBe(i * 3);
    expect(r.value).toBe(stored.etag);
  }
  // Quiet, one on its own: new, then already there.
  const quiet = new PartitionBatcher(client, 'new-rows-quiet');
  expect((await quiet.upsertNew({ ...row('new-rows-quiet', 1), n: 1 })).ok).toBe(true);
  expect((await quiet.upsertNew({ ...row('new-rows-quiet', 1), n: 2 })).ok).toBe(true);
  const again = await client().getEntity<{ n: number }>(
    'new-rows-quiet',
    row('new-rows-quiet', 1).rowKey,
  );
  expect(again.n).toBe(2);
});

test('when one transaction stores the rows of many background writers, then each writer resumes in a turn of the event loop of its own (a webhook request arriving is read between them)', async () => {
  const batcher = new PartitionBatcher(client, 'turns');
  await makeBusy(batcher, 'turns');
  const log: string[] = [];
  let running = true;
  const tick = () => {
    log.push('turn');
    if (running) setImmediate(tick);
  };
  const results = await inBackground(() => {
    const writes = [1, 2, 3, 4, 5].map(async (i) => {
      const r = await batcher.insert(row('turns', i), { canWait: true });
      log.push(`writer${i}`);
      return r;
    });
    setImmediate(tick);
    return Promise.all(writes);
  });
  running = false;
  for (const r of results) expect(r.ok).toBe(true);
  const writers = log.flatMap((e, i) => (e === 'turn' ? [] : [i]));
  expect(writers).toHaveLength(5);
  // Between any two writers' pieces the loop turned.
  for (let k = 1; k < writers.length; k++) expect(writers[k]! - writers[k - 1]!).toBeGreaterThan(1);
});
