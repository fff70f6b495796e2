import { loadConfig } from '../../src/config';
import type { SupplierListView, SupplierPageView } from '../../src/contract/suppliers';
import type { Member } from '../../src/domain/people/member';
import { raiseRisk } from '../../src/domain/risk';
import { FakeClock } from '../../src/domain/shared/clock';
import type { Supplier } from '../../src/domain/suppliers';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { TableRiskRepository } from '../../src/store/risk-repository';
import { TableSupplierRepository } from '../../src/store/supplier-repository';

/* Issue 20: the tab's supplier register and the suppliers.csv export, over HTTP. */
let azurite: EmbeddedAzurite;
let app: RunningApp;
const clock = new FakeClock('2026-12-03T09:00:00Z');
const person = (n: number, name: string, role: Member['role']): Member => ({
  aadObjectId: `0000000${n}-0000-4000-8000-00000000000${n}`,
  name,
  upn: '',
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-28T09:00:00Z',
  addedBy: 'test',
});
const lead = person(1, 'Asha Patel', 'lead');
const member = person(2, 'Ben Okafor', 'member');
const supplier: Supplier = {
  id: 'acme-pathology',
  name: 'Acme Pathology',
  supplies: 'Pathology LIMS, hosted',
  orgCodes: ['RXC'],
  criticality: 'critical',
  incidentContact: '=cmd|x Service desk',
  evidence: [{ kind: 'dspt', status: 'met', expires: '2026-12-20' }],
  nextReview: '2027-03-31',
  addedAt: '2026-12-01T09:00:00Z',
  addedBy: { id: lead.aadObjectId, name: lead.name },
  updatedAt: '2026-12-01T09:00:00Z',
  updatedBy: { id: lead.aadObjectId, name: lead.name },
};

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent'), jobs: false, clock },
  );
  const members = new TableMemberRepository(app.store);
  await members.put(lead);
  await members.put(member);
  await new TableOrganisationRepository(app.store).create({
    code: 'RXC',
    name: 'East Sussex Healthcare',
    isOes: true,
    createdAt: '2026-11-01T09:00:00Z',
    createdBy: 'test',
  });
  await new TableSupplierRepository(app.store).create(supplier);
  const { risk } = raiseRisk(
    {
      title: 'LIMS on an unsupported database',
      description: 'The supplier’s database is out of support.',
      orgCode: 'RXC',
      cafPrinciple: 'A4',
      likelihood: 2,
      consequence: 3,
      owner: 'CIO',
      reviewDate: '2027-01-31',
      supplier: 'Acme Pathology',
    },
    {
      id: 'RSK-9',
      actor: { id: lead.aadObjectId, name: lead.name, source: 'teams' },
      at: clock.now(),
    },
  );
  await new TableRiskRepository(app.store).create(risk);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = async (path: string, oid?: string) =>
  fetch(`${app.url}${path}`, {
    headers: oid ? { authorization: `Bearer ${await app.devIssuer!.sign({ oid })}` } : {},
  });

test('when a member opens the register, then each supplier shows with what falls due and each organisation’s DSPT status', async () => {
  expect((await get('/api/tab/suppliers')).status).toBe(401);
  expect((await get('/api/tab/suppliers', '09999999-0000-4000-8000-000000000009')).status).toBe(
    403,
  );
  const res = await get('/api/tab/suppliers', member.aadObjectId);
  expect(res.status).toBe(200);
  const view = (await res.json()) as SupplierListView;
  expect(view.suppliers).toEqual([
    expect.objectContaining({
      id: 'acme-pathology',
      criticalityLabel: 'Critical',
      organisations: 'East Sussex Healthcare (RXC)',
      nextReviewText: '31 Mar 2027',
      dueSoon: ['DSPT: 20 Dec 2026 (in 17 days)'],
    }),
  ]);
  expect(view.dspt).toEqual([
    { orgCode: 'RXC', orgName: 'East Sussex Healthcare', statusText: 'DSPT status not recorded' },
  ]);
});

test('when a member opens a supplier, then its page lists the open risks naming it; an unknown or odd id is 404', async () => {
  const res = await get('/api/tab/suppliers/acme-pathology', member.aadObjectId);
  expect(res.status).toBe(200);
  const page = (await res.json()) as SupplierPageView;
  expect(page.supplier).toMatchObject({ name: 'Acme Pathology', addedBy: 'Asha Patel' });
  expect(page.risks.map((r) => r.id)).toEqual(['RSK-9']);
  expect(page.alerts).toEqual([]);
  expect((await get('/api/tab/suppliers/nobody', member.aadObjectId)).status).toBe(404);
  expect((await get('/api/tab/suppliers/..%2Fx', member.aadObjectId)).status).toBe(404);
});

test('when a lead exports the supplier register, then it is CSV with formulas disarmed; a member is refused', async () => {
  expect((await get('/api/registers/suppliers.csv')).status).toBe(401);
  expect((await get('/api/registers/suppliers.csv', member.aadObjectId)).status).toBe(403);
  const res = await get('/api/registers/suppliers.csv', lead.aadObjectId);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toContain('ctac-supplier-register-2026-12-03.csv');
  const lines = (await res.text()).replace(/^\ufeff/, '').split('\r\n');
  expect(lines[0]).toBe(
    'Supplier,Supplies,Organisations,Criticality,Contact for incidents,DSPT status,DSPT expiry,ISO 27001 expiry,Cyber Essentials Plus expiry,Evidence link,Next review,Last changed,Last changed by',
  );
  expect(lines[1]).toBe(
    `Acme Pathology,"Pathology LIMS, hosted",East Sussex Healthcare (RXC),Critical,'=cmd|x Service desk,Standards met,20 Dec 2026,,,,31 Mar 2027,"1 Dec 2026, 09:00",Asha Patel`,
  );
});
