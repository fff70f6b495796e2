import { parse } from 'csv-parse/sync';
import { createDevIssuer } from '../../../src/api/auth-dev-issuer';
import { loadConfig } from '../../../src/config';
import { logDecision, supersede } from '../../../src/domain/decisions';
import type { Member } from '../../../src/domain/people/member';
import { raiseRisk } from '../../../src/domain/risk';
import { createLogger } from '../../../src/logger';
import { startApp, type RunningApp } from '../../../src/server';
import { TableDecisionRepository } from '../../../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../../src/store/embedded-azurite';
import { TableRiskRepository } from '../../../src/store/risk-repository';

let azurite: EmbeddedAzurite;
let app: RunningApp;
const person = (n: number, name: string, role: Member['role']): Member => ({
  aadObjectId: `0000000${n}-0000-4000-8000-00000000000${n}`,
  name,
  upn: '',
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-28T09:00:00Z',
  addedBy: 'test',
});
const lead = person(1, 'Siân Ó Ceallaigh', 'lead');
const member = person(2, 'Ben Okafor', 'member');
const actor = { id: lead.aadObjectId, name: lead.name, source: 'teams' as const };
const at = new Date();

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent') },
  );
  const members = new TableMemberRepository(app.store);
  await members.put(lead);
  await members.put(member);
  await new TableOrganisationRepository(app.store).create({
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust, "ESHT"',
    isOes: true,
    createdAt: '',
    createdBy: '',
  });
  const risks = new TableRiskRepository(app.store);
  await risks.create(
    raiseRisk(
      {
        title: '=HYPERLINK("http://evil") , "quoted"',
        description: 'Line one\nLine two, with commas; Zoë’s café',
        orgCode: 'RXC',
        cafPrinciple: 'B2',
        likelihood: 5,
        consequence: 5,
        owner: 'Zoë Ní Bhriain',
        mitigations: 'MFA\nPAM',
        reviewDate: '2099-01-31',
      },
      { id: 'R-00000001', actor, at },
    ).risk,
  );
  await risks.create(
    raiseRisk(
      {
        title: 'Low one',
        description: 'd',
        orgCode: 'RXC',
        cafPrinciple: 'A1',
        likelihood: 1,
        consequence: 2,
        owner: 'o',
        reviewDate: '2099-01-31',
      },
      { id: 'R-00000002', actor, at },
    ).risk,
  );
  const decisions = new TableDecisionRepository(app.store);
  const first = logDecision(
    {
      text: 'Block macros, "all" of them',
      rationale: 'Phishing,\nmostly',
      decidedBy: 'RXC',
      outcome: 'approved',
    },
    { id: 'D-00000001', actor, at },
  );
  await decisions.create(first);
  await decisions.create(
    supersede(
      first,
      { id: 'D-00000002', outcome: 'deferred' },
      actor,
      new Date(at.getTime() + 1000),
    ),
  );
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = (path: string, token?: string) =>
  fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

test.each(['/api/registers/risks.csv', '/api/registers/decisions.csv'])(
  'when %s is asked for without a valid token, then the answer is 401 and no data',
  async (path) => {
    const none = await get(path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('HYPERLINK');
    expect((await get(path, 'not.a.token')).status).toBe(401);
    const otherIssuer = await createDevIssuer();
    expect((await get(path, await otherIssuer.sign({ oid: lead.aadObjectId }))).status).toBe(401);
    const expired = await app.devIssuer!.sign(
      { oid: lead.aadObjectId },
      { expiresInSeconds: -3600 },
    );
    expect((await get(path, expired)).status).toBe(401);
  },
);

test.each(['/api/registers/risks.csv', '/api/registers/decisions.csv'])(
  'when someone below lead asks for %s, then the answer is 403',
  async (path) => {
    const asMember = await get(path, await app.devIssuer!.sign({ oid: member.aadObjectId }));
    expect(asMember.status).toBe(403);
    expect((await asMember.json()).error.message).toContain('Only leads can export');
    const stranger = await get(
      path,
      await app.devIssuer!.sign({ oid: '99999999-0000-4000-8000-000000000009' }),
    );
    expect(stranger.status).toBe(403);
  },
);

test('when a lead exports the risk register, then Excel-ready CSV parses back to every risk, highest score first', async () => {
  const res = await get(
    '/api/registers/risks.csv',
    await app.devIssuer!.sign({ oid: lead.aadObjectId }),
  );
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(
    /^attachment; filename="?ctac-risk-register-\d{4}-\d{2}-\d{2}\.csv"?$/,
  );
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
  expect(rows.map((r) => r['Reference'])).toEqual(['R-00000001', 'R-00000002']);
  expect(rows[0]!['Title']).toBe('\'=HYPERLINK("http://evil") , "quoted"');
  expect(rows[0]!['Description']).toBe('Line one\nLine two, with commas; Zoë’s café');
  expect(rows[0]!['Organisation']).toBe('East Sussex Healthcare NHS Trust, "ESHT" (RXC)');
  expect(rows[0]!['Owner']).toBe('Zoë Ní Bhriain');
  expect(rows[0]!['Score']).toBe('25');
  expect(rows[0]!['Status']).toBe('Escalated to the ICS cyber group');
});

test('when a lead exports the decision log, then both the decision and its correction are there, linked', async () => {
  const res = await get(
    '/api/registers/decisions.csv',
    await app.devIssuer!.sign({ oid: lead.aadObjectId }),
  );
  expect(res.status).toBe(200);
  const rows = parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true }) as Record<
    string,
    string
  >[];
  expect(rows.map((r) => r['Reference'])).toEqual(['D-00000001', 'D-00000002']);
  expect(rows[0]!['What was decided']).toBe('Block macros, "all" of them');
  expect(rows[0]!['Rationale']).toBe('Phishing,\nmostly');
  expect(rows[0]!['Superseded by']).toBe('D-00000002');
  expect(rows[1]!['Supersedes']).toBe('D-00000001');
  expect(rows[1]!['Logged by']).toBe('Siân Ó Ceallaigh');
});
