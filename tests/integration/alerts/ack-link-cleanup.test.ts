import pino from 'pino';
import { ACK_LINK_KEPT_AFTER_EXPIRY_MS, AckLinks } from '../../../src/app/alerts/ack-links';
import type { AlertCaller } from '../../../src/app/alerts/alert-service';
import { ACK_LINK_LIFETIME_MS } from '../../../src/domain/alerts/ack-link';
import { AckLinkCleanupJob } from '../../../src/jobs/ack-link-cleanup-job';
import { ACK_LINK_TABLE, TableAckLinkStore } from '../../../src/store/ack-link-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, incident, people, webhookActor } from './fixtures';

/* Issue 16: the one-time acknowledge links are deleted a week after they expire, used or not, so the
 * table does not grow for ever; until then a late tap still gets the clear "expired" or "used" page. */

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([ACK_LINK_TABLE]);
});
afterEach(() => stop());

const BASE = 'https://ctac.example.nhs.uk';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function rowCount(): Promise<number> {
  let n = 0;
  for await (const _row of store.table(ACK_LINK_TABLE).listEntities()) n += 1;
  return n;
}

test('when the clean-up runs, then links a week past expiry are gone, newer ones are kept, and a live link still acknowledges', async () => {
  expect(ACK_LINK_KEPT_AFTER_EXPIRY_MS).toBe(7 * DAY);
  const w = await alertWorld(store);
  const links = new AckLinks({
    store: new TableAckLinkStore(store),
    alerts: w.alerts,
    members: w.members,
    acknowledge: (caller, alertId) => w.service.acknowledge(caller, alertId),
    clock: w.clock,
    baseUrl: () => BASE,
  });
  const tokenOf = (url: string) => url.slice(`${BASE}/ack/`.length);
  const job = new AckLinkCleanupJob({
    ackLinks: links,
    clock: w.clock,
    logger: pino({ level: 'silent' }),
  });

  // Day 0: two links for the first alert; one of them acknowledges it (used).
  const { alert: first } = await w.service.ingest(incident({ dedupKey: 'OLD-1' }), webhookActor);
  const oldUnused = tokenOf(await links.issue(people.alex.aadObjectId, first.id, 'email'));
  const oldUsed = tokenOf(await links.issue(people.sam.aadObjectId, first.id, 'sms'));
  expect(await links.acknowledge(oldUsed)).toMatchObject({ kind: 'acknowledged' });

  // Day 1: a link that has since expired, but only lately.
  w.clock.advance(DAY);
  const { alert: second } = await w.service.ingest(incident({ dedupKey: 'OLD-2' }), webhookActor);
  const lately = tokenOf(await links.issue(people.sam.aadObjectId, second.id, 'sms'));

  // A week after the day-0 links expired, less a minute: nothing goes yet.
  w.clock.advance(ACK_LINK_LIFETIME_MS + ACK_LINK_KEPT_AFTER_EXPIRY_MS - DAY - 60_000);
  expect(await job.tick()).toBe(0);
  expect(await links.page(oldUnused)).toEqual({ kind: 'expired' });
  expect(await links.page(oldUsed)).toEqual({ kind: 'used' });

  // A live link for a new alert, then the clean-up just over a week after the day-0 links expired.
  const { alert: third } = await w.service.ingest(incident({ dedupKey: 'NEW-1' }), webhookActor);
  const live = tokenOf(await links.issue(people.sam.aadObjectId, third.id, 'sms'));
  w.clock.advance(2 * 60_000);
  expect(await rowCount()).toBe(4);
  expect(await job.tick()).toBe(2);

  expect(await rowCount()).toBe(2);
  expect(await links.page(oldUnused)).toEqual({ kind: 'not_found' });
  expect(await links.page(oldUsed)).toEqual({ kind: 'not_found' });
  expect(await links.page(lately)).toEqual({ kind: 'expired' });
  expect(await links.page(live)).toMatchObject({ kind: 'valid', alert: { id: third.id } });
  expect(await links.acknowledge(live)).toMatchObject({ kind: 'acknowledged', name: 'Sam Patel' });
  // Nothing more is old enough.
  expect(await job.tick()).toBe(0);
});

test('when two instances clean up at once, then each old link is deleted once and neither fails', async () => {
  const w = await alertWorld(store);
  const stores = [new TableAckLinkStore(store), new TableAckLinkStore(store)];
  const { alert } = await w.service.ingest(incident({ dedupKey: 'TWO-1' }), webhookActor);
  const deps = {
    alerts: w.alerts,
    members: w.members,
    acknowledge: (caller: AlertCaller, alertId: string) => w.service.acknowledge(caller, alertId),
    clock: w.clock,
    baseUrl: () => BASE,
  };
  const [one, two] = stores.map((s) => new AckLinks({ ...deps, store: s }));
  for (let i = 0; i < 5; i++) await one!.issue(people.sam.aadObjectId, alert.id, 'sms');
  w.clock.advance(ACK_LINK_LIFETIME_MS + ACK_LINK_KEPT_AFTER_EXPIRY_MS + HOUR);

  const removed = await Promise.all([one!.removeOld(), two!.removeOld()]);

  expect(removed[0]! + removed[1]!).toBe(5);
  expect(await rowCount()).toBe(0);
});
