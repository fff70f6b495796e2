import { loadConfig } from '../../src/config';
import { logDecision, type Decision } from '../../src/domain/decisions';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableDecisionRepository } from '../../src/store/decision-repository';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { MEMBER } from './tab-fixtures';

/*
 * The decision register's search over a log longer than the first page it reads (1,000 entries): it must
 * answer as a search of the whole log would, newest match first, at most 500, with the supersede marks.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
const LOGGED = 1_300;
const id = (i: number) => `D-${String(i).padStart(4, '0')}`;

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
  await new TableMemberRepository(app.store).put(MEMBER);
  const repo = new TableDecisionRepository(app.store);
  const actor = { id: MEMBER.aadObjectId, name: MEMBER.name, source: 'teams' as const };
  const start = Date.parse('2026-06-01T09:00:00Z');
  // Even ones are on patching; one in ten of the oldest hundred on the firewall. D-1299 corrects D-0010
  // (far back) and D-1297 corrects D-1296 (in the newest page).
  const supersedes: Record<number, string> = { 1299: id(10), 1297: id(1296) };
  const decision = (i: number): Decision => ({
    ...logDecision(
      {
        text: `Decision ${i}${i % 2 ? '' : ' on patching'}${i < 100 && i % 10 === 0 ? ' and the firewall' : ''}`,
        rationale: 'Because',
        decidedBy: i % 3 ? 'forum' : 'ics-cyber-group',
        outcome: 'approved',
      },
      { id: id(i), actor, at: new Date(start + i * 60_000) },
    ),
    ...(supersedes[i] && { supersedes: supersedes[i] }),
  });
  for (let i = 0; i < LOGGED; i += 20)
    await Promise.all(
      Array.from({ length: Math.min(20, LOGGED - i) }, (_, j) => repo.create(decision(i + j))),
    );
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const search = async (query: string) => {
  const token = await app.devIssuer!.sign({ oid: MEMBER.aadObjectId, name: MEMBER.name });
  const res = await fetch(`${app.url}/api/tab/decisions?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()).decisions as { id: string; supersededBy?: string }[];
};

test('when many decisions match, then the newest 500 are listed, newest first, with their supersede marks', async () => {
  const found = await search('q=patching');
  expect(found.map((d) => d.id)).toEqual(
    Array.from({ length: 500 }, (_, k) => id(LOGGED - 2 - 2 * k)),
  );
  expect(found.find((d) => d.id === id(1296))?.supersededBy).toBe(id(1297));
});

test('when the matches lie further back than the newest page, then every one is still found, with its mark', async () => {
  const found = await search('q=firewall');
  expect(found.map((d) => d.id)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0].map(id));
  expect(found.find((d) => d.id === id(10))?.supersededBy).toBe(id(1299));
});

test('when a search matches fewer than 500 of the newest page and more further back, then it lists the newest 500 of the whole log', async () => {
  // One in three decided by the ICS cyber group, and on patching: one in six, 217 in all.
  const found = await search('q=patching&decidedBy=ics-cyber-group');
  const expected = Array.from({ length: LOGGED }, (_, i) => LOGGED - 1 - i)
    .filter((i) => i % 6 === 0)
    .map(id);
  expect(found.map((d) => d.id)).toEqual(expected);
});
