import { backgroundTurn, inBackground, StorageGate } from '../../src/app/work-priority';
import { PartitionBatcher } from '../../src/store/partition-batcher';
import { TableStore } from '../../src/store/tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

let azurite: EmbeddedAzurite;
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
});
afterAll(() => azurite.stop());

/** A store on the test's Azurite whose requests go through `gate`, with a table `Rows`. */
const gatedStore = async (gate: StorageGate, prefix: string) => {
  const store = new TableStore(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    prefix,
    undefined,
    gate,
  );
  await store.createTables(['Rows']);
  return store;
};

test('a store opened with a gate sends background work through it: past the limit, its requests wait for a slot', async () => {
  const gate = new StorageGate({ busy: 1, idle: 1 });
  const store = await gatedStore(gate, 'gate');
  const table = store.table('Rows');
  let most = 0;
  const watching = setInterval(() => (most = Math.max(most, gate.queued)), 0);
  const writes = inBackground(() =>
    Array.from({ length: 6 }, (_, i) => table.createEntity({ partitionKey: 'p', rowKey: `r${i}` })),
  );
  await Promise.all(writes);
  clearInterval(watching);
  // Without the gate's pipeline policy nothing would ever queue.
  expect(most).toBeGreaterThan(0);
  const rows = [];
  for await (const row of table.listEntities()) rows.push(row);
  expect(rows).toHaveLength(6);
});

test("a transaction that carries a waiting person's row goes as theirs, even when background work started it: it does not wait behind the background's turns", async () => {
  const gate = new StorageGate({ busy: 1, idle: 1 });
  const store = await gatedStore(gate, 'gateturns');
  const batcher = new PartitionBatcher(() => store.table('Rows'), 'p');
  const row = (i: number) => ({ partitionKey: 'p', rowKey: `r${i}` });
  // Background work has a row in flight and two more waiting behind it, so they go in one transaction...
  const background = inBackground(() => [0, 1, 2].map((i) => batcher.insert(row(i))));
  // ...with a person's row, handed in while that transaction's flush is the background's.
  const persons = batcher.insert(row(3));
  // Much background work waiting for its turns: each piece holds the event loop for a millisecond.
  let turnsTaken = 0;
  const pieces = inBackground(() =>
    Array.from({ length: 100 }, () =>
      backgroundTurn().then(() => {
        const until = performance.now() + 1;
        while (performance.now() < until);
        turnsTaken++;
      }),
    ),
  );
  await expect(persons).resolves.toMatchObject({ ok: true });
  const turnsBeforeThePerson = turnsTaken;
  await Promise.all([...background, ...pieces]);
  // Without the person's priority the transaction's answer waited behind all 100 pieces.
  expect(turnsBeforeThePerson).toBeLessThan(50);
  const rows = [];
  for await (const r of store.table('Rows').listEntities()) rows.push(r);
  expect(rows).toHaveLength(4);
});
