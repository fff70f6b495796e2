import { alertPostRecorder } from '../../src/app/alerts/alert-digests';
import { SendQueue } from '../../src/app/outbox';
import { TeamsAlertNotifier } from '../../src/bot/alerts/teams-alert-notifier';
import { createSendingAdapter, TeamsSender } from '../../src/bot/teams-sender';
import { loadConfig } from '../../src/config';
import { acknowledge, raiseAlert, resolve, type Alert } from '../../src/domain/alerts';
import type { Actor } from '../../src/domain/shared/actor';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { TableAlertDigestRepository } from '../../src/store/alert-digest-repository';
import { TableConversationRepository } from '../../src/store/directory-repositories';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from '../../src/store/send-queue-repository';
import { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';
import { RecordingConnector, type ConnectorRequest } from '../helpers/recording-connector';
import { cardText } from '../helpers/stack';

const CHANNEL = '19:ics-cyber@thread.tacv2';
const webhook: Actor = { id: 'api:webhook', name: 'Webhook', source: 'api' };
const ben: Actor = {
  id: 'b2b2b2b2-0000-4000-8000-000000000002',
  name: 'Ben Okafor',
  source: 'teams',
};

let stopStore: () => Promise<void>;
let connector: RecordingConnector;
let clock: FakeClock;
let queue: SendQueue;
let queueRepo: TableSendQueueRepository;
let digests: TableAlertDigestRepository;
let notifier: TeamsAlertNotifier;
const alerts = new Map<string, Alert>();
const posted: { alertId: string; activityId: string; digest?: boolean }[] = [];

beforeAll(async () => {
  const started = await startTestStore();
  stopStore = started.stop;
  const store = new TableStore({
    kind: 'connectionString',
    connectionString: started.azurite.connectionString,
  });
  await store.createTables([SEND_QUEUE_TABLE]);
  queueRepo = new TableSendQueueRepository(store);
  digests = new TableAlertDigestRepository(store);
  clock = new FakeClock('2026-11-28T09:00:00Z');
  connector = await RecordingConnector.start({ now: () => clock.now().getTime() });
  const conversations = new TableConversationRepository(store);
  await conversations.save({
    kind: 'channel',
    id: CHANNEL,
    teamId: 'team-1',
    reference: {
      serviceUrl: connector.url,
      channelId: 'msteams',
      bot: { id: 'bot-1', name: 'CTAC' },
      conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel' },
    },
    updatedAt: clock.now().toISOString(),
  });
  const sender = new TeamsSender({
    adapter: createSendingAdapter(loadConfig({ NODE_ENV: 'test' })),
    botAppId: '',
    conversations,
    member: async () => undefined,
  });
  let n = 0;
  const recordPosted = async (
    alertId: string,
    post: { conversationId: string; activityId: string; digest?: boolean },
  ) => {
    posted.push({ alertId, activityId: post.activityId, digest: post.digest });
  };
  queue = new SendQueue(queueRepo, (m) => sender.deliver(m), {
    clock,
    ids: { next: () => `id${++n}` },
    logger: createLogger('silent'),
    onPosted: alertPostRecorder(digests, recordPosted),
    render: (id) => notifier.cardNow(id),
  });
  notifier = new TeamsAlertNotifier({
    queue,
    digests,
    conversations,
    alerts: {
      get: async (id) => (alerts.has(id) ? { alert: alerts.get(id)!, etag: '*' } : undefined),
    },
    recordPosted,
    clock,
    onCallNames: async () => ['Ben Okafor'],
    member: async () => undefined,
    logger: createLogger('silent'),
  });
});
afterAll(async () => {
  await connector?.stop();
  await stopStore?.();
});

async function drain(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const report = await queue.tick();
    if (!report.nextDueAt) return;
    clock.set(report.nextDueAt);
  }
  throw new Error('the queue never emptied');
}

function raise(i: number): Alert {
  const { alert } = raiseAlert(
    {
      source: 'incident',
      dedupKey: `MSP-${i}`,
      title: `Storm alert number ${i}`,
      severity: 'high',
    },
    { id: `A${i}`, actor: webhook, at: clock.now() },
  );
  alerts.set(alert.id, alert);
  return alert;
}

const cardsOf = (r: ConnectorRequest): unknown =>
  ((r.body['activity'] ?? r.body) as { attachments?: { content: unknown }[] }).attachments?.map(
    (a) => a.content,
  );

test('when more than 5 alerts arrive in a minute, then the rest go into one digest card, each still acknowledgeable, and it updates for everyone', async () => {
  for (let i = 1; i <= 8; i++) {
    await notifier.postToChannel(raise(i));
    // The worker runs as alerts arrive, so the digest is out before the last ones join it (its
    // hold is ended here rather than by its timer).
    if (i === 7) {
      await notifier.flushDigests();
      await drain();
    }
    clock.advance(5_000);
  }
  await drain();

  const posts = connector.delivered.filter(
    (r) => r.method === 'POST' && r.path === '/v3/conversations',
  );
  expect(posts).toHaveLength(6);
  for (let i = 1; i <= 5; i++)
    expect(cardText(cardsOf(posts[i - 1]!))).toContain(`Storm alert number ${i}`);
  const digest = posts[5]!;
  const digestMessage = `${CHANNEL};messageid=msg-6`;
  expect(cardText(cardsOf(digest))).toContain('Alert storm');

  // The digest message, as people see it now: the last update of it.
  const digestNow = () =>
    cardsOf(
      connector.delivered
        .filter((r) => r.conversationId === digestMessage && r.method === 'PUT')
        .at(-1)!,
    );
  const shown = cardText(digestNow());
  expect(shown).toContain('Alert storm: 3 new alerts');
  for (const i of [6, 7, 8]) expect(shown).toContain(`Storm alert number ${i}`);
  expect(JSON.stringify(digestNow())).toContain('"alertId":"A8"');
  expect(
    posted
      .filter((p) => p.digest)
      .map((p) => p.alertId)
      .sort(),
  ).toEqual(['A6', 'A7', 'A8']);
  expect(new Set(posted.filter((p) => p.digest).map((p) => p.activityId))).toEqual(
    new Set(['msg-6']),
  );

  // Ben acknowledges alert 7 from the digest: the digest is updated in place for everyone.
  const acked = acknowledge(alerts.get('A7')!, ben, clock.now());
  if (!acked.ok) throw new Error(acked.message);
  alerts.set('A7', acked.alert);
  await notifier.refreshCard(acked.alert);
  await drain();
  const after = digestNow();
  expect(cardText(after)).toMatch(
    /Storm alert number 7[\s\S]*Acknowledged by Ben Okafor at 28 Nov 2026/,
  );
  const buttons = JSON.stringify(after).match(/"alertId":"A\d"/g) ?? [];
  expect(buttons).toContain('"alertId":"A6"');
  expect(JSON.stringify(after)).toContain('"from":"digest"');

  // Once the storm has passed, a new alert gets its own card again.
  clock.advance(5 * 60_000);
  await notifier.postToChannel(raise(9));
  await drain();
  const last = connector.delivered.filter((r) => r.path === '/v3/conversations').at(-1)!;
  expect(cardText(cardsOf(last))).toContain('Storm alert number 9');
  expect(cardText(cardsOf(last))).not.toContain('Alert storm');
});

test('when 60 alerts arrive at once, then 5 get their own card and the rest fill digests as full as the digest size limit allows, each alert in exactly one message and every card under 28 KB', async () => {
  clock.advance(10 * 60_000);
  const before = connector.delivered.length;
  const storm = Array.from({ length: 60 }, (_, i) => {
    const alert = raise(100 + i);
    // The longest title a sender may give, with characters that need escaping in JSON.
    alert.title = `Storm alert number ${100 + i}: "${'x'.repeat(160)}" <script> & more`.slice(
      0,
      200,
    );
    return alert;
  });
  // All at once, as a webhook storm's requests are handled concurrently.
  await Promise.all(storm.map((a) => notifier.postToChannel(a)));
  await notifier.flushDigests();
  await drain();

  const sent = connector.delivered.slice(before);
  const posts = sent.filter((r) => r.method === 'POST' && r.path === '/v3/conversations');
  const singles = posts.filter((r) => !cardText(cardsOf(r)).includes('Alert storm'));
  const digests = posts.filter((r) => cardText(cardsOf(r)).includes('Alert storm'));
  expect(singles).toHaveLength(5);
  expect(digests).toHaveLength(3);
  // What the channel shows now: each message's latest content (its post, or its last update).
  const latest = new Map<string, string>();
  for (const r of sent) {
    const id = r.method === 'POST' ? r.createdId : r.conversationId.split('=')[1];
    if (id) latest.set(id, JSON.stringify(cardsOf(r)));
  }
  for (const a of storm) {
    const showing = [...latest.values()].filter((card) => card.includes(`"alertId":"${a.id}"`));
    expect(showing).toHaveLength(1);
  }
  for (const card of latest.values()) expect(Buffer.byteLength(card)).toBeLessThan(28 * 1024);
  const sizes = [...latest.values()]
    .filter((card) => card.includes('Alert storm'))
    .map((card) => (card.match(/"title":"Show card"/g) ?? []).length)
    .sort((x, y) => y - x);
  // 26 of the longest titles fit under the digest size limit (tests/cards/alerts.test.ts).
  expect(sizes).toEqual([26, 26, 3]);
  // Each digest went out once, full, with no update after it.
  expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(0);
});

test('when digest cards are still waiting for their turn to go out, then late joiners change the waiting post instead of sending updates after it', async () => {
  clock.advance(10 * 60_000);
  const before = connector.delivered.length;
  // Nothing is delivered while the alerts arrive (the worker has not run): every join revises the post.
  for (let i = 0; i < 25; i++) await notifier.postToChannel(raise(200 + i));
  await notifier.flushDigests();
  await drain();
  const sent = connector.delivered.slice(before);
  expect(sent.filter((r) => r.method === 'POST')).toHaveLength(6);
  expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(0);
  const digest = sent.find((r) => cardText(cardsOf(r)).includes('Alert storm'))!;
  expect(cardText(cardsOf(digest))).toContain('Alert storm: 20 new alerts');
});

test('when an alert joined a digest but the app died before its line was queued, then it is not recorded as posted, and the repair adds its line', async () => {
  clock.advance(10 * 60_000);
  for (let i = 0; i < 6; i++) await notifier.postToChannel(raise(300 + i));
  await notifier.flushDigests();
  const digestId = (await digests.digestOf('A305'))!;
  expect(digestId).toBeDefined();
  // A seventh alert is put in the digest, then the process dies before re-rendering it.
  const orphan = raise(306);
  await digests.add(digestId, orphan.id, clock.now());
  await drain();
  expect(posted.map((p) => p.alertId)).toContain('A305');
  expect(posted.map((p) => p.alertId)).not.toContain('A306');

  // The check for unposted alerts asks the notifier to make sure it is shown.
  await notifier.ensurePosted(orphan);
  await drain();
  const shown = connector.delivered.filter((r) =>
    JSON.stringify(r.body).includes('"alertId":"A306"'),
  );
  expect(shown.length).toBeGreaterThan(0);
  expect(cardText(cardsOf(shown.at(-1)!))).toContain('Storm alert number 306');
  expect(posted.filter((p) => p.alertId === 'A306')).toHaveLength(1);
});

test('when an alert card is refreshed for everyone, then the update shows the alert as it stands when it goes out, one update however many changes waited, and none for an alert that is gone', async () => {
  clock.advance(10 * 60_000);
  const alert = raise(400);
  await notifier.postToChannel(alert);
  await drain();
  const post = posted.find((p) => p.alertId === 'A400')!;
  const message = `${CHANNEL};messageid=${post.activityId}`;
  alerts.set('A400', {
    ...alert,
    channelPost: { conversationId: message, activityId: post.activityId },
  });
  const updates = () =>
    connector.delivered.filter((r) => r.method === 'PUT' && r.conversationId === message);

  // Ben acknowledges, then resolves, while the first refresh still waits to go out.
  const acked = acknowledge(alerts.get('A400')!, ben, clock.now());
  if (!acked.ok) throw new Error(acked.message);
  alerts.set('A400', acked.alert);
  await notifier.refreshCard(acked.alert);
  const queued = (await queueRepo.listPending()).filter((r) => r.message.kind === 'refresh');
  expect(queued).toHaveLength(1);
  // The row says which alert and where, not the card: that is drawn when it is sent.
  expect(JSON.stringify(queued[0]!.message)).not.toContain('AdaptiveCard');
  clock.advance(60_000);
  const done = resolve(acked.alert, 'Patched.', ben, clock.now());
  if (!done.ok) throw new Error(done.message);
  alerts.set('A400', done.alert);
  await notifier.refreshCard(done.alert);
  await drain();
  expect(updates()).toHaveLength(1);
  expect(cardText(cardsOf(updates()[0]!))).toContain('Resolved by Ben Okafor at 28 Nov 2026');
  expect((await queueRepo.get(queued[0]!.id))?.state).toBe('superseded');

  // A refresh whose alert is no longer stored sends nothing and is marked failed.
  await notifier.refreshCard(done.alert);
  const [orphan] = (await queueRepo.listPending()).filter((r) => r.message.kind === 'refresh');
  alerts.delete('A400');
  await drain();
  expect(updates()).toHaveLength(1);
  const failed = await queueRepo.get(orphan!.id);
  expect(failed?.state).toBe('failed');
  expect(failed?.lastError).toContain('the alert is no longer stored');
});
