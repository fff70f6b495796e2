import { createHash } from 'crypto';
import { AckLinks, ackTokenHash } from '../../../src/app/alerts/ack-links';
import { ACK_LINK_TABLE, TableAckLinkStore } from '../../../src/store/ack-link-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, incident, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([ACK_LINK_TABLE]);
});
afterAll(() => stop());

let key = 0;
const BASE = 'https://ctac.example.nhs.uk';

/** An alert world with a fresh triggered alert and the acknowledge links over the same store. */
async function world(opts: { acknowledgeFails?: boolean } = {}) {
  const w = await alertWorld(store);
  const { alert } = await w.service.ingest(incident({ dedupKey: `ACK-${++key}` }), webhookActor);
  const links = new AckLinks({
    store: new TableAckLinkStore(store),
    alerts: w.alerts,
    members: w.members,
    acknowledge: opts.acknowledgeFails
      ? async () => {
          throw new Error('Table Storage did not answer');
        }
      : (caller, alertId) => w.service.acknowledge(caller, alertId),
    clock: w.clock,
    baseUrl: () => `${BASE}/`,
  });
  return { ...w, alert, links };
}

const tokenOf = (url: string) => url.slice(`${BASE}/ack/`.length);

async function allRows(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of store.table(ACK_LINK_TABLE).listEntities()) rows.push(row);
  return rows;
}

test('when a link is issued, then it is a short address with a 43-character token and opens the alert', async () => {
  const w = await world();
  const url = await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms');
  expect(url).toMatch(/^https:\/\/ctac\.example\.nhs\.uk\/ack\/[A-Za-z0-9_-]{43}$/);
  expect(await w.links.page(tokenOf(url))).toMatchObject({
    kind: 'valid',
    channel: 'sms',
    alert: { id: w.alert.id, title: w.alert.title, severity: 'high' },
  });
  const other = await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms');
  expect(other).not.toBe(url);
});

test('when links are stored, then the table holds the SHA-256 of each token and never the token', async () => {
  const w = await world();
  const tokens = [
    tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms')),
    tokenOf(await w.links.issue(people.alex.aadObjectId, w.alert.id, 'email')),
  ];
  const rows = await allRows();
  const text = JSON.stringify(rows);
  for (const token of tokens) {
    expect(text).not.toContain(token);
    // Nor any recognisable part of it, in any encoding the table might have used.
    expect(text).not.toContain(token.slice(0, 16));
    expect(text).not.toContain(Buffer.from(token, 'base64url').toString('hex').slice(0, 16));
    const hash = createHash('sha256').update(token).digest('hex');
    expect(hash).toBe(ackTokenHash(token));
    expect(rows.find((r) => r['partitionKey'] === hash)).toMatchObject({
      alertId: w.alert.id,
      usedAt: '',
    });
  }
});

test('when the link is pressed, then the alert is acknowledged by its person from sms, the card is updated and the link is used up', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  w.clock.set('2026-11-28T09:04:00Z');
  expect(await w.links.acknowledge(token)).toEqual({
    kind: 'acknowledged',
    name: 'Sam Patel',
    alertTitle: w.alert.title,
  });
  await w.service.settled();
  const stored = await w.alerts.get(w.alert.id);
  expect(stored?.alert).toMatchObject({
    state: 'acknowledged',
    acknowledgedBy: { id: people.sam.aadObjectId, name: 'Sam Patel', source: 'sms' },
  });
  expect(stored?.alert.timeline.at(-1)).toMatchObject({ kind: 'acknowledged', source: 'sms' });
  expect(w.notifier.of('refresh')).toEqual([{ kind: 'refresh', alertId: w.alert.id }]);
  expect(await w.links.page(token)).toEqual({ kind: 'used' });
  expect(await w.links.acknowledge(token)).toEqual({ kind: 'page', page: { kind: 'used' } });
  expect(
    (await w.alerts.get(w.alert.id))?.alert.timeline.filter((e) => e.kind === 'acknowledged'),
  ).toHaveLength(1);
});

test('when an email link is pressed, then the acknowledgement is recorded from email', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.alex.aadObjectId, w.alert.id, 'email'));
  await w.links.acknowledge(token);
  const stored = await w.alerts.get(w.alert.id);
  expect(stored?.alert.timeline.at(-1)).toMatchObject({
    kind: 'acknowledged',
    source: 'email',
    actor: { name: 'Alex Jones' },
  });
});

test('when the same link is pressed five times at once, then the alert is acknowledged once and the rest hear it is used', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  const presses = await Promise.all(Array.from({ length: 5 }, () => w.links.acknowledge(token)));
  expect(presses.filter((p) => p.kind === 'acknowledged')).toHaveLength(1);
  expect(presses.filter((p) => p.kind !== 'acknowledged')).toEqual(
    Array.from({ length: 4 }, () => ({ kind: 'page', page: { kind: 'used' } })),
  );
  const stored = await w.alerts.get(w.alert.id);
  expect(stored?.alert.timeline.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
});

test('when two people press their own links at once, then one acknowledges and the other hears who did', async () => {
  const w = await world();
  const sam = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  const alex = tokenOf(await w.links.issue(people.alex.aadObjectId, w.alert.id, 'sms'));
  const presses = await Promise.all([w.links.acknowledge(sam), w.links.acknowledge(alex)]);
  const won = presses.filter((p) => p.kind === 'acknowledged');
  expect(won).toHaveLength(1);
  const lost = presses.find((p) => p.kind !== 'acknowledged');
  // Either the other press saw the alert already taken, or the alert refused it in the race.
  const heard =
    lost?.kind === 'refused'
      ? lost.message
      : lost?.kind === 'page' && lost.page.kind === 'acknowledged'
        ? `Already acknowledged by ${lost.page.by?.name}`
        : JSON.stringify(lost);
  expect(heard).toMatch(/^Already acknowledged by (Sam Patel|Alex Jones)/);
  const stored = await w.alerts.get(w.alert.id);
  expect(stored?.alert.timeline.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
});

test('when 24 hours have passed, then the link has expired and pressing it changes nothing', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  w.clock.advance(24 * 60 * 60 * 1000);
  expect(await w.links.page(token)).toEqual({ kind: 'expired' });
  const before = await w.alerts.get(w.alert.id);
  expect(await w.links.acknowledge(token)).toEqual({ kind: 'page', page: { kind: 'expired' } });
  expect(await w.alerts.get(w.alert.id)).toEqual(before);
});

test('when the alert is resolved, then its links have expired', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  await w.service.resolve(as(people.alex), w.alert.id, 'False positive.');
  expect(await w.links.page(token)).toEqual({ kind: 'expired' });
  expect(await w.links.acknowledge(token)).toEqual({ kind: 'page', page: { kind: 'expired' } });
});

test('when someone acknowledged on the card first, then the page says who and the link stays unused', async () => {
  const w = await world();
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  await w.service.acknowledge(as(people.alex), w.alert.id);
  expect(await w.links.page(token)).toMatchObject({
    kind: 'acknowledged',
    by: { name: 'Alex Jones', source: 'teams' },
  });
  expect(await w.links.acknowledge(token)).toMatchObject({
    kind: 'page',
    page: { kind: 'acknowledged' },
  });
  const row = (await allRows()).find((r) => r['partitionKey'] === ackTokenHash(token));
  expect(row?.['usedAt']).toBe('');
});

test('when a token is forged, mistyped or unknown, then it is not valid and nothing is read or changed', async () => {
  const w = await world();
  const real = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  const before = await w.alerts.get(w.alert.id);
  for (const token of [
    'A'.repeat(43),
    real.slice(0, 42),
    `${real}x`,
    `${real.slice(0, 42)}${real[42] === 'A' ? 'B' : 'A'}`,
    "../'--",
    '',
  ]) {
    expect(await w.links.page(token)).toEqual({ kind: 'not_found' });
    expect(await w.links.acknowledge(token)).toEqual({ kind: 'page', page: { kind: 'not_found' } });
  }
  expect(await w.alerts.get(w.alert.id)).toEqual(before);
});

test('when the acknowledgement fails on the way, then the link is given back to be pressed again', async () => {
  const w = await world({ acknowledgeFails: true });
  const token = tokenOf(await w.links.issue(people.sam.aadObjectId, w.alert.id, 'sms'));
  await expect(w.links.acknowledge(token)).rejects.toThrow('Table Storage did not answer');
  expect(await w.links.page(token)).toMatchObject({ kind: 'valid' });
});

test('when the link’s person is no longer a member, then the link is not valid', async () => {
  const w = await world();
  const token = tokenOf(
    await w.links.issue('99999999-0000-4000-8000-000000000009', w.alert.id, 'sms'),
  );
  expect(await w.links.acknowledge(token)).toEqual({ kind: 'page', page: { kind: 'not_found' } });
  expect((await w.alerts.get(w.alert.id))?.alert.state).toBe('triggered');
});
