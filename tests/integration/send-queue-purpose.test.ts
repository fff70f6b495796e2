import {
  SendQueue,
  type DeliverableMessage,
  type Delivered,
  type QueuedSend,
} from '../../src/app/outbox';
import { FakeClock } from '../../src/domain/shared/clock';
import { uuidGenerator } from '../../src/domain/shared/ids';
import { createLogger } from '../../src/logger';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from '../../src/store/send-queue-repository';
import { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';
import { drainSendQueue } from '../helpers/teams-fault-world';

/**
 * The outbox's "posted" callbacks by purpose (issue 16: risk cards record where they went, as alert posts
 * do), against Azurite; Teams is a stub that answers with where each message went.
 */
let connectionString: string;
let stopStore: () => Promise<void>;
let table = 0;

beforeAll(async () => {
  const started = await startTestStore();
  connectionString = started.azurite.connectionString;
  stopStore = started.stop;
});
afterAll(async () => {
  await stopStore?.();
});

async function setUp(opts: { withoutIds?: boolean } = {}) {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const store = new TableStore({ kind: 'connectionString', connectionString }, `P${++table}x`);
  await store.createTables([SEND_QUEUE_TABLE]);
  const repo = new TableSendQueueRepository(store);
  const sent: DeliverableMessage[] = [];
  let n = 0;
  const deliver = async (message: DeliverableMessage): Promise<Delivered> => {
    sent.push(message);
    const conversationId =
      message.kind === 'personal' ? `chat-${message.aadObjectId}` : 'conversation';
    return opts.withoutIds ? { conversationId } : { conversationId, activityId: `m-${++n}` };
  };
  const makeQueue = () =>
    new SendQueue(repo, deliver, { clock, ids: uuidGenerator, logger: createLogger('silent') });
  return { clock, repo, sent, makeQueue };
}

const personal = (text: string) =>
  ({ kind: 'personal', aadObjectId: 'aad-lena', content: { text } }) as const;

test('when a message queued with a purpose is delivered, then the callback for that purpose gets the row and where it went, once', async () => {
  const { clock, repo, makeQueue } = await setUp();
  const queue = makeQueue();
  const calls: { subject?: string; where: unknown }[] = [];
  queue.onPosted('risk-card', async (row: QueuedSend, where) => {
    calls.push({ subject: row.subject, where });
  });
  const id = await queue.enqueue(personal('card'), { purpose: 'risk-card', subject: 'R-1' });
  await drainSendQueue(queue, clock);
  await drainSendQueue(queue, clock);
  expect(calls).toEqual([
    { subject: 'R-1', where: { conversationId: 'chat-aad-lena', activityId: 'm-1' } },
  ]);
  expect(await repo.get(id)).toMatchObject({
    state: 'sent',
    purpose: 'risk-card',
    callbackPending: false,
  });
});

test('when the callback is not registered yet (or fails), then the row waits for it and the next start runs it', async () => {
  const { clock, repo, sent, makeQueue } = await setUp();
  const first = makeQueue();
  const id = await first.enqueue(personal('card'), { purpose: 'risk-card', subject: 'R-2' });
  await drainSendQueue(first, clock);
  expect(sent).toHaveLength(1);
  expect(await repo.get(id)).toMatchObject({ state: 'sent', callbackPending: true });

  const restarted = makeQueue();
  const subjects: (string | undefined)[] = [];
  restarted.onPosted('risk-card', async (row) => {
    subjects.push(row.subject);
  });
  await drainSendQueue(restarted, clock);
  expect(subjects).toEqual(['R-2']);
  expect(sent).toHaveLength(1);
  expect((await repo.get(id))?.callbackPending).toBe(false);
});

test('when a message goes out without a message id, then an update that follows it fails at once and the next message in the chat is not held up', async () => {
  const { clock, repo, sent, makeQueue } = await setUp({ withoutIds: true });
  const queue = makeQueue();
  const postId = await queue.enqueue(personal('card'), { purpose: 'risk-card' });
  const updateId = await queue.enqueue({
    kind: 'update',
    conversationId: '',
    afterPostId: postId,
    personalOf: 'aad-lena',
    content: { text: 'decided' },
  });
  await queue.enqueue(personal('after'));
  await drainSendQueue(queue, clock);
  expect(sent.map((m) => m.content.text)).toEqual(['card', 'after']);
  expect(await repo.get(updateId)).toMatchObject({ state: 'failed' });
  // Nothing to record for a message without an id: the row is done.
  expect((await repo.get(postId))?.callbackPending).toBe(false);
});

test('when an update addresses a message in a person\u2019s chat, then it counts against that person\u2019s chat and goes to it', async () => {
  const { clock, sent, makeQueue } = await setUp();
  const queue = makeQueue();
  const postId = await queue.enqueue(personal('card'));
  await queue.enqueue({
    kind: 'update',
    conversationId: '',
    afterPostId: postId,
    personalOf: 'aad-lena',
    content: { text: 'decided' },
  });
  await drainSendQueue(queue, clock);
  expect(sent[1]).toEqual({
    kind: 'update',
    conversationId: 'chat-aad-lena',
    activityId: 'm-1',
    afterPostId: postId,
    personalOf: 'aad-lena',
    content: { text: 'decided' },
  });
});
