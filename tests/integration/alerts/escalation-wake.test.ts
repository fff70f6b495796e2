import { AlertEscalation } from '../../../src/app/alerts/alert-escalation';
import { raiseAlert, snooze, type Alert, type AlertSeverity } from '../../../src/domain/alerts';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { RunningApp } from '../../../src/server';
import {
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from '../../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import { sendSignedAlert } from '../../helpers/alert-webhook';
import { startAppOn, startTeamsWorld, type TeamsWorld } from '../../helpers/app-fixture';
import { person } from '../../helpers/teams-fault-world';
import { VirtualTimers } from '../../helpers/virtual-timers';
import { alertTableNames, FixedOnCallSource, RecordingNotifier } from './fixtures';

/**
 * A step due at once is paged at once (issue 16, found by the paging bench): a new alert whose policy
 * pages someone at once wakes the escalation job instead of waiting up to its interval. The jobs run
 * on virtual timers over a FakeClock that the test never moves: the escalation job's wait is ten
 * minutes, so a page that arrives at all came from the wake.
 */
jest.setTimeout(60_000);

const SECRET = 'escalation-wake-secret-0123456789';
const clock = new FakeClock('2026-11-28T09:00:00Z');
const asha = person(1, 'Asha Patel', 'member');
let world: TeamsWorld;

beforeAll(async () => {
  world = await startTeamsWorld({ clock, people: [asha] });
});
afterAll(() => world?.stop());

/** Resolves once `done` answers true, checking every few milliseconds, or fails after `ms` (real time). */
async function eventually(done: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

describe('with the app’s jobs running and the escalation job ticking every ten minutes', () => {
  let app: RunningApp;
  const notifier = new RecordingNotifier();
  const started = clock.now().getTime();

  beforeAll(async () => {
    app = await startAppOn(world.connectionString, SECRET, {
      clock,
      jobs: false,
      alertNotifier: notifier,
    });
    await new TableEscalationPolicyStore(app.store).set('high', {
      name: 'Asha at once',
      steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: asha.aadObjectId }] }],
      repeat: 0,
    });
    const timers = new VirtualTimers(clock);
    app.jobs.alertInbox.start({ timers });
    app.jobs.escalation.start(10 * 60_000, { timers });
    await timers.settle(2);
  });
  afterAll(() => app?.stop());

  const pagesOf = (alertId: string) =>
    notifier.of('page').filter((c) => c.alertId === alertId && c.to === asha.aadObjectId);

  test('when an alert arrives whose first step pages at once, then it is paged without waiting for the job’s tick', async () => {
    const sent = await sendSignedAlert(
      app.url,
      SECRET,
      {
        source: 'incident',
        id: 'WAKE-001',
        title: 'Ransomware on a file server',
        severity: 'high',
      },
      clock.now(),
    );
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };

    await eventually(() => pagesOf(id).length > 0, 'the page');
    expect(pagesOf(id)).toHaveLength(1);
    // The job's ten-minute wait never ended: the clock has not moved.
    expect(clock.now().getTime()).toBe(started);
  });

  test('when several such alerts arrive together, then each is paged once, still without a tick', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        sendSignedAlert(
          app.url,
          SECRET,
          { source: 'incident', id: `WAKE-BURST-${n}`, title: `Burst ${n}`, severity: 'high' },
          clock.now(),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { id: string }).id),
    );

    await eventually(() => ids.every((id) => pagesOf(id).length > 0), 'the five pages');
    expect(ids.map((id) => pagesOf(id).length)).toEqual([1, 1, 1, 1, 1]);
    expect(clock.now().getTime()).toBe(started);
  });
});

describe('AlertEscalation.scheduleAfterChange', () => {
  const raised = (severity: AlertSeverity, n: number): Alert =>
    raiseAlert(
      { source: 'incident', dedupKey: `DUE-${n}`, title: `Alert ${n}`, severity },
      {
        id: `DUE-${n}`,
        actor: { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
        at: clock.now(),
      },
    ).alert;

  test('when the timer it sets is due now or past, then it wakes the job; when it is due later, then it does not', async () => {
    const store = world.store;
    await store.createTables(alertTableNames);
    const policies = new TableEscalationPolicyStore(store);
    await policies.set('high', {
      name: 'Asha at once',
      steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: asha.aadObjectId }] }],
      repeat: 0,
    });
    await policies.set('low', {
      name: 'Asha after five minutes',
      steps: [{ delayMinutes: 5, targets: [{ kind: 'member', memberId: asha.aadObjectId }] }],
      repeat: 0,
    });
    let woken = 0;
    const escalation = new AlertEscalation({
      alerts: new TableAlertRepository(store),
      notifier: new RecordingNotifier(),
      timers: new TableEscalationTimerStore(store),
      policies,
      onCall: new FixedOnCallSource({ primary: [], secondary: [] }),
      members: new TableMemberRepository(store),
      onDueNow: () => void (woken += 1),
    });
    const now = clock.now();

    await escalation.scheduleAfterChange(raised('low', 1), now);
    expect(woken).toBe(0);
    await escalation.scheduleAfterChange(raised('high', 2), now);
    expect(woken).toBe(1);
    // A snooze that ended while nobody looked: due in the past.
    const snoozed = snooze(
      raised('low', 3),
      new Date(now.getTime() + 60_000),
      { id: asha.aadObjectId, name: asha.name, source: 'teams' },
      now,
    );
    if (!snoozed.ok) throw new Error(snoozed.message);
    await escalation.scheduleAfterChange(snoozed.alert, new Date(now.getTime() + 2 * 60_000));
    expect(woken).toBe(2);
  });
});
