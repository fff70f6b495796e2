import { raiseAlert } from '../../src/domain/alerts';
import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableAlertDigestRepository } from '../../src/store/alert-digest-repository';
import { TableAlertInboxStore } from '../../src/store/alert-inbox-store';
import { TableAlertRepository } from '../../src/store/alert-repository';
import type { TableStore } from '../../src/store/tables';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../helpers/app-fixture';
import type { RecordingConnector } from '../helpers/recording-connector';
import {
  bodyText,
  drainSendQueue,
  isChannelPost,
  person,
  postAlert,
  signedAlert,
} from '../helpers/teams-fault-world';

/**
 * The app dies between storing an alert and queueing its card (SIGKILL, a crash, a store error): the
 * sender's retry is only a duplicate, so nothing would post the card. The escalation job's check
 * finds open alerts not marked posted a minute after they were raised and posts each once, on its
 * own or by queueing the storm digest that holds it.
 */
jest.setTimeout(90_000);

const SECRET = 'unposted-secret-0123456789abcdef';
const clock = new FakeClock('2026-11-28T09:00:00Z');
const webhook = { id: 'api:webhook', name: 'Webhook', source: 'api' as const };
let world: TeamsWorld;
let store: TableStore;
let connector: RecordingConnector;
let app: RunningApp;

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [person(1, 'Jane Smith', 'member')] });
  ({ store, connector } = world);
  app = await startAppOn(world.connectionString, SECRET, { clock });
  await app.jobs.sendQueue.stop();
  await app.jobs.escalation.stop();
  await app.jobs.rota.stop();
});
afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

/** Time passes; the escalation job ticks (its check for unposted alerts too) and the queue empties. */
async function after(ms: number): Promise<void> {
  clock.advance(ms);
  await app.jobs.escalation.tick(clock.now());
  await drainSendQueue(app.jobs.sendQueue, clock);
}

/**
 * An alert stored as the webhook's inbox would store it (its inbox row, still claimed by the instance
 * that took it, and the alert), the process then dying before its card was queued.
 */
async function storedButNeverQueued(dedupKey: string, title: string) {
  const incoming = { source: 'incident' as const, dedupKey, title, severity: 'low' as const };
  const { alert } = raiseAlert(incoming, {
    id: `ORPH${dedupKey.replace(/\W/g, '')}`,
    actor: webhook,
    at: clock.now(),
  });
  const taken = await new TableAlertInboxStore(store).insert({
    ...incoming,
    alertId: alert.id,
    version: Math.floor(clock.now().getTime() / 1000) - 1,
    signatures: [],
    incoming,
    actor: webhook,
    done: false,
    claimedBy: 'an instance that died',
    claimedUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
  });
  const created = await new TableAlertRepository(store).create(alert);
  if (!taken.ok || !created.ok) throw new Error('seeding failed');
  return alert;
}

const postsShowing = (text: string) =>
  connector.delivered.filter((r) => isChannelPost(r) && bodyText(r).includes(text));

test('when an alert was stored but its card never queued, then a minute later the job posts it, once, and a retried send does not post it twice', async () => {
  await storedButNeverQueued('LOST-001', 'Lost alert one: ransomware note found');
  // A card queued normally in the same minute is left alone.
  const sent = await postAlert(
    app.url,
    signedAlert(SECRET, clock.now(), {
      source: 'incident',
      id: 'FINE-001',
      title: 'Fine alert: phishing wave',
      severity: 'low',
    }),
  );
  expect(sent.status).toBe(201);
  await app.jobs.alertInbox.settled();

  // Within the minute's grace nothing is touched (an ingest may still be on its way).
  await after(0);
  expect(postsShowing('Lost alert one')).toHaveLength(0);

  await after(61_000);
  expect(postsShowing('Lost alert one')).toHaveLength(1);
  expect(postsShowing('Fine alert: phishing wave')).toHaveLength(1);

  // Later checks, and the sender's retry (a duplicate), post nothing more.
  const retry = await postAlert(
    app.url,
    signedAlert(SECRET, clock.now(), {
      source: 'incident',
      id: 'LOST-001',
      title: 'Lost alert one: ransomware note found',
      severity: 'low',
    }),
  );
  expect(retry.status).toBe(200);
  for (let i = 0; i < 3; i++) {
    await after(6 * 60_000);
  }
  expect(postsShowing('Lost alert one')).toHaveLength(1);
  expect(postsShowing('Fine alert: phishing wave')).toHaveLength(1);
  const stored = await new TableAlertRepository(store).findByDedupKey('incident', 'LOST-001');
  expect(stored?.alert.channelPost).toBeDefined();
});

test('when an alert joined a storm digest whose card was never queued, then the job queues that digest with every alert it holds', async () => {
  clock.advance(10 * 60_000);
  const first = await storedButNeverQueued('DIG-001', 'Digest orphan one: scanning from one range');
  const second = await storedButNeverQueued(
    'DIG-002',
    'Digest orphan two: scanning from one range',
  );
  // The process had put both in a new digest, then died before queueing the digest's card.
  const digestRepo = new TableAlertDigestRepository(store);
  await digestRepo.add('000000000000001_000001_digest-orphan', first.id, clock.now());
  await digestRepo.add('000000000000001_000001_digest-orphan', second.id, clock.now());

  await after(61_000);
  const digests = postsShowing('Digest orphan one');
  expect(digests).toHaveLength(1);
  expect(bodyText(digests[0]!)).toContain('Digest orphan two');
  expect(bodyText(digests[0]!)).toContain('Alert storm');
  // Both now know where their card is, and the next checks leave them alone.
  await after(6 * 60_000);
  expect(postsShowing('Digest orphan one')).toHaveLength(1);
  const repo = new TableAlertRepository(store);
  expect((await repo.get(first.id))?.alert.channelPost).toBeDefined();
  expect((await repo.get(second.id))?.alert.channelPost).toBeDefined();
});
