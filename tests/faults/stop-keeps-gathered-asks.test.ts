import type { Alert } from '../../src/domain/alerts';
import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableAlertDigestRepository } from '../../src/store/alert-digest-repository';
import { TableEscalationPolicyStore } from '../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableSendQueueRepository } from '../../src/store/send-queue-repository';
import type { TableStore } from '../../src/store/tables';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../helpers/app-fixture';
import {
  bodyText,
  drainSendQueue,
  isChannelPost,
  person,
  postAlert,
  signedAlert,
} from '../helpers/teams-fault-world';

/**
 * Issue 18: the asks to the channel about a storm digest's alerts are gathered in memory for 30 s
 * into one reply in the digest's thread. The app stopped within those 30 s writes them to the
 * outbox's table as it stops, so the app started again on the same storage sends them. The jobs are
 * off and ticked by hand on a fake clock; the gathering's own timer is real and never fires here, as
 * the stop comes well before it.
 */
jest.setTimeout(60_000);

const SECRET = 'stop-gathered-secret-0123456789ab';
const clock = new FakeClock('2026-12-03T09:00:00Z');
/** More than five alerts within a minute make a storm: from the sixth on they go on a digest. */
const COUNT = 8;
const ON_DIGEST = 3;
const title = (i: number) => `Stopped storm alert ${i}: suspicious sign-ins`;
const ASKED =
  /Nobody on call has acknowledged this low alert yet\. Can anyone in the channel pick it up\?/g;

let world: TeamsWorld;

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [person(1, 'Jane Smith', 'member')] });
});
afterAll(() => world?.stop());

const start = (): Promise<RunningApp> =>
  startAppOn(world.connectionString, SECRET, { clock, jobs: false });

/**
 * Thread replies in the outbox's table still to send, by the thread they go to (`after:<id>` for one
 * waiting for a queued post's thread).
 */
async function queuedReplies(store: TableStore): Promise<string[]> {
  return (await new TableSendQueueRepository(store).listPending()).flatMap((r) =>
    r.message.kind !== 'threadReply'
      ? []
      : [r.message.afterPostId ? `after:${r.message.afterPostId}` : r.message.conversationId],
  );
}

test('when the app stops while asks about a storm digest’s alerts are still gathered, then they are kept in the outbox and the app started again sends them as one reply in the digest’s thread', async () => {
  const first = await start();
  const onDigest: Alert[] = [];
  let thread = '';
  let digestId = '';
  try {
    // Low alerts ask the channel at once, so every alert of the storm asks it.
    await new TableEscalationPolicyStore(first.store).set('low', {
      name: 'Low: ask the channel at once',
      steps: [{ delayMinutes: 0, targets: [{ kind: 'channel' }] }],
      repeat: 0,
    });
    const ids: string[] = [];
    for (let i = 1; i <= COUNT; i++) {
      const answer = await postAlert(
        first.url,
        signedAlert(SECRET, clock.now(), {
          source: 'incident',
          id: `STOPPED-${i}`,
          title: title(i),
          severity: 'low',
        }),
      );
      expect(answer.status).toBe(201);
      ids.push(answer.body.id);
    }
    await first.jobs.alertInbox.tick();
    await first.jobs.alertInbox.settled();
    // Five cards of their own and one digest (the inbox applies alerts together, so which ones
    // land on the digest varies), all in the channel and recorded on their alerts.
    await drainSendQueue(first.jobs.sendQueue, clock);
    expect(world.connector.delivered.filter(isChannelPost)).toHaveLength(COUNT - ON_DIGEST + 1);
    const alerts = new TableAlertRepository(first.store);
    const digests = new TableAlertDigestRepository(first.store);
    for (const id of ids) {
      const digest = await digests.digestOf(id);
      if (!digest) continue;
      onDigest.push((await alerts.get(id))!.alert);
      digestId = digest;
    }
    expect(onDigest).toHaveLength(ON_DIGEST);
    thread = onDigest[0]!.channelPost!.conversationId;
    expect(onDigest.every((a) => a.channelPost?.conversationId === thread)).toBe(true);

    // Each alert's first step asked the channel as the inbox made the alert: at once under a card of
    // its own (sent with the cards above), gathered for 30 s for the digest's thread. No escalation
    // timer was due at once.
    const asked = world.connector.delivered.filter(
      (r) => r.method === 'POST' && !isChannelPost(r) && bodyText(r).match(ASKED),
    );
    expect(asked).toHaveLength(COUNT - ON_DIGEST);
    expect(asked.map((r) => r.conversationId)).not.toContain(thread);
    expect(await queuedReplies(first.store)).toEqual([]);
    expect(await first.jobs.escalation.tick(clock.now())).toEqual({ handled: 0 });
  } finally {
    await first.stop();
  }

  // Stopped well within the 30 s: the gathered asks are in the outbox's table as one reply (asked
  // while the digest's post was still queued, it goes to the thread that post started).
  expect(
    (await queuedReplies(world.store)).filter((t) => t === thread || t === `after:${digestId}`),
  ).toHaveLength(1);

  const second = await start();
  try {
    await drainSendQueue(second.jobs.sendQueue, clock);
  } finally {
    await second.stop();
  }
  const inDigestThread = world.connector.delivered.filter(
    (r) => r.method === 'POST' && !isChannelPost(r) && r.conversationId === thread,
  );
  expect(inDigestThread).toHaveLength(1);
  const text = bodyText(inDigestThread[0]!);
  expect(text.match(ASKED)).toHaveLength(1);
  for (const alert of onDigest) expect(text).toContain(`${alert.id}: ${alert.title}`);
});
