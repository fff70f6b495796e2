import { TableServiceClient } from '@azure/data-tables';
import { benchStorage } from '../../bench/alerts-storm';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

/**
 * Issue 18: the storm and acknowledge benchmarks can be pointed at a Table Storage account
 * (BENCH_STORAGE_CONNECTION_STRING), which may hold a deployment's own tables. A bench run works in
 * tables of its own and deletes those, and only those, when it ends. Azurite stands in for the account.
 */
let azurite: EmbeddedAzurite;
let service: TableServiceClient;

const tableNames = async (): Promise<string[]> => {
  const names: string[] = [];
  for await (const table of service.listTables()) names.push(table.name!);
  return names.sort();
};

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  service = TableServiceClient.fromConnectionString(azurite.connectionString, {
    allowInsecureConnection: true,
  });
});
afterAll(() => azurite.stop());
afterEach(() => {
  delete process.env['BENCH_STORAGE_CONNECTION_STRING'];
});

test('when a bench run on an account ends, its own tables are deleted and every other table is left as it was', async () => {
  process.env['BENCH_STORAGE_CONNECTION_STRING'] = azurite.connectionString;
  // A deployment's tables, and another run's, on the same account.
  for (const name of ['Alerts', 'ctacSendQueue', 'bench0a1b2c3dAlerts'])
    await service.createTable(name);

  const storage = await benchStorage();
  expect(storage.connectionString).toBe(azurite.connectionString);
  expect(storage.prefix).toMatch(/^bench[0-9a-f]{8}$/);
  // No Azurite of its own: no storage CPU to count.
  expect(storage.pid).toBeUndefined();
  // The floor's, the app's and the warm-up app's tables.
  for (const name of ['WebhookFloor', 'Alerts', 'warmSendQueue'])
    await service.createTable(`${storage.prefix}${name}`);

  await storage.stop();

  expect(await tableNames()).toEqual(['Alerts', 'bench0a1b2c3dAlerts', 'ctacSendQueue']);
});

test('when two runs share an account, each gets tables of its own', async () => {
  process.env['BENCH_STORAGE_CONNECTION_STRING'] = azurite.connectionString;
  const [first, second] = await Promise.all([benchStorage(), benchStorage()]);
  expect(first.prefix).not.toBe(second.prefix);
  await Promise.all([first.stop(), second.stop()]);
});
