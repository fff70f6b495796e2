import { execFile } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

const SECRET = 'readme-example-secret';
let azurite: EmbeddedAzurite;
let app: RunningApp;
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_WEBHOOK_SECRET: SECRET,
    }),
    { logger: createLogger('silent') },
  );
});
afterAll(async () => {
  await app.stop();
  await azurite.stop();
});

/** The README's curl example, as written, pointed at this test's app and secret. */
function readmeExample(): string {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('<!-- alerts:start -->'),
    readme.indexOf('<!-- alerts:end -->'),
  );
  const block = /```sh\n([\s\S]*?openssl dgst[\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('The README has no curl example in the alerts section.');
  return block
    .replace("SECRET='the CTAC_WEBHOOK_SECRET value'", `SECRET='${SECRET}'`)
    .replace('http://127.0.0.1:3978', app.url);
}

test('when the README curl example is run as written, then the alert is created, and a second run is a duplicate', async () => {
  const run = () => promisify(execFile)('bash', ['-c', readmeExample()]);
  const first = JSON.parse((await run()).stdout);
  expect(first).toMatchObject({ outcome: 'created', state: 'triggered' });
  // The alert follows the answer in the background.
  await app.jobs.alertInbox.settled();
  const stored = await new TableAlertRepository(app.store).get(first.id);
  expect(stored?.alert).toMatchObject({
    dedupKey: 'CSOC-2026-0042',
    severity: 'high',
    organisations: ['RXH'],
  });
  const second = JSON.parse((await run()).stdout);
  expect(second).toEqual({ id: first.id, outcome: 'duplicate', state: 'triggered' });
});
