import { FakeClock } from '../../src/domain/shared/clock';
import { realTimers } from '../../src/jobs/job-loop';
import type { RunningApp } from '../../src/server';
import type { TableStore } from '../../src/store/tables';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../helpers/app-fixture';
import type { RecordingConnector } from '../helpers/recording-connector';
import {
  bodyText,
  isChannelPost,
  person,
  postAlert,
  sendQueueRows,
  signedAlert,
} from '../helpers/teams-fault-world';

/**
 * `startApp(config, { jobs: false })` starts no background timers: nothing is sent or escalated by
 * itself, and the test drives each job with `jobs.*.tick()`.
 */
jest.setTimeout(60_000);

const SECRET = 'no-jobs-secret-0123456789abcdef';
const clock = new FakeClock('2026-11-28T09:00:00Z');
let world: TeamsWorld;
let store: TableStore;
let connector: RecordingConnector;

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [person(1, 'Jane Smith', 'member')] });
  ({ store, connector } = world);
});
afterAll(() => world?.stop());
afterEach(() => jest.restoreAllMocks());

const start = (jobs?: boolean): Promise<RunningApp> =>
  startAppOn(world.connectionString, SECRET, {
    clock,
    ...(jobs === undefined ? {} : { jobs }),
  });

test('when the app starts with jobs: false, then no job timer is set and a queued card waits until the test ticks the send queue', async () => {
  const after = jest.spyOn(realTimers, 'after');
  const app = await start(false);
  try {
    const sent = await postAlert(
      app.url,
      signedAlert(SECRET, clock.now(), {
        source: 'incident',
        id: 'NOJOBS-001',
        title: 'Quiet alert: nothing runs by itself',
        // Medium pages the primary at once under the default policies (Low waits an hour, issue 20).
        severity: 'medium',
      }),
    );
    expect(sent.status).toBe(201);
    // The webhook's answer follows one inbox write; the alert and its card come from the inbox job.
    await app.jobs.alertInbox.tick();
    clock.advance(10 * 60_000);

    expect(after).not.toHaveBeenCalled();
    expect(connector.delivered.filter(isChannelPost)).toHaveLength(0);
    // The card, and what its first step (due at once, fired as the inbox made the alert) queued:
    // nobody is on call, so the channel is asked in the card's thread, and the card shows that.
    expect((await sendQueueRows(store)).map((r) => [r.state, r.kind])).toEqual([
      ['queued', 'channelPost'],
      ['queued', 'threadReply'],
      ['queued', 'refresh'],
    ]);

    const report = await app.jobs.sendQueue.tick();
    expect(report.sent).toBe(3);
    const posts = connector.delivered.filter(isChannelPost);
    expect(posts).toHaveLength(1);
    expect(bodyText(posts[0]!)).toContain('Quiet alert');
    // Nothing was left for the escalation job: its next step is an hour after the first.
    expect(await app.jobs.escalation.tick(clock.now())).toEqual({ handled: 0 });
    expect(after).not.toHaveBeenCalled();
  } finally {
    await app.stop();
  }
});

test('when the app starts with its default options, then every job runs on its timer', async () => {
  const after = jest.spyOn(realTimers, 'after');
  const app = await start();
  try {
    // The escalation, rota and HSA reminder loops wait from the start; the outbox after its first pass.
    expect(after.mock.calls.length).toBeGreaterThanOrEqual(3);
  } finally {
    await app.stop();
  }
});
