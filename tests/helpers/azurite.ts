import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { TableStore } from '../../src/store/tables';

/** A fresh in-memory Azurite on a random loopback port, and a store whose tables exist. */
export async function startTestStore(): Promise<{
  azurite: EmbeddedAzurite;
  store: TableStore;
  stop: () => Promise<void>;
}> {
  const azurite = await startEmbeddedAzurite();
  const store = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  await store.createTables();
  return { azurite, store, stop: () => azurite.stop() };
}
