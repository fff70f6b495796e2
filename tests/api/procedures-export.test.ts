import { loadConfig } from '../../src/config';
import type { Member } from '../../src/domain/people/member';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

/* Issue 21: GET /api/registers/procedures.md, the procedures as one document for the ICS cyber group. */
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
const lead = person(1, 'Asha Patel', 'lead');
const member = person(2, 'Ben Okafor', 'member');

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent'), jobs: false },
  );
  const members = new TableMemberRepository(app.store);
  await members.put(lead);
  await members.put(member);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = (token?: string) =>
  fetch(`${app.url}/api/registers/procedures.md`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

test('when a lead exports the procedures, then they come as one Markdown document; a member is refused and no token is 401', async () => {
  expect((await get()).status).toBe(401);
  expect((await get(await app.devIssuer!.sign({ oid: member.aadObjectId }))).status).toBe(403);
  const res = await get(await app.devIssuer!.sign({ oid: lead.aadObjectId }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/ctac-procedures-\d{4}-\d{2}-\d{2}\.md/);
  const body = await res.text();
  expect(body).toContain('# CTAC operating procedures');
  expect(body).toContain('No procedures have been saved yet.');
});
