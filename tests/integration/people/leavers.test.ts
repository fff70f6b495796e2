import { AuditLog } from '../../../src/app/audit-log';
import { Directory } from '../../../src/app/directory';
import { Leavers } from '../../../src/app/leavers';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { AUDIT_TABLE, TableAuditRepository } from '../../../src/store/audit-repository';
import { CONTACT_TABLE, TableContactRepository } from '../../../src/store/contact-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import {
  TableCalendarLinkRepository,
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
  TableSwapRepository,
} from '../../../src/store/rota-repositories';
import { TABLES, type TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import {
  BOB,
  countingIds,
  dailyRotation,
  JANE,
  LEE,
  RXC,
  seedRota,
} from '../../helpers/rota-fixtures';

/* Issue 21, leavers: an admin removes a member from a chosen time; the gaps it opens are shown first,
 * then they are off the rota from then (past shifts untouched), their calendar links and contact
 * details go, they no longer count as a member, and what they did keeps their name. */

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([...Object.values(TABLES), AUDIT_TABLE, CONTACT_TABLE]);
});
afterEach(() => stop());

const ADA: Member = {
  ...LEE,
  aadObjectId: '66666666-6666-4666-8666-666666666666',
  name: 'Ada Admin',
  upn: 'ada@example.nhs.uk',
  role: 'admin',
};

async function world() {
  const clock = new FakeClock('2026-11-28T12:00:00Z');
  const { rota } = await seedRota(store, {
    clock,
    people: [JANE, BOB, LEE, ADA],
    organisation: RXC,
  });
  // Jane and Bob take the primary layer day about from 28 Nov (09:00); nobody is secondary.
  await rota.setupRotation(LEE, dailyRotation('primary', [JANE.aadObjectId, BOB.aadObjectId]));
  const members = new TableMemberRepository(store);
  const audits = new TableAuditRepository(store);
  const audit = new AuditLog(
    audits,
    { require: (...a) => directory.require(...a) },
    clock,
    countingIds(),
  );
  const directory: Directory = new Directory(
    new TableOrganisationRepository(store),
    members,
    clock,
    [],
    audit,
  );
  const calendarLinks = new TableCalendarLinkRepository(store);
  const contacts = new TableContactRepository(store);
  const overrides = new TableOverrideRepository(store);
  const leavers = new Leavers({
    directory,
    members,
    rotations: new TableRotationRepository(store),
    overrides,
    leave: new TableLeaveRepository(store),
    swaps: new TableSwapRepository(store),
    calendarLinks,
    contacts,
    clock,
    ids: countingIds(),
  });
  return { clock, rota, members, directory, audit, calendarLinks, contacts, leavers };
}

const primaryOnCall = async (w: Awaited<ReturnType<typeof world>>, at: string) =>
  (await w.rota.whoIsOnCall(new Date(at))).primary.onCall.map((a) => a.memberId);

test('when an admin asks to remove a member, then the gaps it opens are shown and nothing changes until confirmed', async () => {
  const w = await world();
  const preview = await w.leavers.preview(ADA, 'bob@example.nhs.uk', '30/11/2026 09:00');
  expect(preview.member.name).toBe('Bob Jones');
  expect(preview.from.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  // Bob's days are every other day from 29 Nov: from 30 Nov his next is 1 Dec, then 3 Dec, ...
  expect(preview.gaps.length).toBeGreaterThanOrEqual(13);
  expect(preview.gaps[0]).toMatchObject({
    layer: 'primary',
    start: new Date('2026-12-01T09:00:00Z'),
    end: new Date('2026-12-02T09:00:00Z'),
  });
  expect(preview.gaps.every((g) => g.layer === 'primary')).toBe(true);
  // Nothing changed: Bob is still a member and still on the rota.
  expect(await w.members.get(BOB.aadObjectId)).toBeDefined();
  expect(await primaryOnCall(w, '2026-12-01T12:00:00Z')).toEqual([BOB.aadObjectId]);
}, 60_000);

test('when the removal is confirmed, then their shifts from that time are gaps, past shifts stay, and their links, contact and membership go', async () => {
  const w = await world();
  await w.calendarLinks.create({ kind: 'member', memberId: BOB.aadObjectId }, 'hash-bob');
  await w.contacts.put({
    memberId: BOB.aadObjectId,
    mobile: '+447700900123',
    preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: false },
    updatedAt: '2026-11-28T09:00:00Z',
    updatedBy: 'Bob Jones',
  });
  await w.leavers.confirm(ADA, 'Bob Jones', '30/11/2026 09:00');

  // His past shift (29 Nov) is untouched; from 30 Nov 09:00 he is on call nowhere.
  expect(await primaryOnCall(w, '2026-11-29T12:00:00Z')).toEqual([BOB.aadObjectId]);
  expect(await primaryOnCall(w, '2026-12-01T12:00:00Z')).toEqual([]);
  expect(await primaryOnCall(w, '2027-06-01T12:00:00Z')).not.toContain(BOB.aadObjectId);
  expect(await primaryOnCall(w, '2026-12-02T12:00:00Z')).toEqual([JANE.aadObjectId]);
  // His calendar link is refused, his contact details are gone, and he is no longer a member.
  expect(await w.calendarLinks.find('hash-bob')).toBeUndefined();
  expect(await w.contacts.get(BOB.aadObjectId)).toBeUndefined();
  expect(await w.members.get(BOB.aadObjectId)).toBeUndefined();
  expect(
    await w.directory.identify({ aadObjectId: BOB.aadObjectId, name: 'Bob Jones' }),
  ).toBeUndefined();
  expect((await w.directory.listMembers(ADA)).map((m) => m.name)).not.toContain('Bob Jones');
  // The audit log keeps his name and says who removed him; his row is kept with his name.
  const entry = (await w.audit.all(ADA)).find((e) => e.action === 'member.removed');
  expect(entry).toMatchObject({ subject: 'Bob Jones', actor: { name: 'Ada Admin' } });
  const left = await store
    .table(TABLES.members)
    .getEntity<{ name: string }>('left', BOB.aadObjectId);
  expect(left.name).toBe('Bob Jones');
}, 60_000);

test('when someone who is not an admin, or an admin removing themselves, or a time in the past, then nothing changes', async () => {
  const w = await world();
  await expect(w.leavers.confirm(LEE, 'Bob Jones')).rejects.toMatchObject({
    code: 'forbidden',
    message: 'Only admins can remove members.',
  });
  await expect(w.leavers.confirm(undefined, 'Bob Jones')).rejects.toMatchObject({
    code: 'not_a_member',
  });
  await expect(w.leavers.confirm(ADA, 'Ada Admin')).rejects.toMatchObject({ code: 'forbidden' });
  await expect(w.leavers.confirm(ADA, 'Bob Jones', '27/11/2026 09:00')).rejects.toMatchObject({
    code: 'validation',
    problems: ['Choose now or a later time: shifts already past stay as they were.'],
  });
  await expect(w.leavers.preview(ADA, 'Nobody Here')).rejects.toMatchObject({ code: 'validation' });
  expect(await w.members.get(BOB.aadObjectId)).toBeDefined();
  expect(await primaryOnCall(w, '2026-12-01T12:00:00Z')).toEqual([BOB.aadObjectId]);
}, 60_000);
