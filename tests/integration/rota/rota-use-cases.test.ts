import { Directory } from '../../../src/app/directory';
import { RotaService } from '../../../src/app/rota/rota-service';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { createGraphClient } from '../../../src/graph/graph-client';
import { GraphPeopleLookup } from '../../../src/graph/graph-people';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import {
  ROTA_TABLES,
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
  TableSwapRepository,
} from '../../../src/store/rota-repositories';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { FakeGraph } from '../../helpers/fake-graph';

/*
 * Rules that used to live in the rota's bot handlers, now at the use cases: gaps found when leave is
 * saved, members merged when a rotation is saved with people added by email, who hears of a swap answer.
 */

const person = (id: string, name: string, role: Member['role']): Member => ({
  aadObjectId: id,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`,
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-01T00:00:00Z',
  addedBy: 'test',
});
const JANE = person('11111111-1111-4111-8111-111111111111', 'Jane Smith', 'member');
const BOB = person('22222222-2222-4222-8222-222222222222', 'Bob Jones', 'member');
const PRIYA = person('33333333-3333-4333-8333-333333333333', 'Priya Patel', 'member');
const LEE = person('55555555-5555-4555-8555-555555555555', 'Lee Lead', 'lead');
const FARID = '66666666-6666-4666-8666-666666666666';

let store: TableStore;
let stop: () => Promise<void>;
let graph: FakeGraph;
let rota: RotaService;
let n = 0;

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  graph = await FakeGraph.start([
    { id: FARID, displayName: 'Farid Haddad', userPrincipalName: 'farid.haddad@example.nhs.uk' },
  ]);
  await store.createTables(Object.values(ROTA_TABLES));
  const members = new TableMemberRepository(store);
  const organisations = new TableOrganisationRepository(store);
  await organisations.create({
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust',
    isOes: true,
    createdAt: '2026-11-01T00:00:00Z',
    createdBy: 'test',
  });
  for (const m of [JANE, BOB, PRIYA, LEE]) await members.put(m);
  const clock = new FakeClock('2026-11-28T12:00:00Z');
  rota = new RotaService({
    rotations: new TableRotationRepository(store),
    overrides: new TableOverrideRepository(store),
    leave: new TableLeaveRepository(store),
    swaps: new TableSwapRepository(store),
    directory: new Directory(organisations, members, clock, []),
    members,
    organisations,
    clock,
    ids: { next: () => `id-${++n}` },
    lookup: new GraphPeopleLookup(
      createGraphClient({ getToken: async () => 't', baseUrl: graph.url }),
    ),
  });
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
