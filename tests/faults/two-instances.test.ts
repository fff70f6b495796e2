import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableAlertDigestRepository } from '../../src/store/alert-digest-repository';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { ROTA_TABLES } from '../../src/store/rota-tables';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from '../../src/store/send-queue-repository';
import type { TableStore } from '../../src/store/tables';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../helpers/app-fixture';
import type { RecordingConnector } from '../helpers/recording-connector';
import { dailyRotation, rotaServiceOn } from '../helpers/rota-fixtures';
import {
  bodyText,
  CHANNEL,
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
 * Two app instances (each its own composition root, as two App Service instances would be) on one Table
 * Storage, sending to one Teams connector. Their jobs tick at the same moments on one clock: every alert
 * card, page, handover and reminder reaches Teams once.
 */
jest.setTimeout(120_000);

const SECRET = 'two-instances-secret-0123456789';
const JANE = person(1, 'Jane Smith', 'member');
const BOB = person(2, 'Bob Jones', 'member');
const SAM = person(3, 'Sam Patel', 'member');
const ALEX = person(4, 'Alex Evans', 'member');
const LEE = person(5, 'Lee Okafor', 'lead');
const TITLE = 'Ransomware detected on a file server at RXH';

const clock = new FakeClock('2026-11-28T08:55:00Z');
let world: TeamsWorld;
let store: TableStore;
let connector: RecordingConnector;
const apps: RunningApp[] = [];

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [JANE, BOB, SAM, ALEX, LEE] });
  ({ store, connector } = world);
  await store.createTables(Object.values(ROTA_TABLES));
  // The rota: Jane then Bob as primary, Sam then Alex as secondary, handing over daily at 09:00.
  const { rota } = rotaServiceOn(store, {
    clock,
    ids: { next: () => Math.random().toString(36).slice(2) },
  });
  for (const [layer, memberIds] of [
    ['primary', [JANE.aadObjectId, BOB.aadObjectId]],
    ['secondary', [SAM.aadObjectId, ALEX.aadObjectId]],
  ] as const)
    await rota.setupRotation(LEE, {
      ...dailyRotation(layer, [...memberIds]),
      startDate: '2026-11-27',
    });
  // One after the other, as a scale-out would start them; each creates (or finds) the same tables.
  for (let i = 0; i < 2; i++)
    apps.push(await startAppOn(world.connectionString, SECRET, { clock }));
  // The test ticks both escalation jobs at the same moments itself: their own loops, which a new
  // alert paging at once would wake, are stopped.
  for (const app of apps) await app.jobs.escalation.stop();
});
afterAll(async () => {
  for (const app of apps) await app.stop();
  await world?.stop();
});

/**
 * Both alert inboxes, then both send queues, work until nothing is left: before each pass the clock moves on far enough that
 * each instance lists the table afresh, so both see every waiting row and race to claim it.
 */
async function bothQueuesSettle(): Promise<void> {
  // Alerts taken by the webhooks are made in the background first.
  await Promise.all(apps.map((app) => app.jobs.alertInbox.settled()));
  const repo = new TableSendQueueRepository(store);
  for (let pass = 0; pass < 60; pass++) {
    clock.advance(5_000);
    await Promise.all(apps.map((app) => app.jobs.sendQueue.tick()));
    if (!(await repo.listPending()).length) return;
  }
  throw new Error('the send queues never emptied');
}

const delivered = () => connector.delivered;
/** The alert's card as a 1:1 page, per person's chat. */
const pagesTo = (m: (typeof JANE)[]) =>
  m.map(
    (who) =>
      delivered().filter(
        (r) =>
          r.method === 'POST' && conversationOf(r) === chatOf(who) && bodyText(r).includes(TITLE),
      ).length,
  );

test('when two instances share one store and one connector, then every card, page, handover and reminder is sent once', async () => {
  const [a, b] = apps as [RunningApp, RunningApp];

  // 08:55, both rota jobs at once: Bob and Alex are each reminded once that they come on at 09:00.
  const early = await Promise.all([a.jobs.rota.tick(), b.jobs.rota.tick()]);
  expect(early[0].reminders + early[1].reminders).toBe(2);
  await bothQueuesSettle();
  const reminders = (who: typeof BOB) =>
    delivered().filter(
      (r) =>
        conversationOf(r) === chatOf(who) && /on call from 28 Nov 2026, 09:00/.test(bodyText(r)),
    );
  expect(reminders(BOB)).toHaveLength(1);
  expect(reminders(ALEX)).toHaveLength(1);

  // (c) 09:00, both rota jobs at once: one handover post in the channel.
  clock.set('2026-11-28T09:00:10Z');
  const atHandover = await Promise.all([a.jobs.rota.tick(), b.jobs.rota.tick()]);
  expect(atHandover[0].handovers + atHandover[1].handovers).toBe(1);
  await bothQueuesSettle();
  const handovers = () =>
    delivered().filter(
      (r) => isChannelPost(r) && bodyText(r).includes('Handover: who is on call now'),
    );
  expect(handovers()).toHaveLength(1);
  expect(conversationOf(handovers()[0]!)).toBe(CHANNEL);

  // (a) 09:01, the alert source sends the same signed alert to both instances at once.
  clock.set('2026-11-28T09:01:00Z');
  const call = signedAlert(SECRET, clock.now(), {
    source: 'incident',
    id: 'MSP-2201',
    title: TITLE,
    severity: 'high',
    summary: 'EDR isolated the host.',
  });
  const answers = await Promise.all([postAlert(a.url, call), postAlert(b.url, call)]);
  expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
  expect(answers.map((r) => r.body.outcome).sort()).toEqual(['created', 'duplicate']);
  const alertId = answers[0].body.id;
  expect(answers[1].body.id).toBe(alertId);
  await bothQueuesSettle();
  const cards = delivered().filter((r) => isChannelPost(r) && bodyText(r).includes(TITLE));
  expect(cards).toHaveLength(1);
  expect(conversationOf(cards[0]!)).toBe(CHANNEL);
  const alerts = new TableAlertRepository(store);
  expect((await alerts.listOpen()).map((x) => x.id)).toEqual([alertId]);

  // (b) Both escalation jobs tick at the same moments: each step is acted on by one instance only.
  const raisedAt = new Date((await alerts.get(alertId))!.alert.raisedAt).getTime();
  const bothEscalate = async (minutesAfter: number) => {
    clock.set(new Date(raisedAt + minutesAfter * 60_000 + 1_000));
    const ticks = await Promise.all([a.jobs.escalation.tick(), b.jobs.escalation.tick()]);
    await bothQueuesSettle();
    return ticks[0].handled + ticks[1].handled;
  };
  // Step 1 pages the primary (Bob) as the alert is made, by the instance that made it: no timer is due
  // at once for either job.
  expect(pagesTo([BOB, ALEX, LEE, JANE, SAM])).toEqual([1, 0, 0, 0, 0]);
  expect(await bothEscalate(0)).toBe(0);
  expect(pagesTo([BOB, ALEX, LEE, JANE, SAM])).toEqual([1, 0, 0, 0, 0]);
  // Step 2, 15 minutes on: the primary and the secondary (Alex).
  expect(await bothEscalate(15)).toBe(1);
  expect(pagesTo([BOB, ALEX, LEE, JANE, SAM])).toEqual([2, 1, 0, 0, 0]);
  // Step 3, 15 minutes later: the leads (Lee).
  expect(await bothEscalate(30)).toBe(1);
  expect(pagesTo([BOB, ALEX, LEE, JANE, SAM])).toEqual([2, 1, 1, 0, 0]);
  // Ticking again at the same moment fires nothing more.
  expect(await bothEscalate(30)).toBe(0);
  expect(pagesTo([BOB, ALEX, LEE, JANE, SAM])).toEqual([2, 1, 1, 0, 0]);
  const timeline = (await alerts.get(alertId))!.alert.timeline;
  expect(timeline.filter((e) => e.kind === 'escalated')).toHaveLength(3);
  expect(timeline.filter((e) => e.kind === 'paged')).toHaveLength(3);

  // (d) Every queued message was claimed once and reached Teams once: as many successful requests as
  // rows sent, and nothing left waiting or failed.
  const rows = await sendQueueRows(store);
  expect(rows.filter((r) => !['sent', 'superseded'].includes(r.state))).toEqual([]);
  const sent = rows.filter((r) => r.state === 'sent');
  expect(sent.every((r) => r.attempts === 1)).toBe(true);
  expect(delivered()).toHaveLength(sent.length);
  expect(connector.requests.filter((r) => r.status >= 300)).toEqual([]);
  // The card in the channel was posted once and only ever updated in place.
  expect(delivered().filter(isChannelPost)).toHaveLength(2);
});

test('when a storm of alerts is split across both instances at once, then each alert shows in the channel exactly once', async () => {
  // 09:45: twelve alerts within a second, alternately to each instance.
  clock.set('2026-11-28T09:45:00Z');
  const stormTitle = (i: number) => `Storm alert ${i}: phishing wave at RXH`;
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      postAlert(
        apps[i % 2]!.url,
        signedAlert(SECRET, clock.now(), {
          source: 'incident',
          id: `STORM-${i}`,
          title: stormTitle(i),
          severity: 'low',
        }),
      ),
    ),
  );
  expect(answers.map((r) => r.status)).toEqual(Array(12).fill(201));
  await bothQueuesSettle();

  // Each channel message as people see it now: its last update, or the post itself.
  const shown = delivered()
    .filter(isChannelPost)
    .map((post) => {
      const updates = delivered().filter(
        (r) => r.method === 'PUT' && r.activityId === post.createdId,
      );
      return bodyText(updates.at(-1) ?? post);
    });
  for (let i = 0; i < 12; i++)
    expect(shown.filter((text) => text.includes(stormTitle(i)))).toHaveLength(1);
  // Nothing was delivered twice here either.
  const sent = (await sendQueueRows(store)).filter((r) => r.state === 'sent');
  expect(delivered()).toHaveLength(sent.length);
});

test('when one instance acknowledges a storm alert while the other holds its digest, then the digest people see shows the acknowledgement', async () => {
  const [a, b] = apps as [RunningApp, RunningApp];
  // 10:30: eight alerts within a second to the first instance: five cards of their own, then a
  // digest it holds while alerts fill it (drawn from the copies of its alerts it made moments ago).
  clock.set('2026-11-28T10:30:00Z');
  const title = (i: number) => `Digest alert ${i}: port scan from one address`;
  for (let i = 0; i < 8; i++) {
    const answer = await postAlert(
      a.url,
      signedAlert(SECRET, clock.now(), {
        source: 'incident',
        id: `SCAN-${i}`,
        title: title(i),
        severity: 'low',
      }),
    );
    expect(answer.status).toBe(201);
  }
  await a.jobs.alertInbox.settled();
  const digestRows: string[] = [];
  for await (const e of store.table(SEND_QUEUE_TABLE).listEntities<{ digest?: boolean }>({
    queryOptions: { filter: `PartitionKey eq 'send' and digest eq true and state eq 'queued'` },
  }))
    digestRows.push(e.rowKey!);
  expect(digestRows).toHaveLength(1);
  const inDigest = await new TableAlertDigestRepository(store).alerts(digestRows[0]!);
  expect(inDigest).toHaveLength(3);

  // Before the digest goes out, Jane acknowledges one of its alerts through the other instance.
  const res = await pressCardButton(b.url, connector.url, JANE, 'alert.acknowledge', {
    alertId: inDigest[1],
  });
  expect(res.status).toBe(200);
  expect(res.text).toContain('Acknowledged by Jane Smith');

  // Only the first instance sends: its copy of that alert is older than the acknowledgement.
  const repo = new TableSendQueueRepository(store);
  for (let pass = 0; pass < 60 && (await repo.listPending()).length; pass++) {
    clock.advance(5_000);
    await a.jobs.sendQueue.tick();
  }
  expect(await repo.listPending()).toEqual([]);
  // Which three alerts joined the digest depends on the order the background applied them in.
  const lastJoined = await new TableAlertRepository(store).get(inDigest[2]!);
  const digestPost = delivered().find(
    (r) =>
      isChannelPost(r) &&
      bodyText(r).includes(lastJoined!.alert.title) &&
      bodyText(r).includes('Alert storm'),
  )!;
  expect(digestPost).toBeDefined();
  const updates = delivered().filter(
    (r) => r.method === 'PUT' && r.activityId === digestPost.createdId,
  );
  const shown = bodyText(updates.at(-1) ?? digestPost);
  const stored = await new TableAlertRepository(store).get(inDigest[1]!);
  expect(stored?.alert.state).toBe('acknowledged');
  expect(shown).toMatch(new RegExp(`${stored!.alert.title}.*Acknowledged by Jane Smith`));
});
