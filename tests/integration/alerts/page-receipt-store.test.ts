import type { PendingReceipt } from '../../../src/app/alerts/page-receipts';
import { PAGE_RECEIPT_TABLE, TablePageReceiptStore } from '../../../src/store/page-receipt-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

/**
 * The pending delivery receipt checks in Table Storage (Azurite): added once per message, taken when
 * due, claimed by one instance, moved on or removed on the claim's ETag.
 */
jest.setTimeout(60_000);

let store: TableStore;
let stop: () => Promise<void>;
let receipts: TablePageReceiptStore;

beforeAll(async () => {
  const started = await startTestStore();
  store = started.store;
  stop = started.stop;
  await store.createTables([PAGE_RECEIPT_TABLE]);
});
afterAll(() => stop?.());

let n = 0;
/** A check of its own for each test, on a day of its own, so tests sharing the table never meet. */
function check(dueAt: string, overrides: Partial<PendingReceipt> = {}): PendingReceipt {
  n++;
  return {
    alertId: `RC-${n}`,
    page: {
      escalationSeq: 3,
      person: { id: `aad-${n}`, name: 'Chloë O’Brien / #1?' },
      channel: 'text',
    },
    notifyId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    acceptedAt: dueAt,
    dueAt,
    tries: 0,
    ...overrides,
  };
}

beforeEach(() => {
  receipts = new TablePageReceiptStore(store);
});

/** The checks due by `now` among those this test added. */
const dueOf = async (now: string, mine: PendingReceipt[]) =>
  (await receipts.due(new Date(now), 100)).filter((c) =>
    mine.some((m) => m.notifyId === c.notifyId),
  );

test('when a check is added, then it comes back due at its time with the page as given, and not before', async () => {
  const c = check('2030-01-01T09:00:30.000Z');
  await receipts.add(c);
  expect(await dueOf('2030-01-01T09:00:29.000Z', [c])).toEqual([]);
  const [due] = await dueOf('2030-01-01T09:00:30.000Z', [c]);
  expect(due).toEqual({ ...c, etag: expect.any(String) });
});

test('when the same message is added twice, then one check stays, as first added', async () => {
  const c = check('2030-01-02T09:00:30.000Z');
  await receipts.add(c);
  await receipts.add({ ...c, dueAt: '2030-01-02T10:00:00.000Z', tries: 5 });
  const due = await dueOf('2030-01-03T00:00:00.000Z', [c]);
  expect(due).toHaveLength(1);
  expect(due[0]).toMatchObject({ dueAt: c.dueAt, tries: 0 });
});

test('when several are due, then they come earliest first, at most the limit', async () => {
  const late = check('2030-01-03T09:02:00.000Z');
  const early = check('2030-01-03T09:01:00.000Z');
  await receipts.add(late);
  await receipts.add(early);
  const due = await dueOf('2030-01-03T09:05:00.000Z', [late, early]);
  expect(due.map((c) => c.notifyId)).toEqual([early.notifyId, late.notifyId]);
  const all = await receipts.due(new Date('2030-01-03T09:05:00.000Z'), 1);
  expect(all).toHaveLength(1);
});

test('when two instances claim the same check, then one wins and the other is told of the conflict', async () => {
  const c = check('2030-01-04T09:00:30.000Z');
  await receipts.add(c);
  const [due] = await dueOf('2030-01-04T09:00:30.000Z', [c]);
  const other = new TablePageReceiptStore(store);
  const lease = new Date('2030-01-04T09:01:30.000Z');
  const [a, b] = await Promise.all([
    receipts.claim(due!, lease, 'instance-a'),
    other.claim(due!, lease, 'instance-b'),
  ]);
  expect([a.ok, b.ok].sort()).toEqual([false, true]);
  // Claimed: not due again until the lease ends.
  expect(await dueOf('2030-01-04T09:01:00.000Z', [c])).toEqual([]);
  expect(await dueOf('2030-01-04T09:01:30.000Z', [c])).toHaveLength(1);
});

test('when a claimed check is released with a next time, then it is due then with its tries counted; released with none, it is gone', async () => {
  const c = check('2030-01-05T09:00:30.000Z');
  await receipts.add(c);
  const [due] = await dueOf('2030-01-05T09:00:30.000Z', [c]);
  const claim = await receipts.claim(due!, new Date('2030-01-05T09:01:30.000Z'), 'one');
  if (!claim.ok) throw new Error('expected the claim');
  await receipts.release(claim.value, { dueAt: new Date('2030-01-05T09:01:30.000Z'), tries: 1 });
  const [again] = await dueOf('2030-01-05T09:01:30.000Z', [c]);
  expect(again).toMatchObject({ dueAt: '2030-01-05T09:01:30.000Z', tries: 1 });

  const second = await receipts.claim(again!, new Date('2030-01-05T09:02:30.000Z'), 'one');
  if (!second.ok) throw new Error('expected the claim');
  await receipts.release(second.value, undefined);
  expect(await dueOf('2030-01-06T00:00:00.000Z', [c])).toEqual([]);
});

test('when a claim lapsed and another instance took the check, then the late release leaves theirs alone', async () => {
  const c = check('2030-01-07T09:00:30.000Z');
  await receipts.add(c);
  const [due] = await dueOf('2030-01-07T09:00:30.000Z', [c]);
  const slow = await receipts.claim(due!, new Date('2030-01-07T09:01:30.000Z'), 'slow');
  if (!slow.ok) throw new Error('expected the claim');
  const [lapsed] = await dueOf('2030-01-07T09:01:30.000Z', [c]);
  const quick = await receipts.claim(lapsed!, new Date('2030-01-07T09:02:30.000Z'), 'quick');
  expect(quick.ok).toBe(true);

  await receipts.release(slow.value, undefined);
  await receipts.release(slow.value, { dueAt: new Date('2030-01-07T09:10:00.000Z'), tries: 9 });
  const [still] = await dueOf('2030-01-07T09:02:30.000Z', [c]);
  expect(still).toMatchObject({ dueAt: '2030-01-07T09:02:30.000Z', tries: 0 });
});
