import type { TableStore } from '../../../src/store/tables';
import { CtacError } from '../../../src/domain/shared/errors';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, incident, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
});
afterAll(() => stop());

let key = 0;
const fresh = (overrides = {}) => incident({ dedupKey: `SVC-${++key}`, ...overrides });

test('when a new alert arrives, then it is created once and posted to the channel once', async () => {
  const w = await alertWorld(store);
  const sent = fresh();
  const first = await w.service.ingest(sent, webhookActor);
  expect(first.outcome).toBe('created');
  const again = await w.service.ingest(sent, webhookActor);
  expect(again).toMatchObject({ outcome: 'duplicate', alert: { id: first.alert.id } });
  expect(w.notifier.of('post')).toEqual([{ kind: 'post', alertId: first.alert.id }]);
  expect(w.notifier.of('refresh')).toHaveLength(0);
});

test('when the sender changes the content, then the same alert is updated, its card refreshed, with an updated event', async () => {
  const w = await alertWorld(store);
  const sent = fresh();
  const first = await w.service.ingest(sent, webhookActor);
  const changed = await w.service.ingest(
    { ...sent, severity: 'critical', summary: 'Spread to a second host.' },
    webhookActor,
  );
  expect(changed.outcome).toBe('updated');
  expect(changed.alert.id).toBe(first.alert.id);
  expect(changed.alert.severity).toBe('critical');
  const stored = await w.alerts.get(first.alert.id);
  const last = stored?.alert.timeline.at(-1);
  expect(last).toMatchObject({ kind: 'updated', changes: ['severity', 'summary'] });
  expect(w.notifier.of('post')).toHaveLength(1);
  expect(w.notifier.of('refresh')).toEqual([{ kind: 'refresh', alertId: first.alert.id }]);
});

test('when the same new alert arrives from five senders at once, then there is one alert and one card', async () => {
  const w = await alertWorld(store);
  const sent = fresh();
  const results = await Promise.all(
    Array.from({ length: 5 }, () => w.service.ingest(sent, webhookActor)),
  );
  expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
  expect(new Set(results.map((r) => r.alert.id)).size).toBe(1);
  expect(w.notifier.of('post')).toHaveLength(1);
});

test('when the inbox says an alert is likely new but it is already there (raised from the chat), then it is a duplicate or an update, never a second alert', async () => {
  const w = await alertWorld(store);
  const sent = fresh();
  const first = await w.service.ingest(sent, webhookActor);
  const same = await w.service.ingest(sent, webhookActor, { likelyNew: true, alertId: 'NEWID001' });
  expect(same).toMatchObject({ outcome: 'duplicate', alert: { id: first.alert.id } });
  const changed = await w.service.ingest({ ...sent, severity: 'critical' }, webhookActor, {
    likelyNew: true,
    alertId: 'NEWID002',
  });
  expect(changed).toMatchObject({ outcome: 'updated', alert: { id: first.alert.id } });
  // The ids the failed creates tried are nobody's.
  expect(await w.alerts.get('NEWID001')).toBeUndefined();
  expect(await w.alerts.get('NEWID002')).toBeUndefined();
  expect(w.notifier.of('post')).toHaveLength(1);
});

test('when an alert is invalid, then ingest lists every problem and stores nothing', async () => {
  const w = await alertWorld(store);
  const bad = fresh({ title: ' ', url: 'http://plain.example.com', cves: ['CVE-1'] });
  const err = await w.service.ingest(bad, webhookActor).catch((e) => e);
  expect(err).toBeInstanceOf(CtacError);
  expect((err as CtacError).problems).toHaveLength(3);
  expect(await w.alerts.findByDedupKey('incident', bad.dedupKey)).toBeUndefined();
});

test('when twenty people acknowledge at once, then one acknowledgement is recorded and the rest hear who and when', async () => {
  const w = await alertWorld(store);
  const { alert } = await w.service.ingest(fresh(), webhookActor);
  w.clock.set('2026-11-28T09:03:00Z');
  const everyone = [people.sam, people.alex, people.lee, people.ada];
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) => w.service.acknowledge(as(everyone[i % 4]), alert.id)),
  );
  const won = outcomes.filter((o) => o.ok);
  expect(won).toHaveLength(1);
  const winner = won[0].ok ? won[0].alert.acknowledgedBy?.name : '';
  for (const lost of outcomes.filter((o) => !o.ok))
    expect(lost).toMatchObject({
      code: 'already_acknowledged',
      message: `Already acknowledged by ${winner} at 28 Nov 2026, 09:03.`,
    });
  const stored = await w.alerts.get(alert.id);
  expect(stored?.alert.timeline.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
});

test('when someone who is not a member acts on an alert, then they are refused and nothing changes', async () => {
  const w = await alertWorld(store);
  const { alert } = await w.service.ingest(fresh(), webhookActor);
  const before = await w.alerts.get(alert.id);
  const attempts = [
    () => w.service.acknowledge(as(undefined), alert.id),
    () => w.service.resolve(as(undefined), alert.id, 'Fixed'),
    () => w.service.snooze(as(undefined), alert.id, new Date('2026-11-28T10:00:00Z')),
    () => w.service.escalateNow(as(undefined), alert.id),
    () => w.service.addNote(as(undefined), alert.id, 'Hello'),
  ];
  for (const attempt of attempts)
    await expect(attempt()).rejects.toMatchObject({ code: 'not_a_member' });
  expect(await w.alerts.get(alert.id)).toEqual(before);
  expect(w.notifier.of('page')).toHaveLength(0);
});

test('when an action names an alert that does not exist, then the answer says so plainly', async () => {
  const w = await alertWorld(store);
  await expect(w.service.acknowledge(as(people.sam), 'A-FORGED')).rejects.toMatchObject({
    code: 'not_found',
    message: expect.stringContaining('There is no alert A-FORGED'),
  });
});

test('when a member resolves, notes and snoozes, then each is recorded with who and from where, and the card follows', async () => {
  const w = await alertWorld(store);
  const { alert } = await w.service.ingest(fresh(), webhookActor);
  const snoozed = await w.service.snooze(
    as(people.sam),
    alert.id,
    new Date('2026-11-28T12:00:00Z'),
  );
  expect(snoozed).toMatchObject({ ok: true, alert: { state: 'snoozed' } });
  const noted = await w.service.addNote(as(people.alex), alert.id, 'Vendor called back.');
  expect(noted.ok).toBe(true);
  const noNote = await w.service.resolve(as(people.alex), alert.id, '  ');
  expect(noNote).toMatchObject({ ok: false, code: 'note_required' });
  const resolved = await w.service.resolve(as(people.alex), alert.id, 'Host rebuilt.');
  expect(resolved).toMatchObject({
    ok: true,
    alert: { state: 'resolved', resolutionNote: 'Host rebuilt.' },
  });
  const late = await w.service.acknowledge(as(people.sam), alert.id);
  expect(late).toMatchObject({ ok: false, code: 'already_resolved' });
  const stored = await w.alerts.get(alert.id);
  expect(stored?.alert.timeline.map((e) => [e.kind, e.actor.name, e.source])).toEqual([
    ['raised', 'Alert webhook', 'api'],
    ['snoozed', 'Sam Patel', 'teams'],
    ['noted', 'Alex Jones', 'teams'],
    ['resolved', 'Alex Jones', 'teams'],
  ]);
  expect(w.notifier.of('refresh')).toHaveLength(3);
  expect(await w.service.listOpen(as(people.sam))).not.toContainEqual(
    expect.objectContaining({ id: alert.id }),
  );
});

test('when a member presses Escalate now, then the next step is recorded and its people paged at once', async () => {
  const w = await alertWorld(store);
  const { alert } = await w.service.ingest(fresh({ severity: 'high' }), webhookActor);
  const outcome = await w.service.escalateNow(as(people.alex), alert.id);
  expect(outcome.ok).toBe(true);
  // High: step 1 pages the primary on call (Sam).
  expect(w.notifier.pagedTo()).toEqual([people.sam.aadObjectId]);
  const kinds = outcome.ok ? outcome.alert.timeline.map((e) => e.kind) : [];
  expect(kinds).toEqual(['raised', 'escalated', 'paged']);
  const paged = outcome.ok ? outcome.alert.timeline[2] : undefined;
  expect(paged).toMatchObject({ recipients: [{ id: people.sam.aadObjectId, name: 'Sam Patel' }] });
  // The card is re-rendered once, showing the escalation and who was paged.
  expect(w.notifier.of('refresh')).toEqual([{ kind: 'refresh', alertId: alert.id }]);
});

describe('the alert a person names in the chat', () => {
  test('when they type its CTAC id in any case, an HSA id or an incident sender’s id, then that alert is found', async () => {
    const w = await alertWorld(store);
    const { alert: incidentAlert } = await w.service.ingest(fresh(), webhookActor);
    const { alert: hsa } = await w.service.ingest(
      {
        source: 'hsa',
        dedupKey: 'CC-9104',
        title: 'Critical vulnerability in Example Firewall',
        severity: 'High',
        publishedAt: '2026-11-27T09:00:00Z',
      },
      webhookActor,
    );
    const sam = as(people.sam);
    expect((await w.service.findNamed(sam, ` ${incidentAlert.id.toLowerCase()} `)).id).toBe(
      incidentAlert.id,
    );
    expect((await w.service.findNamed(sam, 'cc-9104')).id).toBe(hsa.id);
    expect((await w.service.findNamed(sam, incidentAlert.dedupKey)).id).toBe(incidentAlert.id);
  });

  test.each([
    ['nothing', '  ', 'validation'],
    ['an id longer than any id', 'X'.repeat(129), 'validation'],
    ['an id nobody has', 'NOPE-1', 'not_found'],
  ])('when they type %s, then it is a %s error', async (_label, typed, code) => {
    const w = await alertWorld(store);
    await expect(w.service.findNamed(as(people.sam), typed)).rejects.toMatchObject({ code });
  });

  test('when someone who is not a member names an alert, then they are refused', async () => {
    const w = await alertWorld(store);
    const { alert } = await w.service.ingest(fresh(), webhookActor);
    await expect(w.service.findNamed(as(undefined), alert.id)).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });
});

describe('recording where a card was posted, from the copy just read', () => {
  const post = { conversationId: 'channel-1', activityId: 'activity-1' };

  test('when this instance has just read the alert, then recording the post writes without reading it again', async () => {
    const w = await alertWorld(store);
    const { alert } = await w.service.ingest(fresh(), webhookActor);
    await w.alerts.get(alert.id); // as drawing its card or digest does
    const reads = jest.spyOn(w.alerts, 'get');
    const recorded = await w.service.recordPosted(alert.id, post, webhookActor);
    expect(reads).not.toHaveBeenCalled();
    expect(recorded.timeline.at(-1)).toMatchObject({ kind: 'posted' });
    expect((await w.alerts.get(alert.id))?.alert.timeline.at(-1)).toMatchObject({
      kind: 'posted',
    });
  });

  test('when another instance acknowledged it after this one read it, then the post is recorded on the acknowledged alert and the acknowledgement stays', async () => {
    const here = await alertWorld(store);
    const { alert } = await here.service.ingest(fresh(), webhookActor);
    await here.alerts.get(alert.id);
    const there = await alertWorld(store);
    await there.service.acknowledge(as(people.sam), alert.id);

    const recorded = await here.service.recordPosted(alert.id, post, webhookActor);
    expect(recorded.state).toBe('acknowledged');
    const stored = (await there.alerts.get(alert.id))!.alert;
    expect(stored.state).toBe('acknowledged');
    expect(stored.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['acknowledged', 'posted']),
    );
  });
});
