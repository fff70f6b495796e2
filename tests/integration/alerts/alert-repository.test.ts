import { raiseAlert, acknowledge, addNote, type Alert } from '../../../src/domain/alerts';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { ALERT_TABLES, INLINE_TIMELINE_MAX, alertPartition } from '../../../src/store/alert-rows';
import { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { incident, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
let repo: TableAlertRepository;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(Object.values(ALERT_TABLES));
  repo = new TableAlertRepository(store);
});
afterAll(() => stop());

let n = 0;
const newAlert = (dedupKey: string, at = new Date('2026-11-28T09:00:00Z')): Alert =>
  raiseAlert(incident({ dedupKey }), { id: `R${++n}`, actor: webhookActor, at }).alert;
const sam = { id: people.sam.aadObjectId, name: people.sam.name, source: 'teams' as const };

test('when an alert is created, then it reads back by id and by dedup key with its timeline', async () => {
  const alert = newAlert('MSP-1');
  const created = await repo.create(alert);
  expect(created.ok).toBe(true);
  const byId = await new TableAlertRepository(store).get(alert.id);
  expect(byId?.alert).toEqual(alert);
  const byKey = await new TableAlertRepository(store).findByDedupKey('incident', 'MSP-1');
  expect(byKey?.alert.id).toBe(alert.id);
  expect(byKey?.alert.timeline.map((e) => e.kind)).toEqual(['raised']);
});

test('when an unknown id or key is asked for, then there is no alert', async () => {
  expect(await repo.get('NOPE')).toBeUndefined();
  expect(await repo.get('')).toBeUndefined();
  expect(await repo.findByDedupKey('hsa', 'CC-0000')).toBeUndefined();
});

test('when ten senders create the same alert at once, then exactly one alert exists', async () => {
  const attempts = Array.from({ length: 10 }, () => newAlert('MSP-RACE'));
  const results = await Promise.all(attempts.map((a) => repo.create(a)));
  const winners = results.filter((r) => r.ok);
  expect(winners).toHaveLength(1);
  expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'exists')).toBe(true);
  const stored = await repo.findByDedupKey('incident', 'MSP-RACE');
  const winner = winners[0].ok ? winners[0].value.alert.id : '';
  expect(stored?.alert.id).toBe(winner);
  // The losers' ids lead nowhere.
  for (const loser of attempts.filter((a) => a.id !== winner))
    expect(await repo.get(loser.id)).toBeUndefined();
  // The open index names the winner, whichever attempt claimed its row first.
  const open = await repo.openAlertIds();
  expect(open).toContain(winner);
  expect(open.filter((id) => attempts.some((a) => a.id === id))).toEqual([winner]);
});

const hostileKeys = [
  'a/b\\c#d?e',
  "O'Brien ''; DROP",
  'percent %2F and % alone',
  'Zoë ☕ – 事件',
  'x'.repeat(128),
  '~open',
  '~id',
];

test.each(hostileKeys.map((k) => [k.slice(0, 30), k]))(
  'when the dedup key is %s, then the alert stores, dedups and lists like any other',
  async (_label, key) => {
    const alert = newAlert(key);
    expect((await repo.create(alert)).ok).toBe(true);
    expect(await repo.create(newAlert(key))).toEqual({ ok: false, reason: 'exists' });
    expect((await repo.findByDedupKey('incident', key))?.alert.dedupKey).toBe(key);
    expect((await repo.get(alert.id))?.alert.dedupKey).toBe(key);
    expect((await repo.listOpen()).map((a) => a.id)).toContain(alert.id);
  },
);

test('when an HSA id differs only in case or spaces, then it is the same alert', async () => {
  const hsa = raiseAlert(
    { source: 'hsa', dedupKey: 'cc-4719', title: 'VPN flaw', severity: 'High' },
    { id: `R${++n}`, actor: webhookActor, at: new Date('2026-11-28T09:00:00Z') },
  ).alert;
  expect((await repo.create(hsa)).ok).toBe(true);
  expect((await repo.findByDedupKey('hsa', ' CC-4719 '))?.alert.id).toBe(hsa.id);
  // An incident with the same key is a different alert.
  expect(await repo.findByDedupKey('incident', 'CC-4719')).toBeUndefined();
});

test('when an alert changes on a stale ETag, then the write is a conflict and nothing changes', async () => {
  const alert = newAlert('MSP-STALE');
  const created = await repo.create(alert);
  if (!created.ok) throw new Error('not created');
  const at = new Date('2026-11-28T09:05:00Z');
  const first = acknowledge(created.value.alert, sam, at);
  if (!first.ok) throw new Error(first.message);
  const saved = await repo.update(first.alert, created.value.etag);
  expect(saved.ok).toBe(true);
  const again = await repo.update(first.alert, created.value.etag);
  expect(again).toEqual({ ok: false, reason: 'conflict' });
  const stored = await repo.get(alert.id);
  expect(stored?.alert.timeline.map((e) => e.kind)).toEqual(['raised', 'acknowledged']);
  expect(stored?.alert.acknowledgedBy?.name).toBe('Sam Patel');
  // The ETag from a successful write is good for the next one.
  if (!saved.ok) return;
  const next = await repo.update(saved.value.alert, saved.value.etag);
  expect(next.ok).toBe(true);
});

test('when an ETag is made up, then the write is a conflict', async () => {
  const alert = newAlert('MSP-FORGED');
  await repo.create(alert);
  expect(await repo.update(alert, 'not-an-etag')).toEqual({ ok: false, reason: 'conflict' });
  expect(await repo.update(alert, '1|W/"datetime\'2020-01-01T00%3A00%3A00Z\'"')).toEqual({
    ok: false,
    reason: 'conflict',
  });
  expect(await repo.update(alert, 'a0.1|W/"datetime\'2020-01-01T00%3A00%3A00Z\'"')).toEqual({
    ok: false,
    reason: 'conflict',
  });
  expect((await repo.get(alert.id))?.alert).toEqual(alert);
});

test('when an alert gathers hundreds of long notes, then every one is kept in order, and a stale write still changes nothing', async () => {
  const created = await repo.create(newAlert('MSP-CHATTY'));
  if (!created.ok) throw new Error('not created');
  let { alert, etag } = created.value;
  const at = new Date('2026-11-28T10:00:00Z');
  const notes = 300;
  let staleEtag = etag;
  for (let i = 0; i < notes; i++) {
    const outcome = addNote(alert, `Note ${i}: ${'n☕'.repeat(990)}`, sam, at);
    if (!outcome.ok) throw new Error(outcome.message);
    if (i === 150) staleEtag = etag;
    const saved = await repo.update(outcome.alert, etag);
    if (!saved.ok) throw new Error(`note ${i} not saved`);
    ({ alert, etag } = saved.value);
  }
  // Far more than one row holds: the oldest moved to rows of their own.
  expect(JSON.stringify(alert.timeline).length).toBeGreaterThan(2 * INLINE_TIMELINE_MAX);
  const stored = await new TableAlertRepository(store).get(alert.id);
  expect(stored?.alert).toEqual(alert);
  expect(stored?.alert.timeline.map((e) => e.seq)).toEqual(
    Array.from({ length: notes + 1 }, (_, i) => i),
  );
  const late = addNote(alert, 'written from an old copy', sam, at);
  if (!late.ok) throw new Error(late.message);
  expect(await repo.update(late.alert, staleEtag)).toEqual({ ok: false, reason: 'conflict' });
  // The ETag read back is good for the next change.
  const next = addNote(stored!.alert, 'one more', sam, at);
  if (!next.ok) throw new Error(next.message);
  expect((await repo.update(next.alert, stored!.etag)).ok).toBe(true);
  expect((await repo.get(alert.id))?.alert.timeline).toHaveLength(notes + 2);
});

test('when alerts are resolved, then listOpen leaves them out and lists the rest newest first', async () => {
  const older = newAlert('MSP-LIST-OLD', new Date('2026-11-28T10:00:00Z'));
  const newer = newAlert('MSP-LIST-NEW', new Date('2026-11-28T11:00:00Z'));
  const closed = newAlert('MSP-LIST-CLOSED', new Date('2026-11-28T12:00:00Z'));
  for (const a of [older, newer, closed]) await repo.create(a);
  const stored = await repo.get(closed.id);
  if (!stored) throw new Error('missing');
  const resolved: Alert = { ...stored.alert, state: 'resolved' };
  expect((await repo.update(resolved, stored.etag)).ok).toBe(true);
  const open = (await repo.listOpen()).map((a) => a.id);
  expect(open).not.toContain(closed.id);
  expect(open.indexOf(newer.id)).toBeLessThan(open.indexOf(older.id));
});

test('when an alert has long text, then it round-trips whole', async () => {
  const alert = {
    ...newAlert('MSP-LONG'),
    summary: 'S'.repeat(4000),
    remediation: 'R☕'.repeat(4000),
    affectedProducts: Array.from({ length: 400 }, (_, i) => `Product ${i} ${'p'.repeat(60)}`),
  };
  expect((await repo.create(alert)).ok).toBe(true);
  expect((await repo.get(alert.id))?.alert).toEqual(alert);
});

test('when a card says where its alert is kept, then the alert is found without the id index; a forged hint finds the right alert all the same', async () => {
  const first = newAlert('MSP-HINT-1');
  const second = newAlert('MSP-HINT-2');
  await repo.create(first);
  await repo.create(second);
  // A fresh instance (after a restart) that knows nothing of either alert.
  const fresh = new TableAlertRepository(store);
  // Forged: the second alert's place given for the first's id, and a place that does not exist.
  fresh.suggestLocation(first.id, 'incident', 'MSP-HINT-2');
  expect((await fresh.get(first.id))?.alert.title).toBe(first.title);
  expect((await fresh.get(first.id))?.alert.dedupKey).toBe('MSP-HINT-1');
  fresh.suggestLocation(second.id, 'hsa', 'CC-NOWHERE');
  expect((await fresh.get(second.id))?.alert.dedupKey).toBe('MSP-HINT-2');
  // A true hint is enough on its own: with the index row gone, the hinted alert is still found.
  const third = newAlert('MSP-HINT-3');
  await repo.create(third);
  await store.table(ALERT_TABLES.alerts).deleteEntity('~id', third.id);
  const other = new TableAlertRepository(store);
  expect(await other.get(third.id)).toBeUndefined();
  other.suggestLocation(third.id, 'incident', 'MSP-HINT-3');
  expect((await other.get(third.id))?.alert.id).toBe(third.id);
});

test('when the tab asks for alerts raised since a date, then it gets every one raised since, resolved ones too, and none older', async () => {
  const now = new Date('2026-11-28T09:00:00Z');
  const weeksAgo = (w: number) => new Date(now.getTime() - w * 7 * 86_400_000 + 3_600_000);
  const old = newAlert('MSP-WEEK-OLD', weeksAgo(5));
  const lastWeek = newAlert('MSP-WEEK-LAST', weeksAgo(1));
  const today = newAlert('MSP-WEEK-NOW', now);
  for (const a of [old, lastWeek, today]) expect((await repo.create(a)).ok).toBe(true);
  // Last week's alert was acknowledged and resolved since.
  const stored = await repo.get(lastWeek.id);
  const acked = acknowledge(stored!.alert, sam, weeksAgo(1));
  if (!acked.ok) throw new Error('not acknowledged');
  const saved = await repo.update(
    { ...acked.alert, state: 'resolved', resolvedAt: now.toISOString() },
    stored!.etag,
  );
  expect(saved.ok).toBe(true);

  const since = await repo.raisedSince(new Date(now.getTime() - 3 * 7 * 86_400_000), now);
  const ids = since.map((a) => a.id);
  expect(ids).toContain(lastWeek.id);
  expect(ids).toContain(today.id);
  expect(ids).not.toContain(old.id);
  expect(since.find((a) => a.id === lastWeek.id)?.resolvedAt).toBe(now.toISOString());
  expect((await repo.raisedSince(weeksAgo(6), now)).map((a) => a.id)).toContain(old.id);
});

test('when the weekly figures are asked for, then a resolved alert counts from its week row, and one whose week row was left without times is read once and then kept', async () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const raisedAt = new Date('2026-11-27T09:00:00Z');
  const alert = newAlert('MSP-WEEK-TIMES', raisedAt);
  expect((await repo.create(alert)).ok).toBe(true);
  const stored = await repo.get(alert.id);
  const acked = acknowledge(stored!.alert, sam, new Date('2026-11-27T09:10:00Z'));
  if (!acked.ok) throw new Error('not acknowledged');
  const resolvedAt = '2026-11-27T11:00:00.000Z';
  expect(
    (await repo.update({ ...acked.alert, state: 'resolved', resolvedAt }, stored!.etag)).ok,
  ).toBe(true);
  const expected = {
    id: alert.id,
    raisedAt: alert.raisedAt,
    acknowledgedAt: '2026-11-27T09:10:00.000Z',
    resolvedAt,
  };
  const from = new Date('2026-11-20T00:00:00Z');
  expect((await repo.raisedSince(from, now)).find((a) => a.id === alert.id)).toEqual(expected);

  // A week row left without times (a crash between the resolve and its write): the alert is read,
  // and its times are kept for next time.
  const client = store.table(ALERT_TABLES.alerts);
  const partition = alertPartition(alert.source, alert.dedupKey);
  const week = (
    await client
      .listEntities({
        queryOptions: { filter: `RowKey eq '${partition}' and PartitionKey ge '~week_'` },
      })
      .next()
  ).value!;
  const weekPartition = week.partitionKey!;
  expect(weekPartition.startsWith('~week_')).toBe(true);
  await client.upsertEntity(
    { partitionKey: weekPartition, rowKey: partition, alertId: alert.id },
    'Replace',
  );
  expect((await repo.raisedSince(from, now)).find((a) => a.id === alert.id)).toEqual(expected);
  await new Promise((r) => setTimeout(r, 200));
  const kept = await client.getEntity<{ resolvedAt: string }>(weekPartition, partition);
  expect(kept.resolvedAt).toBe(resolvedAt);
  // And the figures come from that row alone: the alert row itself is not needed.
  await client.deleteEntity(partition, partition);
  expect((await repo.raisedSince(from, now)).find((a) => a.id === alert.id)).toEqual(expected);
});
