import { inBackground, StorageGate } from '../../src/app/work-priority';
import { TableStore } from '../../src/store/tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

let azurite: EmbeddedAzurite;
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
});
afterAll(() => azurite.stop());

test('a store opened with a gate sends background work through it: past the limit, its requests wait for a slot', async () => {
  const gate = new StorageGate({ busy: 1, idle: 1 });
  const store = new TableStore(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    'gate',
    undefined,
    gate,
  );
  await store.createTables(['Rows']);
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
