/*
 * A webhook alert's first escalation step goes in the write that makes the alert, and is paged by the
 * inbox's application rather than by a timer due at once (issue 18); a crash between making the alert
 * and paging is repaired when the inbox applies the entry again. Azurite; Teams recorded at our port.
 */
import { AlertInbox, type InboxEntry } from '../../../src/app/alerts/alert-inbox';
import { raiseAlert, type IncomingAlert } from '../../../src/domain/alerts';
import { ALERT_INBOX_TABLE, TableAlertInboxStore } from '../../../src/store/alert-inbox-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, incident, people, sequentialIds, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([ALERT_INBOX_TABLE]);
});
afterAll(() => stop());

let key = 0;
const fresh = (overrides: Partial<IncomingAlert> = {}) =>
  incident({ dedupKey: `RAISE-${++key}`, severity: 'critical', ...overrides });

/** An alert world with the webhook's inbox wired to its service as the app wires it. */
async function inboxWorld() {
  const w = await alertWorld(store);
  const inboxStore = new TableAlertInboxStore(store);
  const inbox = new AlertInbox({
    store: inboxStore,
    ingest: (incoming, actor, alertId, { likelyNew, raising }) =>
      w.service.ingest(incoming, actor, { alertId, likelyNew, firesFirstStep: raising }),
    clock: w.clock,
    ids: sequentialIds(),
    instanceId: 'instance-a',
  });
  return { ...w, inbox, inboxStore };
}

const request = (version: number) => ({ signature: `sig-${version}`, version });
/** Whether the alert's timer is due by `at` (worlds share the timers table). */
const dueBy = async (w: Awaited<ReturnType<typeof inboxWorld>>, alertId: string, at: number) =>
  (await w.timers.due(new Date(at), 500)).some((t) => t.alertId === alertId);
const kinds = (timeline: readonly { kind: string }[]) => timeline.map((e) => e.kind);

test('when the webhook takes a critical alert, then the alert is made with its first step fired, the primary is paged once, and the timer waits for the next step', async () => {
  const w = await inboxWorld();
  const answer = await w.inbox.accept(fresh(), webhookActor, request(1_796_029_200));
  await w.inbox.drain();

  const stored = await w.alerts.get(answer.alertId);
  // Fired as the alert was made: nothing came between raising it and its first step.
  expect(kinds(stored!.alert.timeline).slice(0, 3)).toEqual(['raised', 'escalated', 'paged']);
  expect(stored!.alert.timeline[1]).toMatchObject({ stepIndex: 0, at: stored!.alert.raisedAt });
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  // The card is queued before the page (a step asking the channel replies in the card's thread).
  expect(w.notifier.calls.map((c) => c.kind).slice(0, 2)).toEqual(['post', 'page']);
  // No timer due now for the escalation job: the next is the critical policy's second step, 5 minutes on.
  const now = w.clock.now().getTime();
  expect(await dueBy(w, answer.alertId, now + 5 * 60_000 - 1)).toBe(false);
  expect(await dueBy(w, answer.alertId, now + 5 * 60_000)).toBe(true);
  expect((await w.inboxStore.get('incident', `RAISE-${key}`))?.raised).toBe(true);
});

test('when an alert was made with its first step fired but the instance stopped before paging, then the inbox applying it again pages the primary once', async () => {
  const w = await inboxWorld();
  const sent = fresh();
  const alertId = `CRASH${key}`;
  // What the stopped instance left: the inbox row (its claim lapsed), and the alert made from it.
  const entry: Omit<InboxEntry, 'etag'> = {
    source: sent.source,
    dedupKey: sent.dedupKey,
    alertId,
    version: 1_796_029_200,
    signatures: ['sig'],
    incoming: { ...sent, sentAt: '2026-11-28T09:00:00.000Z' },
    actor: webhookActor,
    done: false,
    raised: false,
    claimedBy: 'instance-stopped',
    claimedUntil: '2026-11-28T08:59:00.000Z',
  };
  expect((await w.inboxStore.insert(entry)).ok).toBe(true);
  const { alert } = raiseAlert(entry.incoming, {
    id: alertId,
    actor: webhookActor,
    at: w.clock.now(),
  });
  expect((await w.alerts.create(await w.escalation.fireAtRaise(alert, w.clock.now()))).ok).toBe(
    true,
  );
  expect(w.notifier.pagedTo()).toEqual([]);

  expect(await w.inbox.recover()).toBe(1);
  await w.inbox.settled();
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  const stored = await w.alerts.get(alertId);
  expect(kinds(stored!.alert.timeline)).toEqual(['raised', 'escalated', 'paged']);
  const row = await w.inboxStore.get(sent.source, sent.dedupKey);
  expect(row).toMatchObject({ done: true, raised: true });

  // Nothing left to take over: no second page.
  w.clock.advance(120_000);
  expect(await w.inbox.recover()).toBe(0);
  await w.inbox.settled();
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
});

test('when the instance stopped after paging but before marking its inbox row done, then applying it again pages nobody a second time', async () => {
  const w = await inboxWorld();
  const answer = await w.inbox.accept(fresh(), webhookActor, request(1_796_029_200));
  await w.inbox.drain();
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  // As if the done mark never landed, and the claim lapsed.
  const row = (await w.inboxStore.get('incident', `RAISE-${key}`))!;
  expect(
    (
      await w.inboxStore.replace({
        ...row,
        done: false,
        raised: false,
        claimedBy: 'instance-stopped',
        claimedUntil: '2026-11-28T08:59:00.000Z',
      })
    ).ok,
  ).toBe(true);

  expect(await w.inbox.recover()).toBe(1);
  await w.inbox.settled();
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  const stored = await w.alerts.get(answer.alertId);
  expect(kinds(stored!.alert.timeline).filter((k) => k === 'paged')).toHaveLength(1);
  expect(await w.inboxStore.get('incident', `RAISE-${key}`)).toMatchObject({
    done: true,
    raised: true,
  });
});

test('when a low alert (no step at once) comes through the webhook, then nothing is paged and its timer waits for the hour', async () => {
  const w = await inboxWorld();
  const answer = await w.inbox.accept(
    fresh({ severity: 'low' }),
    webhookActor,
    request(1_796_029_200),
  );
  await w.inbox.drain();
  const stored = await w.alerts.get(answer.alertId);
  expect(kinds(stored!.alert.timeline)).toEqual(['raised']);
  expect(w.notifier.pagedTo()).toEqual([]);
  const now = w.clock.now().getTime();
  expect(await dueBy(w, answer.alertId, now + 60 * 60_000 - 1)).toBe(false);
  expect(await dueBy(w, answer.alertId, now + 60 * 60_000)).toBe(true);
});
