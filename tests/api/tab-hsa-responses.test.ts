import { loadConfig } from '../../src/config';
import { raiseAlert } from '../../src/domain/alerts';
import type { Member } from '../../src/domain/people/member';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableHsaResponseRepository } from '../../src/store/alert-hsa-response-repository';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { LEAD, MEMBER, person, seedTabData, STRANGER } from './tab-fixtures';

/*
 * A member records their organisation's response to an HSA from the tab (issue 20): GET /api/tab/hsa/mine
 * and POST /api/tab/hsa/{alertId}/response, against the real app on Azurite with the development issuer.
 * The seeded HSA A-HSA1 (CC-4719, High, published 72 hours ago): RXC acknowledged it and is affected; ESCC
 * (Ben, a member) has said nothing.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
/** A member linked to no organisation yet. */
const UNLINKED: Member = { ...person(5, 'Rowan Free', 'member'), orgCode: '' };

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
  await seedTabData(app.store);
  await new TableMemberRepository(app.store).put(UNLINKED);
  const alerts = new TableAlertRepository(app.store);
  const actor = { id: 'job:nhs', name: 'NHS feed', source: 'job' as const };
  // A Medium NHS alert nobody has asked about: for information, no responses.
  await alerts.create(
    raiseAlert(
      {
        source: 'hsa',
        dedupKey: 'CC-5001',
        title: 'Medium alert for information',
        severity: 'Medium',
        publishedAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
      { id: 'A-MED1', actor, at: new Date() },
    ).alert,
  );
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const tokenFor = (who: { aadObjectId: string; name: string }) =>
  app.devIssuer!.sign({ oid: who.aadObjectId, name: who.name });
const call = async (path: string, who?: { aadObjectId: string; name: string }, body?: unknown) =>
  fetch(`${app.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(who && { authorization: `Bearer ${await tokenFor(who)}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const respond = (who: Member, body: unknown, alertId = 'A-HSA1', query = '') =>
  call(`/api/tab/hsa/${alertId}/response${query}`, who, body);

/** Every recorded change to A-HSA1's responses, as "org kind source actor". */
const events = async (alertId = 'A-HSA1') =>
  (await new TableHsaResponseRepository(app.store).events(alertId)).map(
    (e) => `${e.orgCode} ${e.kind} ${e.source} ${e.actor.name}`,
  );
const responseOf = async (orgCode: string, alertId = 'A-HSA1') =>
  (await new TableHsaResponseRepository(app.store).get(alertId, orgCode))?.response;

describe('who may respond from the tab', () => {
  test('when someone with a valid token is not a CTAC member, then listing and responding are 403 and nothing is written', async () => {
    const before = await events();
    const mine = await call('/api/tab/hsa/mine', STRANGER);
    expect(mine.status).toBe(403);
    expect(await mine.text()).not.toContain('CC-4719');
    const res = await respond(STRANGER, { remediation: 'patched' });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('CC-4719');
    expect(await events()).toEqual(before);
  });

  test('when there is no token, then both routes are 401', async () => {
    expect((await call('/api/tab/hsa/mine')).status).toBe(401);
    expect(
      (
        await fetch(`${app.url}/api/tab/hsa/A-HSA1/response`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ remediation: 'patched' }),
        })
      ).status,
    ).toBe(401);
  });

  test('when a member linked to no organisation responds, then it is 403 and nothing is written', async () => {
    const before = await events();
    const res = await respond(UNLINKED, { remediation: 'patched' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/not linked to an ICS organisation/);
    expect((await call('/api/tab/hsa/mine', UNLINKED)).status).toBe(403);
    expect(await events()).toEqual(before);
  });

  test.each([
    ['orgCode', { orgCode: 'RXC', remediation: 'patched' }],
    ['organisation', { organisation: 'RXC', remediation: 'patched' }],
    ['org', { org: 'RXC', remediation: 'patched' }],
    ['alertId', { alertId: 'A-HSA1', remediation: 'patched', orgCode: 'RXC' }],
    ['actor', { actor: { id: LEAD.aadObjectId, name: LEAD.name }, remediation: 'patched' }],
  ])(
    'when a member of ESCC names another organisation with %s in the body, then it is 400 and no organisation changes',
    async (_field, body) => {
      const before = await events();
      const rxcBefore = await responseOf('RXC');
      const res = await respond(MEMBER, body);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('validation');
      expect(error.problems.join(' ')).toMatch(/your own organisation/);
      expect(await events()).toEqual(before);
      expect(await responseOf('RXC')).toEqual(rxcBefore);
    },
  );

  test('when a member of ESCC names RXC in the query string, then only ESCC’s response changes', async () => {
    const rxcBefore = await responseOf('RXC');
    const res = await respond(
      MEMBER,
      { applicability: 'affected' },
      'A-HSA1',
      '?orgCode=RXC&org=RXC',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ orgCode: 'ESCC', refusals: [] });
    expect(await responseOf('RXC')).toEqual(rxcBefore);
    expect(await responseOf('ESCC')).toMatchObject({
      applicability: 'affected',
      acknowledgedBy: { id: MEMBER.aadObjectId, name: MEMBER.name, source: 'tab' },
    });
  });
});

describe('bad input', () => {
  test.each([
    ['not JSON', '{"remediation": "patched"'],
    ['an array', [{ remediation: 'patched' }]],
    ['a number', 42],
    ['a choice that is not text', { remediation: ['patched'] }],
    ['a note that is not text', { remediation: 'patched', note: { text: 'done' } }],
    ['a choice the card never offers', { applicability: 'maybe', remediation: 'patched' }],
    ['a remediation the card never offers', { remediation: 'fixed' }],
    [
      'a note too long to keep, beside a good choice',
      { remediation: 'patched', note: 'x'.repeat(2001) },
    ],
  ])('when the body is %s, then it is 400 and nothing is written', async (_what, body) => {
    const before = await events();
    const escc = await responseOf('ESCC');
    const res = await respond(MEMBER, body);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.message).toEqual(expect.any(String));
    expect(await events()).toEqual(before);
    expect(await responseOf('ESCC')).toEqual(escc);
  });

  test('when the alert does not exist, then it is 404; when it is an incident, 400; nothing is written', async () => {
    const res = await respond(MEMBER, { remediation: 'patched' }, 'A-NOPE');
    expect(res.status).toBe(404);
    const incident = await respond(MEMBER, { remediation: 'patched' }, 'A-INC1');
    expect(incident.status).toBe(400);
    expect(await events('A-NOPE')).toEqual([]);
    expect(await events('A-INC1')).toEqual([]);
  });

  test('when a Medium alert nobody asked about is answered, then it is 400, nothing is written and it is not listed', async () => {
    const res = await respond(MEMBER, { remediation: 'patched' }, 'A-MED1');
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/for information/);
    expect(await events('A-MED1')).toEqual([]);
    const mine = await (await call('/api/tab/hsa/mine', MEMBER)).json();
    expect(JSON.stringify(mine)).not.toContain('CC-5001');
  });
});

describe('recording a response from the tab', () => {
  test('when a member lists their HSAs, then they see their own organisation’s response and deadlines, and nothing of another’s', async () => {
    const res = await call('/api/tab/hsa/mine', MEMBER);
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view).toMatchObject({ orgCode: 'ESCC', orgName: 'East Sussex County Council' });
    const row = view.outstanding.find((r: { hsaId: string }) => r.hsaId === 'CC-4719');
    expect(row).toMatchObject({
      alertId: 'A-HSA1',
      severity: 'High',
      clocks: true,
      resolved: false,
    });
    // ESCC said it is affected above (from the tab), so it has acknowledged and is not overdue.
    expect(row.response).toMatchObject({
      acknowledged: true,
      acknowledgedBy: MEMBER.name,
      applicability: 'affected',
      remediation: 'not started',
      overdue: [],
      finished: false,
    });
    expect(row.response.acknowledgeByUk).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    expect(row.response.patchByUk).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    // Only ESCC's line: nothing of RXC's response.
    expect(JSON.stringify(view)).not.toContain(LEAD.name);
  });

  test('when a member records "patched" with a note, then it is one step with source tab, the HSA moves to finished and the leads’ board shows it', async () => {
    const before = await events();
    const res = await respond(MEMBER, {
      remediation: 'patched',
      applicability: 'nochange',
      note: 'Patched every gateway overnight.',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      alertId: 'A-HSA1',
      orgCode: 'ESCC',
      refusals: [],
      response: {
        remediation: 'patched',
        applicability: 'affected',
        finished: true,
        lastNote: 'Patched every gateway overnight.',
        lastUpdateBy: MEMBER.name,
      },
    });
    expect((await events()).slice(before.length)).toEqual([
      'ESCC remediation tab Ben Okafor',
      'ESCC update tab Ben Okafor',
    ]);

    const mine = await (await call('/api/tab/hsa/mine', MEMBER)).json();
    expect(mine.outstanding.map((r: { hsaId: string }) => r.hsaId)).not.toContain('CC-4719');
    expect(mine.finished.map((r: { hsaId: string }) => r.hsaId)).toContain('CC-4719');

    const board = await (await call('/api/tab/hsa-compliance', LEAD)).json();
    const escc = board.hsas
      .find((h: { hsaId: string }) => h.hsaId === 'CC-4719')
      .cells.find((c: { orgCode: string }) => c.orgCode === 'ESCC');
    expect(escc).toMatchObject({ remediation: 'patched', acknowledged: true });
  });

  test('when the same response is sent again, then nothing more is written and nobody is warned', async () => {
    const before = await events();
    const res = await respond(MEMBER, { remediation: 'patched' });
    expect(res.status).toBe(200);
    expect((await res.json()).refusals).toEqual([]);
    expect(await events()).toEqual(before);
  });

  test('when a lead responds, then it is for the lead’s own organisation', async () => {
    const res = await respond(LEAD, { remediation: 'in progress' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      orgCode: 'RXC',
      response: { remediation: 'in progress' },
    });
    expect(await responseOf('ESCC')).toMatchObject({ remediation: 'patched' });
  });
});
