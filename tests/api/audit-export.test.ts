import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../src/config';
import { auditEntry } from '../../src/domain/audit/audit-entry';
import type { Member } from '../../src/domain/people/member';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAuditRepository } from '../../src/store/audit-repository';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

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
const admin = person(1, 'Asha Patel', 'admin');
const lead = person(2, 'Ben Okafor', 'lead');

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
  await members.put(admin);
  await members.put(lead);
  const audit = new TableAuditRepository(app.store);
  const by = { id: admin.aadObjectId, name: admin.name, source: 'teams' as const };
  await audit.add(
    auditEntry({
      id: 'a1',
      at: '2026-11-28T09:00:00Z',
      action: 'member.added',
      actor: by,
      subject: 'Ben Okafor',
      after: 'Member of RXC',
    }),
  );
  await audit.add(
    auditEntry({
      id: 'a2',
      at: '2026-11-29T14:30:00Z',
      action: 'member.changed',
      actor: by,
      subject: '=HYPERLINK("http://evil")',
      before: 'Member of RXC',
      after: 'Lead of RXC',
    }),
  );
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = (token?: string) =>
  fetch(`${app.url}/api/registers/audit.csv`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

test('when an admin exports the audit log, then every entry comes newest first with UK times, who, before and after', async () => {
  const res = await get(await app.devIssuer!.sign({ oid: admin.aadObjectId }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/ctac-audit-log-\d{4}-\d{2}-\d{2}\.csv/);
  const rows = parse((await res.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
    string,
    string
  >[];
  expect(
    rows.map((r) => [r['When'], r['What'], r['Subject'], r['Before'], r['After'], r['By']]),
  ).toEqual([
    [
      '29 Nov 2026, 14:30',
      'Member changed',
      `'=HYPERLINK("http://evil")`,
      'Member of RXC',
      'Lead of RXC',
      'Asha Patel',
    ],
    ['28 Nov 2026, 09:00', 'Member added', 'Ben Okafor', '', 'Member of RXC', 'Asha Patel'],
  ]);
});

test('when a lead or someone without a token asks for the audit log, then the answer is 403 or 401 and holds none of it', async () => {
  const asLead = await get(await app.devIssuer!.sign({ oid: lead.aadObjectId }));
  expect(asLead.status).toBe(403);
  const body = await asLead.text();
  expect(body).toContain('Only admins can export the audit log');
  expect(body).not.toContain('Ben Okafor');
  const none = await get();
  expect(none.status).toBe(401);
  expect(await none.text()).not.toContain('Member of RXC');
});
