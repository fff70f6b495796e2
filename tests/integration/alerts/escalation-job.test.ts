import { AlertEscalation } from '../../../src/app/alerts/alert-escalation';
import {
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from '../../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import { EscalationJob } from '../../../src/jobs/escalation-job';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import {
  alertWorld,
  as,
  FixedOnCallSource,
  incident,
  people,
  RecordingNotifier,
  samThenAlex,
  webhookActor,
} from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

const minutes = (n: number) => n * 60_000;
const at = (hhmm: string) => new Date(`2026-11-28T${hhmm}:00Z`);

/** A job as a fresh app instance would build it: new objects over the same tables. */
function instance(name: string, clock: { now(): Date }, notifier = new RecordingNotifier()) {
  const alerts = new TableAlertRepository(store);
  const timers = new TableEscalationTimerStore(store);
  const escalation = new AlertEscalation({
    alerts,
    notifier,
    timers,
    policies: new TableEscalationPolicyStore(store),
    onCall: new FixedOnCallSource(samThenAlex()),
    members: new TableMemberRepository(store),
  });
  return {
    notifier,
    job: new EscalationJob({ timers, escalation, alerts, clock, instanceId: name }),
  };
}

test('when nobody acknowledges, then each step is paged only once its delay has passed', async () => {
  const w = await alertWorld(store);
  const { job, notifier } = instance('one', w.clock, w.notifier);
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);

  await job.tick(at('09:00'));
  expect(notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  await job.tick(at('09:14'));
  expect(notifier.pagedTo()).toHaveLength(1);
  await job.tick(at('09:15'));
  // High, step 2: primary and secondary.
  expect(notifier.pagedTo().slice(1)).toEqual([people.sam.aadObjectId, people.alex.aadObjectId]);
  await job.tick(at('09:30'));
  // Step 3: every lead (Lee is a lead, Ada an admin).
  expect(notifier.pagedTo().slice(3).sort()).toEqual(
    [people.lee.aadObjectId, people.ada.aadObjectId].sort(),
  );

  const stored = await w.alerts.get(alert.id);
  const kinds = stored?.alert.timeline.map((e) => `${e.kind}:${e.source}`);
  expect(kinds).toEqual([
    'raised:api',
    'escalated:job',
    'paged:job',
    'escalated:job',
    'paged:job',
    'escalated:job',
    'paged:job',
  ]);
});

test('when the alert is acknowledged, then escalation stops and its timer goes', async () => {
  const w = await alertWorld(store);
  const { job, notifier } = instance('one', w.clock, w.notifier);
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  await job.tick(at('09:00'));
  w.clock.set(at('09:05'));
  expect((await w.service.acknowledge(as(people.sam), alert.id)).ok).toBe(true);
  for (const time of ['09:15', '09:30', '10:30', '12:00']) await job.tick(at(time));
  expect(notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  expect(await w.timers.alertIds()).not.toContain(alert.id);
});

test('when the app restarts mid-escalation, then a new instance carries on from the table', async () => {
  const w = await alertWorld(store);
  const first = instance('before-restart', w.clock);
  await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  await first.job.tick(at('09:00'));
  expect(first.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);

  const after = instance('after-restart', w.clock);
  await after.job.tick(at('09:10'));
  expect(after.notifier.pagedTo()).toEqual([]);
  await after.job.tick(at('09:15'));
  expect(after.notifier.pagedTo()).toEqual([people.sam.aadObjectId, people.alex.aadObjectId]);
});

test('when two instances tick at the same moment, then each step is paged once', async () => {
  const w = await alertWorld(store);
  const shared = new RecordingNotifier();
  const a = instance('a', w.clock, shared);
  const b = instance('b', w.clock, shared);
  for (let i = 0; i < 3; i++)
    await w.service.ingest(incident({ dedupKey: `PAR-${i}`, severity: 'high' }), webhookActor);
  for (const time of ['09:00', '09:15', '09:30'])
    await Promise.all([a.job.tick(at(time)), b.job.tick(at(time))]);
  // Per alert: primary; primary + secondary; the two leads.
  expect(shared.of('page')).toHaveLength(3 * 5);
  const perAlert = new Map<string, number>();
  for (const call of shared.of('page'))
    perAlert.set(call.alertId, (perAlert.get(call.alertId) ?? 0) + 1);
  expect([...perAlert.values()]).toEqual([5, 5, 5]);
});

test('when a snooze ends, then the alert is triggered again and paged from the first step', async () => {
  const w = await alertWorld(store);
  const { job, notifier } = instance('one', w.clock, w.notifier);
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  w.clock.set(at('09:01'));
  await w.service.snooze(as(people.sam), alert.id, at('10:00'));
  await job.tick(at('09:30'));
  expect(notifier.pagedTo()).toEqual([]);
  await job.tick(at('10:00'));
  expect(notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  const stored = await w.alerts.get(alert.id);
  expect(stored?.alert.state).toBe('triggered');
});

test('when an open alert lost its timer (a crash between writes), then the job restores it and pages', async () => {
  const w = await alertWorld(store);
  const { job, notifier } = instance('one', w.clock, w.notifier);
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  await w.timers.clear(alert.id);
  await job.tick(at('09:01'));
  expect(notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
});

test('when a critical alert reaches its channel step, then the channel thread is asked for help', async () => {
  const w = await alertWorld(store);
  const { job, notifier } = instance('one', w.clock, w.notifier);
  await w.service.ingest(incident({ severity: 'critical' }), webhookActor);
  for (let m = 0; m <= 15; m += 5) await job.tick(new Date(at('09:00').getTime() + minutes(m)));
  expect(notifier.of('reply')).toHaveLength(1);
  expect(notifier.of('reply')[0].text).toContain(
    'Nobody on call has acknowledged this critical alert yet',
  );
});

test('when paging one person fails, then the others are still paged and only they are recorded', async () => {
  const w = await alertWorld(store);
  class FailingForAlex extends RecordingNotifier {
    override async page(id: string, alert: Parameters<RecordingNotifier['page']>[1]) {
      if (id === people.alex.aadObjectId) throw new Error('no conversation with Alex yet');
      await super.page(id, alert);
    }
  }
  const { job, notifier } = instance('one', w.clock, new FailingForAlex());
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  await job.tick(at('09:00'));
  await job.tick(at('09:15'));
  expect(notifier.pagedTo()).toEqual([people.sam.aadObjectId, people.sam.aadObjectId]);
  const stored = await w.alerts.get(alert.id);
  const pages = stored?.alert.timeline.filter((e) => e.kind === 'paged');
  expect(pages?.map((e) => (e.kind === 'paged' ? e.recipients.map((r) => r.name) : []))).toEqual([
    ['Sam Patel'],
    ['Sam Patel'],
  ]);
});

describe('a new alert’s first step, from the copy this instance just wrote', () => {
  const jobActor = { id: 'ctac-escalation', name: 'CTAC', source: 'job' as const };

  test('when the instance that stored the alert fires its first step, then it pages the person on call once without reading the alert again', async () => {
    const w = await alertWorld(store);
    const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
    const reads = jest.spyOn(w.alerts, 'get');

    const next = await w.escalation.runDue(alert.id, at('09:00'), jobActor);
    expect(reads).not.toHaveBeenCalled();
    expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
    // The next step is 15 minutes on (high).
    expect(next).toEqual(at('09:15'));
    reads.mockRestore();
    const kinds = (await w.alerts.get(alert.id))!.alert.timeline.map((e) => e.kind);
    expect(kinds).toEqual(['raised', 'escalated', 'paged']);
  });

  test('when another instance acknowledged the alert after this one stored it, then this one reads it, pages nobody and sets no further step', async () => {
    const w = await alertWorld(store);
    const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
    const there = await alertWorld(store);
    await there.service.acknowledge(as(people.sam), alert.id);

    const next = await w.escalation.runDue(alert.id, at('09:00'), jobActor);
    expect(w.notifier.pagedTo()).toEqual([]);
    expect(next).toBeUndefined();
    const stored = (await there.alerts.get(alert.id))!.alert;
    expect(stored.state).toBe('acknowledged');
    expect(stored.timeline.map((e) => e.kind)).toEqual(['raised', 'acknowledged']);
  });

  test('when another instance already fired the first step, then this one pages nobody again', async () => {
    const w = await alertWorld(store);
    const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
    const there = await alertWorld(store);
    await there.escalation.runDue(alert.id, at('09:00'), jobActor);

    await w.escalation.runDue(alert.id, at('09:00'), jobActor);
    expect(there.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
    expect(w.notifier.pagedTo()).toEqual([]);
    const kinds = (await w.alerts.get(alert.id))!.alert.timeline.map((e) => e.kind);
    expect(kinds).toEqual(['raised', 'escalated', 'paged']);
  });
});
