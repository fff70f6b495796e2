import { signWebhook } from '../../src/api/alerts-webhook';
import { FakeClock } from '../../src/domain/shared/clock';
import type { RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableAlertInboxStore } from '../../src/store/alert-inbox-store';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { startAppOn } from '../helpers/app-fixture';
import { postSignedAlert, signedAlert, type SignedAlert } from '../helpers/alert-webhook';
import { RecordingNotifier } from '../integration/alerts/fixtures';

/** Counts the constant-time comparisons the webhook makes (the real function still does the work). */
const comparisons: { a: number; b: number }[] = [];
jest.mock('crypto', () => {
  const actual = jest.requireActual('crypto');
  return {
    ...actual,
    timingSafeEqual: (a: Buffer, b: Buffer) => {
      comparisons.push({ a: a.length, b: b.length });
      return actual.timingSafeEqual(a, b);
    },
  };
});

const SECRET = 'replay-secret-0123456789abcdef';
let azurite: EmbeddedAzurite;
let app: RunningApp;
let clock: FakeClock;
let notifier: RecordingNotifier;
let repo: TableAlertRepository;

/**
 * An instance of the app on the shared Azurite tables (a restart, or a second instance). Its escalation
 * job stays still: these tests count what the webhook stored and sent, and a new alert paging at once
 * would wake the job to page and update the card meanwhile.
 */
async function startInstance(): Promise<RunningApp> {
  const instance = await startAppOn(azurite.connectionString, SECRET, {
    clock,
    alertNotifier: notifier,
  });
  await instance.jobs.escalation.stop();
  return instance;
}

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  clock = new FakeClock('2026-11-28T09:00:00Z');
  notifier = new RecordingNotifier();
  app = await startInstance();
  repo = new TableAlertRepository(app.store);
});
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

/** A request as a sender signs it now; `replay` sends these exact bytes again. */
const sign = (body: Record<string, unknown>): SignedAlert => signedAlert(SECRET, clock.now(), body);

async function replay(req: SignedAlert, to: RunningApp = app) {
  const res = await postSignedAlert(to.url, req);
  const body = await res.json();
  // The alert, its timer and its card follow the answer in the background.
  await to.jobs.alertInbox.settled();
  return { status: res.status, body };
}

const alert = (id: string, overrides: Record<string, unknown> = {}) => ({
  source: 'incident',
  id,
  title: 'Ransomware note found on a file server',
  severity: 'high',
  organisations: ['RXH'],
  ...overrides,
});

const storedAlerts = async () => JSON.stringify(await repo.listOpen());

test('when the same signed request is replayed, then there is no second alert and no second card', async () => {
  const request = sign(alert('REPLAY-1'));
  const first = await replay(request);
  expect(first.status).toBe(201);
  const before = await storedAlerts();
  const calls = notifier.calls.length;
  for (let i = 0; i < 3; i++) {
    const again = await replay(request);
    expect(again.status).toBeLessThan(500);
    expect(again.body.outcome ?? again.body.error?.code).not.toBe('created');
  }
  expect(await storedAlerts()).toBe(before);
  expect(notifier.calls.length).toBe(calls);
});

test('when an older signed request is replayed after a newer one, then the alert keeps the newer content', async () => {
  const older = sign(alert('REPLAY-2', { title: 'First report', severity: 'medium' }));
  const { body } = await replay(older);
  clock.advance(60_000);
  expect(
    (await replay(sign(alert('REPLAY-2', { title: 'Now spreading', severity: 'critical' }))))
      .status,
  ).toBe(200);
  const calls = notifier.calls.length;
  const again = await replay(older);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ id: body.id, outcome: 'duplicate' });
  const stored = await repo.get(body.id);
  expect(stored?.alert).toMatchObject({ title: 'Now spreading', severity: 'critical' });
  expect(notifier.calls.length).toBe(calls);
});

test('when a signed request is replayed more than five minutes later, then it is refused 401', async () => {
  const request = sign(alert('REPLAY-3'));
  expect((await replay(request)).status).toBe(201);
  clock.advance(6 * 60_000);
  const late = await replay(request);
  expect(late.status).toBe(401);
  expect(late.body.error.message).toContain('5 minutes');
});

test('when a signature is checked, then it is compared in constant time, right or wrong', async () => {
  comparisons.length = 0;
  const good = sign(alert('REPLAY-4'));
  await replay(good);
  await replay({ ...good, signature: signWebhook('another-secret', good.timestamp, good.raw) });
  expect(comparisons).toEqual([
    { a: 32, b: 32 },
    { a: 32, b: 32 },
  ]);
});

/**
 * Two versions signed in the same second: the sender's version (the timestamp) cannot order them, so only
 * the stored guard stops the first, replayed, from undoing the second.
 */
async function twoVersionsInOneSecond(id: string) {
  const first = sign(alert(id, { title: 'First report', severity: 'medium' }));
  const second = sign(alert(id, { title: 'Now spreading', severity: 'critical' }));
  const created = await replay(first);
  expect(created.status).toBe(201);
  expect((await replay(second)).body.outcome).toBe('updated');
  return { first, alertId: created.body.id as string };
}

async function expectNotApplied(
  reply: { status: number; body: Record<string, unknown> },
  alertId: string,
) {
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({ id: alertId, outcome: 'duplicate' });
  expect((await repo.get(alertId))?.alert).toMatchObject({
    title: 'Now spreading',
    severity: 'critical',
  });
}

test('when a signed request is replayed after the app restarts, then it is not applied again', async () => {
  const { first, alertId } = await twoVersionsInOneSecond('REPLAY-5');
  await app.stop();
  app = await startInstance();
  repo = new TableAlertRepository(app.store);
  const calls = notifier.calls.length;
  await expectNotApplied(await replay(first), alertId);
  expect(notifier.calls.length).toBe(calls);
});

test('when a signed request is replayed to a second instance on the same tables, then it is not applied there', async () => {
  const second = await startInstance();
  try {
    const { first, alertId } = await twoVersionsInOneSecond('REPLAY-6');
    const calls = notifier.calls.length;
    await expectNotApplied(await replay(first, second), alertId);
    // And the other way round: taken by the second instance, replayed to the first.
    const request = sign(alert('REPLAY-6B'));
    expect((await replay(request, second)).status).toBe(201);
    // Its card (and its first step: the channel asked, the card refreshed) from the second instance.
    const taken = notifier.calls.slice(calls);
    expect(taken.filter((c) => c.kind === 'post')).toHaveLength(1);
    const again = await replay(request);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');
    expect(notifier.calls.slice(calls)).toEqual(taken);
  } finally {
    await second.stop();
  }
});

test('when an older version arrives for the first time after a newer one, then it changes nothing', async () => {
  const older = sign(alert('REPLAY-7', { title: 'First report', severity: 'medium' }));
  clock.advance(60_000);
  const newer = await replay(
    sign(alert('REPLAY-7', { title: 'Now spreading', severity: 'critical' })),
  );
  expect(newer.status).toBe(201);
  const calls = notifier.calls.length;
  // Never seen by any instance (it was held up on the way), yet signed before the version CTAC has.
  const before = (await repo.get(newer.body.id))?.alert.timeline;
  await expectNotApplied(await replay(older), newer.body.id);
  expect(notifier.calls.length).toBe(calls);
  const stored = await repo.get(newer.body.id);
  // The newer version's alert (raised, its first step fired as it was made), and nothing after.
  expect(stored?.alert.timeline).toEqual(before);
  expect(stored?.alert.timeline.map((e) => e.kind)).toEqual(['raised', 'escalated']);
});

test('when a refused request is sent, then nothing of it is kept and, corrected, it is taken', async () => {
  const inbox = new TableAlertInboxStore(app.store);
  const invalid = sign(alert('REPLAY-8', { severity: 'apocalyptic' }));
  expect((await replay(invalid)).status).toBe(400);
  expect(await inbox.get('incident', 'REPLAY-8')).toBeUndefined();
  expect((await replay(invalid)).status).toBe(400);
  const fixed = await replay(sign(alert('REPLAY-8')));
  expect(fixed.status).toBe(201);
});

test('when a newer version is taken, then only its signatures are kept, and the older ones stay refused by their version', async () => {
  const inbox = new TableAlertInboxStore(app.store);
  const hex = (r: SignedAlert) => r.signature.slice('sha256='.length);
  const first = sign(alert('REPLAY-9', { title: 'First report' }));
  const second = sign(alert('REPLAY-9', { title: 'Second report' }));
  expect((await replay(first)).status).toBe(201);
  expect((await replay(second)).body.outcome).toBe('updated');
  // Two versions signed in the same second: both are kept.
  expect((await inbox.get('incident', 'REPLAY-9'))?.signatures).toEqual([hex(first), hex(second)]);
  clock.advance(60_000);
  const third = sign(alert('REPLAY-9', { title: 'Third report' }));
  expect((await replay(third)).body.outcome).toBe('updated');
  const row = await inbox.get('incident', 'REPLAY-9');
  expect(row?.signatures).toEqual([hex(third)]);
  expect(row?.done).toBe(true);
  expect((await replay(first)).body.outcome).toBe('duplicate');
  expect((await repo.findByDedupKey('incident', 'REPLAY-9'))?.alert.title).toBe('Third report');
});
