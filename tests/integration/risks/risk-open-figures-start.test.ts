import { loadConfig } from '../../../src/config';
import { raiseRisk } from '../../../src/domain/risk';
import { createLogger } from '../../../src/logger';
import { startApp } from '../../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../../src/store/embedded-azurite';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import { TableStore } from '../../../src/store/tables';

/** An app started on a register an older version wrote gives its open index rows the figures' columns. */
jest.setTimeout(60_000);

let azurite: EmbeddedAzurite;
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
});
afterAll(() => azurite?.stop());

test('when the app starts on open risks whose index rows lack the figure columns, then it gives them theirs', async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    TABLES_CONNECTION_STRING: azurite.connectionString,
  });
  const start = () => startApp(config, { logger: createLogger('silent'), jobs: false });
  await (await start()).stop();

  const store = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  const risk = raiseRisk(
    {
      title: 'Unsupported operating system on ward PCs',
      description: 'Forty PCs still run an unsupported version.',
      orgCode: 'RXC',
      cafPrinciple: 'B4',
      likelihood: 4,
      consequence: 3,
      owner: 'Head of IT',
      mitigations: 'Isolate them',
      reviewDate: '2027-01-31',
    },
    {
      id: 'R-START-1',
      actor: { id: 'a1', name: 'Zoë', source: 'teams' },
      at: new Date('2026-11-28T09:00:00Z'),
    },
  ).risk;
  expect((await new TableRiskRepository(store).create(risk)).ok).toBe(true);
  // The index row as an older version wrote it: its kind, id and JSON.
  const client = store.table(RISK_TABLE);
  const indexRow = async () => {
    for await (const row of client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: "PartitionKey eq 'register' and RowKey ge 'open_' and RowKey lt 'open`'",
      },
    }))
      if (row['id'] === 'R-START-1') return row;
    throw new Error('no index row');
  };
  const written = await indexRow();
  await client.upsertEntity(
    {
      partitionKey: 'register',
      rowKey: String(written['rowKey']),
      kind: 'open',
      id: 'R-START-1',
      ...Object.fromEntries(Object.entries(written).filter(([k]) => k.startsWith('json'))),
    },
    'Replace',
  );
  expect((await indexRow())['likelihood']).toBeUndefined();

  const app = await start();
  try {
    expect(await indexRow()).toMatchObject({
      likelihood: 4,
      consequence: 3,
      score: 12,
      title: 'Unsupported operating system on ward PCs',
      orgCode: 'RXC',
      exerciseId: '',
    });
  } finally {
    await app.stop();
  }
});
