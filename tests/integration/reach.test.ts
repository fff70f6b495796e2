import pino from 'pino';
import { Directory } from '../../src/app/directory';
import { Reach } from '../../src/app/reach';
import { addPeopleBySignInName } from '../../src/app/rota/rota-people';
import type { Member } from '../../src/domain/people/member';
import { FakeClock } from '../../src/domain/shared/clock';
import { GraphAppInstallation } from '../../src/graph/graph-app-installation';
import { GraphPeopleLookup } from '../../src/graph/graph-people';
import { CONTACT_TABLE, TableContactRepository } from '../../src/store/contact-repository';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import type { TableStore } from '../../src/store/tables';
import { fakeGraphClient, startStoreAndGraph, type FakeGraph } from '../helpers/fake-graph';

/* Issue 16: every member reachable before they are needed. Ids from the roster and from messages, CTAC
 * installed for new members through Graph, and `reach` saying who cannot be reached and why. */

let store: TableStore;
let stop: () => Promise<void>;
let graph: FakeGraph;
beforeEach(async () => {
  ({ store, graph, stop } = await startStoreAndGraph());
  graph.catalog.push({ id: 'catalog-ctac', externalId: 'ctac-manifest-id' });
});
afterEach(() => stop());

const clock = new FakeClock(new Date('2026-12-02T10:00:00Z'));
const logger = pino({ level: 'silent' });
const ASHA = 'a1a1a1a1-0000-4000-8000-000000000001';
const BEN = 'b2b2b2b2-0000-4000-8000-000000000002';
const CHLOE = 'c3c3c3c3-0000-4000-8000-000000000003';
const DAN = 'd4d4d4d4-0000-4000-8000-000000000004';

/** A member added by name only (no sign-in name yet), with their Teams id when it is known. */
const memberNamed = (aadObjectId: string, name: string, teamsUserId?: string): Member => ({
  aadObjectId,
  name,
  upn: '',
  orgCode: 'RXC',
  role: 'member',
  ...(teamsUserId ? { teamsUserId } : {}),
  addedAt: clock.now().toISOString(),
  addedBy: 'test',
});

function world(opts: { graph?: boolean } = {}) {
  const members = new TableMemberRepository(store);
  const conversations = new TableConversationRepository(store);
  const apps = opts.graph
    ? new GraphAppInstallation(fakeGraphClient(graph), 'ctac-manifest-id', logger)
    : undefined;
  const directory = new Directory(
    new TableOrganisationRepository(store),
    members,
    clock,
    [],
    undefined,
    apps,
  );
  return { members, conversations, directory };
}

async function seed(w: ReturnType<typeof world>): Promise<Member> {
  await new TableOrganisationRepository(store).create({
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust',
    isOes: true,
    createdAt: clock.now().toISOString(),
    createdBy: 'test',
  });
  const admin: Member = {
    aadObjectId: ASHA,
    name: 'Asha Patel',
    upn: 'asha@nhs.net',
    orgCode: 'RXC',
    role: 'admin',
    teamsUserId: '29:asha',
    addedAt: clock.now().toISOString(),
    addedBy: 'test',
  };
  await w.members.put(admin);
  return admin;
}

test('when an admin adds someone from the roster, then their Teams id is stored and, with Graph, CTAC is installed for them once', async () => {
  const w = world({ graph: true });
  const admin = await seed(w);
  const added = await w.directory.addMember(
    admin,
    { aadObjectId: BEN, name: 'Ben Okafor', orgCode: 'RXC', role: 'member' },
    '29:ben',
  );
  expect(added.member.teamsUserId).toBe('29:ben');
  expect((await w.members.get(BEN))?.teamsUserId).toBe('29:ben');
  expect(graph.installs).toEqual([
    {
      userId: BEN,
      teamsApp: 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/catalog-ctac',
    },
  ]);
  // Installing again answers 409 from Graph: that is a success, not a failure.
  expect(await w.directory.installFor(BEN)).toBe('already_installed');
  // A role change is not a new member: no second install.
  await w.directory.addMember(admin, {
    aadObjectId: BEN,
    name: 'Ben Okafor',
    orgCode: 'RXC',
    role: 'lead',
  });
  expect(graph.installs).toHaveLength(1);
  expect((await w.members.get(BEN))?.teamsUserId).toBe('29:ben');
});

test('when a lead adds people by email through Graph, then each takes their Teams id from the roster and CTAC is installed for them', async () => {
  const w = world({ graph: true });
  const admin = await seed(w);
  graph.users.push(
    { id: BEN, displayName: 'Ben Okafor', userPrincipalName: 'ben@nhs.net' },
    { id: CHLOE, displayName: 'Chloë Davies', userPrincipalName: 'chloe@nhs.net' },
    { id: DAN, displayName: 'Dan Whitmore', userPrincipalName: 'dan@nhs.net' },
  );
  const deps = {
    members: w.members,
    organisations: new TableOrganisationRepository(store),
    directory: w.directory,
    lookup: new GraphPeopleLookup(fakeGraphClient(graph)),
  };
  // Ben is in the team; Chloë is not. Asha, already a member, is named too and is left alone.
  const roster = async () => [
    { aadObjectId: ASHA, name: 'Asha Patel', teamsUserId: '29:asha' },
    { aadObjectId: BEN.toUpperCase(), name: 'Ben Okafor', teamsUserId: '29:ben' },
  ];
  const ids = await addPeopleBySignInName(
    deps,
    admin,
    ['ben@nhs.net', 'chloe@nhs.net', 'asha@nhs.net'],
    'RXC',
    roster,
  );
  expect(ids).toEqual([BEN, CHLOE, ASHA]);
  expect(await w.members.get(BEN)).toMatchObject({
    name: 'Ben Okafor',
    orgCode: 'RXC',
    role: 'member',
    teamsUserId: '29:ben',
    addedBy: 'Asha Patel',
  });
  expect((await w.members.get(CHLOE))?.teamsUserId).toBeUndefined();
  const app = 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/catalog-ctac';
  expect(graph.installs).toEqual([
    { userId: BEN, teamsApp: app },
    { userId: CHLOE, teamsApp: app },
  ]);

  // A roster that cannot be read adds the person all the same, without an id for now.
  await addPeopleBySignInName(deps, admin, ['dan@nhs.net'], 'RXC', () =>
    Promise.reject(new Error('Teams is unavailable')),
  );
  expect(await w.members.get(DAN)).toMatchObject({ name: 'Dan Whitmore', role: 'member' });
  expect((await w.members.get(DAN))?.teamsUserId).toBeUndefined();
  expect(graph.installs.map((i) => i.userId)).toEqual([BEN, CHLOE, DAN]);

  // Once Chloë joins the team, installing CTAC there fills in her id like anyone else's.
  expect(
    await w.directory.recordRoster([
      { aadObjectId: CHLOE, name: 'Chloë Davies', teamsUserId: '29:chloe' },
    ]),
  ).toBe(1);
  expect((await w.members.get(CHLOE))?.teamsUserId).toBe('29:chloe');
});

test('when CTAC is installed in the team, then the roster fills in the Teams ids of the members found in it', async () => {
  const w = world();
  await seed(w);
  await w.members.put(memberNamed(BEN, 'Ben Okafor'));
  const changed = await w.directory.recordRoster([
    { aadObjectId: ASHA.toUpperCase(), name: 'Asha Patel', teamsUserId: '29:asha' },
    { aadObjectId: BEN, name: 'Ben Okafor', teamsUserId: '29:ben' },
    { aadObjectId: CHLOE, name: 'Chloë Davies', teamsUserId: '29:chloe' },
  ]);
  // Asha's id was already right; Chloë is not a member and is not added.
  expect(changed).toBe(1);
  expect((await w.members.get(BEN))?.teamsUserId).toBe('29:ben');
  expect(await w.members.get(CHLOE)).toBeUndefined();
});

test('when a member sends a message, then a new or changed Teams id is stored; a stranger is not stored', async () => {
  const w = world();
  await seed(w);
  await w.directory.seen({ aadObjectId: ASHA, teamsUserId: '29:asha-new' });
  expect((await w.members.get(ASHA))?.teamsUserId).toBe('29:asha-new');
  await w.directory.seen({ aadObjectId: CHLOE, teamsUserId: '29:chloe' });
  expect(await w.members.list()).toHaveLength(1);
});

test('when a lead asks who can be reached, then each person on the rota, each lead and each named target without a way in is listed with the reasons', async () => {
  const w = world({ graph: true });
  const admin = await seed(w);
  for (const [id, name, teamsUserId] of [
    [BEN, 'Ben Okafor', undefined],
    [CHLOE, 'Chloë Davies', '29:chloe'],
  ] as const)
    await w.members.put(memberNamed(id, name, teamsUserId));
  const reach = new Reach({
    directory: w.directory,
    members: w.members,
    conversations: w.conversations,
    shifts: async () => [
      {
        layer: 'primary',
        memberId: BEN,
        start: new Date('2026-12-03T09:00:00Z'),
        end: new Date('2026-12-04T09:00:00Z'),
      },
    ],
    policies: async () => ({
      high: {
        name: 'High',
        repeat: 0,
        steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: CHLOE }] }],
      },
    }),
    clock,
    notifyConfigured: false,
  });
  // Chloë has a Teams id but is not in the team; Ben is in it but CTAC has no id and no chat.
  const roster = async () => [
    { aadObjectId: ASHA, name: 'Asha Patel' },
    { aadObjectId: BEN, name: 'Ben Okafor' },
  ];
  const report = await reach.check(admin, roster);
  expect(report).toMatchObject({ checked: 3, notifyConfigured: false });
  expect(
    report.unreachable.map((p) => ({
      name: p.name,
      teams: p.reach.teamsReasons,
      roles: p.roles.map((r) => r.kind),
      installed: p.installed,
    })),
  ).toEqual([
    { name: 'Ben Okafor', teams: ['no_chat'], roles: ['on_call'], installed: 'installed' },
    { name: 'Chloë Davies', teams: ['not_in_team'], roles: ['named_target'], installed: undefined },
  ]);

  // Ben writes to CTAC in his own chat: he can be reached now.
  await w.conversations.save({
    kind: 'personal',
    id: BEN,
    reference: {},
    updatedAt: clock.now().toISOString(),
  });
  expect((await reach.check(admin, roster)).unreachable.map((p) => p.name)).toEqual([
    'Chloë Davies',
  ]);
  expect(
    await reach.unreachableOnCall(
      [
        {
          layer: 'secondary',
          memberId: CHLOE,
          start: new Date('2026-12-03T09:00:00Z'),
          end: new Date('2026-12-04T09:00:00Z'),
        },
      ],
      clock.now(),
    ),
  ).toEqual([]);

  // A member may not ask.
  const ben = (await w.members.get(BEN))!;
  await expect(reach.check(ben, roster)).rejects.toMatchObject({ code: 'forbidden' });
});

test('when nobody stored a way to reach someone on call, then the rota notices name them', async () => {
  const w = world();
  await seed(w);
  await w.members.put(memberNamed(BEN, 'Ben Cole'));
  const reach = new Reach({
    directory: w.directory,
    members: w.members,
    conversations: w.conversations,
    shifts: async () => [],
    policies: async () => ({}),
    clock,
    notifyConfigured: false,
  });
  const shift = (memberId: string) => ({
    layer: 'primary' as const,
    memberId,
    start: new Date('2026-12-03T09:00:00Z'),
    end: new Date('2026-12-04T09:00:00Z'),
  });
  expect(await reach.unreachableOnCall([shift(BEN), shift(ASHA)], clock.now())).toEqual([
    'Ben Cole is on call from 3 Dec 2026, 09:00 but cannot be reached on Teams: no chat with CTAC yet',
  ]);
});

test('when GOV.UK Notify is set up, then reach says who has no mobile number, from the contact book', async () => {
  const w = world();
  const admin = await seed(w);
  await store.createTables([CONTACT_TABLE]);
  const contacts = new TableContactRepository(store);
  for (const [id, name] of [
    [BEN, 'Ben Okafor'],
    [CHLOE, 'Chloë Davies'],
  ] as const)
    await w.members.put(memberNamed(id, name));
  await contacts.put({
    memberId: CHLOE,
    mobile: '+447700900123',
    preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: false },
    updatedAt: clock.now().toISOString(),
    updatedBy: 'Chloë Davies',
  });
  const shift = (memberId: string) => ({
    layer: 'primary' as const,
    memberId,
    start: new Date('2026-12-03T09:00:00Z'),
    end: new Date('2026-12-04T09:00:00Z'),
  });
  const reachWith = (notifyConfigured: boolean) =>
    new Reach({
      directory: w.directory,
      members: w.members,
      conversations: w.conversations,
      shifts: async () => [shift(BEN), shift(CHLOE)],
      policies: async () => ({}),
      clock,
      notifyConfigured,
      hasMobile: async (memberId) => !!(await contacts.get(memberId))?.mobile,
    });
  const texts = async (notifyConfigured: boolean) =>
    (await reachWith(notifyConfigured).check(admin, async () => undefined)).unreachable.map((p) => [
      p.name,
      p.reach.textReasons,
      p.reach.text,
    ]);
  expect(await texts(true)).toEqual([
    ['Ben Okafor', ['no_mobile'], false],
    ['Chloë Davies', [], true],
  ]);
  // Without Notify, nobody can be texted, number or not.
  expect(await texts(false)).toEqual([
    ['Ben Okafor', ['notify_not_set_up'], false],
    ['Chloë Davies', ['notify_not_set_up'], false],
  ]);
});
