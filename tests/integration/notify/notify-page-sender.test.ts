import { createHmac } from 'crypto';
import {
  NotifyPageSender,
  type NotifyPageSenderOptions,
} from '../../../src/notify/notify-page-sender';
import {
  FAKE_EMAIL_TEMPLATE,
  FAKE_NOTIFY_KEY,
  FAKE_NOTIFY_SECRET,
  FAKE_NOTIFY_SERVICE_ID,
  FAKE_SMS_TEMPLATE,
  FakeNotify,
} from '../../helpers/fake-notify';

/*
 * The Notify adapter through the official client against a local fake Notify that checks each
 * request's token as Notify does. Backoff waits are recorded, not slept.
 */
let notify: FakeNotify;
let waits: number[];

beforeAll(async () => {
  notify = await FakeNotify.start();
});
afterAll(async () => {
  await notify.stop();
});
beforeEach(() => {
  waits = [];
});

const sender = (key = FAKE_NOTIFY_KEY, options: NotifyPageSenderOptions = {}) =>
  new NotifyPageSender(
    {
      baseUrl: notify.url,
      apiKey: key,
      smsTemplateId: FAKE_SMS_TEMPLATE,
      emailTemplateId: FAKE_EMAIL_TEMPLATE,
    },
    { sleep: async (ms) => void waits.push(ms), random: () => 0, backoffMs: 100, ...options },
  );

const page = {
  personalisation: { subject: 'CTAC page', message: 'CTAC-12 critical', link: 'https://x/ack/t' },
  reference: 'page-1',
};

test('when a text is sent, then Notify receives it with a valid token and it is delivered with its id', async () => {
  const outcome = await sender().sendText('+447700900123', page);
  expect(outcome).toEqual({
    kind: 'delivered',
    notifyId: expect.any(String),
    at: expect.any(Date),
  });
  const sent = notify.messages.find(
    (m) => outcome.kind === 'delivered' && m.id === outcome.notifyId,
  );
  expect(sent).toEqual({
    id: expect.any(String),
    type: 'sms',
    to: '+447700900123',
    templateId: FAKE_SMS_TEMPLATE,
    personalisation: page.personalisation,
    reference: 'page-1',
  });
  expect(notify.requests.at(-1)).toEqual({
    method: 'POST',
    path: '/v2/notifications/sms',
    status: 201,
  });
});

test('when an email is sent, then Notify receives it for the address with the email template', async () => {
  const outcome = await sender().sendEmail('asha.patel@nhs.net', page);
  expect(outcome.kind).toBe('delivered');
  expect(notify.messages.at(-1)).toMatchObject({
    type: 'email',
    to: 'asha.patel@nhs.net',
    templateId: FAKE_EMAIL_TEMPLATE,
  });
});

test('when the key has the wrong secret or service id, then the fake refuses the token and the page fails as forbidden without retrying', async () => {
  const wrongSecret = `ctac_test-${FAKE_NOTIFY_SERVICE_ID}-00000000-0000-4000-8000-000000000000`;
  const wrongService = `ctac_test-00000000-0000-4000-8000-000000000000-${FAKE_NOTIFY_SECRET}`;
  for (const key of [wrongSecret, wrongService]) {
    const before = notify.requests.length;
    const outcome = await sender(key).sendText('+447700900123', page);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'forbidden', retryable: false });
    expect(notify.requests.slice(before)).toHaveLength(1);
  }
  expect(notify.requests.slice(-2).map((r) => r.tokenProblem)).toEqual([
    'signature does not match the key',
    'issuer 00000000-0000-4000-8000-000000000000 is not the service id',
  ]);
  expect(waits).toEqual([]);
});

test('when a token was issued more than 30 seconds ago, then the fake refuses it', async () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ typ: 'JWT', alg: 'HS256' });
  const body = b64({ iss: FAKE_NOTIFY_SERVICE_ID, iat: Math.floor(Date.now() / 1000) - 60 });
  const sig = createHmac('sha256', FAKE_NOTIFY_SECRET)
    .update(`${head}.${body}`)
    .digest('base64url');
  const res = await fetch(`${notify.url}/v2/notifications/sms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${head}.${body}.${sig}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(403);
  expect(notify.requests.at(-1)?.tokenProblem).toBe('token not issued within the last 30 seconds');
});

test('when Notify answers 400 for a text, then it fails at once as an invalid number', async () => {
  notify.failNext(400);
  const outcome = await sender().sendText('+447700900123', page);
  expect(outcome).toMatchObject({
    kind: 'failed',
    reason: 'invalid-number',
    retryable: false,
    detail: '400 ValidationError: phone_number Not a UK mobile number',
  });
  expect(waits).toEqual([]);
});

test('when Notify answers 400 for an email, then it fails as an invalid address', async () => {
  notify.failNext(400);
  expect(await sender().sendEmail('asha@nhs.net', page)).toMatchObject({
    kind: 'failed',
    reason: 'invalid-address',
  });
});

test('when Notify answers 403, then it fails as forbidden without retrying', async () => {
  notify.failNext(403);
  expect(await sender().sendText('+447700900123', page)).toMatchObject({
    kind: 'failed',
    reason: 'forbidden',
    retryable: false,
  });
  expect(waits).toEqual([]);
});

test('when Notify answers 429 and then 201, then the text is delivered after one backoff', async () => {
  const before = notify.messages.length;
  notify.failNext(429);
  const outcome = await sender().sendText('+447700900123', page);
  expect(outcome.kind).toBe('delivered');
  expect(notify.messages.length).toBe(before + 1);
  expect(notify.requests.slice(-2).map((r) => r.status)).toEqual([429, 201]);
  expect(waits).toEqual([100]);
});

test('when Notify answers 500 on every try, then the text fails as retryable after backing off each time', async () => {
  const before = notify.requests.length;
  notify.failNext(500, 500, 500, 500);
  const outcome = await sender().sendText('+447700900123', page);
  expect(outcome).toMatchObject({ kind: 'failed', reason: 'error', retryable: true });
  expect(notify.requests.slice(before).map((r) => r.status)).toEqual([500, 500, 500, 500]);
  expect(waits).toEqual([100, 200, 400]);
});

test('when Notify stays rate limited past the retries, then the text fails as throttled', async () => {
  notify.failNext(429, 429);
  expect(
    await sender(FAKE_NOTIFY_KEY, { attempts: 2 }).sendText('+447700900123', page),
  ).toMatchObject({
    kind: 'failed',
    reason: 'throttled',
    retryable: true,
  });
});

test('when Notify cannot be reached, then the text fails as retryable after the retries', async () => {
  const gone = new NotifyPageSender(
    { baseUrl: 'http://127.0.0.1:1', apiKey: FAKE_NOTIFY_KEY, smsTemplateId: FAKE_SMS_TEMPLATE },
    { sleep: async (ms) => void waits.push(ms), random: () => 0, backoffMs: 10, attempts: 2 },
  );
  expect(await gone.sendText('+447700900123', page)).toMatchObject({
    kind: 'failed',
    reason: 'error',
    retryable: true,
    detail: expect.stringMatching(/^no answer/),
  });
  expect(gone.emailEnabled).toBe(false);
  expect(await gone.sendEmail('a@nhs.net', page)).toMatchObject({
    kind: 'failed',
    reason: 'error',
  });
});

test('when a sent message’s status is asked for, then Notify’s answer is read', async () => {
  const outcome = await sender().sendText('+447700900123', page);
  if (outcome.kind !== 'delivered') throw new Error('not delivered');
  notify.setStatus(outcome.notifyId, 'permanent-failure');
  expect(await sender().status(outcome.notifyId)).toBe('permanent-failure');
});
