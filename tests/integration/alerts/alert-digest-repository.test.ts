import { TableAlertDigestRepository } from '../../../src/store/alert-digest-repository';
import { SEND_QUEUE_TABLE } from '../../../src/store/send-queue-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

let stop: () => Promise<void>;
let store: TableStore;
let digests: TableAlertDigestRepository;

beforeAll(async () => {
  const started = await startTestStore();
  stop = started.stop;
  store = started.store;
  await store.createTables([SEND_QUEUE_TABLE]);
  digests = new TableAlertDigestRepository(store);
});
afterAll(async () => {
  await stop?.();
});

const at = new Date('2026-12-03T05:00:00Z');

test('when 250 alerts join a digest at once, then each is in it once, in the order given, and each names the digest', async () => {
  // More than one transaction's worth (100), with ids that need encoding in a row key.
  const ids = Array.from({ length: 250 }, (_, i) => `Z/${String(250 - i).padStart(3, '0')}#?`);
  await digests.addMany('digest-big', ids, at);
  expect(await digests.alerts('digest-big')).toEqual(ids);
  expect(await digests.digestOf(ids[0]!)).toBe('digest-big');
  expect(await digests.digestOf(ids[249]!)).toBe('digest-big');
});

test('when alerts join a digest in two batches, then the earlier batch comes first, and an alert given twice is listed once', async () => {
  await digests.addMany('digest-two', ['B2', 'B1', 'B2'], at);
  await digests.addMany('digest-two', ['A9'], new Date(at.getTime() + 1_000));
  expect(await digests.alerts('digest-two')).toEqual(['B2', 'B1', 'A9']);
});

test('when alerts already in a digest are written again with others (a retry after a crash), then each is listed once and names the digest it was last put in', async () => {
  await digests.addMany('digest-again', ['R1', 'R2'], at);
  await digests.addMany('digest-again', ['R2', 'R3', 'R1'], new Date(at.getTime() + 1_000));
  expect((await digests.alerts('digest-again')).sort()).toEqual(['R1', 'R2', 'R3']);
  // Moved on to a newer digest with a new one: the newer digest is the one named.
  await digests.addMany('digest-newer', ['R3', 'R4'], new Date(at.getTime() + 2_000));
  expect(await new TableAlertDigestRepository(store).digestOf('R3')).toBe('digest-newer');
  expect(await new TableAlertDigestRepository(store).digestOf('R4')).toBe('digest-newer');
});

test('when one alert joins with add, then it is listed and found as before', async () => {
  await digests.add('digest-one', 'C1', at);
  expect(await digests.alerts('digest-one')).toEqual(['C1']);
  expect(await digests.digestOf('C1')).toBe('digest-one');
  expect(await digests.digestOf('nobody')).toBeUndefined();
});

test('when another instance puts an alert in a digest after this one looked, then this one finds it (absence is never remembered); once found, asking again reads nothing', async () => {
  const here = new TableAlertDigestRepository(store);
  const elsewhere = new TableAlertDigestRepository(store);
  expect(await here.digestOf('LATE1')).toBeUndefined();
  await elsewhere.add('digest-late', 'LATE1', at);
  expect(await here.digestOf('LATE1')).toBe('digest-late');
  const reads = jest.spyOn(store.table(SEND_QUEUE_TABLE), 'getEntity');
  expect(await here.digestOf('LATE1')).toBe('digest-late');
  // The alerts this instance put in digests are known without a read too.
  await here.addMany('digest-here', ['HERE1', 'HERE2'], at);
  expect(await here.digestOf('HERE2')).toBe('digest-here');
  expect(reads).not.toHaveBeenCalled();
  reads.mockRestore();
});
