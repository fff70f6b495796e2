import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HEALTH_MAX_AGE_MS } from '../../src/api/store-health';
import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { postSignedAlert, signedAlert, type SignedAlert } from '../helpers/alert-webhook';
import { startAppOn } from '../helpers/app-fixture';
import { RecordingNotifier } from '../integration/alerts/fixtures';

/**
 * Table Storage goes away while the app runs, then comes back on the same port with the same data (an
 * Azurite keeping its data on disk, restarted): the API says so plainly meanwhile, and nothing is lost.
 */
jest.setTimeout(180_000);

const SECRET = 'outage-secret-0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'ctac-outage-'));
const clock = new FakeClock('2026-11-28T09:00:00Z');
const notifier = new RecordingNotifier();
let azurite: EmbeddedAzurite;
let app: RunningApp;
let port: number;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite({ dataDir });
  port = azurite.port;
  app = await startAppOn(
    azurite.connectionString,
    SECRET,
    { clock, alertNotifier: notifier },
    { CTAC_DEV_HOST: 'true' },
  );
});
afterAll(async () => {
  await app?.stop();
  await azurite?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const signed = (id: string, title: string) =>
  signedAlert(SECRET, clock.now(), { source: 'incident', id, title, severity: 'high' });

async function post(req: SignedAlert) {
  const res = await postSignedAlert(app.url, req);
  const body = await res.json();
  // The alert and its card follow the answer in the background.
  await app.jobs.alertInbox.settled();
  return { status: res.status, body };
}

test('when Table Storage stops and comes back, then the API answers 503 meanwhile and nothing is lost', async () => {
  const before = await post(signed('OUTAGE-1', 'Before the outage'));
  expect(before.status).toBe(201);
  const bearer = await app.devIssuer!.sign({ oid: 'a1a1a1a1-0000-4000-8000-000000000001' });

  await azurite.stop();

  const health = await fetch(`${app.url}/api/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ message: 'Table Storage is not answering.' });

  const tab = await fetch(`${app.url}/api/tab/me`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(tab.status).toBe(503);
  expect((await tab.json()).error.message).toContain('Table Storage is not answering');

  // The sender's alert during the outage is refused with a 503 it can retry, not half-taken.
  const during = signed('OUTAGE-2', 'During the outage');
  const refused = await post(during);
  expect(refused.status).toBe(503);
  expect(refused.body.error.message).toContain('try again');

  azurite = await startEmbeddedAzurite({ dataDir, port });

  // Health answers from a store check at most 5 s old (HEALTH_MAX_AGE_MS): past that, it looks again.
  clock.advance(HEALTH_MAX_AGE_MS);
  expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  // The same signed request, retried once the store is back, is taken.
  const retried = await post(during);
  expect(retried.status).toBe(201);
  const repo = new TableAlertRepository(app.store);
  const open = await repo.listOpen();
  expect(open.map((a) => a.dedupKey).sort()).toEqual(['OUTAGE-1', 'OUTAGE-2']);
  expect((await repo.get(before.body.id))?.alert.title).toBe('Before the outage');
  // Each alert was posted once.
  expect(
    notifier
      .of('post')
      .map((c) => c.alertId)
      .sort(),
  ).toEqual([before.body.id, retried.body.id].sort());
});
