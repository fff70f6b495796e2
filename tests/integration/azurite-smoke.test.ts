import { startTestStore } from '../helpers/azurite';

test('when Azurite starts in-process, then the store answers a ping', async () => {
  const { store, stop } = await startTestStore();
  try {
    await store.ping();
  } finally {
    await stop();
  }
});
