import type { IncomingAlert } from '../../../src/domain/alerts';
import { EscalationJob } from '../../../src/jobs/escalation-job';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, people, webhookActor } from './fixtures';

/**
 * Issue 17, item 1: an alert raised from the chat form may only create. What the NHS feed or a signed
 * sender said about an alert is not the chat's to change, and such a change would also stop the paging.
 */
let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

const official: IncomingAlert = {
  source: 'hsa',
  dedupKey: 'CC-9001',
  title: 'Critical vulnerability in Citrix NetScaler ADC',
  severity: 'High',
  summary: 'Remote code execution, exploited in the wild.',
  url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9001',
  cves: ['CVE-2026-1234'],
};
/** What a member forged on the chat form: the same HSA, "resolved", pointing elsewhere. */
const forged: IncomingAlert = {
  source: 'hsa',
  dedupKey: 'cc-9001',
  title: 'Information only: resolved upstream',
  severity: 'Information only',
  summary: 'No action needed.',
  url: 'https://attacker.example.com/cc-9001',
  cves: [],
};
const sam = { id: people.sam.aadObjectId, name: people.sam.name, source: 'teams' as const };

async function world() {
  const w = await alertWorld(store);
  const job = new EscalationJob({
    timers: w.timers,
    escalation: w.escalation,
    alerts: w.alerts,
    clock: w.clock,
    instanceId: 'one',
  });
  const timerOf = async (alertId: string) =>
    (await w.timers.due(new Date('2027-01-01T00:00:00Z'), 100)).find((t) => t.alertId === alertId);
  return { ...w, job, timerOf };
}

test('when a member’s chat form names an HSA the NHS sent, then the alert, its timer and its card stay as they were and paging goes on', async () => {
  const w = await world();
  const { alert } = await w.service.ingest(official, webhookActor);
  const before = await w.alerts.get(alert.id);
  const timer = await w.timerOf(alert.id);
  expect(timer).toBeDefined();

  const answer = await w.service.ingest(forged, sam, { createOnly: true });

  expect(answer).toEqual({ outcome: 'duplicate', alert: before!.alert });
  expect(await w.alerts.get(alert.id)).toEqual(before);
  expect(await w.timerOf(alert.id)).toEqual(timer);
  expect(w.notifier.of('refresh')).toEqual([]);
  await w.job.tick(w.clock.now());
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
});

test('when the same change comes from the NHS feed or a signed sender, then it is taken and the paging stops: why the chat may not make it', async () => {
  const w = await world();
  const { alert } = await w.service.ingest(official, webhookActor);

  expect((await w.service.ingest(forged, webhookActor)).outcome).toBe('updated');

  await w.job.tick(w.clock.now());
  expect(w.notifier.pagedTo()).toEqual([]);
  expect((await w.alerts.get(alert.id))?.alert.severityRank).toBe('information');
});

test('when a member raises a new alert from the chat, then it is created, posted and escalates', async () => {
  const w = await world();
  const raised = await w.service.ingest(
    { source: 'incident', dedupKey: 'chat-f1', title: 'Phishing wave', severity: 'high' },
    sam,
    { createOnly: true },
  );
  expect(raised.outcome).toBe('created');
  expect(w.notifier.of('post')).toEqual([{ kind: 'post', alertId: raised.alert.id }]);
  expect(await w.timerOf(raised.alert.id)).toBeDefined();
  const again = await w.service.ingest(
    { source: 'incident', dedupKey: 'chat-f1', title: 'Phishing wave (edited)', severity: 'low' },
    sam,
    { createOnly: true },
  );
  expect(again).toEqual({ outcome: 'duplicate', alert: raised.alert });
});
