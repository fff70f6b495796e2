import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { RotaService } from '../../../src/app/rota/rota-service';
import { SendQueue } from '../../../src/app/outbox';
import { QueuedRotaNotifier } from '../../../src/bot/rota/queued-rota-notifier';
import { createSendingAdapter, TeamsSender } from '../../../src/bot/teams-sender';
import { loadConfig } from '../../../src/config';
import { FakeClock } from '../../../src/domain/shared/clock';
import { RotaJobs } from '../../../src/jobs/rota-jobs';
import { createLogger } from '../../../src/logger';
import { TableConversationRepository } from '../../../src/store/directory-repositories';
import { TableJobClaims } from '../../../src/store/rota-job-claims';
import {
  SEND_QUEUE_TABLE,
  TableSendQueueRepository,
} from '../../../src/store/send-queue-repository';
import type { TableStore } from '../../../src/store/tables';
import { GraphActivityFeed } from '../../../src/graph/graph-activity-feed';
import { fakeGraphClient, FakeGraph } from '../../helpers/fake-graph';
import { cardText } from '../../helpers/stack';
import { startTestStore } from '../../helpers/azurite';
import { BOB, JANE, LEE, RXC, seedRota } from '../../helpers/rota-fixtures';

/** A stand-in for the Teams connector: records each message the bot sends to a conversation. */
interface Sent {
  conversationId: string;
  text: string;
}
let connector: Server;
let connectorUrl: string;
const sent: Sent[] = [];

let store: TableStore;
let stopStore: () => Promise<void>;
let clock: FakeClock;
let rota: RotaService;
let notifier: QueuedRotaNotifier;
let queue: SendQueue;
let graph: FakeGraph;
let activityFeed: GraphActivityFeed;

/** An instance's rota jobs; each tick's messages go out through the outbox before it answers. */
const jobs = (instanceId: string) => {
  const rotaJobs = new RotaJobs({
    rota,
    claims: new TableJobClaims(store),
    notifier,
    clock,
    logger: createLogger('silent'),
    reminderLeadMs: 60 * 60_000,
    gapNoticeMs: 48 * 3_600_000,
    instanceId,
    openAlerts: async () => ['Citrix NetScaler flaw CC-4719 (high, triggered)'],
    activityFeed,
  });
  return {
    async tick() {
      const result = await rotaJobs.tick();
      await queue.tick();
      return result;
    },
  };
};

beforeAll(async () => {
  graph = await FakeGraph.start([]);
  activityFeed = new GraphActivityFeed(
    fakeGraphClient(graph),
    'bot-app-id',
    createLogger('silent'),
  );
  connector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      const cards = (activity: { attachments?: { content: unknown }[] }) =>
        cardText(activity.attachments?.map((a) => a.content));
      if (req.method === 'POST' && m) {
        sent.push({ conversationId: decodeURIComponent(m[1]!), text: cards(JSON.parse(body)) });
      } else if (req.method === 'POST' && /\/v3\/conversations\/?$/.test(req.url ?? '')) {
        // A new thread in a channel: the channel is named in channelData.
        const created = JSON.parse(body);
        sent.push({
          conversationId: created.channelData.channel.id,
          text: cards(created.activity),
        });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${sent.length}` }));
    });
  });
  await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
  connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;

  ({ store, stop: stopStore } = await startTestStore());
  await store.createTables([SEND_QUEUE_TABLE]);
  clock = new FakeClock('2026-11-28T07:30:00Z');
  const seeded = await seedRota(store, {
    people: [JANE, BOB, LEE],
    organisation: RXC,
    clock,
    ids: { next: () => `id-${Math.random().toString(36).slice(2)}` },
  });
  rota = seeded.rota;
  const members = seeded.members;
  const conversations = new TableConversationRepository(store);
  const reference = (id: string) => ({
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    conversation: { id },
    bot: { id: 'ctac-bot', name: 'CTAC' },
  });
  await conversations.save({
    kind: 'channel',
    id: 'ics-cyber-channel',
    reference: reference('ics-cyber-channel'),
    updatedAt: '2026-11-01T00:00:00Z',
  });
  for (const m of [BOB, LEE])
    await conversations.save({
      kind: 'personal',
      id: m.aadObjectId,
      reference: reference(`personal-${m.name}`),
      updatedAt: '2026-11-01T00:00:00Z',
    });

  const config = loadConfig({ NODE_ENV: 'test', TABLES_CONNECTION_STRING: 'unused' });
  const sender = new TeamsSender({
    adapter: createSendingAdapter(config),
    botAppId: '',
    conversations,
    member: (id) => members.get(id),
  });
  queue = new SendQueue(new TableSendQueueRepository(store), (m) => sender.deliver(m), {
    clock,
    ids: { next: () => Math.random().toString(36).slice(2) },
    logger: createLogger('silent'),
  });
  notifier = new QueuedRotaNotifier(
    queue,
    conversations,
    (id) => members.get(id),
    createLogger('silent'),
  );
  // Jane and Bob take daily primary shifts handing over at 09:00; Jane is away on the 29th.
  await rota.setupRotation(LEE, {
    name: 'CTAC primary',
    layer: 'primary',
    memberIds: [JANE.aadObjectId, BOB.aadObjectId],
    shiftLength: 'daily',
    handoverTime: '09:00',
    startDate: '2026-11-27',
  });
  await rota.addLeave(JANE, {
    start: new Date('2026-11-29T09:00:00Z'),
    end: new Date('2026-11-30T09:00:00Z'),
  });
});
afterAll(async () => {
  await graph.stop();
  await stopStore();
  await new Promise((r) => connector.close(r));
});

const to = (conversationId: string) => sent.filter((s) => s.conversationId === conversationId);

test('when a gap is less than 48 hours away, then the leads are told once, however many instances tick', async () => {
  const first = await jobs('instance-a').tick();
  const second = await jobs('instance-b').tick();
  expect(first).toEqual({ handovers: 0, reminders: 0, gaps: 1 });
  expect(second).toEqual({ handovers: 0, reminders: 0, gaps: 0 });
  expect(to('personal-Lee Lead').map((s) => s.text)).toEqual([
    expect.stringContaining('Nobody is primary on call from 29 Nov 2026, 09:00'),
  ]);
  expect(to('personal-Lee Lead')[0]!.text).toContain('29 Nov 2026, 09:00 to 30 Nov 2026, 09:00');
  // Teams drops anything that looks like markup: the placeholders are words it keeps.
  expect(to('personal-Lee Lead')[0]!.text).toContain('"cover @person START to END"');
  expect(to('personal-Lee Lead')[0]!.text).not.toMatch(/<[a-z][^>]*>/i);
});

test('when the reminder lead time before a shift comes, then the incoming person gets one 1:1 reminder', async () => {
  clock.set('2026-11-28T08:00:00Z');
  const a = jobs('instance-a');
  expect(await a.tick()).toEqual({ handovers: 0, reminders: 1, gaps: 0 });
  expect(await a.tick()).toEqual({ handovers: 0, reminders: 0, gaps: 0 });
  expect(to('personal-Bob Jones').map((s) => s.text)).toEqual([
    expect.stringContaining('You are primary on call from 28 Nov 2026, 09:00'),
  ]);
  expect(to('personal-Bob Jones')[0]!.text).toContain('28 Nov 2026, 09:00 to 29 Nov 2026, 09:00');
  // With Graph configured, the reminder also reaches Bob's Teams activity feed, once.
  expect(graph.notifications).toEqual([
    {
      userId: BOB.aadObjectId,
      body: expect.objectContaining({
        activityType: 'onCallReminder',
        previewText: {
          content: 'You are primary on call 28 Nov 2026, 09:00 to 29 Nov 2026, 09:00 (UK time).',
        },
      }),
    },
  ]);
});

test('when the handover time passes, then the channel hears once who is now on call, even after a restart', async () => {
  clock.set('2026-11-28T09:00:30Z');
  const [a, b] = await Promise.all([jobs('instance-a').tick(), jobs('instance-b').tick()]);
  expect(a.handovers + b.handovers).toBe(1);
  clock.set('2026-11-28T09:05:00Z');
  expect((await jobs('restarted').tick()).handovers).toBe(0);
  const posts = to('ics-cyber-channel');
  expect(posts).toHaveLength(1);
  expect(posts[0]!.text).toContain('Handover: who is on call now');
  expect(posts[0]!.text).toContain('Bob Jones (East Sussex Healthcare NHS Trust)');
  expect(posts[0]!.text).toContain('29 Nov 2026, 09:00');
  expect(posts[0]!.text).toContain(
    'Open alerts handed over: Citrix NetScaler flaw CC-4719 (high, triggered)',
  );
});

test('when the app was down over a handover for more than an hour, then it does not announce a stale handover', async () => {
  clock.set('2026-11-29T10:30:00Z');
  const before = to('ics-cyber-channel').length;
  expect((await jobs('instance-a').tick()).handovers).toBe(0);
  expect(to('ics-cyber-channel')).toHaveLength(before);
});
