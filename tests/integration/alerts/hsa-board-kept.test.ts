import { TableClient } from '@azure/data-tables';
import { HsaResponses } from '../../../src/app/alerts/hsa-responses';
import type { Member } from '../../../src/domain/people/member';
import {
  HSA_RESPONSE_TABLES,
  TableHsaResponseRepository,
} from '../../../src/store/alert-hsa-response-repository';
import { TableOrganisationRepository } from '../../../src/store/directory-repositories';
import { encodeKey } from '../../../src/store/keys';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, people, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(Object.values(HSA_RESPONSE_TABLES));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await stop();
});

const kim: Member = {
  aadObjectId: '00000000-0000-0000-0000-000000000009',
  name: 'Kim Hughes',
  upn: 'kim@example.gov.uk',
  orgCode: 'ESCC',
  role: 'member',
  addedAt: '2026-11-01T09:00:00.000Z',
  addedBy: 'test',
};

async function hsaWorld() {
  const wired: { responses?: HsaResponses } = {};
  const w = await alertWorld(store, {
    followUpHsa: (alert, o) => wired.responses!.follow(alert, o),
  });
  const orgs = new TableOrganisationRepository(store);
  for (const [code, name] of [
    ['RXH', 'University Hospitals Sussex'],
    ['ESCC', 'East Sussex County Council'],
  ])
    await orgs.create({
      code,
      name,
      isOes: false,
      createdAt: '2026-11-01T09:00:00Z',
      createdBy: 'test',
    });
  await w.members.put(kim);
  const repository = new TableHsaResponseRepository(store);
  const responses = new HsaResponses({
    alerts: w.alerts,
    responses: repository,
    organisations: orgs,
    members: w.members,
    directory: w.directory,
    notifier: w.notifier,
    clock: w.clock,
  });
  wired.responses = responses;
  const ingest = async (dedupKey: string, publishedAt: string) =>
    (
      await w.service.ingest(
        { source: 'hsa', dedupKey, title: `HSA ${dedupKey}`, severity: 'High', publishedAt },
        webhookActor,
      )
    ).alert;
  return { ...w, orgs, repository, responses, ingest };
}

/** Counts the table queries and point reads made while `read` runs, with the tables they went to. */
async function counting<T>(read: () => Promise<T>) {
  const queries = jest.spyOn(TableClient.prototype, 'listEntities');
  const pointReads = jest.spyOn(TableClient.prototype, 'getEntity');
  const result = await read();
  const tables = (spy: jest.SpyInstance) =>
    spy.mock.contexts.map((client) => (client as TableClient).tableName);
  const counted = { result, queries: tables(queries), pointReads: tables(pointReads) };
  queries.mockRestore();
  pointReads.mockRestore();
  return counted;
}

const NOW = new Date('2026-11-30T09:00:00Z');

test('when a response is saved, then the board shows it from the kept follow-up rows in at most two queries', async () => {
  const w = await hsaWorld();
  const open = await w.ingest('CC-9100', '2026-11-27T09:00:00Z');
  const resolved = await w.ingest('CC-9101', '2026-11-26T09:00:00Z');
  await w.service.resolve(as(people.sam), resolved.id, 'Triage done');
  await w.responses.respondWithForm(as(kim), open.id, {
    applicability: 'affected',
    remediation: 'in progress',
    note: 'Patching tonight.',
  });
  await w.responses.respondWithForm(as(people.sam), resolved.id, {
    applicability: 'not affected',
    remediation: 'nochange',
    note: '',
  });
  const orgs = await w.directory.listOrganisations();

  const { result: board, queries, pointReads } = await counting(() => w.responses.board(NOW, orgs));
  expect(queries.length).toBeLessThanOrEqual(2);
  expect(pointReads).toEqual([]);
  expect(board.current.map((e) => [e.alert.dedupKey, e.alert.state])).toEqual([
    ['CC-9100', 'triggered'],
    ['CC-9101', 'resolved'],
  ]);
  const line = (dedupKey: string, orgCode: string) =>
    board.current
      .find((e) => e.alert.dedupKey === dedupKey)!
      .lines.find((l) => l.orgCode === orgCode)!.response;
  expect(line('CC-9100', 'ESCC')).toMatchObject({
    applicability: 'affected',
    remediation: 'in progress',
    lastNote: 'Patching tonight.',
  });
  expect(line('CC-9100', 'RXH').acknowledgedAt).toBeUndefined();
  expect(line('CC-9101', 'RXH').applicability).toBe('not affected');

  // The same board as read from each HSA's own responses.
  for (const entry of board.current)
    expect(entry.lines).toEqual(await w.responses.lines(entry.alert.id, NOW));
});

test('when an HSA is raised, then its follow-up row keeps it with no responses yet, and the board and a later update read nothing else for it', async () => {
  const w = await hsaWorld();
  const hsa = await w.ingest('CC-9150', '2026-11-27T09:00:00Z');
  const kept = await w.repository.keptHsa(hsa.id);
  expect(kept?.responses).toEqual([]);
  expect(kept?.alert).toMatchObject({ id: hsa.id, dedupKey: 'CC-9150', state: 'triggered' });
  expect(kept?.alert).not.toHaveProperty('timeline');

  const { result: board, queries, pointReads } = await counting(() => w.responses.board(NOW));
  expect(queries.filter((t) => t !== 'Organisations').length).toBeLessThanOrEqual(2);
  expect(pointReads).toEqual([]);
  expect(board.current.map((e) => e.alert.dedupKey)).toEqual(['CC-9150']);
  expect(board.current[0]!.lines.map((l) => l.orgCode)).toEqual(['ESCC', 'RXH']);

  // The sender's next version is an update: the row (and its kept responses) stay as they are.
  await w.service.ingest(
    {
      source: 'hsa',
      dedupKey: 'CC-9150',
      title: 'HSA CC-9150, revised',
      severity: 'High',
      publishedAt: '2026-11-27T09:00:00Z',
    },
    webhookActor,
  );
  await w.responses.respond(as(kim), hsa.id, { kind: 'remediation', value: 'patched' });
  expect((await w.repository.keptHsa(hsa.id))?.responses).toEqual([
    expect.objectContaining({ orgCode: 'ESCC', remediation: 'patched' }),
  ]);
});

test('when a follow-up row predates keeping the responses, then the board reads them once, keeps them, and reads the same in two queries after', async () => {
  const w = await hsaWorld();
  const hsa = await w.ingest('CC-9200', '2026-11-27T09:00:00Z');
  await w.responses.respond(as(kim), hsa.id, { kind: 'remediation', value: 'mitigated' });
  await w.service.resolve(as(people.sam), hsa.id, 'Triage done');
  // The row as it was written before the board kept anything on it: the follow-up alone.
  const followUp = (await w.repository.getFollowUp(hsa.id))!;
  await store.table(HSA_RESPONSE_TABLES.responses).upsertEntity(
    {
      partitionKey: '~follow-ups',
      rowKey: encodeKey(hsa.id),
      finished: false,
      body: JSON.stringify(followUp),
    },
    'Replace',
  );
  expect((await w.repository.keptHsa(hsa.id))?.responses).toBeUndefined();

  const first = await counting(() => w.responses.board(NOW));
  const kept = await w.repository.keptHsa(hsa.id);
  expect(kept?.responses).toEqual([
    expect.objectContaining({ orgCode: 'ESCC', remediation: 'mitigated' }),
  ]);
  expect(kept?.alert).toMatchObject({ id: hsa.id, state: 'resolved' });

  const second = await counting(() => w.responses.board(NOW));
  const third = await counting(() => w.responses.board(NOW));
  expect(second.result).toEqual(first.result);
  expect(third.result).toEqual(first.result);
  // Two queries and the organisations, which the route passes in; no point read once repaired.
  expect(second.queries.filter((t) => t !== 'Organisations').length).toBeLessThanOrEqual(2);
  expect(second.pointReads).toEqual([]);
  expect(await w.repository.keptHsa(hsa.id)).toEqual({ ...kept, etag: expect.any(String) });
  expect(first.result.current.map((e) => [e.alert.dedupKey, e.alert.state])).toEqual([
    ['CC-9200', 'resolved'],
  ]);
});

test('when two organisations respond to one HSA at once, then the row keeps both responses', async () => {
  const w = await hsaWorld();
  const hsa = await w.ingest('CC-9300', '2026-11-27T09:00:00Z');
  await Promise.all([
    w.responses.respond(as(kim), hsa.id, { kind: 'remediation', value: 'patched' }),
    w.responses.respond(as(people.sam), hsa.id, { kind: 'remediation', value: 'in progress' }),
  ]);
  const kept = await w.repository.keptHsa(hsa.id);
  expect(kept?.responses?.map((r) => [r.orgCode, r.remediation]).sort()).toEqual([
    ['ESCC', 'patched'],
    ['RXH', 'in progress'],
  ]);
});
