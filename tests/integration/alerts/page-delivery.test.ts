import { alertCard } from '../../../src/cards/alerts';
import { loadConfig } from '../../../src/config';
import {
  acknowledge,
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
 * Delivery you can see (issue 16): each page's delivery per person and channel on the alert's timeline
 * and card, texts after the chosen minutes while unacknowledged, email copies at once, and a step whose
 * pages all failed moving on at once with the leads told. Azurite, the recording connector and the fake
 * GOV.UK Notify; no job runs by itself: the test ticks the escalation job and the send queue on a
 * FakeClock.
 */
jest.setTimeout(120_000);

const clock = new FakeClock('2026-11-28T09:00:00Z');
const asha = person(1, 'Asha Patel', 'member');
const chloe = person(2, 'Chloë Ward', 'member');
const lena = person(3, 'Lena Lewis', 'lead');
// In the directory with a Teams id, but not in the team: Teams will not open a chat with him.
const ben = person(4, 'Ben Cole', 'member');
// Not in the team either, and wants an email copy at an address Notify refuses.
const dan = person(5, 'Dan Reid', 'member');

let stopStore: () => Promise<void>;
let connector: RecordingConnector;
let notify: FakeNotify;
let failures: FailurePlan | undefined;
let app: RunningApp;
let alerts: TableAlertRepository;
let alertCount = 0;

beforeAll(async () => {
  const started = await startTestStore();
  stopStore = started.stop;
  connector = await RecordingConnector.start({
    now: () => clock.now().getTime(),
    failures: (n, req) => failures?.(n, req),
  });
  notify = await FakeNotify.start();
  await seedTeams(started.store, connector.url, [asha, chloe, lena], clock.now());
  await new TableMemberRepository(started.store).put(ben);
  await new TableMemberRepository(started.store).put(dan);
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: started.azurite.connectionString,
      NOTIFY_API_KEY: FAKE_NOTIFY_KEY,
      NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: FAKE_SMS_TEMPLATE,
      NOTIFY_EMAIL_TEMPLATE_ID: FAKE_EMAIL_TEMPLATE,
    }),
    { logger: createLogger('silent'), clock, jobs: false },
  );
  alerts = new TableAlertRepository(app.store);
  const contacts = new TableContactRepository(app.store);
  const details = (
    m: typeof asha,
    mobile: string,
    prefs: Partial<ContactDetails['preferences']> = {},
  ): ContactDetails => ({
    memberId: m.aadObjectId.toLowerCase(),
    mobile,
    email: m.upn,
    preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: false, ...prefs },
    updatedAt: clock.now().toISOString(),
    updatedBy: m.name,
  });
  await contacts.put(details(asha, '+447700900001', { emailCopy: true }));
  await contacts.put(details(chloe, '+447700900002'));
  await contacts.put(details(dan, '+447700900005', { emailCopy: true, textAfterMinutes: 'off' }));
  // Each severity's policy names whom it pages: no rota needed.
  const policies = new TableEscalationPolicyStore(app.store);
  const twoSteps = (first: typeof asha, second: typeof asha) => ({
    name: `${first.name}, then ${second.name}`,
    steps: [
      { delayMinutes: 0, targets: [{ kind: 'member' as const, memberId: first.aadObjectId }] },
      { delayMinutes: 15, targets: [{ kind: 'member' as const, memberId: second.aadObjectId }] },
    ],
    repeat: 0,
  });
  await policies.set('high', twoSteps(asha, chloe));
  await policies.set('critical', twoSteps(ben, chloe));
  await policies.set('medium', twoSteps(chloe, asha));
  await policies.set('low', {
    name: 'Ben, then Dan, then Chloë',
    steps: [ben, dan, chloe].map((m, i) => ({
      delayMinutes: i * 15,
      targets: [{ kind: 'member' as const, memberId: m.aadObjectId }],
    })),
    repeat: 0,
  });
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
const at = (hhmm: string): Date =>
  new Date(
    nine.getTime() + (Number(hhmm.slice(0, 2)) - 9) * 3_600_000 + Number(hhmm.slice(3)) * 60_000,
  );
beforeEach(() => {
  nine = new Date(Date.parse('2026-11-28T09:00:00Z') + day++ * 24 * 3_600_000);
  clock.set(nine);
  failures = undefined;
});

const drain = async () => {
  await drainSendQueue(app.jobs.sendQueue, clock);
  // A callback that fired the next step queued its pages during the last pass.
  await drainSendQueue(app.jobs.sendQueue, clock);
};

/** An alert raised now whose first step is due now; the escalation job pages it. */
async function raisedAndPaged(severity: AlertSeverity): Promise<string> {
  const id = `PD-${++alertCount}`;
  const { alert } = raiseAlert(
    {
      source: 'incident',
      dedupKey: `PAGE-DELIVERY-${alertCount}`,
      title: `Ransomware on a file server ${alertCount}`,
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
const emailsFor = (id: string) =>
  notify.messages.filter((m) => m.type === 'email' && m.reference?.includes(id));

test('when the Teams page is delivered and nobody acknowledges, then the card says "Paged" with each channel’s time: Teams, a text after 5 minutes and the email copy at once', async () => {
  const id = await raisedAndPaged('high');
  // The email copy goes at once; the Teams page is queued but not yet delivered.
  expect(emailsFor(id)).toHaveLength(1);
  expect(emailsFor(id)[0]).toMatchObject({ to: asha.upn, templateId: FAKE_EMAIL_TEMPLATE });
  expect(deliveryLines((await alertNow(id)).timeline)).toEqual([
    'Paged Asha Patel: Teams queued 09:00, email 09:00',
  ]);

  clock.advance(3 * 60_000);
  await drain();
  expect(connector.delivered.filter((r) => r.conversationId === chatOf(asha))).not.toHaveLength(0);
  expect(deliveryLines((await alertNow(id)).timeline)).toEqual([
    'Paged Asha Patel: Teams 09:03, email 09:00',
  ]);
  expect(textsFor(id)).toHaveLength(0);

  // Five minutes after the page, still unacknowledged: the text follows, once.
  clock.set(at('09:05'));
  await app.jobs.escalation.tick();
  await app.jobs.escalation.tick();
  expect(textsFor(id)).toHaveLength(1);
  const text = textsFor(id)[0]!;
  expect(text).toMatchObject({ to: '+447700900001', templateId: FAKE_SMS_TEMPLATE });
  expect(text.personalisation['message']).toContain(id);
  expect(text.personalisation['message']).toContain('high');
  expect(text.personalisation['message']).toContain(`Ransomware on a file server ${alertCount}`);

  const alert = await alertNow(id);
  const line = 'Paged Asha Patel: Teams 09:03, text 09:05, email 09:00';
  expect(deliveryLines(alert.timeline)).toEqual([line]);
  expect(JSON.stringify(alertCard(alert))).toContain(line);
  // Step 2 has not fired: someone was reached, so the escalation waits for its time as usual.
  expect(alert.timeline.filter((e) => e.kind === 'escalated')).toHaveLength(1);
});

test('when the alert is acknowledged before 5 minutes, then no text is sent', async () => {
  const id = await raisedAndPaged('high');
  await drain();
  clock.advance(2 * 60_000);
  const stored = (await alerts.get(id))!;
  const acked = acknowledge(
    stored.alert,
    { id: asha.aadObjectId, name: asha.name, source: 'teams' },
    clock.now(),
  );
  expect(acked.ok).toBe(true);
  expect((await alerts.update(acked.alert, stored.etag)).ok).toBe(true);

  clock.set(at('09:06'));
  await app.jobs.escalation.tick();
  expect(textsFor(id)).toHaveLength(0);
});

test('when Teams answers 404 for everyone a step pages, then the card says who could not be reached and why, the next step fires at once and the leads are told 1:1', async () => {
  // Ben has no chat saved: CTAC asks Teams to open one (POST /v3/conversations), and Teams says 404.
  failures = (_n, req) =>
    req.method === 'POST' && req.path === '/v3/conversations' ? { status: 404 } : undefined;
  const id = await raisedAndPaged('critical');
  clock.advance(60_000);
  await drain();

  const alert = await alertNow(id);
  const escalated = alert.timeline.filter((e) => e.kind === 'escalated');
  // Step 2 at 09:01, not at 09:15.
  expect(escalated.map((e) => [e.kind === 'escalated' && e.stepIndex, e.at])).toEqual([
    [0, at('09:00').toISOString()],
    [1, at('09:01').toISOString()],
  ]);
  const lines = deliveryLines(alert.timeline);
  expect(lines).toContain('Could not reach Ben Cole: not in the team');
  expect(lines).toContain('Paged Chloë Ward: Teams 09:01');
  expect(JSON.stringify(alertCard(alert))).toContain('Could not reach Ben Cole: not in the team');

  const toLena = connector.delivered.filter(
    (r) => r.conversationId === chatOf(lena) && bodyText(r).includes('Nobody could be reached'),
  );
  expect(toLena).toHaveLength(1);
  expect(bodyText(toLena[0]!)).toContain(
    `Nobody could be reached for \\"Ransomware on a file server ${alertCount}\\" at step 1: Ben Cole (not in the team). Escalation has moved on to step 2.`,
  );

  // The escalation job looks again later: nothing fires twice, and the leads are not told again.
  clock.set(at('09:20'));
  await app.jobs.escalation.tick();
  await drain();
  expect((await alertNow(id)).timeline.filter((e) => e.kind === 'escalated')).toHaveLength(2);
  expect(
    connector.delivered.filter(
      (r) => r.conversationId === chatOf(lena) && bodyText(r).includes('Nobody could be reached'),
    ),
  ).toHaveLength(1);
});

test('when GOV.UK Notify refuses the number (400), then the text shows as failed with the reason on the card', async () => {
  const id = await raisedAndPaged('medium');
  await drain();
  clock.set(at('09:05'));
  notify.failNext(400);
  await app.jobs.escalation.tick();
  const alert = await alertNow(id);
  const line = 'Paged Chloë Ward: Teams 09:00; text failed: invalid mobile number';
  expect(deliveryLines(alert.timeline)).toEqual([line]);
  expect(JSON.stringify(alertCard(alert))).toContain(line);
  // One try: a refused number is not tried again.
  clock.set(at('09:07'));
  await app.jobs.escalation.tick();
  expect(notify.requests.filter((r) => r.status === 400 && r.path.includes('sms')).length).toBe(1);
});

test('when a step’s Teams page fails and then its email copy fails too, then the step moves on once the email has failed, and the leads hear of each step', async () => {
  failures = (_n, req) =>
    req.method === 'POST' && req.path === '/v3/conversations' ? { status: 404 } : undefined;
  const id = await raisedAndPaged('low');
  clock.advance(60_000);
  // Ben's Teams page fails: step 2 (Dan) fires at once; Dan's Teams page fails too, but his email
  // copy is still to go, so step 2 waits for it.
  await drain();
  let alert = await alertNow(id);
  expect(alert.timeline.flatMap((e) => (e.kind === 'escalated' ? [e.stepIndex] : []))).toEqual([
    0, 1,
  ]);

  // The escalation job sends the email copy; Notify refuses the address: nobody at step 2 either.
  notify.failNext(400);
  await app.jobs.escalation.tick();
  await drain();
  alert = await alertNow(id);
  expect(alert.timeline.flatMap((e) => (e.kind === 'escalated' ? [e.stepIndex] : []))).toEqual([
    0, 1, 2,
  ]);
  expect(deliveryLines(alert.timeline)).toEqual([
    'Could not reach Ben Cole: not in the team',
    'Could not reach Dan Reid: Teams: not in the team; email: invalid email address',
    'Paged Chloë Ward: Teams 09:01',
  ]);
  const told = connector.delivered
    .filter((r) => r.conversationId === chatOf(lena) && bodyText(r).includes(alert.title))
    .map((r) => bodyText(r));
  expect(told).toHaveLength(2);
  expect(told[1]).toContain(
    'at step 2: Dan Reid (Teams: not in the team; email: invalid email address). Escalation has moved on to step 3.',
  );
});
