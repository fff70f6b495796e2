import { AuditLog } from '../../src/app/audit-log';
import { Directory } from '../../src/app/directory';
import { addPeopleBySignInName } from '../../src/app/rota/rota-people';
import type { Member } from '../../src/domain/people/member';
import { FakeClock } from '../../src/domain/shared/clock';
import { GraphPeopleLookup } from '../../src/graph/graph-people';
import { AUDIT_TABLE, TableAuditRepository } from '../../src/store/audit-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import type { TableStore } from '../../src/store/tables';
import { fakeGraphClient, startStoreAndGraph, type FakeGraph } from '../helpers/fake-graph';

/* Issue 17's audit log records members added by `member add` and the roster; people a lead adds by email
 * or sign-in name through Graph (issue 16) are recorded the same way: who, when, whom, as what. */

let store: TableStore;
let graph: FakeGraph;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, graph, stop } = await startStoreAndGraph([
    {
      id: 'b2b2b2b2-0000-4000-8000-000000000002',
      displayName: 'Ben Okafor',
      userPrincipalName: 'ben@nhs.net',
    },
    {
      id: 'c3c3c3c3-0000-4000-8000-000000000003',
      displayName: 'Chloë Davies',
      userPrincipalName: 'chloe@nhs.net',
    },
  ]));
  await store.createTables([AUDIT_TABLE]);
});
afterEach(() => stop());

test('when a lead adds people by email, then each new member is in the audit log with who added them, when and as what', async () => {
  const clock = new FakeClock(new Date('2026-12-02T10:00:00Z'));
  const members = new TableMemberRepository(store);
  const organisations = new TableOrganisationRepository(store);
  let ids = 0;
  const audit: AuditLog = new AuditLog(
    new TableAuditRepository(store),
    { require: (...args) => directory.require(...args) },
    clock,
    { next: () => `audit-${(ids += 1)}` },
  );
  const directory = new Directory(organisations, members, clock, [], audit);
  await organisations.create({
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust',
    isOes: true,
    createdAt: clock.now().toISOString(),
    createdBy: 'test',
  });
  const lead: Member = {
    aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001',
    name: 'Asha Patel',
    upn: 'asha@nhs.net',
    orgCode: 'RXC',
    role: 'admin',
    addedAt: clock.now().toISOString(),
    addedBy: 'test',
  };
  await members.put(lead);
  const deps = {
    members,
    organisations,
    directory,
    lookup: new GraphPeopleLookup(fakeGraphClient(graph)),
  };

  await addPeopleBySignInName(deps, lead, ['ben@nhs.net', 'chloe@nhs.net'], 'rxc');
  // Named again later, and Asha (already a member): nobody new, nothing more recorded.
  clock.advance(60_000);
  await addPeopleBySignInName(deps, lead, ['ben@nhs.net', 'asha@nhs.net'], 'RXC');

  const entries = await audit.recent(lead);
  expect(
    entries.map(({ id: _id, ...rest }) => rest).sort((a, b) => a.subject.localeCompare(b.subject)),
  ).toEqual([
    {
      at: '2026-12-02T10:00:00.000Z',
      action: 'member.added',
      actor: { id: lead.aadObjectId, name: 'Asha Patel', source: 'teams' },
      subject: 'Ben Okafor',
      after: 'Member of RXC',
    },
    {
      at: '2026-12-02T10:00:00.000Z',
      action: 'member.added',
      actor: { id: lead.aadObjectId, name: 'Asha Patel', source: 'teams' },
      subject: 'Chloë Davies',
      after: 'Member of RXC',
    },
  ]);
});
