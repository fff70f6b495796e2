import { signWebhook } from '../../src/api/alerts-webhook';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { RecordingNotifier } from '../integration/alerts/fixtures';

const SECRET = 'test-secret-0123456789abcdef';
let azurite: EmbeddedAzurite;
let app: RunningApp;
let clock: FakeClock;
let notifier: RecordingNotifier;
let repo: TableAlertRepository;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  clock = new FakeClock('2026-11-28T09:00:00Z');
  notifier = new RecordingNotifier();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_WEBHOOK_SECRET: SECRET,
    }),
    { logger: createLogger('silent'), clock, alertNotifier: notifier },
  );
  repo = new TableAlertRepository(app.store);
  // These tests are about the webhook: the escalation job, which a new alert paging at once would
  // wake to change the alert, stays still, so snapshots compare what the webhook stored.
  await app.jobs.escalation.stop();
});
afterAll(async () => {
  await app.stop();
  await azurite.stop();
});

const nowSeconds = () => String(Math.floor(clock.now().getTime() / 1000));

interface SendOptions {
  timestamp?: string;
  signature?: string | null;
  secret?: string;
  headers?: Record<string, string>;
}

async function send(body: unknown, opts: SendOptions = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = opts.timestamp ?? nowSeconds();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-ctac-timestamp': timestamp,
    ...opts.headers,
  };
  if (opts.signature !== null)
    headers['x-ctac-signature'] =
      opts.signature ?? signWebhook(opts.secret ?? SECRET, timestamp, raw);
  const res = await fetch(`${app.url}/api/alerts`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  // The alert, its timer and its card follow the answer in the background.
  await app.jobs.alertInbox.settled();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const alertBody = (overrides: Record<string, unknown> = {}) => ({
  source: 'incident',
  id: 'CSOC-2026-0042',
  title: 'Credential stuffing against the staff portal',
  severity: 'high',
  summary: 'Many failed sign-ins from one range.',
  url: 'https://csoc.example.nhs.uk/incidents/42',
  cves: ['cve-2026-1234'],
  organisations: ['rxh'],
  publishedAt: '2026-11-28T08:55:00Z',
  ...overrides,
});

/** Everything the store holds about alerts, to show a refused request changed nothing. */
const snapshot = async () => JSON.stringify(await repo.listOpen());

test('when a valid signed alert arrives, then it answers 201 with the alert id and the alert is stored and posted', async () => {
  const res = await send(alertBody());
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ outcome: 'created', state: 'triggered' });
  expect(res.body.id).toMatch(/^A[0-9A-Z]{7}$/);
  const stored = await repo.get(res.body.id);
  expect(stored?.alert).toMatchObject({
    source: 'incident',
    dedupKey: 'CSOC-2026-0042',
    severity: 'high',
    cves: ['CVE-2026-1234'],
    organisations: ['RXH'],
    publishedAt: '2026-11-28T08:55:00.000Z',
  });
  expect(stored?.alert.timeline[0]).toMatchObject({ kind: 'raised', source: 'api' });
  expect(notifier.of('post').map((c) => c.alertId)).toContain(res.body.id);
});

test('when the same alert is sent again, then it answers 200 duplicate with the same id and posts nothing new', async () => {
  const body = alertBody({ id: 'CSOC-DUP' });
  const first = await send(body);
  const posts = notifier.of('post').length;
  const again = await send(body);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ id: first.body.id, outcome: 'duplicate' });
  expect(notifier.of('post')).toHaveLength(posts);
});

test('when a known alert is sent with changed content, then it answers 200 updated and the card is refreshed', async () => {
  const first = await send(alertBody({ id: 'CSOC-CHANGE' }));
  const changed = await send(
    alertBody({ id: 'CSOC-CHANGE', severity: 'critical', title: 'Now spreading' }),
  );
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ id: first.body.id, outcome: 'updated' });
  const stored = await repo.get(first.body.id);
  expect(stored?.alert).toMatchObject({ title: 'Now spreading', severity: 'critical' });
  expect(stored?.alert.timeline.at(-1)).toMatchObject({
    kind: 'updated',
    changes: ['title', 'severity'],
  });
  expect(notifier.of('refresh').map((c) => c.alertId)).toContain(first.body.id);
});

test('when the body breaks the schema, then it answers 400 listing every problem and stores nothing', async () => {
  const before = await snapshot();
  const res = await send({
    source: 'email',
    title: '',
    severity: 'urgent',
    url: 'http://insecure.example.com',
    cves: ['CVE-1'],
  });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation');
  const problems: string[] = res.body.error.problems;
  for (const field of ['source', 'id', 'title', 'severity', 'url', 'cves[0]'])
    expect(problems.some((p) => p.startsWith(`${field}:`))).toBe(true);
  expect(await snapshot()).toBe(before);
});

test('when the body is not JSON, then it answers 400 and stores nothing', async () => {
  const before = await snapshot();
  const res = await send('{"source": "incident", ');
  expect(res.status).toBe(400);
  expect(res.body.error.message).toBe('The request body is not valid JSON.');
  expect(await snapshot()).toBe(before);
});

test.each([
  ['there is no signature', { signature: null }],
  ['the signature uses another secret', { secret: 'not-the-secret' }],
  ['the signature is not hex', { signature: 'sha256=zz' }],
  ['the signature has no sha256= prefix', { signature: 'a'.repeat(64) }],
  [
    'the timestamp is six minutes old',
    { timestamp: String(Math.floor(Date.parse('2026-11-28T08:54:00Z') / 1000)) },
  ],
  [
    'the timestamp is six minutes ahead',
    { timestamp: String(Math.floor(Date.parse('2026-11-28T09:06:00Z') / 1000)) },
  ],
  ['the timestamp is not a number', { timestamp: 'yesterday' }],
] as [string, SendOptions][])(
  'when %s, then it answers 401 and stores nothing',
  async (_why, opts) => {
    const before = await snapshot();
    const res = await send(alertBody({ id: 'CSOC-FORGED' }), opts);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorised');
    expect(await repo.findByDedupKey('incident', 'CSOC-FORGED')).toBeUndefined();
    expect(await snapshot()).toBe(before);
  },
);

test('when a validly signed body is altered on the way, then it answers 401', async () => {
  const timestamp = nowSeconds();
  const signature = signWebhook(SECRET, timestamp, JSON.stringify(alertBody({ id: 'CSOC-A' })));
  const res = await send(alertBody({ id: 'CSOC-B' }), { timestamp, signature });
  expect(res.status).toBe(401);
  expect(await repo.findByDedupKey('incident', 'CSOC-B')).toBeUndefined();
});

test('when the timestamp is four minutes off, then the alert is still taken', async () => {
  const timestamp = String(Math.floor(Date.parse('2026-11-28T08:56:00Z') / 1000));
  const res = await send(alertBody({ id: 'CSOC-SKEW' }), { timestamp });
  expect(res.status).toBe(201);
});

test('when the body is over 64 KB, then it answers 413 and stores nothing', async () => {
  const before = await snapshot();
  const res = await send(alertBody({ id: 'CSOC-BIG', summary: 'x'.repeat(70 * 1024) }));
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('too_large');
  expect(await snapshot()).toBe(before);
});

test('when the dedup key is hostile text, then the alert is stored once and found again', async () => {
  const id = "a/b\\c#d?e %2F O'Brien ☕";
  const first = await send(alertBody({ id }));
  expect(first.status).toBe(201);
  const again = await send(alertBody({ id }));
  expect(again.body).toMatchObject({ id: first.body.id, outcome: 'duplicate' });
});

test('when the secret is not configured, then the route answers 503 and never accepts unsigned alerts', async () => {
  const other = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString }),
    { logger: createLogger('silent'), clock },
  );
  try {
    const res = await fetch(`${other.url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertBody({ id: 'CSOC-NOSECRET' })),
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toContain('CTAC_WEBHOOK_SECRET is not set');
    expect(await repo.findByDedupKey('incident', 'CSOC-NOSECRET')).toBeUndefined();
  } finally {
    await other.stop();
  }
});
