import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { azuriteConnectionString } from '../../src/store/embedded-azurite';
import { TableStore } from '../../src/store/tables';

/**
 * The health check's ping gives Table Storage 2 s. When the service is failing (here a local stand-in
 * for it that answers every request 503 at once), the ping gives up in time, and its request is
 * abandoned with it: not retried in the background for seconds after /api/health has answered, adding
 * to the load on a service already in trouble.
 */
let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('when Table Storage is failing, then the ping gives up in time and nothing is retried after it', async () => {
  const store = new TableStore({
    kind: 'connectionString',
    connectionString: azuriteConnectionString((server.address() as AddressInfo).port),
  });

  await expect(store.ping(300)).rejects.toThrow('Table Storage did not answer in time');
  const whenItGaveUp = requests;
  expect(whenItGaveUp).toBeGreaterThanOrEqual(1);

  // The SDK's first retry would come about a second after the first answer.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(requests).toBe(whenItGaveUp);
});
