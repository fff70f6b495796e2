import {
  DeliveryError,
  SendQueue,
  type DeliverableMessage,
  type Delivered,
} from '../../src/app/outbox';
import { FakeClock } from '../../src/domain/shared/clock';
import { uuidGenerator } from '../../src/domain/shared/ids';
import { createLogger } from '../../src/logger';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from '../../src/store/send-queue-repository';
import { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';
import { drainSendQueue } from '../helpers/teams-fault-world';

/**
 * The outbox's "failed" callbacks by purpose (issue 16: a page Teams refuses is recorded on the alert
 * with its reason), and "posted" callbacks for messages Teams gave no id, against Azurite; Teams is a
 * stub that answers as each test says.
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

async function setUp(answer: (n: number) => Delivered | DeliveryError) {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const store = new TableStore({ kind: 'connectionString', connectionString }, `F${++table}x`);
  await store.createTables([SEND_QUEUE_TABLE]);
  const repo = new TableSendQueueRepository(store);
  let n = 0;
  const deliver = async (_message: DeliverableMessage): Promise<Delivered> => {
    const a = answer(++n);
    if (a instanceof DeliveryError) throw a;
    return a;
  };
  const makeQueue = () =>
    new SendQueue(
      repo,
      deliver,
      { clock, ids: uuidGenerator, logger: createLogger('silent') },
      { maxAttempts: 3, random: () => 0 },
    );
  return { clock, repo, makeQueue };
}

const page = { kind: 'personal', aadObjectId: 'aad-ben', content: { text: 'page' } } as const;

test('when Teams answers 404, then the failed callback for the purpose gets the row, the status and the detail, once', async () => {
  const { clock, repo, makeQueue } = await setUp(
    () => new DeliveryError(404, undefined, 'no such user'),
  );
  const queue = makeQueue();
  const calls: { subject?: string; failure: unknown }[] = [];
  queue.onFailed('alert-page', async (row, failure) => {
    calls.push({ subject: row.subject, failure });
  });
  const id = await queue.enqueue(page, { purpose: 'alert-page', subject: 'A-1' });
  await drainSendQueue(queue, clock);
  await drainSendQueue(queue, clock);
  expect(calls).toEqual([{ subject: 'A-1', failure: { statusCode: 404, detail: 'no such user' } }]);
  expect(await repo.get(id)).toMatchObject({ state: 'failed', callbackPending: false });
});

test('when Teams throttles past the retries, then the failed callback hears 429', async () => {
  const { clock, makeQueue } = await setUp(() => new DeliveryError(429, 1, 'slow down'));
  const queue = makeQueue();
  const statuses: (number | undefined)[] = [];
  queue.onFailed('alert-page', async (_row, failure) => {
    statuses.push(failure.statusCode);
  });
  await queue.enqueue(page, { purpose: 'alert-page', subject: 'A-2' });
  await drainSendQueue(queue, clock);
  expect(statuses).toEqual([429]);
});

test('when the failed callback throws, then the row waits and the next pass runs it again', async () => {
  const { clock, repo, makeQueue } = await setUp(
    () => new DeliveryError(403, undefined, 'forbidden'),
  );
  const queue = makeQueue();
  let tries = 0;
  queue.onFailed('alert-page', async () => {
    if (++tries === 1) throw new Error('the store is down');
  });
  const id = await queue.enqueue(page, { purpose: 'alert-page', subject: 'A-3' });
  await drainSendQueue(queue, clock);
  expect(await repo.get(id)).toMatchObject({ state: 'failed', callbackPending: true });
  await queue.tick();
  expect(tries).toBe(2);
  expect((await repo.get(id))?.callbackPending).toBe(false);
});

test('when a purpose has no failed callback (risk cards), then a failure is only marked failed, as before', async () => {
  const { clock, repo, makeQueue } = await setUp(() => new DeliveryError(404, undefined, 'gone'));
  const queue = makeQueue();
  queue.onPosted('risk-card', async () => undefined);
  const id = await queue.enqueue(page, { purpose: 'risk-card', subject: 'R-1' });
  await drainSendQueue(queue, clock);
  expect(await repo.get(id)).toMatchObject({ state: 'failed', callbackPending: false });
});

test('when Teams gives no message id, then a purpose registered for delivery alone still hears it, and others do not', async () => {
  const { clock, makeQueue } = await setUp(() => ({ conversationId: 'chat-ben' }));
  const queue = makeQueue();
  const heard: string[] = [];
  queue.onPosted(
    'alert-page',
    async (row, where) => void heard.push(`${row.subject}:${where.activityId}`),
    {
      evenWithoutMessageId: true,
    },
  );
  queue.onPosted('risk-card', async (row) => void heard.push(`${row.subject}`));
  await queue.enqueue(page, { purpose: 'alert-page', subject: 'A-4' });
  await queue.enqueue(page, { purpose: 'risk-card', subject: 'R-2' });
  await drainSendQueue(queue, clock);
  expect(heard).toEqual(['A-4:']);
});
