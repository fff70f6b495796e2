import { replaceIfUnchanged } from '../../src/store/conditional';
import { InsertBatcher } from '../../src/store/insert-batcher';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(['BatcherTest']);
});
afterAll(() => stop());

const client = () => store.table('BatcherTest');

test('when many rows are inserted at once, then every one is stored and its ETag is good for a conditional change', async () => {
  const batcher = new InsertBatcher(client, 'many');
  let requests = 0;
  const counting = () => {
    const c = client();
    return new Proxy(c, {
      get(target, prop, receiver) {
        if (prop === 'createEntity' || prop === 'submitTransaction') requests++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  };
  const grouped = new InsertBatcher(counting, 'many');
  const results = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      grouped.insert({ partitionKey: 'many', rowKey: `r${String(i).padStart(3, '0')}`, n: i }),
    ),
  );
  expect(results.every((r) => r.ok)).toBe(true);
  // The first goes alone; the rest wait for it and go together (at most 100 a transaction).
  expect(requests).toBeLessThanOrEqual(4);
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
  const batcher = new InsertBatcher(client, 'mixed');
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
