import {
  acceptSwap,
  declineSwap,
  normaliseRotation,
  proposeSwap,
  type RotaOverride,
  type SwapContext,
} from '../../../src/domain/rota';
import { TableCalendarLinkRepository } from '../../../src/store/calendar-link-repository';
import { TableJobClaims } from '../../../src/store/rota-job-claims';
import {
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
} from '../../../src/store/rota-repositories';
import { TableSwapRepository } from '../../../src/store/rota-swap-repository';
import { ROTA_TABLES } from '../../../src/store/rota-tables';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

const JANE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(Object.values(ROTA_TABLES));
});
afterAll(() => stop());

const rotation = (name: string) =>
  normaliseRotation({
    id: 'primary',
    name,
    layer: 'primary',
    memberIds: [JANE, BOB],
    shiftLength: 'weekly',
    handoverTime: '09:00',
    startDate: '2026-11-23',
  });

test('when two leads edit the same rotation from the same version, then one wins and the other gets a conflict', async () => {
  const repo = new TableRotationRepository(store);
  const created = await repo.create(rotation('CTAC primary'));
  expect(created.ok).toBe(true);
  expect((await repo.create(rotation('Again'))).ok).toBe(false);

  const read = (await repo.get('primary'))!;
  expect(read.rotation).toEqual(rotation('CTAC primary'));
  const first = await repo.update(rotation('First edit'), read.etag);
  const second = await repo.update(rotation('Second edit'), read.etag);
  expect(first.ok).toBe(true);
  expect(second).toEqual({ ok: false, reason: 'conflict' });
  expect((await repo.get('primary'))!.rotation.name).toBe('First edit');
  expect((await repo.list()).map((r) => r.rotation.name)).toEqual(['First edit']);
});

test('when overrides and leave are listed for a window, then only those sharing time with it come back, intact', async () => {
  const overrides = new TableOverrideRepository(store);
  const leave = new TableLeaveRepository(store);
  const cover: RotaOverride = {
    id: 'cover/1#?',
    kind: 'cover',
    memberId: BOB,
    coveredMemberId: JANE,
    layer: 'primary',
    start: new Date('2026-12-01T09:00:00Z'),
    end: new Date('2026-12-02T09:00:00Z'),
    createdBy: JANE,
    createdAt: new Date('2026-11-28T10:00:00Z'),
    note: 'Dentist – back by 10',
  };
  const remove: RotaOverride = {
    id: 'remove-1',
    kind: 'remove',
    memberId: JANE,
    start: new Date('2026-12-10T09:00:00Z'),
    end: new Date('2026-12-11T09:00:00Z'),
    createdBy: JANE,
    createdAt: new Date('2026-11-28T10:00:00Z'),
  };
  expect((await overrides.add(cover)).ok).toBe(true);
  expect((await overrides.add(cover)).ok).toBe(false);
  await overrides.add(remove);
  expect(
    await overrides.listOverlapping(
      new Date('2026-12-01T08:00:00Z'),
      new Date('2026-12-05T00:00:00Z'),
    ),
  ).toEqual([cover]);
  expect(
    await overrides.listOverlapping(
      new Date('2026-12-02T09:00:00Z'),
      new Date('2026-12-10T09:00:00Z'),
    ),
  ).toEqual([]);
  expect(await overrides.get('remove-1')).toEqual(remove);
  expect(await overrides.remove('remove-1')).toBe(true);
  expect(await overrides.remove('remove-1')).toBe(false);

  await leave.add({
    id: 'leave-1',
    memberId: BOB,
    start: new Date('2026-12-20T00:00:00Z'),
    end: new Date('2026-12-27T00:00:00Z'),
    createdBy: BOB,
    createdAt: new Date('2026-11-28T10:00:00Z'),
  });
  const found = await leave.listOverlapping(
    new Date('2026-12-26T00:00:00Z'),
    new Date('2026-12-30T00:00:00Z'),
  );
  expect(found.map((l) => l.id)).toEqual(['leave-1']);
  expect(found[0]!.start).toEqual(new Date('2026-12-20T00:00:00Z'));
});

test('when the other member accepts and declines a swap at once, then exactly one answer is stored with its event', async () => {
  const swaps = new TableSwapRepository(store);
  const at = new Date('2026-11-28T10:00:00Z');
  const ctx = (id: string): SwapContext => ({
    actor: { id, name: id, source: 'teams' },
    role: 'member',
    at,
  });
  const proposed = proposeSwap(
    'swap-1',
    {
      layer: 'primary',
      fromMemberId: JANE,
      toMemberId: BOB,
      shift: { start: '2026-12-01T09:00:00Z', end: '2026-12-08T09:00:00Z' },
    },
    ctx(JANE),
  );
  if (!proposed.changed) throw new Error('expected a proposal');
  expect((await swaps.create(proposed.swap, proposed.event)).ok).toBe(true);
  expect((await swaps.create(proposed.swap, proposed.event)).ok).toBe(false);

  const stored = (await swaps.get('swap-1'))!;
  expect(stored.swap).toEqual(proposed.swap);
  const accepted = acceptSwap(stored.swap, ctx(BOB));
  const declined = declineSwap(stored.swap, ctx(BOB));
  if (!accepted.changed || !declined.changed) throw new Error('expected changes');
  const a = await swaps.update(accepted.swap, stored.etag, accepted.event);
  const d = await swaps.update(declined.swap, stored.etag, declined.event);
  expect(a.ok).toBe(true);
  expect(d).toEqual({ ok: false, reason: 'conflict' });
  expect((await swaps.get('swap-1'))!.swap.status).toBe('accepted');
  expect((await swaps.events('swap-1')).map((e) => e.kind)).toEqual([
    'swap_proposed',
    'swap_accepted',
  ]);
  expect(
    (
      await swaps.listInEffect(new Date('2026-12-07T00:00:00Z'), new Date('2026-12-09T00:00:00Z'))
    ).map((s) => s.id),
  ).toEqual(['swap-1']);
  expect(
    await swaps.listInEffect(new Date('2026-12-09T00:00:00Z'), new Date('2026-12-10T00:00:00Z')),
  ).toEqual([]);
});

test('when two instances claim the same handover, then only the first gets it', async () => {
  const claims = new TableJobClaims(store);
  const at = new Date('2026-11-28T09:00:00Z');
  const results = await Promise.all([
    claims.claim('handover:2026-11-28T09:00:00.000Z', at, 'a'),
    claims.claim('handover:2026-11-28T09:00:00.000Z', at, 'b'),
  ]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await claims.claim('handover:2026-11-28T09:00:00.000Z', at, 'a')).toBe(false);
});

test('when a calendar link is made twice, then the first stands and only its hash finds the scope', async () => {
  const links = new TableCalendarLinkRepository(store);
  const mine = { kind: 'member', memberId: JANE } as const;
  const rota = { kind: 'rota', memberId: JANE } as const;
  expect(await links.create(mine, 'a'.repeat(64))).toBe(true);
  expect(await links.create(mine, 'b'.repeat(64))).toBe(false);
  expect(await links.create(rota, 'c'.repeat(64))).toBe(true);
  expect(await links.find('a'.repeat(64))).toEqual(mine);
  expect(await links.find('b'.repeat(64))).toBeUndefined();
  expect(await links.find('c'.repeat(64))).toEqual(rota);
});

test('when a calendar link is replaced, then only the new one finds the scope, even if the old row were left', async () => {
  const links = new TableCalendarLinkRepository(store);
  const mine = { kind: 'member', memberId: BOB } as const;
  await links.create(mine, 'd'.repeat(64));
  await links.replace(mine, 'e'.repeat(64));
  expect(await links.find('d'.repeat(64))).toBeUndefined();
  expect(await links.find('e'.repeat(64))).toEqual(mine);
  // A row for the old hash left by a crash before its deletion opens nothing: the scope names the new one.
  await store.table(ROTA_TABLES.calendarLinks).createEntity({
    partitionKey: 'secret',
    rowKey: 'd'.repeat(64),
    scopeKind: 'member',
    memberId: BOB,
  });
  expect(await links.find('d'.repeat(64))).toBeUndefined();
  // Two resets at once: one of the new links stands, and neither old one.
  await Promise.all([links.replace(mine, 'f'.repeat(64)), links.replace(mine, '0'.repeat(64))]);
  const found = [
    await links.find('e'.repeat(64)),
    await links.find('f'.repeat(64)),
    await links.find('0'.repeat(64)),
  ];
  expect(found.filter(Boolean)).toEqual([mine]);
  expect(found[0]).toBeUndefined();
});

test('when a member is removed from the calendar links, then both their links end and others stay', async () => {
  const links = new TableCalendarLinkRepository(store);
  const other = '33333333-3333-4333-8333-333333333333';
  await links.create({ kind: 'member', memberId: other }, '1'.repeat(64));
  await links.create({ kind: 'rota', memberId: other }, '2'.repeat(64));
  await links.create({ kind: 'rota', memberId: BOB }, '3'.repeat(64));
  await links.removeMember(other);
  expect(await links.find('1'.repeat(64))).toBeUndefined();
  expect(await links.find('2'.repeat(64))).toBeUndefined();
  expect(await links.find('3'.repeat(64))).toEqual({ kind: 'rota', memberId: BOB });
});
