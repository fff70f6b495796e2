import { AuditLog } from '../../../src/app/audit-log';
import { Directory } from '../../../src/app/directory';
import { Leavers } from '../../../src/app/leavers';
import type { AlertSummary } from '../../../src/domain/alerts';
import type { Member } from '../../../src/domain/people/member';
import type { Risk } from '../../../src/domain/risk';
import { FakeClock } from '../../../src/domain/shared/clock';
import { ackTokenHash } from '../../../src/app/alerts/ack-links';
import { ACK_LINK_TABLE, TableAckLinkStore } from '../../../src/store/ack-link-store';
import {
  ALERT_ESCALATION_TABLES,
  TableEscalationPolicyStore,
} from '../../../src/store/alert-escalation-store';
import { AUDIT_TABLE, TableAuditRepository } from '../../../src/store/audit-repository';
import { TableCalendarLinkRepository } from '../../../src/store/calendar-link-repository';
import { CONTACT_TABLE, TableContactRepository } from '../../../src/store/contact-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import {
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
} from '../../../src/store/rota-repositories';
import { TableSwapRepository } from '../../../src/store/rota-swap-repository';
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
  await store.createTables([
    ...Object.values(TABLES),
    AUDIT_TABLE,
    CONTACT_TABLE,
    ACK_LINK_TABLE,
    ...Object.values(ALERT_ESCALATION_TABLES),
  ]);
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
  const members = new TableMemberRepository(store, clock);
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
  const policies = new TableEscalationPolicyStore(store, 0);
  const ackLinks = new TableAckLinkStore(store);
  const openRisks: Risk[] = [];
  const openAlerts: AlertSummary[] = [];
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
    policies,
    ackLinks,
    removed: members,
    audit,
    openRisks: async () => openRisks,
    openAlerts: async () => openAlerts,
  });
  return {
    clock,
    rota,
    members,
    directory,
    audit,
    calendarLinks,
    contacts,
    leavers,
    policies,
    ackLinks,
    openRisks,
    openAlerts,
  };
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

test("when a removal is confirmed, then policies naming them page someone else, their acknowledge links go, and it is recorded with the clock's time", async () => {
  const w = await world();
  await w.policies.set('high', {
    name: 'High: Bob, then the leads',
    steps: [
      { delayMinutes: 0, targets: [{ kind: 'member', memberId: BOB.aadObjectId }] },
      {
        delayMinutes: 15,
        targets: [{ kind: 'member', memberId: BOB.aadObjectId }, { kind: 'primary' }],
      },
    ],
    repeat: 0,
  });
  const token = 'a'.repeat(43);
  await w.ackLinks.create(ackTokenHash(token), {
    memberId: BOB.aadObjectId,
    alertId: 'alert-1',
    channel: 'sms',
    createdAt: '2026-11-28T11:00:00Z',
  });
  const janeToken = 'b'.repeat(43);
  await w.ackLinks.create(ackTokenHash(janeToken), {
    memberId: JANE.aadObjectId,
    alertId: 'alert-1',
    channel: 'sms',
    createdAt: '2026-11-28T11:00:00Z',
  });

  const preview = await w.leavers.preview(ADA, 'Bob Jones');
  expect(preview.policies).toEqual([{ rank: 'high', name: 'High: Bob, then the leads' }]);
  const outcome = await w.leavers.confirm(ADA, BOB.aadObjectId, '', preview.seen);
  expect(outcome.kind).toBe('removed');

  const { policy } = await w.policies.read('high');
  expect(policy!.steps.map((s) => s.targets)).toEqual([[{ kind: 'leads' }], [{ kind: 'primary' }]]);
  const entry = (await w.audit.all(ADA)).find((e) => e.action === 'alert.policy');
  expect(entry).toMatchObject({ subject: 'Escalation policy: high (Bob Jones left CTAC)' });
  expect(entry!.before).toContain('Bob Jones');
  expect(entry!.after).not.toContain('Bob Jones');
  expect(await w.ackLinks.get(ackTokenHash(token))).toBeUndefined();
  expect(await w.ackLinks.get(ackTokenHash(janeToken))).toBeDefined();
  expect(await w.members.getRemoved(BOB.aadObjectId)).toMatchObject({
    name: 'Bob Jones',
    removedAt: '2026-11-28T12:00:00.000Z',
  });
}, 60_000);

test('when the card confirmed shows something else than a fresh preview, or names no member by id, then nobody is removed; a second confirm says they are gone', async () => {
  const w = await world();
  const preview = await w.leavers.preview(ADA, 'Bob Jones', '30/11/2026 09:00');
  // Bob became a lead since the card was shown: what it showed is not what would be removed.
  await w.members.put({ ...BOB, role: 'lead' });
  await expect(
    w.leavers.confirm(ADA, BOB.aadObjectId, '30/11/2026 09:00', preview.seen),
  ).rejects.toMatchObject({ code: 'conflict' });
  // Another person's id with this card's check, or a name where an id is expected.
  await expect(
    w.leavers.confirm(ADA, JANE.aadObjectId, '30/11/2026 09:00', preview.seen),
  ).rejects.toMatchObject({ code: 'conflict' });
  await expect(
    w.leavers.confirm(ADA, 'Bob', '30/11/2026 09:00', preview.seen),
  ).rejects.toMatchObject({ code: 'validation' });
  expect(await w.members.get(BOB.aadObjectId)).toBeDefined();

  const fresh = await w.leavers.preview(ADA, BOB.aadObjectId, '30/11/2026 09:00');
  expect((await w.leavers.confirm(ADA, BOB.aadObjectId, '30/11/2026 09:00', fresh.seen)).kind).toBe(
    'removed',
  );
  expect(await w.leavers.confirm(ADA, BOB.aadObjectId, '30/11/2026 09:00', fresh.seen)).toEqual({
    kind: 'already_removed',
    name: 'Bob Jones',
    removedAt: '2026-11-28T12:00:00.000Z',
  });
  // Only admins learn even that.
  await expect(
    w.leavers.confirm(LEE, BOB.aadObjectId, '30/11/2026 09:00', fresh.seen),
  ).rejects.toMatchObject({ code: 'forbidden' });
  expect((await w.audit.all(ADA)).filter((e) => e.action === 'member.removed')).toHaveLength(1);
}, 60_000);

test('when an admin removes an organisation, then it is refused while members, open risks or open alerts name it, and non-admins are refused', async () => {
  const w = await world();
  const empty = { ...RXC, code: 'ESCC', name: 'East Sussex County Council' };
  await w.directory.addOrganisation(ADA, empty);
  const busy = await w.leavers.checkOrganisationRemoval(ADA, 'rxc');
  expect(busy.blockers).toEqual([expect.stringContaining('It has 4 members')]);
  await expect(w.leavers.removeOrganisation(ADA, 'RXC')).rejects.toMatchObject({
    code: 'conflict',
  });
  w.openRisks.push({ orgCode: 'ESCC' } as Risk);
  w.openAlerts.push({ organisations: ['ESCC'] } as unknown as AlertSummary);
  expect((await w.leavers.checkOrganisationRemoval(ADA, 'ESCC')).blockers).toEqual([
    '1 open risk names it: close them first.',
    '1 open alert names it: resolve them first.',
  ]);
  w.openRisks.length = 0;
  w.openAlerts.length = 0;
  for (const who of [LEE, JANE, undefined])
    await expect(w.leavers.removeOrganisation(who, 'ESCC')).rejects.toMatchObject({
      code: who ? 'forbidden' : 'not_a_member',
    });
  // Each layer checks on its own: the check that shows what is in the way, and the directory's removal.
  await expect(w.leavers.checkOrganisationRemoval(LEE, 'RXC')).rejects.toMatchObject({
    code: 'forbidden',
    message: 'Only admins can remove organisations.',
  });
  await expect(w.directory.removeOrganisation(LEE, 'ESCC')).rejects.toMatchObject({
    code: 'forbidden',
    message: 'Only admins can remove organisations.',
  });
  expect((await w.directory.listOrganisations()).map((o) => o.code)).toEqual(['ESCC', 'RXC']);
  expect((await w.leavers.removeOrganisation(ADA, 'ESCC')).code).toBe('ESCC');
  expect((await w.directory.listOrganisations()).map((o) => o.code)).toEqual(['RXC']);
  expect((await w.audit.all(ADA)).find((e) => e.action === 'organisation.removed')).toMatchObject({
    subject: 'East Sussex County Council (ESCC)',
  });
  await expect(w.leavers.checkOrganisationRemoval(ADA, 'ESCC')).rejects.toMatchObject({
    code: 'not_found',
  });
}, 60_000);

test('when an admin edits a member or an organisation, then it is saved and recorded; non-admins and self-demotion are refused', async () => {
  const w = await world();
  await w.directory.addOrganisation(ADA, { code: 'ESCC', name: 'East Sussex County Council' });
  const bob = await w.directory.findMember('bob@example.nhs.uk', 'edit');
  const edit = {
    name: 'Robert Jones',
    upn: 'robert@example.nhs.uk',
    orgCode: 'escc',
    role: 'lead',
  };
  for (const who of [LEE, JANE, undefined])
    await expect(w.directory.editMember(who, bob.aadObjectId, edit)).rejects.toMatchObject({
      code: who ? 'forbidden' : 'not_a_member',
    });
  expect(await w.members.get(bob.aadObjectId)).toEqual(bob);
  await expect(
    w.directory.editMember(ADA, ADA.aadObjectId, { ...edit, name: ADA.name, role: 'lead' }),
  ).rejects.toMatchObject({ code: 'forbidden' });
  await expect(
    w.directory.editMember(ADA, bob.aadObjectId, { ...edit, orgCode: 'NOPE' }),
  ).rejects.toMatchObject({ code: 'validation' });
  await expect(
    w.directory.editMember(ADA, '00000000-0000-4000-8000-000000000000', edit),
  ).rejects.toMatchObject({ code: 'not_found' });

  const { member, changed } = await w.directory.editMember(ADA, bob.aadObjectId, edit);
  expect(changed).toBe(true);
  expect(await w.members.get(bob.aadObjectId)).toMatchObject({
    name: 'Robert Jones',
    upn: 'robert@example.nhs.uk',
    orgCode: 'ESCC',
    role: 'lead',
    addedAt: bob.addedAt,
  });
  expect(member.teamsUserId).toBe(bob.teamsUserId);
  expect((await w.directory.editMember(ADA, bob.aadObjectId, edit)).changed).toBe(false);
  const changes = (await w.audit.all(ADA)).filter((e) => e.action === 'member.changed');
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({
    subject: 'Robert Jones',
    before: 'Bob Jones, bob@example.nhs.uk, Member of RXC',
    after: 'Robert Jones, robert@example.nhs.uk, Lead of ESCC',
  });

  for (const who of [LEE, undefined])
    await expect(
      w.directory.editOrganisation(who, 'ESCC', { name: 'Renamed', isOes: 'true' }),
    ).rejects.toMatchObject({
      code: who ? 'forbidden' : 'not_a_member',
      message: who ? 'Only admins can edit organisations.' : expect.any(String),
    });
  expect(await w.directory.organisationOrThrow('ESCC')).toMatchObject({
    name: 'East Sussex County Council',
    isOes: false,
  });
  const org = await w.directory.editOrganisation(ADA, 'escc', {
    name: 'East Sussex CC',
    isOes: 'true',
  });
  expect(org).toMatchObject({ code: 'ESCC', name: 'East Sussex CC', isOes: true });
  const log = await w.audit.all(ADA);
  expect(log.find((e) => e.action === 'organisation.changed')).toMatchObject({
    before: 'East Sussex County Council',
    after: 'East Sussex CC',
  });
  expect(log.find((e) => e.action === 'organisation.essential')).toBeDefined();
}, 60_000);
