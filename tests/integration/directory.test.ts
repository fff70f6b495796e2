import type { AuditRecorder } from '../../src/app/audit-log';
import { CyberChannel } from '../../src/app/cyber-channel';
import { Directory } from '../../src/app/directory';
import { FakeClock } from '../../src/domain/shared/clock';
import { CtacError } from '../../src/domain/shared/errors';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

const asha = {
  aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001',
  name: 'Asha Patel',
  upn: 'Asha.Patel@nhs.net',
};
const ben = {
  aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002',
  name: 'Ben Okafor',
  upn: 'ben@nhs.net',
};
const directory = (admins: string[] = []) =>
  new Directory(
    new TableOrganisationRepository(store),
    new TableMemberRepository(store),
    new FakeClock(),
    admins,
  );

test('when a person listed in CTAC_ADMINS first speaks, then they become an admin', async () => {
  const member = await directory(['asha.patel@nhs.net']).identify(asha);
  expect(member).toMatchObject({ role: 'admin', addedBy: 'CTAC_ADMINS' });
});

test('when a stranger speaks, then they are not a member and nothing is stored', async () => {
  expect(await directory(['asha.patel@nhs.net']).identify(ben)).toBeUndefined();
  expect(await new TableMemberRepository(store).list()).toEqual([]);
});

test('when the installer installs into a team with no admin yet, then they become admin; a later installer does not', async () => {
  const d = directory();
  expect(await d.identify(asha, { installer: 'team' })).toMatchObject({
    role: 'admin',
    addedBy: 'installed the app',
  });
  expect(await d.identify(ben, { installer: 'team' })).toBeUndefined();
});

test('when someone installs the app in a personal or group chat, then they do not become admin', async () => {
  const d = directory();
  expect(await d.identify(asha, { installer: 'chat' })).toBeUndefined();
  expect(await new TableMemberRepository(store).list()).toEqual([]);
});

test('when CTAC_ADMINS is set, then installing into a team makes nobody else an admin', async () => {
  const d = directory(['ben@nhs.net']);
  expect(await d.identify(asha, { installer: 'team' })).toBeUndefined();
  expect(await d.identify(ben)).toMatchObject({ role: 'admin', addedBy: 'CTAC_ADMINS' });
});

test('when a member who is not an admin adds an organisation, then it is refused and nothing is stored', async () => {
  const d = directory(['asha.patel@nhs.net']);
  const admin = await d.identify(asha);
  await d.addOrganisation(admin, { code: 'RXC', name: 'East Sussex Healthcare NHS Trust' });
  const { member } = await d.addMember(admin, { ...ben, orgCode: 'RXC', role: 'member' });
  await expect(d.addOrganisation(member, { code: 'FAKE', name: 'Forged' })).rejects.toMatchObject({
    code: 'forbidden',
  });
  expect((await d.listOrganisations()).map((o) => o.code)).toEqual(['RXC']);
});

test('when a member is added to an organisation that does not exist, then the form says so', async () => {
  const d = directory(['asha.patel@nhs.net']);
  const admin = await d.identify(asha);
  const error: CtacError = await d
    .addMember(admin, { ...ben, orgCode: 'NOPE', role: 'member' })
    .catch((e) => e);
  expect(error.problems[0]).toContain('There is no organisation with the code NOPE');
});

test('when an admin tries to demote themselves, then it is refused', async () => {
  const d = directory(['asha.patel@nhs.net']);
  const admin = await d.identify(asha);
  await d.addOrganisation(admin, { code: 'ICB', name: 'Sussex ICB' });
  await expect(
    d.addMember(admin, { ...asha, orgCode: 'ICB', role: 'member' }),
  ).rejects.toMatchObject({ code: 'forbidden' });
  expect((await d.identify(asha))?.role).toBe('admin');
});

test('when an admin adds the same person twice, then the second is an update keeping when they were added', async () => {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const d = new Directory(
    new TableOrganisationRepository(store),
    new TableMemberRepository(store),
    clock,
    ['asha.patel@nhs.net'],
  );
  const admin = await d.identify(asha);
  await d.addOrganisation(admin, { code: 'RXC', name: 'Trust' });
  expect((await d.addMember(admin, { ...ben, orgCode: 'RXC', role: 'member' })).isNew).toBe(true);
  clock.advance(86_400_000);
  const again = await d.addMember(admin, { ...ben, orgCode: 'RXC', role: 'lead' });
  expect(again).toMatchObject({
    isNew: false,
    member: { role: 'lead', addedAt: '2026-11-28T09:00:00.000Z' },
  });
});

describe('the ICS cyber channel', () => {
  const GENERAL = '19:general@thread.tacv2';
  const CYBER = '19:cyber@thread.tacv2';
  let audited: Parameters<AuditRecorder['record']>[0][];
  let conversations: TableConversationRepository;
  let channel: CyberChannel;
  let admin: Awaited<ReturnType<Directory['identify']>>;
  let bob: Awaited<ReturnType<Directory['identify']>>;

  beforeEach(async () => {
    audited = [];
    conversations = new TableConversationRepository(store);
    const d = directory(['asha.patel@nhs.net']);
    admin = await d.identify(asha);
    await d.addOrganisation(admin, { code: 'RXC', name: 'Trust' });
    bob = (await d.addMember(admin, { ...ben, orgCode: 'RXC', role: 'lead' })).member;
    for (const id of [GENERAL, CYBER])
      await conversations.save({
        kind: 'channel',
        id,
        teamId: GENERAL,
        reference: {} as never,
        updatedAt: '2026-11-28T09:00:00Z',
      });
    channel = new CyberChannel({
      conversations,
      directory: d,
      clock: new FakeClock('2026-11-28T09:00:00Z'),
      audit: { record: async (change) => void audited.push(change) },
    });
  });

  test('when the app is installed in one channel and then another, then the first stays the ICS cyber channel', async () => {
    await channel.installedIn({ id: CYBER });
    await channel.installedIn({ id: GENERAL });
    expect((await conversations.cyberChannel())?.id).toBe(CYBER);
    expect(await channel.where(CYBER)).toEqual({ set: true, here: true });
    expect(await channel.where(GENERAL)).toEqual({ set: true, here: false });
    expect(await channel.where(undefined)).toEqual({ set: true, here: false });
    expect(audited).toEqual([]);
  });

  test.each([
    ['moves it', GENERAL, { kind: 'chosen', moved: true }, 1],
    ['says it where it already is', CYBER, { kind: 'chosen', moved: false }, 0],
    ['says it outside a channel', undefined, { kind: 'not_in_a_channel' }, 0],
  ])(
    'when an admin %s with "channel here", then the result and the audit log say so',
    async (_case, here, result, entries) => {
      await channel.installedIn({ id: CYBER });
      const choice = await channel.chooseHere(admin, here ? { id: here, name: 'Here' } : undefined);
      expect(choice).toEqual(result);
      expect((await conversations.cyberChannel())?.id).toBe(here ?? CYBER);
      expect(audited).toHaveLength(entries);
      if (entries)
        expect(audited[0]).toMatchObject({
          action: 'channel.chosen',
          subject: 'ICS cyber channel',
          after: `Here (${here})`,
        });
    },
  );

  test('when a lead or a stranger says "channel here", then they are refused and nothing moves', async () => {
    await channel.installedIn({ id: CYBER });
    await expect(channel.chooseHere(bob, { id: GENERAL })).rejects.toThrow(
      'Only admins can choose the ICS cyber channel.',
    );
    await expect(channel.chooseHere(undefined, { id: GENERAL })).rejects.toMatchObject({
      code: 'not_a_member',
    });
    expect((await conversations.cyberChannel())?.id).toBe(CYBER);
  });
});

test("when a later activity in the team lacks the team's group id, then the one known is kept (Graph needs it)", async () => {
  const conversations = new TableConversationRepository(store);
  const channel = (at: string, aadGroupId?: string, name?: string) =>
    conversations.save({
      kind: 'channel',
      id: '19:cyber@thread.tacv2',
      teamId: '19:team@thread.tacv2',
      aadGroupId,
      name,
      reference: { at } as never,
      updatedAt: at,
    });
  await channel('2026-11-28T09:00:00Z', '6903fa93-605b-43ef-920e-77c4729f8258', 'ICS cyber');
  await channel('2026-11-28T10:00:00Z');
  expect(await conversations.cyberChannel()).toEqual({
    kind: 'channel',
    id: '19:cyber@thread.tacv2',
    teamId: '19:team@thread.tacv2',
    aadGroupId: '6903fa93-605b-43ef-920e-77c4729f8258',
    reference: { at: '2026-11-28T10:00:00Z' },
    updatedAt: '2026-11-28T10:00:00Z',
  });
  await channel('2026-11-28T11:00:00Z', '7003fa93-605b-43ef-920e-77c4729f8258');
  expect((await conversations.cyberChannel())?.aadGroupId).toBe(
    '7003fa93-605b-43ef-920e-77c4729f8258',
  );
});
