import { loadConfig } from '../../src/config';
import { raiseAlert } from '../../src/domain/alerts';
import { parseScenario } from '../../src/domain/exercises';
import type { Member } from '../../src/domain/people/member';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { TableExerciseRepository } from '../../src/store/exercise-repository';
import { pdfText } from '../helpers/pdf-text';

/*
 * Issue 21 over HTTP: the exercises register and report for leads, the lessons for members, and an exercise's
 * alert kept out of the tab's alert list and figures.
 */
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
const startedAt = new Date().toISOString();

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
  await new TableExerciseRepository(app.store).create({
    id: 'EXHTTP01',
    name: 'Winter ransomware',
    lead: { id: lead.aadObjectId, name: lead.name },
    participants: [{ id: member.aadObjectId, name: member.name }],
    participantsOnly: true,
    scenario: parseScenario('0 | critical | Ransomware on file servers').lines,
    injected: [],
    startedAt,
  });
  const alerts = new TableAlertRepository(app.store);
  const actor = { id: 'api', name: 'MSP', source: 'api' as const };
  for (const [id, exercise] of [
    ['DRILL1', { id: 'EXHTTP01', name: 'Winter ransomware' }],
    ['REAL1', undefined],
  ] as const)
    await alerts.create(
      raiseAlert(
        { source: 'incident', dedupKey: `K-${id}`, title: `Alert ${id}`, severity: 'high' },
        { id, actor, at: new Date(), exercise },
      ).alert,
    );
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = async (path: string, who?: Member) =>
  fetch(`${app.url}${path}`, {
    headers: who
      ? { authorization: `Bearer ${await app.devIssuer!.sign({ oid: who.aadObjectId })}` }
      : {},
  });

test('when a lead exports the exercises register, then it is CSV with each exercise; a member is refused and no token is 401', async () => {
  expect((await get('/api/registers/exercises.csv')).status).toBe(401);
  expect((await get('/api/registers/exercises.csv', member)).status).toBe(403);
  const res = await get('/api/registers/exercises.csv', lead);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const csv = await res.text();
  expect(csv).toContain('Winter ransomware');
  expect(csv).toContain('EXHTTP01');
});

test('when a lead opens an exercise report, then it is a Markdown document; a forged id is 404 and a member 403', async () => {
  const res = await get('/api/registers/exercises/EXHTTP01.md', lead);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
  expect(await res.text()).toContain('# Exercise report: Winter ransomware');
  expect((await get('/api/registers/exercises/NOPE.md', lead)).status).toBe(404);
  expect((await get('/api/registers/exercises/EXHTTP01.md', member)).status).toBe(403);
});

test('when a member searches lessons, then the answer is the lessons view; no token is 401', async () => {
  expect((await get('/api/tab/lessons?q=x')).status).toBe(401);
  const res = await get('/api/tab/lessons?q=backups', member);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ query: 'backups', lessons: [] });
});

test('when the tab lists alerts, then an exercise alert is neither listed nor counted, a real one is', async () => {
  const res = await get('/api/tab/alerts', member);
  const body = (await res.json()) as { open: { id: string }[]; weeks: { raised: number }[] };
  expect(body.open.map((a) => a.id)).toEqual(['REAL1']);
  expect(body.weeks[0]!.raised).toBe(1);
});

test('when a lead opens the HSA compliance board, then no exercise alert is on it', async () => {
  const res = await get('/api/tab/hsa-compliance', lead);
  expect(res.status).toBe(200);
  expect(JSON.stringify(await res.json())).not.toContain('DRILL1');
});

test('when a lead asks for the report as PDF, then it reads as the report; a member is refused', async () => {
  const res = await get('/api/registers/exercises/EXHTTP01.pdf', lead);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const text = await pdfText(Buffer.from(await res.arrayBuffer()));
  expect(text).toContain('CTAC exercise report: Winter ransomware');
  expect(text).toContain('Participants: Ben Okafor.');
  expect(text).toContain('Risks raised');
  expect(text).toContain('None raised during the exercise.');
  expect((await get('/api/registers/exercises/EXHTTP01.pdf', member)).status).toBe(403);
  expect((await get('/api/registers/exercises/EXHTTP01.txt', lead)).status).toBe(404);
});
