import { RotaOnCallSource } from '../../../src/app/rota/rota-on-call-source';
import type { RotaService } from '../../../src/app/rota/rota-service';
import type { IdGenerator } from '../../../src/domain/shared/ids';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { FakeGraph } from '../../helpers/fake-graph';
import {
  BOB,
  countingIds,
  dailyRotation as daily,
  graphPeopleLookup,
  JANE,
  LEE,
  PRIYA,
  rotaServiceOn,
  RXC,
  seedRota,
} from '../../helpers/rota-fixtures';

let store: TableStore;
let stop: () => Promise<void>;
let clock: FakeClock;
let rota: RotaService;
let rotaIds: IdGenerator;

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  clock = new FakeClock('2026-11-28T12:00:00Z');
  rotaIds = countingIds();
  ({ rota } = await seedRota(store, {
    people: [JANE, BOB, PRIYA, LEE],
    organisation: RXC,
    clock,
    ids: rotaIds,
  }));
});
afterAll(() => stop());

test('when a member tries to set up the rota, then they are told only leads can and nothing is saved', async () => {
  await expect(rota.setupRotation(JANE, daily('primary', [JANE.aadObjectId]))).rejects.toThrow(
    'Only leads can set up the rota.',
  );
  expect(await rota.listRotations()).toEqual([]);
});

test('when a lead sets up both layers, then who is on call names the primary and secondary and the next handover', async () => {
  await rota.setupRotation(LEE, daily('primary', [JANE.aadObjectId, BOB.aadObjectId]));
  await rota.setupRotation(LEE, daily('secondary', [PRIYA.aadObjectId]));
  const now = await rota.whoIsOnCall();
  expect(now.primary.onCall.map((a) => a.memberId)).toEqual([JANE.aadObjectId]);
  expect(now.secondary.onCall.map((a) => a.memberId)).toEqual([PRIYA.aadObjectId]);
  expect(now.primary.until).toEqual(new Date('2026-11-29T09:00:00Z'));
  expect(now.primary.next?.onCall.map((a) => a.memberId)).toEqual([BOB.aadObjectId]);
  expect(await new RotaOnCallSource(rota).onCallNow(clock.now())).toEqual({
    primary: [JANE.aadObjectId],
    secondary: [PRIYA.aadObjectId],
  });
});

test('when a lead edits a rotation from an out-of-date form, then the edit is refused', async () => {
  const stored = (await rota.getRotation('primary'))!;
  await rota.setupRotation(LEE, { ...daily('primary', [BOB.aadObjectId]) }, stored.etag);
  await expect(
    rota.setupRotation(LEE, { ...daily('primary', [JANE.aadObjectId]) }, stored.etag),
  ).rejects.toThrow('Someone else changed this rotation');
  expect((await rota.getRotation('primary'))!.rotation.memberIds).toEqual([BOB.aadObjectId]);
  await rota.setupRotation(
    LEE,
    daily('primary', [JANE.aadObjectId, BOB.aadObjectId]),
    (await rota.getRotation('primary'))!.etag,
  );
});

test('when the primary goes on leave, then that time is a gap in the schedule', async () => {
  await rota.addLeave(JANE, {
    start: new Date('2026-11-30T09:00:00Z'),
    end: new Date('2026-12-01T09:00:00Z'),
  });
  const { gaps } = await rota.schedule(
    new Date('2026-11-28T09:00:00Z'),
    new Date('2026-12-05T09:00:00Z'),
  );
  expect(gaps).toEqual([
    expect.objectContaining({
      layer: 'primary',
      start: new Date('2026-11-30T09:00:00Z'),
      end: new Date('2026-12-01T09:00:00Z'),
    }),
  ]);
  await expect(
    rota.addLeave(BOB, { memberId: JANE.aadObjectId, start: new Date(), end: new Date() }),
  ).rejects.toThrow('You can mark your own leave');
});

test('when a member offers to cover, then they are on call instead; they cannot make someone else cover', async () => {
  await rota.cover(PRIYA, {
    memberId: PRIYA.aadObjectId,
    coveredMemberId: BOB.aadObjectId,
    layer: 'primary',
    start: new Date('2026-11-29T09:00:00Z'),
    end: new Date('2026-11-29T21:00:00Z'),
  });
  const at = await rota.whoIsOnCall(new Date('2026-11-29T10:00:00Z'));
  expect(at.primary.onCall).toEqual([
    expect.objectContaining({ memberId: PRIYA.aadObjectId, coveringFor: BOB.aadObjectId }),
  ]);
  await expect(
    rota.cover(JANE, {
      memberId: BOB.aadObjectId,
      coveredMemberId: JANE.aadObjectId,
      start: new Date('2026-12-02T09:00:00Z'),
      end: new Date('2026-12-03T09:00:00Z'),
    }),
  ).rejects.toThrow('only a lead can arrange cover');
});

test('when a swap is proposed and accepted, then the other member is on call for that shift', async () => {
  const shift = { start: '2026-12-02T09:00:00Z', end: '2026-12-03T09:00:00Z' };
  const swap = await rota.proposeSwap(JANE, {
    layer: 'primary',
    fromMemberId: JANE.aadObjectId,
    toMemberId: BOB.aadObjectId,
    shift,
  });
  expect(swap.status).toBe('proposed');
  await expect(rota.answerSwap(PRIYA, swap.id, 'accept')).rejects.toThrow('Only the member asked');
  const accepted = await rota.answerSwap(BOB, swap.id, 'accept');
  expect(accepted).toMatchObject({ changed: true, swap: { status: 'accepted' } });
  expect(await rota.answerSwap(BOB, swap.id, 'accept')).toMatchObject({ changed: false });
  const at = await rota.whoIsOnCall(new Date('2026-12-02T12:00:00Z'));
  expect(at.primary.onCall.map((a) => a.memberId)).toEqual([BOB.aadObjectId]);
});

test('when a member offers a shift that is not theirs, then the swap is refused', async () => {
  // Bob is primary on 1 Dec (the rotation alternates Jane, Bob from 28 Nov).
  await expect(
    rota.proposeSwap(JANE, {
      layer: 'primary',
      fromMemberId: JANE.aadObjectId,
      toMemberId: PRIYA.aadObjectId,
      shift: { start: '2026-12-01T09:00:00Z', end: '2026-12-02T09:00:00Z' },
    }),
  ).rejects.toThrow('Please check the swap.');
});

test('when a lead adds people by email and one is unknown, then nobody is added; with the right names they join', async () => {
  const graph = await FakeGraph.start([
    {
      id: '66666666-6666-4666-8666-666666666666',
      displayName: 'Farid Haddad',
      userPrincipalName: 'farid.haddad@example.nhs.uk',
    },
  ]);
  try {
    const { rota: withGraph, members } = rotaServiceOn(store, {
      clock,
      ids: rotaIds,
      lookup: graphPeopleLookup(graph),
    });
    await expect(
      withGraph.addPeopleBySignInName(
        LEE,
        ['farid.haddad@example.nhs.uk', 'nobody@example.nhs.uk'],
        'RXC',
      ),
    ).rejects.toMatchObject({
      problems: [
        'Nobody with the email or sign-in name nobody@example.nhs.uk was found in the directory.',
      ],
    });
    expect(await members.get('66666666-6666-4666-8666-666666666666')).toBeUndefined();
    await expect(
      withGraph.addPeopleBySignInName(JANE, ['farid.haddad@example.nhs.uk'], 'RXC'),
    ).rejects.toThrow('Only leads can add people to the rota.');

    const ids = await withGraph.addPeopleBySignInName(
      LEE,
      ['Farid.Haddad@example.nhs.uk', JANE.upn],
      'RXC',
    );
    expect(ids).toEqual(['66666666-6666-4666-8666-666666666666', JANE.aadObjectId]);
    expect(await members.get('66666666-6666-4666-8666-666666666666')).toMatchObject({
      name: 'Farid Haddad',
      orgCode: 'RXC',
      role: 'member',
      addedBy: 'Lee Lead',
    });
  } finally {
    await graph.stop();
  }
});

test('when a lead approves a swap nobody has answered, then it is in effect; a member cannot approve', async () => {
  // Jane is primary on 4 Dec (the rotation alternates Jane, Bob from 28 Nov).
  const swap = await rota.proposeSwap(JANE, {
    layer: 'primary',
    fromMemberId: JANE.aadObjectId,
    toMemberId: PRIYA.aadObjectId,
    shift: { start: '2026-12-04T09:00:00Z', end: '2026-12-05T09:00:00Z' },
  });
  await expect(rota.answerSwap(BOB, swap.id, 'approve')).rejects.toThrow(
    'Only a lead can approve a swap.',
  );
  expect(await rota.answerSwap(LEE, swap.id, 'approve')).toMatchObject({
    changed: true,
    swap: { status: 'approved', decidedBy: LEE.aadObjectId },
  });
  await expect(rota.answerSwap(PRIYA, swap.id, 'decline')).rejects.toThrow(
    'This swap has already been approved, so it can no longer be declined.',
  );
  const at = await rota.whoIsOnCall(new Date('2026-12-04T12:00:00Z'));
  expect(at.primary.onCall.map((a) => a.memberId)).toEqual([PRIYA.aadObjectId]);
});
