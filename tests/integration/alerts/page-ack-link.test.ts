import { loadConfig } from '../../../src/config';
import { raiseAlert, type Alert } from '../../../src/domain/alerts';
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
import { startTestStore } from '../../helpers/azurite';
import {
  FAKE_EMAIL_TEMPLATE,
  FAKE_NOTIFY_KEY,
  FAKE_SMS_TEMPLATE,
  FakeNotify,
  type FakeNotifyMessage,
} from '../../helpers/fake-notify';
import { RecordingConnector } from '../../helpers/recording-connector';
import { drainSendQueue, person, seedTeams } from '../../helpers/teams-fault-world';

/**
 * The acknowledge link in a page beyond Teams (issue 16): the text and the email copy that escalation sends
 * through the fake GOV.UK Notify each carry the person's own one-time link, and the link in the text, opened
 * and pressed on the real server, acknowledges the alert from sms.
 */
jest.setTimeout(120_000);

const clock = new FakeClock('2026-11-28T09:00:00Z');
const asha = person(1, 'Asha Patel', 'member');

let stopStore: () => Promise<void>;
let connector: RecordingConnector;
let notify: FakeNotify;
let app: RunningApp;
let alerts: TableAlertRepository;

beforeAll(async () => {
  const started = await startTestStore();
  stopStore = started.stop;
  connector = await RecordingConnector.start({ now: () => clock.now().getTime() });
  notify = await FakeNotify.start();
  await seedTeams(started.store, connector.url, [asha], clock.now());
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
  const details: ContactDetails = {
    memberId: asha.aadObjectId.toLowerCase(),
    mobile: '+447700900001',
    email: asha.upn,
    preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: true },
    updatedAt: clock.now().toISOString(),
    updatedBy: asha.name,
  };
  await new TableContactRepository(app.store).put(details);
  await new TableEscalationPolicyStore(app.store).set('high', {
    name: 'Asha Patel',
    steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: asha.aadObjectId }] }],
    repeat: 0,
  });
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await notify?.stop();
  await stopStore?.();
});

const LINK = /^http:\/\/127\.0\.0\.1:\d+\/ack\/[A-Za-z0-9_-]{43}$/;
const sent = (id: string, type: FakeNotifyMessage['type']) =>
  notify.messages.filter((m) => m.type === type && m.reference?.includes(id));

test('when escalation texts and emails a person, then each message carries their own link, and the text’s link acknowledges the alert from sms', async () => {
  const { alert } = raiseAlert(
    {
      source: 'incident',
      dedupKey: 'ACK-LINK-1',
      title: 'Ransomware on a file server',
      severity: 'high',
    },
    {
      id: 'AL-1',
      actor: { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
      at: clock.now(),
    },
  );
  expect((await alerts.create(alert)).ok).toBe(true);
  await new TableEscalationTimerStore(app.store).set(alert.id, clock.now());
  await app.jobs.escalation.tick();
  await drainSendQueue(app.jobs.sendQueue, clock);
  // Five minutes on, still unacknowledged: the text follows (and the email copy has gone by now).
  clock.set('2026-11-28T09:05:00Z');
  await app.jobs.escalation.tick();
  await app.jobs.escalation.tick();

  const [text] = sent(alert.id, 'sms');
  const [email] = sent(alert.id, 'email');
  expect(text?.personalisation['link']).toMatch(LINK);
  expect(email?.personalisation['link']).toMatch(LINK);
  expect(text!.personalisation['link']).not.toBe(email!.personalisation['link']);
  expect(text!.personalisation['message']).toContain('acknowledge it with this link or in Teams');
  const textLink = text!.personalisation['link']!;
  expect(textLink.startsWith(`${app.url}/ack/`)).toBe(true);

  // The person opens the text's link and presses Acknowledge.
  const page = await fetch(textLink);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('<h1>Ransomware on a file server</h1>');
  const cookie = /ctac_ack=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  const check = /name="check" value="([^"]+)"/.exec(html)?.[1];
  const pressed = await fetch(textLink, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `ctac_ack=${cookie}`,
      'sec-fetch-site': 'same-origin',
    },
    body: new URLSearchParams({ check: check ?? '' }).toString(),
  });
  expect(pressed.status).toBe(200);
  expect(await pressed.text()).toContain('Acknowledged. Thank you, Asha Patel.');
  const stored: Alert = (await alerts.get(alert.id))!.alert;
  expect(stored.state).toBe('acknowledged');
  expect(stored.timeline.filter((e) => e.kind === 'acknowledged')).toEqual([
    expect.objectContaining({
      source: 'sms',
      actor: expect.objectContaining({ name: 'Asha Patel' }),
    }),
  ]);

  // The email's link now says who has it, with nothing to press.
  const emailPage = await (await fetch(email!.personalisation['link']!)).text();
  expect(emailPage).toContain('This alert has already been acknowledged by Asha Patel');
  expect(emailPage).not.toContain('<form');
});
