import { AlertEscalation } from '../../../src/app/alerts/alert-escalation';
import { createGraphClient } from '../../../src/graph/graph-client';
import {
  ALERT_PAGE_ACTIVITY_TYPE,
  GraphAlertActivityFeed,
} from '../../../src/graph/graph-alert-feed';
import { EscalationJob } from '../../../src/jobs/escalation-job';
import { createLogger } from '../../../src/logger';
import type { TableStore } from '../../../src/store/tables';
import { startStoreAndGraph, type FakeGraph } from '../../helpers/fake-graph';
import { alertWorld, incident, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
let graph: FakeGraph;
beforeEach(async () => {
  ({ store, graph, stop } = await startStoreAndGraph());
});
afterEach(() => stop());

/** The escalation job with the Graph activity feed pointed at the fake Graph server. */
async function pagingWorld(graphUrl: string) {
  const w = await alertWorld(store);
  const escalation = new AlertEscalation({
    alerts: w.alerts,
    notifier: w.notifier,
    timers: w.timers,
    policies: w.policies,
    onCall: w.onCall,
    members: w.members,
    activityFeed: new GraphAlertActivityFeed(
      createGraphClient({ getToken: async () => 'test-token', baseUrl: graphUrl }),
      'bot-app-id',
      createLogger('silent'),
    ),
  });
  const job = new EscalationJob({
    timers: w.timers,
    escalation,
    alerts: w.alerts,
    clock: w.clock,
    instanceId: 'one',
  });
  return { ...w, job };
}

test('when an alert pages someone and Graph is configured, then they get the card 1:1 and an activity feed notification naming the alert', async () => {
  const w = await pagingWorld(graph.url);
  await w.service.ingest(incident({ severity: 'high' }), webhookActor);

  await w.job.tick(new Date('2026-11-28T09:00:00Z'));

  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  expect(graph.notifications).toHaveLength(1);
  const [sent] = graph.notifications;
  expect(sent!.userId).toBe(people.sam.aadObjectId);
  expect(sent!.body['activityType']).toBe(ALERT_PAGE_ACTIVITY_TYPE);
  expect(sent!.body['templateParameters']).toEqual([
    { name: 'alert', value: 'high alert: Ransomware detected on a file server' },
  ]);
  expect(graph.requests[0]!.authorization).toBe('Bearer test-token');
});

test('when the next step pages two people, then each gets their own activity feed notification', async () => {
  const w = await pagingWorld(graph.url);
  await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  await w.job.tick(new Date('2026-11-28T09:00:00Z'));
  await w.job.tick(new Date('2026-11-28T09:15:00Z'));

  expect(graph.notifications.map((n) => n.userId)).toEqual([
    people.sam.aadObjectId,
    people.sam.aadObjectId,
    people.alex.aadObjectId,
  ]);
});

test('when Graph cannot be reached, then the 1:1 page still goes and is recorded', async () => {
  const w = await pagingWorld('http://127.0.0.1:9');
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);

  await w.job.tick(new Date('2026-11-28T09:00:00Z'));

  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  const stored = await w.alerts.get(alert.id);
  expect(stored?.alert.timeline.map((e) => e.kind)).toContain('paged');
});

test('when an alert is acknowledged before its first step, then nobody is paged and Graph hears nothing', async () => {
  const w = await pagingWorld(graph.url);
  const { alert } = await w.service.ingest(incident({ severity: 'high' }), webhookActor);
  expect((await w.service.acknowledge({ member: people.alex, source: 'teams' }, alert.id)).ok).toBe(
    true,
  );

  await w.job.tick(new Date('2026-11-28T09:30:00Z'));

  expect(w.notifier.pagedTo()).toEqual([]);
  expect(graph.notifications).toHaveLength(0);
});
