import { alertCard } from '../../../src/cards/alerts';
import { loadConfig } from '../../../src/config';
import {
  deliveryLines,
  raiseAlert,
  type Alert,
  type AlertSeverity,
} from '../../../src/domain/alerts';
import type { ContactDetails } from '../../../src/domain/people/contact';
import { FakeClock } from '../../../src/domain/shared/clock';
import { createLogger } from '../../../src/logger';
import { startApp, type RunningApp } from '../../../src/server';
import {
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from '../../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { TableContactRepository } from '../../../src/store/contact-repository';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import { TablePageReceiptStore } from '../../../src/store/page-receipt-store';
import { startTestStore } from '../../helpers/azurite';
import {
  FAKE_EMAIL_TEMPLATE,
  FAKE_NOTIFY_KEY,
  FAKE_SMS_TEMPLATE,
  FakeNotify,
} from '../../helpers/fake-notify';
import { RecordingConnector, type FailurePlan } from '../../helpers/recording-connector';
import {
  bodyText,
  chatOf,
  drainSendQueue,
  person,
  seedTeams,
} from '../../helpers/teams-fault-world';

/**
 * Delivery receipts by polling GOV.UK Notify (issue 16): each text Notify accepted is checked until it
 * has a final status; a failed one shows on the card and counts as a failed page, so a step it leaves
 * with nobody reached moves on at once and the leads are told. Azurite, the recording connector and the
 * fake Notify; no job runs by itself: the test ticks the jobs on a FakeClock.
 */
jest.setTimeout(120_000);

const clock = new FakeClock('2026-11-28T09:00:00Z');
const asha = person(1, 'Asha Patel', 'member');
const chloe = person(2, 'Chloë Ward', 'member');
const lena = person(3, 'Lena Lewis', 'lead');
// In the directory with a Teams id, but not in the team: Teams will not open a chat with him.
const ben = person(4, 'Ben Cole', 'member');

let stopStore: () => Promise<void>;
let connectionString: string;
let connector: RecordingConnector;
let notify: FakeNotify;
let failures: FailurePlan | undefined;
let app: RunningApp;
let alerts: TableAlertRepository;
let alertCount = 0;

const startInstance = () =>
  startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: connectionString,
      NOTIFY_API_KEY: FAKE_NOTIFY_KEY,
      NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: FAKE_SMS_TEMPLATE,
      NOTIFY_EMAIL_TEMPLATE_ID: FAKE_EMAIL_TEMPLATE,
    }),
    { logger: createLogger('silent'), clock, jobs: false },
  );

beforeAll(async () => {
  const started = await startTestStore();
  stopStore = started.stop;
  connectionString = started.azurite.connectionString;
  connector = await RecordingConnector.start({
    now: () => clock.now().getTime(),
    failures: (n, req) => failures?.(n, req),
  });
  notify = await FakeNotify.start();
  await seedTeams(started.store, connector.url, [asha, chloe, lena], clock.now());
  await new TableMemberRepository(started.store).put(ben);
  app = await startInstance();
  alerts = new TableAlertRepository(app.store);
  const contacts = new TableContactRepository(app.store);
  // Everyone wants a text 5 minutes after the Teams page, and no email copy.
  for (const [m, mobile] of [
    [asha, '+447700900001'],
    [chloe, '+447700900002'],
    [ben, '+447700900004'],
  ] as const) {
    const details: ContactDetails = {
      memberId: m.aadObjectId.toLowerCase(),
      mobile,
      email: m.upn,
      preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: false },
      updatedAt: clock.now().toISOString(),
      updatedBy: m.name,
    };
    await contacts.put(details);
  }
  const policies = new TableEscalationPolicyStore(app.store);
  const twoSteps = (first: typeof asha, second: typeof asha) => ({
    name: `${first.name}, then ${second.name}`,
    steps: [
      { delayMinutes: 0, targets: [{ kind: 'member' as const, memberId: first.aadObjectId }] },
      { delayMinutes: 15, targets: [{ kind: 'member' as const, memberId: second.aadObjectId }] },
    ],
    repeat: 0,
  });
  await policies.set('critical', twoSteps(ben, chloe));
  await policies.set('high', twoSteps(asha, chloe));
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await notify?.stop();
  await stopStore?.();
});

/** Each test starts at 09:00 (UK time, GMT) on a day of its own: the clock never goes back. */
let day = 0;
let nine: Date;
const at = (hhmmss: string): Date => {
  const [h, m, s] = hhmmss.split(':').map(Number);
  return new Date(nine.getTime() + (h! - 9) * 3_600_000 + m! * 60_000 + (s ?? 0) * 1000);
};
beforeEach(() => {
  nine = new Date(Date.parse('2026-11-28T09:00:00Z') + day++ * 24 * 3_600_000);
  clock.set(nine);
  failures = undefined;
});

const drain = async () => {
  await drainSendQueue(app.jobs.sendQueue, clock);
  await drainSendQueue(app.jobs.sendQueue, clock);
};

/** An alert raised now whose first step is due now; the escalation job pages it (Teams queued). */
async function raisedAndPaged(severity: AlertSeverity): Promise<string> {
  const id = `PR-${++alertCount}`;
  const { alert } = raiseAlert(
    {
      source: 'incident',
      dedupKey: `PAGE-RECEIPTS-${alertCount}`,
      title: `Phishing wave ${alertCount}`,
      severity,
    },
    { id, actor: { id: 'api:webhook', name: 'Alert webhook', source: 'api' }, at: clock.now() },
  );
  expect((await alerts.create(alert)).ok).toBe(true);
  await new TableEscalationTimerStore(app.store).set(id, clock.now());
  await app.jobs.escalation.tick();
  return id;
}

const alertNow = async (id: string): Promise<Alert> => (await alerts.get(id))!.alert;
const textsFor = (id: string) =>
  notify.messages.filter((m) => m.type === 'sms' && m.reference?.includes(id));
const statusChecksOf = (notifyId: string) =>
  notify.requests.filter((r) => r.method === 'GET' && r.path === `/v2/notifications/${notifyId}`);
const steps = (alert: Alert) =>
  alert.timeline.flatMap((e) => (e.kind === 'escalated' ? [e.stepIndex] : []));
const toLena = (title: string) =>
  connector.delivered
    .filter((r) => r.conversationId === chatOf(lena) && bodyText(r).includes(title))
    .map((r) => bodyText(r));
const pendingChecks = async (alertId: string) =>
  (await new TablePageReceiptStore(app.store).due(new Date('2100-01-01T00:00:00Z'), 1000)).filter(
    (c) => c.alertId === alertId,
  );

test('when Notify accepted a text that was the step’s only delivered page and then says the number does not exist, then the card says who could not be reached, the next step fires at once and the leads are told', async () => {
  const id = await raisedAndPaged('critical');
  // Ben's Teams page waits in the send queue; at 09:05 his text goes and Notify accepts it.
  clock.set(at('09:05:00'));
  await app.jobs.escalation.tick();
  expect(textsFor(id)).toHaveLength(1);
  const text = textsFor(id)[0]!;
  expect(await pendingChecks(id)).toEqual([
    expect.objectContaining({ notifyId: text.id, dueAt: at('09:05:30').toISOString(), tries: 0 }),
  ]);

  // Teams cannot open a chat with Ben: the text is the step's only delivered page.
  failures = (_n, req) =>
    req.method === 'POST' && req.path === '/v3/conversations' ? { status: 404 } : undefined;
  await drain();
  let alert = await alertNow(id);
  expect(steps(alert)).toEqual([0]);
  expect(deliveryLines(alert.timeline)).toEqual([
    'Paged Ben Cole: text 09:05; Teams failed: not in the team',
  ]);

  // Not due before 09:05:30; then Notify is still sending it: asked again a minute later.
  clock.set(at('09:05:20'));
  expect(await app.jobs.pageReceipts!.tick()).toEqual({ checked: 0 });
  clock.set(at('09:05:30'));
  expect(await app.jobs.pageReceipts!.tick()).toEqual({ checked: 1 });
  expect(statusChecksOf(text.id)).toHaveLength(1);
  expect(await pendingChecks(id)).toEqual([
    expect.objectContaining({ dueAt: at('09:06:30').toISOString(), tries: 1 }),
  ]);

  notify.setStatus(text.id, 'permanent-failure');
  clock.set(at('09:06:30'));
  expect(await app.jobs.pageReceipts!.tick()).toEqual({ checked: 1 });
  await drain();

  alert = await alertNow(id);
  // Step 2 at 09:06:30, not at 09:15.
  expect(alert.timeline.filter((e) => e.kind === 'escalated').map((e) => e.at)).toEqual([
    at('09:00:00').toISOString(),
    at('09:06:30').toISOString(),
  ]);
  const line =
    'Could not reach Ben Cole: Teams: not in the team; text: the number or address does not exist';
  const lines = deliveryLines(alert.timeline);
  expect(lines).toContain(line);
  expect(lines).toContain('Paged Chloë Ward: Teams 09:06');
  expect(JSON.stringify(alertCard(alert))).toContain(line);
  expect(
    alert.timeline
      .filter((e) => e.kind === 'page.receipt')
      .map((e) => e.kind === 'page.receipt' && e.status),
  ).toEqual(['permanent-failure']);
  expect(connector.delivered.filter((r) => r.conversationId === chatOf(chloe))).not.toHaveLength(0);
  expect(toLena(alert.title)).toEqual([
    expect.stringContaining(
      `Nobody could be reached for \\"${alert.title}\\" at step 1: Ben Cole (Teams: not in the team; text: the number or address does not exist). Escalation has moved on to step 2.`,
    ),
  ]);

  // The check is done: no more asking, nothing fires twice, the leads are not told again.
  expect(await pendingChecks(id)).toEqual([]);
  clock.set(at('09:30:00'));
  expect(await app.jobs.pageReceipts!.tick()).toEqual({ checked: 0 });
  await app.jobs.escalation.tick();
  await drain();
  expect(steps(await alertNow(id))).toEqual([0, 1]);
  expect(statusChecksOf(text.id)).toHaveLength(2);
  expect(toLena(alert.title)).toHaveLength(1);
});

test('when Notify says a text was delivered, then the receipt is recorded once and nothing changes for the step or the card', async () => {
  const id = await raisedAndPaged('high');
  await drain();
  clock.set(at('09:05:00'));
  await app.jobs.escalation.tick();
  const text = textsFor(id)[0]!;
  const before = await alertNow(id);
  const line = 'Paged Asha Patel: Teams 09:00, text 09:05';
  expect(deliveryLines(before.timeline)).toEqual([line]);

  notify.setStatus(text.id, 'delivered');
  clock.set(at('09:05:30'));
  await app.jobs.pageReceipts!.tick();
  expect(statusChecksOf(text.id)).toHaveLength(1);
  const after = await alertNow(id);
  expect(after.timeline.slice(before.timeline.length)).toEqual([
    expect.objectContaining({ kind: 'page.receipt', channel: 'text', status: 'delivered' }),
  ]);
  expect(deliveryLines(after.timeline)).toEqual([line]);
  expect(await pendingChecks(id)).toEqual([]);

  // Step 2 still waits for its time: 09:15, not before.
  clock.set(at('09:14:00'));
  await app.jobs.escalation.tick();
  expect(steps(await alertNow(id))).toEqual([0]);
});

test('when two instances check the same receipt at once, then Notify is asked once and the receipt recorded once', async () => {
  const other = await startInstance();
  try {
    const id = await raisedAndPaged('high');
    await drain();
    clock.set(at('09:05:00'));
    await app.jobs.escalation.tick();
    const text = textsFor(id)[0]!;
    notify.setStatus(text.id, 'temporary-failure');

    clock.set(at('09:05:30'));
    const [a, b] = await Promise.all([
      app.jobs.pageReceipts!.tick(),
      other.jobs.pageReceipts!.tick(),
    ]);
    // Each instance took its share of what was due (earlier tests' checks too): this text once.
    expect(a.checked + b.checked).toBeGreaterThanOrEqual(1);
    expect(statusChecksOf(text.id)).toHaveLength(1);
    const alert = await alertNow(id);
    expect(alert.timeline.filter((e) => e.kind === 'page.receipt')).toHaveLength(1);
    expect(deliveryLines(alert.timeline)).toEqual([
      'Paged Asha Patel: Teams 09:00; text failed: phone off or inbox full, not delivered',
    ]);
  } finally {
    await other.stop();
  }
});

test('when the app starts without GOV.UK Notify, then there is no receipts job', async () => {
  const plain = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: connectionString }),
    { logger: createLogger('silent'), clock, jobs: false },
  );
  try {
    expect(plain.jobs.pageReceipts).toBeUndefined();
  } finally {
    await plain.stop();
  }
});
