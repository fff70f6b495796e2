import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import type { RunningApp } from '../../src/server';
import { TableEscalationPolicyStore } from '../../src/store/alert-escalation-store';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { TableStore } from '../../src/store/tables';
import { startAppOn } from '../helpers/app-fixture';
import { RecordingConnector } from '../helpers/recording-connector';
import {
  bodyText,
  chatOf,
  conversationOf,
  isChannelPost,
  person,
  postAlert,
  seedTeams,
  signedAlert,
} from '../helpers/teams-fault-world';
import { VirtualTimers } from '../helpers/virtual-timers';

/**
 * Table Storage stops for 30 seconds (an Azurite keeping its data on disk, restarted on the same port)
 * while the background jobs run: the escalation timers, the rota's jobs and the send queue's worker.
 * They run on virtual timers on the app's FakeClock, each wait moving the clock, with short intervals
 * so that "every tick" would be a great many; the storage calls themselves are real. While the store
 * is down the jobs try far less often than their intervals, and once it is back they resume: the page
 * that fell due during the outage is sent and the message waiting in the queue is delivered.
 */
jest.setTimeout(240_000);

const SECRET = 'backoff-secret-0123456789abcdef';
const JANE = person(1, 'Jane Smith', 'member');
const BOB = person(2, 'Bob Jones', 'member');
/** Short intervals for the escalation and rota jobs, so that not backing off would show. */
const INTERVAL_MS = 250;
/** The send queue's own poll interval (the app's default). */
const SEND_QUEUE_POLL_MS = 5_000;
const LOOPS = 4;
const OUTAGE_MS = 30_000;

const dataDir = mkdtempSync(join(tmpdir(), 'ctac-backoff-'));
const clock = new FakeClock('2026-11-28T09:00:00Z');
const timers = new VirtualTimers(clock);
const logLines: Record<string, unknown>[] = [];
let connectorDown = false;
let azurite: EmbeddedAzurite;
let connector: RecordingConnector;
let app: RunningApp;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite({ dataDir });
  connector = await RecordingConnector.start({
    failures: () => (connectorDown ? { status: 500 } : undefined),
    now: () => clock.now().getTime(),
  });
  const seedStore = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  await seedStore.createTables();
  await seedTeams(seedStore, connector.url, [JANE, BOB], clock.now());
  app = await startAppOn(azurite.connectionString, SECRET, {
    clock,
    logger: createLogger('debug', {
      write: (line: string) => void logLines.push(JSON.parse(line)),
    }),
  });
  // A high alert pages Bob after a minute (there is no rota here), a low one is a card only.
  const policies = new TableEscalationPolicyStore(app.store);
  await policies.set('high', {
    name: 'High: page Bob after a minute',
    steps: [{ delayMinutes: 1, targets: [{ kind: 'member', memberId: BOB.aadObjectId }] }],
    repeat: 0,
  });
  await policies.set('low', { name: 'Low: card only', steps: [], repeat: 0 });
  // The jobs again, on virtual timers.
  await app.jobs.escalation.stop();
  await app.jobs.rota.stop();
  await app.jobs.sendQueue.stop();
  await app.jobs.alertInbox.stop();
  app.jobs.escalation.start(INTERVAL_MS, { timers });
  app.jobs.rota.start(INTERVAL_MS, { timers });
  app.jobs.sendQueue.start({ timers });
  app.jobs.alertInbox.start({ timers });
  await timers.settle(LOOPS);
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await azurite?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Failed ticks the job loops logged (first, repeats and reminders alike). */
const failedTicks = () => logLines.filter((l) => typeof l['failures'] === 'number');

/** Polls in real time until `ok` holds (I/O finishing), or fails after `timeoutMs`. */
async function until(ok: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('when Table Storage is down for 30 seconds, then the jobs try far less often than their intervals and afterwards the due page and the queued message go out', async () => {
  // Alert A: its card goes to the channel now; it pages Bob a minute after it was raised.
  const a = await postAlert(
    app.url,
    signedAlert(SECRET, clock.now(), {
      source: 'incident',
      id: 'BACKOFF-A',
      title: 'Alert A: ransomware note on a file share',
      severity: 'high',
    }),
  );
  expect(a.status).toBe(201);
  const raisedAt = clock.now().getTime();
  await until(
    () => connector.delivered.some((r) => isChannelPost(r) && bodyText(r).includes('Alert A')),
    "alert A's card",
  );

  // Alert B's card cannot be delivered yet (the connector fails): it waits in the queue.
  connectorDown = true;
  const b = await postAlert(
    app.url,
    signedAlert(SECRET, clock.now(), {
      source: 'incident',
      id: 'BACKOFF-B',
      title: 'Alert B: phishing wave at RXH',
      severity: 'low',
    }),
  );
  expect(b.status).toBe(201);
  await until(
    () => connector.requests.some((r) => r.status === 500 && bodyText(r).includes('Alert B')),
    "the first try at alert B's card",
  );
  await timers.settle(LOOPS);
  connectorDown = false;

  // 40 s on: the page is not due yet.
  await timers.advance(40_000, LOOPS);
  expect(connector.delivered.filter((r) => conversationOf(r) === chatOf(BOB))).toHaveLength(0);
  expect(failedTicks()).toHaveLength(0);

  await azurite.stop();
  const outageFrom = clock.now().getTime();
  await timers.advance(OUTAGE_MS, LOOPS);
  // The page fell due during the outage.
  expect(clock.now().getTime()).toBeGreaterThan(raisedAt + 60_000);

  // Ticking at their intervals the jobs would have tried 30 s / 250 ms twice over, plus 30 s / 5 s.
  const withoutBackoff = 2 * (OUTAGE_MS / INTERVAL_MS) + OUTAGE_MS / SEND_QUEUE_POLL_MS;
  const failed = failedTicks();
  console.log(
    `jobs-backoff: ${failed.length} failed ticks in a ${OUTAGE_MS / 1000} s outage (ticking at the intervals: ${withoutBackoff}); per job: ${JSON.stringify(countBy(failed, 'job'))}`,
  );
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.length).toBeLessThan(withoutBackoff / 10);
  // Each job logged its first failure as an error, once; the repeats quietly.
  const errors = failed.filter((l) => l['level'] === 50);
  expect(countBy(errors, 'job')).toEqual({
    escalation: 1,
    'rota jobs': 1,
    'the send queue': 1,
    'the alert inbox': 1,
    // Exercise mode's job (scripted alerts at their minute) ticks often enough to meet the outage too.
    'exercise injection': 1,
  });
  // Nothing was sent meanwhile.
  expect(connector.requests.filter((r) => r.at >= outageFrom)).toHaveLength(0);

  azurite = await startEmbeddedAzurite({ dataDir, port: azurite.port });

  // Within a few capped waits (60 s each at most) of virtual time, everything resumes.
  for (let step = 0; step < 12 && !resumedAll(); step++) await timers.advance(10_000, LOOPS);
  expect(resumedAll()).toBe(true);
  const page = connector.delivered.filter((r) => conversationOf(r) === chatOf(BOB));
  expect(page).toHaveLength(1);
  expect(bodyText(page[0]!)).toContain('Alert A');
  const cardsB = connector.delivered.filter(
    (r) => isChannelPost(r) && bodyText(r).includes('Alert B'),
  );
  expect(cardsB).toHaveLength(1);
  const cardsA = connector.delivered.filter(
    (r) => isChannelPost(r) && bodyText(r).includes('Alert A'),
  );
  expect(cardsA).toHaveLength(1);
  // Each job said it resumed, and is back to working (no failure after the "resumed").
  const resumed = logLines.filter((l) => String(l['msg']).endsWith(': resumed'));
  expect(countBy(resumed, 'job')).toEqual({
    escalation: 1,
    'rota jobs': 1,
    'the send queue': 1,
    'the alert inbox': 1,
  });
  const lastResumed = logLines.lastIndexOf(resumed.at(-1)!);
  await timers.advance(10_000, LOOPS);
  expect(logLines.slice(lastResumed).filter((l) => typeof l['failures'] === 'number')).toEqual([]);
});

function resumedAll(): boolean {
  return (
    connector.delivered.some((r) => conversationOf(r) === chatOf(BOB)) &&
    connector.delivered.some((r) => isChannelPost(r) && bodyText(r).includes('Alert B')) &&
    new Set(logLines.filter((l) => String(l['msg']).endsWith(': resumed')).map((l) => l['job']))
      .size === LOOPS
  );
}

function countBy(lines: Record<string, unknown>[], key: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) counts[String(l[key])] = (counts[String(l[key])] ?? 0) + 1;
  return counts;
}
