import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableEscalationPolicyStore } from '../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableSendQueueRepository } from '../../src/store/send-queue-repository';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../helpers/app-fixture';
import type {
  ConnectorRequest,
  FailurePlan,
  RecordingConnector,
} from '../helpers/recording-connector';
import {
  bodyText,
  drainSendQueue,
  chatOf,
  conversationOf,
  isChannelPost,
  person,
  postAlert,
  pressCardButton,
  sendQueueRows,
  signedAlert,
} from '../helpers/teams-fault-world';

/**
 * A Teams connector that throttles (429, Retry-After: 1) or fails (500) 30% of requests, behind one app
 * with its real Teams notifier and persisted send queue: 40 alerts through the signed webhook, a third of
 * them acknowledged (card updates), the medium ones paging Bob. Every message reaches Teams
 * exactly once, each card ends showing its latest state, nothing is given up on, and no conversation is
 * sent anything sooner than a 429 asked.
 */
jest.setTimeout(120_000);

const SECRET = 'flaky-connector-secret-0123456789';
const JANE = person(1, 'Jane Smith', 'member');
const BOB = person(2, 'Bob Jones', 'member');
const COUNT = 40;
const title = (i: number) => `Flaky alert ${i}: suspicious sign-ins at RXH`;
const pages = (i: number) => i % 8 === 0;
const ackedEarly = (i: number) => i % 3 === 0; // before its card is out (the update follows the post)
const ackedLate = (i: number) => i % 3 === 1; // once its card is in the channel

/** A repeatable pseudo-random number in [0, 1) from a seed and a key (FNV-1a, then xorshift). */
function seeded(seed: number, key: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h << 13;
  h ^= h >>> 17;
  h ^= h << 5;
  return (h >>> 0) / 4294967296;
}

/**
 * 15% answered 429 with Retry-After: 1, 15% answered 500. The plan is drawn per conversation and per
 * request within it, so it does not depend on how requests to different conversations interleave.
 */
const seen = new Map<string, number>();
const flaky: FailurePlan = (_n, { method, path }) => {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const conversation = parts[2]?.split(';')[0] ?? 'channel';
  const k = (seen.get(conversation) ?? 0) + 1;
  seen.set(conversation, k);
  const r = seeded(2026, `${conversation}#${k}#${method}`);
  if (r < 0.15) return { status: 429, retryAfterSeconds: 1 };
  if (r < 0.3) return { status: 500 };
  return undefined;
};

const clock = new FakeClock('2026-11-28T09:00:00Z');
let world: TeamsWorld;
let connector: RecordingConnector;
let app: RunningApp;

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [JANE, BOB], failures: flaky });
  ({ connector } = world);
  app = await startAppOn(world.connectionString, SECRET, { clock });
  // There is no rota here: low alerts are cards only and medium ones page Bob at once (admins' policies).
  await new TableEscalationPolicyStore(app.store).set('medium', {
    name: 'Medium: page Bob at once',
    steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: BOB.aadObjectId }] }],
    repeat: 0,
  });
  await new TableEscalationPolicyStore(app.store).set('low', {
    name: 'Low: card in the channel only',
    steps: [],
    repeat: 0,
  });
  // The test drives the jobs itself, on the fake clock, so the connector's plan is the same every run.
  await app.jobs.sendQueue.stop();
  await app.jobs.escalation.stop();
  await app.jobs.rota.stop();
});
afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

const drain = () => drainSendQueue(app.jobs.sendQueue, clock);

/** What people see in a message now: the last successful update of it, or the post itself. */
function shownNow(post: ConnectorRequest, activityId: string): string {
  const updates = connector.delivered.filter(
    (r) => r.method === 'PUT' && r.activityId === activityId,
  );
  return bodyText(updates.at(-1) ?? post);
}

test('when the connector throttles or fails 30% of requests, then every card, update and page is delivered exactly once', async () => {
  const ids = new Map<number, string>();
  for (let i = 1; i <= COUNT; i++) {
    const answer = await postAlert(
      app.url,
      signedAlert(SECRET, clock.now(), {
        source: 'incident',
        id: `FLAKY-${i}`,
        title: title(i),
        severity: pages(i) ? 'medium' : 'low',
      }),
    );
    expect(answer.status).toBe(201);
    ids.set(i, answer.body.id);
    // The alert is made from the webhook's inbox row in the background.
    await app.jobs.alertInbox.settled();
    // The escalation job pages Bob about a medium alert at once.
    await app.jobs.escalation.tick();
    if (ackedEarly(i)) await acknowledge(answer.body.id);
    // The queue works as alerts arrive: a pass now and then, not always until it is empty.
    if (i % 2 === 0) await app.jobs.sendQueue.tick();
    if (i % 5 === 0) {
      await drain();
      for (let j = i - 4; j <= i; j++) if (ackedLate(j)) await acknowledge(ids.get(j)!);
    }
    // Alerts 20 seconds apart: never a storm (more than 5 in a minute makes a digest).
    clock.advance(20_000);
  }
  await drain();

  // Throttling and failures really happened.
  const statuses = connector.requests.map((r) => r.status);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(5);
  expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(5);

  // Every alert's card was posted to the channel once and ends showing its latest state.
  const alerts = new TableAlertRepository(app.store);
  for (let i = 1; i <= COUNT; i++) {
    const posts = connector.delivered.filter(
      (r) => isChannelPost(r) && bodyText(r).includes(title(i)),
    );
    expect(posts).toHaveLength(1);
    const stored = (await alerts.get(ids.get(i)!))!.alert;
    expect(stored.channelPost?.activityId).toBeDefined();
    const shown = shownNow(posts[0]!, stored.channelPost!.activityId);
    if (ackedEarly(i) || ackedLate(i)) expect(shown).toContain('Acknowledged by Jane Smith');
    else expect(shown).not.toContain('Acknowledged by');
  }

  // Each medium alert paged Bob once in his 1:1 chat.
  for (let i = 1; i <= COUNT; i++) {
    const toBob = connector.delivered.filter(
      (r) => conversationOf(r) === chatOf(BOB) && bodyText(r).includes(title(i)),
    );
    expect(toBob).toHaveLength(pages(i) ? 1 : 0);
  }

  // Nothing given up on or left waiting; each sent row reached Teams once.
  const rows = await sendQueueRows(app.store);
  expect(rows.filter((r) => !['sent', 'superseded'].includes(r.state))).toEqual([]);
  expect(await new TableSendQueueRepository(app.store).listPending()).toEqual([]);
  expect(connector.delivered).toHaveLength(rows.filter((r) => r.state === 'sent').length);

  // After a 429, nothing went to that conversation until its Retry-After (1 s) had passed.
  for (const throttled of connector.requests.filter((r) => r.status === 429)) {
    const tooSoon = connector.requests
      .filter(
        (r) =>
          r.n > throttled.n &&
          conversationOf(r) === conversationOf(throttled) &&
          r.at < throttled.at + 1_000,
      )
      .map((r) => `${r.method} ${r.path} ${r.at - throttled.at} ms after a 429`);
    expect(tooSoon).toEqual([]);
  }
});

async function acknowledge(alertId: string): Promise<void> {
  const res = await pressCardButton(app.url, connector.url, JANE, 'alert.acknowledge', {
    alertId,
  });
  expect(res.status).toBe(200);
  // The card the button was on comes back acknowledged at once (the invoke's answer).
  expect(res.text).toContain('Acknowledged by Jane Smith');
}
