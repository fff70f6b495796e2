import type { RotaService } from '../../../src/app/rota/rota-service';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { FakeGraph } from '../../helpers/fake-graph';
import {
  BOB,
  graphPeopleLookup,
  JANE,
  LEE,
  PRIYA,
  RXC,
  seedRota,
} from '../../helpers/rota-fixtures';

/*
 * Rules that used to live in the rota's bot handlers, now at the use cases: gaps found when leave is
 * saved, members merged when a rotation is saved with people added by email, who hears of a swap answer.
 */

const FARID = '66666666-6666-4666-8666-666666666666';

let store: TableStore;
let stop: () => Promise<void>;
let graph: FakeGraph;
let rota: RotaService;

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  graph = await FakeGraph.start([
    { id: FARID, displayName: 'Farid Haddad', userPrincipalName: 'farid.haddad@example.nhs.uk' },
  ]);
  ({ rota } = await seedRota(store, {
    people: [JANE, BOB, PRIYA, LEE],
    organisation: RXC,
    clock: new FakeClock('2026-11-28T12:00:00Z'),
    lookup: graphPeopleLookup(graph),
  }));
});
afterAll(async () => {
  await graph.stop();
  await stop();
});

const daily = (layer: string) => ({
  name: `CTAC ${layer}`,
  layer,
  shiftLength: 'daily',
  handoverTime: '09:00',
  startDate: '2026-11-28',
});

test('when a lead saves a rotation adding people by email, then the chosen keep their order and the new follow once', async () => {
  const none = { signInNames: [], orgCode: '' };
  await expect(
    rota.setupRotationWithPeople(
      LEE,
      { ...daily('primary'), memberIds: [BOB.aadObjectId, JANE.aadObjectId] },
      {
        signInNames: ['Farid.Haddad@example.nhs.uk', JANE.upn],
        orgCode: 'RXC',
        // The team's roster, as the bot reads it: Farid takes his Teams id from it.
        roster: async () => [{ aadObjectId: FARID, name: 'Farid Haddad', teamsUserId: '29:farid' }],
      },
    ),
  ).resolves.toMatchObject({
    created: true,
    rotation: { memberIds: [BOB.aadObjectId, JANE.aadObjectId, FARID] },
  });
  expect((await rota.people()).get(FARID)).toMatchObject({
    name: 'Farid Haddad',
    teamsUserId: '29:farid',
  });
  await expect(
    rota.setupRotationWithPeople(
      JANE,
      { ...daily('secondary'), memberIds: [BOB.aadObjectId] },
      none,
    ),
  ).rejects.toThrow('Only leads can set up the rota.');
  await expect(
    rota.setupRotationWithPeople(
      LEE,
      { ...daily('secondary'), memberIds: [PRIYA.aadObjectId] },
      { signInNames: ['nobody@example.nhs.uk'], orgCode: 'RXC' },
    ),
  ).rejects.toMatchObject({
    code: 'validation',
    problems: [
      'Nobody with the email or sign-in name nobody@example.nhs.uk was found in the directory.',
    ],
  });
  expect(await rota.getRotation('secondary')).toBeUndefined();
});

// The primary rotation below is Bob, Jane, Farid, daily from 28 Nov 09:00 UK time; there is no secondary.
test('when Jane marks leave over her shift, then it comes back with the primary gap it leaves', async () => {
  const { leave, gaps } = await rota.markLeave(JANE, {
    start: new Date('2026-11-29T09:00:00Z'),
    end: new Date('2026-11-30T09:00:00Z'),
  });
  expect(leave).toMatchObject({ memberId: JANE.aadObjectId, createdBy: JANE.aadObjectId });
  expect(gaps.filter((g) => g.layer === 'primary')).toEqual([
    expect.objectContaining({
      start: new Date('2026-11-29T09:00:00Z'),
      end: new Date('2026-11-30T09:00:00Z'),
    }),
  ]);
});

test('when Priya, who is in no rotation, marks leave, then it leaves no primary gap', async () => {
  const { gaps } = await rota.markLeave(PRIYA, {
    start: new Date('2026-12-20T09:00:00Z'),
    end: new Date('2026-12-20T10:00:00Z'),
  });
  expect(gaps.filter((g) => g.layer === 'primary')).toEqual([]);
});

test('when a swap is answered, then the outcome names who to tell: never whoever answered, nobody when nothing changed', async () => {
  // Bob has 1 Dec 09:00 to 2 Dec 09:00 in the primary layer.
  const shift = { start: '2026-12-01T09:00:00Z', end: '2026-12-02T09:00:00Z' };
  const offer = () =>
    rota.proposeSwap(BOB, {
      layer: 'primary',
      fromMemberId: BOB.aadObjectId,
      toMemberId: PRIYA.aadObjectId,
      shift,
    });
  const first = await offer();
  expect(await rota.answerSwap(PRIYA, first.id, 'decline')).toMatchObject({
    changed: true,
    tell: [BOB.aadObjectId],
  });
  expect(await rota.answerSwap(PRIYA, first.id, 'decline')).toMatchObject({
    changed: false,
    tell: [],
  });
  const second = await offer();
  expect((await rota.answerSwap(LEE, second.id, 'approve')).tell).toEqual([
    BOB.aadObjectId,
    PRIYA.aadObjectId,
  ]);
});
