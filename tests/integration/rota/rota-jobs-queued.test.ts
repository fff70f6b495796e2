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
import { startTestStore } from '../../helpers/azurite';
import { RecordingConnector } from '../../helpers/recording-connector';
import { dailyRotation, JANE, rotaMember, seedRota } from '../../helpers/rota-fixtures';

const CHANNEL = '19:ics-cyber@thread.tacv2';
const logger = createLogger('silent');
const BOB = rotaMember('22222222-2222-4222-8222-222222222222', 'Bob Jones', 'member', '29:bob');

let stopStore: () => Promise<void>;
let connector: RecordingConnector;
afterAll(async () => {
  await connector?.stop();
  await stopStore?.();
});

test('when the rota sends through the Teams send queue, then the handover post and the 1:1 reminder reach Teams', async () => {
  const clock = new FakeClock('2026-11-28T08:30:00Z');
  const started = await startTestStore();
  stopStore = started.stop;
  const store = started.store;
  await store.createTables([SEND_QUEUE_TABLE]);
  connector = await RecordingConnector.start({ now: () => clock.now().getTime() });
  const { rota, members } = await seedRota(store, {
    people: [JANE, BOB],
    clock,
    ids: { next: () => Math.random().toString(36).slice(2) },
  });
  const conversations = new TableConversationRepository(store);
  const reference = (id: string) => ({
    serviceUrl: connector.url,
    channelId: 'msteams',
    bot: { id: 'bot-1', name: 'CTAC' },
    conversation: { id, isGroup: true, conversationType: 'channel', tenantId: 'tenant-1' },
  });
  await conversations.save({
    kind: 'channel',
    id: CHANNEL,
    teamId: 'team-1',
    reference: reference(CHANNEL),
    updatedAt: clock.now().toISOString(),
  });
  await conversations.save({
    kind: 'team',
    id: 'team-1',
    reference: reference('team-1'),
    updatedAt: clock.now().toISOString(),
  });

  const sender = new TeamsSender({
    adapter: createSendingAdapter(loadConfig({ NODE_ENV: 'test' })),
    botAppId: '',
    conversations,
    member: (id) => members.get(id),
  });
  const queue = new SendQueue(
    new TableSendQueueRepository(store),
    (message) => sender.deliver(message),
    { clock, ids: { next: () => Math.random().toString(36).slice(2) }, logger },
  );
  await rota.setupRotation(rotaMember('55555555-5555-4555-8555-555555555555', 'Lee', 'lead'), {
    ...dailyRotation('primary', [JANE.aadObjectId, BOB.aadObjectId]),
    startDate: '2026-11-27',
  });
  const jobs = new RotaJobs({
    rota,
    claims: new TableJobClaims(store),
    notifier: new QueuedRotaNotifier(queue, conversations, (id) => members.get(id), logger),
    clock,
    logger,
    reminderLeadMs: 60 * 60_000,
    gapNoticeMs: 48 * 3_600_000,
    instanceId: 'test',
  });

  // 08:30: Bob, who has never opened a chat with CTAC but whose Teams id is known, is reminded.
  expect(await jobs.tick()).toMatchObject({ reminders: 1 });
  await queue.tick();
  // 09:00: the handover post goes to the channel.
  clock.set('2026-11-28T09:00:10Z');
  expect(await jobs.tick()).toMatchObject({ handovers: 1 });
  await queue.tick();

  const bodies = connector.delivered.map((r) => JSON.stringify(r.body));
  expect(bodies.some((b) => b.includes('You are primary on call from 28 Nov 2026, 09:00'))).toBe(
    true,
  );
  expect(bodies.some((b) => b.includes('Handover: who is on call now'))).toBe(true);
  expect(bodies.filter((b) => b.includes('Handover: who is on call now'))).toHaveLength(1);
});
