import { loadConfig } from '../../../src/config';
import { FakeClock } from '../../../src/domain/shared/clock';
import { createLogger } from '../../../src/logger';
import { startApp, type RunningApp } from '../../../src/server';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import { TableRiskCardPlaces } from '../../../src/store/risk-card-repository';
import { TableRiskRepository } from '../../../src/store/risk-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { RecordingConnector, type FailurePlan } from '../../helpers/recording-connector';
import {
  bodyText,
  chatOf,
  drainSendQueue,
  isChannelPost,
  person,
  pressCardButton,
  seedTeams,
  sendQueueRows,
} from '../../helpers/teams-fault-world';

/**
 * Issue 16: risk escalation cards go through the outbox (a 429 is retried, a restart loses nothing), the
 * leads are @mentioned on the card and each gets it in their chat, an undecided escalation is reminded
 * once after RISK_DECISION_REMINDER_HOURS and on its review date (never twice, even across a restart),
 * and "Ask for more information" reaches the raiser in their chat. Azurite and the recording connector;
 * no job runs by itself: the test ticks the send queue and the reminder job.
 */
jest.setTimeout(120_000);

const clock = new FakeClock('2026-11-28T09:00:00Z');
const jane = person(1, 'Jane Smith', 'member');
const lena = person(2, 'Lena Lewis', 'lead');
const admin = person(3, 'Ada Admin', 'admin');
// A lead who has never talked to the bot: no Teams user id, no chat.
const omar = { ...person(4, 'Omar Khan', 'lead'), teamsUserId: undefined };

let store: TableStore;
let connectionString: string;
let stopStore: () => Promise<void>;
let connector: RecordingConnector;
let failures: FailurePlan | undefined;
let app: RunningApp;

const start = () =>
  startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: connectionString,
      RISK_DECISION_REMINDER_HOURS: '24',
    }),
    { logger: createLogger('silent'), clock, jobs: false },
  );

beforeAll(async () => {
  const started = await startTestStore();
  ({ store } = started);
  connectionString = started.azurite.connectionString;
  stopStore = started.stop;
  connector = await RecordingConnector.start({
    now: () => clock.now().getTime(),
    failures: (n, req) => failures?.(n, req),
  });
  await seedTeams(store, connector.url, [jane, lena, admin], clock.now());
  await new TableMemberRepository(store).put(omar);
  app = await start();
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await stopStore?.();
});

const drain = () => drainSendQueue(app.jobs.sendQueue, clock);

/** Jane raises a risk scoring 20 (above the ICS-wide appetite of 12), so it is escalated at once. */
async function raiseEscalated(title: string, reviewDate = '2027-03-31'): Promise<string> {
  const res = await pressCardButton(app.url, connector.url, jane, 'risk.raise', {
    title,
    description: 'Out of support; a ransomware foothold would stop imaging.',
    orgCode: 'RXH',
    cafPrinciple: 'B4',
    likelihood: '4',
    consequence: '5',
    owner: 'Head of IT',
    reviewDate,
  });
  expect(res.status).toBe(200);
  expect(res.text).toContain('above appetite');
  const id = /R-[0-9A-F]{8}/.exec(res.text)?.[0];
  expect(id).toBeDefined();
  return id!;
}

const channelPostsOf = (title: string) =>
  connector.delivered.filter((r) => isChannelPost(r) && bodyText(r).includes(title));
const sentTo = (chat: string, text: string) =>
  connector.delivered.filter(
    (r) => r.method === 'POST' && r.conversationId === chat && bodyText(r).includes(text),
  );

test('when a risk is escalated, then the card goes through the outbox with the leads @mentioned, each lead gets it in their chat, and where each went is recorded', async () => {
  const riskId = await raiseEscalated('Unsupported PACS server');
  // Queued, not sent: nothing reaches Teams until the outbox delivers it.
  expect(channelPostsOf('Unsupported PACS server')).toHaveLength(0);
  await drain();

  const [post] = channelPostsOf('Unsupported PACS server');
  expect(channelPostsOf('Unsupported PACS server')).toHaveLength(1);
  const card = (post!.body['activity'] as { attachments: { content: Record<string, unknown> }[] })
    .attachments[0]!.content;
  const text = JSON.stringify(card);
  // Leads and admins with a Teams id are mentioned; Omar, whose id is not known, is named plainly.
  expect(text).toContain('<at>Lena Lewis</at>');
  expect(text).toContain('<at>Ada Admin</at>');
  expect(text).toContain('Omar Khan');
  expect(text).not.toContain('<at>Omar Khan</at>');
  expect((card['msteams'] as { entities: unknown[] }).entities).toEqual(
    expect.arrayContaining([
      {
        type: 'mention',
        text: '<at>Lena Lewis</at>',
        mentioned: { id: '29:lena', name: 'Lena Lewis' },
      },
      {
        type: 'mention',
        text: '<at>Ada Admin</at>',
        mentioned: { id: '29:ada', name: 'Ada Admin' },
      },
    ]),
  );

  // Each lead with a chat gets the card 1:1; Jane (a member) does not.
  expect(sentTo(chatOf(lena), riskId)).toHaveLength(1);
  expect(sentTo(chatOf(admin), riskId)).toHaveLength(1);
  expect(sentTo(chatOf(jane), 'needs a decision')).toHaveLength(0);
  expect(bodyText(sentTo(chatOf(lena), riskId)[0]!)).toContain('"verb":"risk.decide"');

  const places = new TableRiskCardPlaces(store);
  expect(await places.get(riskId, 'escalation')).toMatchObject({
    conversationId: `19:ics-cyber@thread.tacv2;messageid=${post!.createdId}`,
    activityId: post!.createdId,
  });
  expect(await places.get(riskId, `lead:${lena.aadObjectId}`)).toMatchObject({
    conversationId: chatOf(lena),
    personalOf: lena.aadObjectId,
  });
  expect((await places.get(riskId, `lead:${lena.aadObjectId}`))?.activityId).toBeDefined();
});

test('when Teams answers 429 to the escalation card, then it is retried after Retry-After and posted once', async () => {
  let refused = 0;
  failures = (_n, req) => {
    if (req.method === 'POST' && req.path === '/v3/conversations' && refused < 2) {
      refused++;
      return { status: 429, retryAfterSeconds: 3 };
    }
    return undefined;
  };
  try {
    await raiseEscalated('Legacy VPN appliance');
    await drain();
  } finally {
    failures = undefined;
  }
  expect(refused).toBe(2);
  const throttled = connector.requests.filter(
    (r) => isChannelPost(r) && r.status === 429 && bodyText(r).includes('Legacy VPN appliance'),
  );
  expect(throttled).toHaveLength(2);
  expect(channelPostsOf('Legacy VPN appliance')).toHaveLength(1);
  const [post] = channelPostsOf('Legacy VPN appliance');
  expect(post!.at - throttled[1]!.at).toBeGreaterThanOrEqual(3_000);
});

test('when the app stops with a risk card queued and not yet sent, then it is sent after the restart, once', async () => {
  const riskId = await raiseEscalated('Unpatched firewall firmware');
  expect(channelPostsOf('Unpatched firewall firmware')).toHaveLength(0);
  await app.stop();
  app = await start();
  await drain();
  expect(channelPostsOf('Unpatched firewall firmware')).toHaveLength(1);
  expect((await new TableRiskCardPlaces(store).get(riskId, 'escalation'))?.activityId).toBe(
    channelPostsOf('Unpatched firewall firmware')[0]!.createdId,
  );
  await drain();
  expect(channelPostsOf('Unpatched firewall firmware')).toHaveLength(1);
  const posts = (await sendQueueRows(store)).filter((r) => r.kind === 'channelPost');
  expect(posts.every((r) => r.state === 'sent')).toBe(true);
});

test('when a lead asks for more information, then the raiser is told in their chat who asked and what for, and the channel card and its thread show it', async () => {
  const riskId = await raiseEscalated('Shared admin passwords');
  await drain();
  const [post] = channelPostsOf('Shared admin passwords');
  const before = connector.requests.length;

  const res = await pressCardButton(app.url, connector.url, lena, 'risk.decide', {
    riskId,
    choice: 'request-info',
    rationale: 'Which systems share the password, and who knows it?',
  });
  expect(res.status).toBe(200);
  await drain();

  const after = connector.delivered.filter((r) => r.n > before);
  const told = after.filter((r) => r.conversationId === chatOf(jane) && r.method === 'POST');
  expect(told).toHaveLength(1);
  const text = String(told[0]!.body['text']);
  expect(text).toContain('Lena Lewis of the ICS cyber group asks for more information');
  expect(text).toContain(riskId);
  expect(text).toContain('Which systems share the password, and who knows it?');
  expect(text).toContain('reply in the thread of the escalation card');
  // The channel card is updated in place and the decision confirmed in its thread.
  expect(after.some((r) => r.method === 'PUT' && r.activityId === post!.createdId)).toBe(true);
  expect(
    after.some(
      (r) =>
        r.method === 'POST' &&
        r.conversationId === `19:ics-cyber@thread.tacv2;messageid=${post!.createdId}` &&
        bodyText(r).includes('Ask for more information on the risk'),
    ),
  ).toBe(true);
  // Each lead's copy in their chat is updated too.
  expect(after.some((r) => r.method === 'PUT' && r.conversationId === chatOf(lena))).toBe(true);
});

test('when a decision is made before the escalation card is delivered, then the card is updated and answered once it is posted', async () => {
  const riskId = await raiseEscalated('Expired TLS certificates');
  const res = await pressCardButton(app.url, connector.url, lena, 'risk.decide', {
    riskId,
    choice: 'treat',
    rationale: 'Renew and automate by January.',
  });
  expect(res.status).toBe(200);
  await drain();
  const [post] = channelPostsOf('Expired TLS certificates');
  expect(post).toBeDefined();
  const later = connector.delivered.filter((r) => r.n > post!.n);
  expect(later.some((r) => r.method === 'PUT' && r.activityId === post!.createdId)).toBe(true);
  expect(
    later.some(
      (r) =>
        r.conversationId === `19:ics-cyber@thread.tacv2;messageid=${post!.createdId}` &&
        bodyText(r).includes('Treat the risk: Expired TLS certificates'),
    ),
  ).toBe(true);
});

test('when an escalation stays undecided, then each lead is reminded after the reminder hours and on its review date, once each, even across a restart', async () => {
  clock.set('2026-12-01T10:00:00Z');
  const riskId = await raiseEscalated('Unsupported lab analyser', '2026-12-04');
  await drain();
  const reminders = (chat: string) =>
    sentTo(chat, 'Reminder:').filter((r) => bodyText(r).includes(riskId));

  // Not yet: 23 hours on.
  clock.set('2026-12-02T09:00:00Z');
  await app.jobs.riskReminders.tick();
  await drain();
  expect(reminders(chatOf(lena))).toHaveLength(0);

  // 24 hours on: one reminder to each lead with a chat.
  clock.set('2026-12-02T10:00:00Z');
  await app.jobs.riskReminders.tick();
  await drain();
  expect(reminders(chatOf(lena))).toHaveLength(1);
  expect(reminders(chatOf(admin))).toHaveLength(1);
  expect(bodyText(reminders(chatOf(lena))[0]!)).toContain('has been waiting for a decision');

  // Later passes, and a restarted app, send it no more.
  clock.set('2026-12-03T10:00:00Z');
  await app.jobs.riskReminders.tick();
  await app.stop();
  app = await start();
  await app.jobs.riskReminders.tick();
  await drain();
  expect(reminders(chatOf(lena))).toHaveLength(1);

  // The review date, 09:00 UK time: reminded again, once.
  clock.set('2026-12-04T09:00:00Z');
  await app.jobs.riskReminders.tick();
  await app.jobs.riskReminders.tick();
  await drain();
  expect(reminders(chatOf(lena))).toHaveLength(2);
  expect(bodyText(reminders(chatOf(lena))[1]!)).toContain('is the review date of');

  // Once decided, nothing more.
  const stored = await new TableRiskRepository(store).get(riskId);
  expect(stored?.risk.status).toBe('escalated');
  await pressCardButton(app.url, connector.url, lena, 'risk.decide', {
    riskId,
    choice: 'accept',
    rationale: 'Replacement arrives next week.',
  });
  clock.set('2027-01-10T09:00:00Z');
  await app.jobs.riskReminders.tick();
  await drain();
  expect(reminders(chatOf(lena))).toHaveLength(2);
});
