import {
  SendQueue,
  type Deliver,
  type MessageContent,
  type OutboxMessage,
  type OutboxTimers,
  type QueuedSend,
} from '../../src/app/outbox';
import { DIGEST_PRECEDENCE_MAX_MS } from '../../src/app/outbox/send-order';
import { createSendingAdapter, TeamsSender } from '../../src/bot/teams-sender';
import { loadConfig } from '../../src/config';
import type { Member } from '../../src/domain/people/member';
import { FakeClock } from '../../src/domain/shared/clock';
import { OutboxJob } from '../../src/jobs/outbox-job';
import { createLogger } from '../../src/logger';
import { TableConversationRepository } from '../../src/store/directory-repositories';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from '../../src/store/send-queue-repository';
import { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';
import {
  RecordingConnector,
  type ConnectorRequest,
  type FailurePlan,
} from '../helpers/recording-connector';

const CHANNEL = '19:ics-cyber@thread.tacv2';
const OTHER_CHANNEL = '19:general@thread.tacv2';
const logger = createLogger('silent');
/**
 * Ends a gathering of refreshes as soon as those queued together are in, instead of after 200 ms of
 * real time: no test waits for the gathering's timer.
 */
const gatherTogether: OutboxTimers = {
  after(_ms, fn) {
    const timer = setImmediate(fn);
    return () => clearImmediate(timer);
  },
};

let connectionString: string;
let stopStore: () => Promise<void>;
let table = 0;

beforeAll(async () => {
  const started = await startTestStore();
  connectionString = started.azurite.connectionString;
  stopStore = started.stop;
});
const connectors: RecordingConnector[] = [];
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await stopStore?.();
});

/** A queue, its sender and a recording connector, on a fresh table (a fresh prefix) per test. */
async function setUp(failures?: FailurePlan, members: Member[] = []) {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const connector = await RecordingConnector.start({ failures, now: () => clock.now().getTime() });
  connectors.push(connector);
  const prefixed = new TableStore({ kind: 'connectionString', connectionString }, `T${++table}x`);
  await prefixed.createTables();
  await prefixed.createTables([SEND_QUEUE_TABLE]);
  const conversations = new TableConversationRepository(prefixed);
  for (const id of [CHANNEL, OTHER_CHANNEL])
    await conversations.save({
      kind: 'channel',
      id,
      teamId: 'team-1',
      reference: {
        serviceUrl: connector.url,
        channelId: 'msteams',
        bot: { id: 'bot-1', name: 'CTAC' },
        conversation: { id, isGroup: true, conversationType: 'channel', tenantId: 'tenant-1' },
      },
      updatedAt: clock.now().toISOString(),
    });
  await conversations.save({
    kind: 'team',
    id: 'team-1',
    reference: {
      serviceUrl: connector.url,
      channelId: 'msteams',
      bot: { id: 'bot-1', name: 'CTAC' },
      conversation: { id: 'team-1', isGroup: true, tenantId: 'tenant-1' },
    },
    updatedAt: clock.now().toISOString(),
  });
  const sender = new TeamsSender({
    adapter: createSendingAdapter(loadConfig({ NODE_ENV: 'test' })),
    botAppId: '',
    conversations,
    member: async (id) => members.find((m) => m.aadObjectId === id),
  });
  let n = 0;
  const posted: { alertId: string; activityId: string }[] = [];
  const makeQueue = (
    deliver: Deliver = (m) => sender.deliver(m),
    render?: (alertId: string) => Promise<MessageContent | undefined>,
  ) =>
    new SendQueue(
      new TableSendQueueRepository(prefixed),
      deliver,
      {
        clock,
        ids: { next: () => `id${++n}` },
        logger,
        onPosted: async (row, where) => {
          posted.push({ alertId: row.alertId!, activityId: where.activityId });
        },
        render,
      },
      { random: () => 0.5, timers: gatherTogether },
    );
  return {
    clock,
    connector,
    conversations,
    makeQueue,
    posted,
    sender,
    repo: new TableSendQueueRepository(prefixed),
    store: prefixed,
  };
}

/** Runs the worker as the clock moves: a pass, then straight to the next time something is due. */
async function drain(queue: SendQueue, clock: FakeClock, maxPasses = 2_000): Promise<void> {
  for (let i = 0; i < maxPasses; i++) {
    const report = await queue.tick();
    if (!report.nextDueAt) return;
    clock.set(report.nextDueAt);
  }
  throw new Error('the queue never emptied');
}

const post = (text: string, channelId = CHANNEL): OutboxMessage => ({
  kind: 'channelPost',
  channelId,
  content: { text },
});
const textOf = (r: ConnectorRequest): string =>
  String((r.body['activity'] as { text?: string } | undefined)?.text ?? r.body['text'] ?? '');
const conversationOf = (r: ConnectorRequest): string =>
  (
    r.conversationId || String((r.body['channelData'] as { channel: { id: string } }).channel.id)
  ).split(';')[0]!;

/** An alert card's refresh, as the alert notifier queues it: the card's message in the channel. */
const refresh = (i: number): OutboxMessage => ({
  kind: 'refresh',
  conversationId: `${CHANNEL};messageid=m${i}`,
  activityId: `m${i}`,
  alertId: `alert-${i}`,
});
/** Draws "the card as it stands" for a refresh: here, a message naming the alert. */
const drawCard = async (alertId: string): Promise<MessageContent> => ({
  text: `card of ${alertId}`,
});

/** Puts the channel at Teams' limit for this second: seven posts out, an eighth waiting. */
async function atTheLimit(queue: SendQueue): Promise<void> {
  for (let i = 0; i < 8; i++) await queue.enqueue(post(`busy ${i}`));
  await queue.tick();
}
/** The messages the connector's successful updates changed, in order ("m0, m1, ..."). */
const updated = (connector: RecordingConnector): string =>
  connector.delivered
    .filter((r) => r.method === 'PUT')
    .map((r) => r.activityId)
    .join(', ');
const updatesOnly = (requests: ConnectorRequest[]) => requests.filter((r) => r.method === 'PUT');

/** The most requests any window of `windowMs` saw in one conversation. */
function peak(requests: ConnectorRequest[], windowMs: number): number {
  let most = 0;
  for (const r of requests) {
    const inWindow = requests.filter(
      (o) => conversationOf(o) === conversationOf(r) && o.at >= r.at && o.at < r.at + windowMs,
    ).length;
    most = Math.max(most, inWindow);
  }
  return most;
}

describe('send queue', () => {
  test('when a connector throttles and fails a share of sends, then every message is delivered exactly once, in order, within the Teams limits', async () => {
    const failures: FailurePlan = (n) =>
      n % 9 === 0
        ? { status: 429, retryAfterSeconds: 3 }
        : n % 5 === 0
          ? { status: 500 }
          : n % 13 === 0
            ? { status: 503 }
            : undefined;
    const { clock, connector, makeQueue, repo } = await setUp(failures);
    const queue = makeQueue();
    const texts: string[] = [];
    for (let i = 0; i < 90; i++) {
      const text = `alert ${i}`;
      texts.push(text);
      await queue.enqueue(post(text, i % 3 === 0 ? OTHER_CHANNEL : CHANNEL));
    }
    await drain(queue, clock);

    const delivered = connector.delivered.map(textOf);
    expect(delivered.sort()).toEqual([...texts].sort());
    for (const channel of [CHANNEL, OTHER_CHANNEL]) {
      const inChannel = connector.delivered
        .filter((r) => conversationOf(r) === channel)
        .map(textOf);
      expect(inChannel).toEqual(
        texts.filter((_, i) => (i % 3 === 0) === (channel === OTHER_CHANNEL)),
      );
    }
    // Failed attempts count against the budget too: Teams counts requests.
    expect(peak(connector.requests, 1_000)).toBeLessThanOrEqual(7);
    expect(peak(connector.requests, 2_000)).toBeLessThanOrEqual(8);
    expect(peak(connector.requests, 30_000)).toBeLessThanOrEqual(60);
    // After each 429 the conversation waited at least its Retry-After.
    for (const throttled of connector.requests.filter((r) => r.status === 429)) {
      const next = connector.requests.find(
        (r) => r.n > throttled.n && conversationOf(r) === conversationOf(throttled),
      );
      expect(next!.at - throttled.at).toBeGreaterThanOrEqual(3_000);
    }
    expect(connector.requests.some((r) => r.status === 500)).toBe(true);
    const rows = await repo.listPending();
    expect(rows).toEqual([]);
  });

  test('when some sends are slow to answer, then Teams still never sees more than its limits (a send counts from when its answer came)', async () => {
    const { clock, connector, makeQueue, sender } = await setUp();
    let n = 0;
    // Every eighth request takes 900 ms on the way (Teams sees it late); the others are instant.
    const queue = makeQueue(async (m) => {
      if (++n % 8 === 1) clock.advance(900);
      return sender.deliver(m);
    });
    for (let i = 0; i < 40; i++) await queue.enqueue(post(`slow ${i}`));
    await drain(queue, clock);

    expect(connector.delivered).toHaveLength(40);
    expect(peak(connector.requests, 1_000)).toBeLessThanOrEqual(7);
    expect(peak(connector.requests, 2_000)).toBeLessThanOrEqual(8);
    expect(peak(connector.requests, 30_000)).toBeLessThanOrEqual(60);
  });

  test('when the app restarts mid-way, then the new worker delivers the rest, none twice and none lost', async () => {
    const { clock, connector, makeQueue, repo } = await setUp((n) =>
      n % 4 === 0 ? { status: 502 } : undefined,
    );
    const first = makeQueue();
    for (let i = 0; i < 25; i++) await first.enqueue(post(`message ${i}`));
    await first.tick();
    await first.tick();
    await first.stop();
    const before = connector.delivered.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(25);

    const second = makeQueue();
    // What the first worker sent in this second still counts: nothing more goes out until it passes.
    const report = await second.tick();
    expect(report.sent).toBe(0);
    await drain(second, clock);
    expect(connector.delivered.map(textOf)).toEqual(
      Array.from({ length: 25 }, (_, i) => `message ${i}`),
    );
    expect(await repo.listPending()).toEqual([]);
    const record = await repo.get((await repo.listSentSince(new Date(0)))[0]!.id);
    expect(record?.state).toBe('sent');
  });

  test('when messages were queued before they were stored deflated, or are small, then they are stored as JSON and still delivered, with the new ones, in order', async () => {
    const { clock, connector, makeQueue, repo, store } = await setUp();
    // A row as the queue wrote it before: the message's JSON as it is, with no encoding column.
    const at = clock.now().toISOString();
    await store.table(SEND_QUEUE_TABLE).createEntity({
      partitionKey: 'send',
      rowKey: `${String(clock.now().getTime() - 1).padStart(15, '0')}_000000_legacy`,
      conversationKey: CHANNEL,
      state: 'queued',
      attempts: 0,
      notBefore: at,
      enqueuedAt: at,
      kind: 'channelPost',
      callbackPending: false,
      digest: false,
      message0: JSON.stringify(post('queued before the upgrade ☕')),
    });
    const queue = makeQueue();
    await queue.enqueue(post('queued after ☕ <b>'));
    const long = 'x'.repeat(20_000) + ' end';
    await queue.enqueue(post(long));
    // A small message is kept as its JSON; a large one deflated (a few hundred characters here).
    const stored = [];
    for await (const row of store.table(SEND_QUEUE_TABLE).listEntities<Record<string, string>>())
      stored.push(row);
    const small = stored.find((r) => r['message0']?.includes('queued after'));
    expect(small?.['messageEncoding']).toBeUndefined();
    const large = stored.find((r) => r['messageEncoding'] === 'deflate-base64');
    expect(large?.['message0']?.length).toBeLessThan(1_000);
    await drain(queue, clock);
    expect(connector.delivered.map(textOf)).toEqual([
      'queued before the upgrade ☕',
      'queued after ☕ <b>',
      long,
    ]);
    expect(await repo.listPending()).toEqual([]);
    await queue.stop();
  });

  test('when Teams refuses a message for good, then it is marked failed and the rest still go', async () => {
    const { clock, connector, makeQueue, repo } = await setUp((n) =>
      n === 1 ? { status: 403 } : undefined,
    );
    const queue = makeQueue();
    const failedId = await queue.enqueue(post('forbidden'));
    await queue.enqueue(post('fine'));
    await drain(queue, clock);
    expect(connector.delivered.map(textOf)).toEqual(['fine']);
    const failed = (await repo.get(failedId)) as QueuedSend;
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toContain('403');
  });

  test('when an alert card is updated before its post went out, then the update waits and then edits that message', async () => {
    const { clock, connector, makeQueue, posted } = await setUp((n) =>
      n === 1 ? { status: 429, retryAfterSeconds: 5 } : undefined,
    );
    const queue = makeQueue();
    const postId = await queue.enqueue(post('new alert'), { alertId: 'alert-7' });
    await queue.enqueue({
      kind: 'update',
      conversationId: CHANNEL,
      afterPostId: postId,
      content: { text: 'acknowledged' },
    });
    await drain(queue, clock);
    const [created, updated] = connector.delivered;
    expect(created!.method).toBe('POST');
    expect(updated!.method).toBe('PUT');
    expect(updated!.conversationId).toBe(`${CHANNEL};messageid=msg-1`);
    expect(updated!.activityId).toBe('msg-1');
    expect(posted).toEqual([{ alertId: 'alert-7', activityId: 'msg-1' }]);
  });

  test('when card updates are queued, then only they may wait to be stored with others; posts and pages are stored at once', async () => {
    const { clock, store } = await setUp();
    const repo = new TableSendQueueRepository(store);
    const stored: [string, boolean][] = [];
    const add = repo.add.bind(repo);
    repo.add = (row, opts) => {
      stored.push([row.message.kind, opts?.canWait ?? false]);
      return add(row, opts);
    };
    const queue = new SendQueue(repo, () => Promise.reject(new Error('not sent here')), {
      clock,
      ids: { next: () => 'x' },
      logger,
    });
    await queue.enqueue(post('new alert'), { alertId: 'alert-8' });
    await queue.enqueue({ kind: 'personal', aadObjectId: 'aad-1', content: { text: 'page' } });
    await queue.enqueue({
      kind: 'update',
      conversationId: CHANNEL,
      activityId: 'msg-1',
      content: { text: 'acknowledged' },
    });
    await queue.enqueue({
      kind: 'refresh',
      conversationId: CHANNEL,
      activityId: 'msg-1',
      alertId: 'alert-8',
    });
    expect(stored).toEqual([
      ['channelPost', false],
      ['personal', false],
      ['update', true],
      ['refresh', true],
    ]);
  });

  test('when a member has no 1:1 chat saved, then the page opens one with their Teams id and saves it', async () => {
    const ben: Member = {
      aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002',
      name: 'Ben Okafor',
      upn: 'ben@example.nhs.uk',
      orgCode: 'RXC',
      role: 'member',
      teamsUserId: '29:ben',
      addedAt: '2026-11-28T09:00:00Z',
      addedBy: 'Asha',
    };
    const { clock, connector, conversations, makeQueue } = await setUp(undefined, [ben]);
    const queue = makeQueue();
    await queue.enqueue({
      kind: 'personal',
      aadObjectId: ben.aadObjectId,
      content: { text: 'page 1' },
    });
    await queue.enqueue({
      kind: 'personal',
      aadObjectId: ben.aadObjectId,
      content: { text: 'page 2' },
    });
    await drain(queue, clock);
    const [create, first, second] = connector.delivered;
    expect(create!.body['members']).toEqual([{ id: '29:ben' }]);
    expect(first!.conversationId).toBe('personal-29:ben');
    expect(textOf(first!)).toBe('page 1');
    expect(second!.conversationId).toBe('personal-29:ben');
    expect(connector.delivered.filter((r) => r.path === '/v3/conversations')).toHaveLength(1);
    expect(await conversations.get('personal', ben.aadObjectId)).toBeDefined();
  });

  test('when delivered messages are a day old, then they are pruned and undelivered ones stay', async () => {
    const { clock, connector, makeQueue, repo } = await setUp((n) =>
      n === 2 ? { status: 400 } : undefined,
    );
    const queue = makeQueue();
    const sentId = await queue.enqueue(post('old and delivered'));
    const failedId = await queue.enqueue(post('old and refused'));
    await drain(queue, clock);
    expect((await repo.get(failedId))?.state).toBe('failed');
    clock.advance(25 * 3_600_000);
    const waitingId = await queue.enqueue(post('new'));
    const restarted = makeQueue();
    await restarted.tick();
    expect(await repo.get(sentId)).toBeUndefined();
    expect(await repo.get(failedId)).toBeUndefined();
    expect((await repo.get(waitingId))?.state).toBe('sent');
    expect(connector.delivered.map(textOf)).toEqual(['old and delivered', 'new']);
  });

  test('when many alert cards are refreshed while the channel is at its limit, then the refreshes are stored in one row and every card is updated once, in order, within the Teams limits', async () => {
    const { clock, connector, makeQueue, repo } = await setUp();
    const queue = makeQueue(undefined, drawCard);
    await atTheLimit(queue);
    // As when thirty people acknowledge at once; one of them presses twice.
    const ids = await Promise.all(
      [...Array.from({ length: 30 }, (_, i) => refresh(i)), refresh(3)].map((m) =>
        queue.enqueue(m),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const rows = await repo.listPending();
    expect(rows.map((r) => r.message.kind)).toEqual(['channelPost', 'refreshes']);
    await drain(queue, clock);

    const updates = updatesOnly(connector.delivered);
    expect(updates.map((r) => r.activityId)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(updates.map(textOf)).toEqual(Array.from({ length: 30 }, (_, i) => `card of alert-${i}`));
    expect(peak(connector.requests, 1_000)).toBeLessThanOrEqual(7);
    expect(peak(connector.requests, 30_000)).toBeLessThanOrEqual(60);
    expect(await repo.listPending()).toEqual([]);
  });

  test('when Teams throttles part-way through gathered refreshes and the app then restarts, then the rest go after the wait, each card once, none lost', async () => {
    const { clock, connector, makeQueue, repo } = await setUp((n) =>
      n === 11 ? { status: 429, retryAfterSeconds: 5 } : undefined,
    );
    const first = makeQueue(undefined, drawCard);
    await atTheLimit(first);
    await Promise.all(Array.from({ length: 20 }, (_, i) => first.enqueue(refresh(i))));
    clock.advance(5_000);
    await first.tick();
    await first.stop();
    const before = updatesOnly(connector.delivered).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(20);

    const second = makeQueue(undefined, drawCard);
    await drain(second, clock);
    expect(updatesOnly(connector.delivered).map((r) => r.activityId)).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    const throttled = connector.requests.find((r) => r.status === 429)!;
    const next = connector.requests.find((r) => r.n > throttled.n)!;
    expect(next.at - throttled.at).toBeGreaterThanOrEqual(5_000);
    expect(await repo.listPending()).toEqual([]);
  });

  test('when a gathered refresh is followed by a later update of the same card, or its alert is gone, then that card is updated once, by the later one', async () => {
    const { clock, connector, makeQueue } = await setUp();
    const queue = makeQueue(undefined, async (alertId) =>
      alertId === 'alert-4' ? undefined : drawCard(alertId),
    );
    await atTheLimit(queue);
    await Promise.all(Array.from({ length: 6 }, (_, i) => queue.enqueue(refresh(i))));
    // Later, once those are stored: another change to alert 2's card.
    await queue.enqueue(refresh(2));
    await drain(queue, clock);
    expect(updated(connector)).toBe('m0, m1, m3, m5, m2');
  });

  test('when the app stops while refreshes are being gathered, then they are stored first and the next start sends them', async () => {
    const { clock, connector, makeQueue, repo } = await setUp();
    const first = makeQueue(undefined, drawCard);
    await atTheLimit(first);
    const queued = Array.from({ length: 5 }, (_, i) => first.enqueue(refresh(i)));
    await first.stop();
    // Stored by the time the worker has stopped, not whenever the gathering would have ended.
    const stored = (await repo.listPending()).flatMap((row) =>
      row.message.kind === 'refreshes'
        ? row.message.targets.map((t) => t.alertId)
        : row.message.kind === 'refresh'
          ? [row.message.alertId]
          : [],
    );
    expect(stored).toEqual(['alert-0', 'alert-1', 'alert-2', 'alert-3', 'alert-4']);
    await Promise.all(queued);
    const second = makeQueue(undefined, drawCard);
    await drain(second, clock);
    expect(updated(connector)).toBe('m0, m1, m2, m3, m4');
  });

  test('when the real-time worker runs, then a queued message is delivered without anyone calling tick', async () => {
    const { connector, makeQueue } = await setUp();
    const queue = makeQueue();
    const worker = new OutboxJob(queue, logger);
    worker.start();
    await queue.enqueue(post('straight away'));
    await connector.waitForDelivered(1);
    await worker.stop();
    expect(connector.delivered.map(textOf)).toEqual(['straight away']);
  });
});

test('when a storm digest waited in the queue while alerts joined it, then its post is drawn afresh as it goes, and the row keeps what went out for the "posted" callback', async () => {
  const { clock, connector, sender, store } = await setUp();
  const shown: string[] = [];
  let drawn = 0;
  let rows = 0;
  const queue = new SendQueue(
    new TableSendQueueRepository(store),
    (m) => sender.deliver(m),
    {
      clock,
      ids: { next: () => `row-${++rows}` },
      logger,
      onPosted: async (row) => {
        if (row.message.kind === 'channelPost') shown.push(row.message.content.text ?? '');
      },
      renderDigest: async (digestId) => {
        drawn++;
        return { text: `${digestId}: alerts A, B and C` };
      },
    },
    { random: () => 0.5, timers: gatherTogether },
  );
  expect(queue.drawsDigestsWhenSent).toBe(true);
  await queue.enqueue(
    { kind: 'channelPost', channelId: CHANNEL, content: { text: 'digest-1: alert A' } },
    { digest: true, id: 'digest-1' },
  );
  await drain(queue, clock);
  expect(drawn).toBe(1);
  expect(JSON.stringify(connector.requests.map((r) => r.body))).toContain(
    'digest-1: alerts A, B and C',
  );
  expect(JSON.stringify(connector.requests.map((r) => r.body))).not.toContain('digest-1: alert A"');
  expect(shown).toEqual(['digest-1: alerts A, B and C']);
  // A plain channel post is never redrawn.
  await queue.enqueue(post('rota handover'));
  await drain(queue, clock);
  expect(drawn).toBe(1);
  expect(JSON.stringify(connector.requests.at(-1)?.body)).toContain('rota handover');
});

/** A channel post sent, then what `behind` names (its update, a reply...) queued, and a new post behind them. */
async function postThenQueue(
  queue: SendQueue,
  clock: FakeClock,
  behind: (sent: { conversationId: string; activityId?: string }) => OutboxMessage[],
) {
  const first = await queue.enqueue(post('alert 1'));
  await drain(queue, clock);
  const sent = (await queue.get(first))!.delivered!;
  for (const message of behind(sent)) await queue.enqueue(message);
  await queue.enqueue(post('alert 2'));
}

const paged = (sent: { conversationId: string; activityId?: string }): OutboxMessage => ({
  kind: 'update',
  conversationId: sent.conversationId,
  activityId: sent.activityId!,
  content: { text: 'alert 1, paged' },
});

test('when a card update and a reply wait ahead of a new post in the channel, then the new post goes first and the others follow in their order', async () => {
  const { clock, connector, makeQueue } = await setUp();
  const queue = makeQueue();
  await postThenQueue(queue, clock, (sent) => [
    paged(sent),
    {
      kind: 'threadReply',
      conversationId: sent.conversationId,
      content: { text: 'Nobody on call has acknowledged this alert yet.' },
    },
  ]);
  await drain(queue, clock);
  const texts = connector.delivered.map((r) => JSON.stringify(r.body));
  expect(texts).toHaveLength(4);
  expect(texts[1]).toContain('alert 2');
  expect(texts[2]).toContain('alert 1, paged');
  expect(texts[3]).toContain('Nobody on call');
});

/** Alert 1 posted and an update of its card queued; `later` ms on, a storm digest held 400 ms to fill. */
async function updateThenFillingDigest(queue: SendQueue, clock: FakeClock, later: number) {
  const first = await queue.enqueue(post('alert 1'));
  await drain(queue, clock);
  await queue.enqueue(paged((await queue.get(first))!.delivered!));
  clock.advance(later);
  await queue.enqueue(post('storm digest: alerts 2 to 31'), {
    digest: true,
    id: 'digest-1',
    notBefore: new Date(clock.now().getTime() + 400),
  });
}

test('when a storm digest is filling in the queue, then a card update queued ahead of it waits and goes after it', async () => {
  const { clock, connector, makeQueue } = await setUp();
  const queue = makeQueue();
  await updateThenFillingDigest(queue, clock, 0);
  // The update would take one of Teams' next sends from the digest: it waits for the digest.
  const report = await queue.tick();
  expect(report.sent).toBe(0);
  expect(report.nextDueAt?.toISOString()).toBe('2026-11-28T09:00:00.400Z');
  await drain(queue, clock);
  expect(connector.delivered.map(textOf)).toEqual([
    'alert 1',
    'storm digest: alerts 2 to 31',
    'alert 1, paged',
  ]);
});

test('when a card update has waited 5 s for storm digests, then it goes before the next digest', async () => {
  const { clock, connector, makeQueue } = await setUp();
  const queue = makeQueue();
  await updateThenFillingDigest(queue, clock, DIGEST_PRECEDENCE_MAX_MS);
  await drain(queue, clock);
  expect(connector.delivered.map(textOf)).toEqual([
    'alert 1',
    'alert 1, paged',
    'storm digest: alerts 2 to 31',
  ]);
});

test('when Teams throttles a post that went ahead of an older update, then the update waits for the Retry-After too', async () => {
  const { clock, connector, makeQueue } = await setUp((n) =>
    n === 2 ? { status: 429, retryAfterSeconds: 1 } : undefined,
  );
  const queue = makeQueue();
  await postThenQueue(queue, clock, (sent) => [paged(sent)]);
  // The post goes first and is throttled; a pass straight after (another alert woke the worker)
  // must send nothing to the channel, the older update included.
  await queue.tick();
  await queue.tick();
  await drain(queue, clock);
  const throttled = connector.requests.find((r) => r.status === 429)!;
  expect(JSON.stringify(throttled.body)).toContain('alert 2');
  const after = connector.requests.filter((r) => r.n > throttled.n);
  expect(after.length).toBeGreaterThan(0);
  for (const r of after) expect(r.at - throttled.at).toBeGreaterThanOrEqual(1_000);
  expect(connector.delivered.map((r) => JSON.stringify(r.body)).join()).toContain('alert 1, paged');
});
