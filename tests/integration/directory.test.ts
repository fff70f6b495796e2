import { Directory } from '../../src/app/directory';
import { FakeClock } from '../../src/domain/shared/clock';
import { CtacError } from '../../src/domain/shared/errors';
import {
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
