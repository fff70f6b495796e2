import { randomUUID } from 'crypto';
import { entraVerifier, jose, TAB_SCOPE, TEAMS_CLIENT_IDS } from '../../src/api/auth-bearer';
import { tabRouter } from '../../src/api/tab-routes';
import { createHttpApp } from '../../src/api/http-app';
import { Directory } from '../../src/app/directory';
import type { AlertService } from '../../src/app/alerts/alert-service';
import type { DecisionLog } from '../../src/app/risks/decision-log';
import type { RiskRegister } from '../../src/app/risks/risk-register';
import type { RotaService } from '../../src/app/rota/rota-service';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { raiseAlert } from '../../src/domain/alerts';
import { TableAlertRepository } from '../../src/store/alert-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { LEAD, MEMBER, seedTabData, STRANGER } from './tab-fixtures';
import type { Server } from 'http';
import type { AddressInfo } from 'net';

let azurite: EmbeddedAzurite;
let app: RunningApp;

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

const MEMBER_ROUTES = [
  '/api/tab/me',
  '/api/tab/risks',
  '/api/tab/decisions',
  '/api/tab/alerts',
  '/api/tab/rota',
];
const LEAD_ROUTES = ['/api/tab/escalations', '/api/tab/hsa-compliance'];

describe('who may call the tab API', () => {
  test.each([...MEMBER_ROUTES, ...LEAD_ROUTES])(
    'when %s is called without a token, then it is 401 with no data',
    async (path) => {
      const res = await call(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('Shared admin accounts');
    },
  );

  test.each(LEAD_ROUTES)('when a member calls the lead route %s, then it is 403', async (path) => {
    const res = await call(path, MEMBER);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('Shared admin accounts');
  });

  test('when a member tries to decide an escalation, then it is 403 and the risk still waits', async () => {
    const res = await call('/api/tab/escalations/R-OLD/decision', MEMBER, {
      choice: 'accept',
      rationale: 'forged',
    });
    expect(res.status).toBe(403);
    const queue = await (await call('/api/tab/escalations', LEAD)).json();
    expect(queue.escalations.map((e: { id: string }) => e.id)).toContain('R-OLD');
  });

  test('when someone with a valid token is not a CTAC member, then every route is 403', async () => {
    for (const path of [...MEMBER_ROUTES, ...LEAD_ROUTES])
      expect({ path, status: (await call(path, STRANGER)).status }).toEqual({ path, status: 403 });
  });
});

describe('the listings', () => {
  test('when a lead opens the escalations, then they are the escalated risks, oldest first, with UK times', async () => {
    const res = await call('/api/tab/escalations', LEAD);
    expect(res.status).toBe(200);
    const { escalations } = await res.json();
    expect(escalations.map((e: { id: string }) => e.id)).toEqual(['R-OLD', 'R-NEW']);
    expect(escalations[0]).toMatchObject({
      title: 'Shared admin accounts',
      orgName: 'East Sussex Healthcare NHS Trust',
      score: 25,
      band: 'Extreme',
      escalatedBy: 'Ben Okafor',
      reason: 'Above the risk appetite',
    });
    expect(escalations[1]).toMatchObject({
      reason: 'Escalated by hand',
      note: 'Please decide on Unsupported VPN appliance',
    });
    expect(escalations[0].escalatedAtUk).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
  });

  test('when the risks are filtered, then the list and the 5x5 heat map count only the matching risks', async () => {
    const all = await (await call('/api/tab/risks', MEMBER)).json();
    expect(all.heatMap.total).toBe(3);
    expect(all.heatMap.counts[4][4]).toBe(1); // likelihood 5, consequence 5
    expect(all.heatMap.counts[1][2]).toBe(1); // 2 x 3
    expect(all.heatMap.counts[0][1]).toBe(1);

    const escc = await (await call('/api/tab/risks?org=escc', MEMBER)).json();
    expect(escc.risks.map((r: { id: string }) => r.id)).toEqual(['R-NEW']);
    expect(escc.heatMap.total).toBe(1);

    const b6 = await (await call('/api/tab/risks?caf=B6', MEMBER)).json();
    expect(b6.risks.map((r: { id: string }) => r.id)).toEqual(['R-LOW']);
    const extreme = await (
      await call('/api/tab/risks?band=extreme&status=escalated', MEMBER)
    ).json();
    expect(extreme.risks.map((r: { id: string }) => r.id)).toEqual(['R-OLD']);
    const odd = await (
      await call('/api/tab/risks?caf=%27%20or%201%20eq%201&status=%00', MEMBER)
    ).json();
    expect(odd.heatMap.total).toBe(3);
  });

  test('when a member asks for closed risks, then the full register is refused (leads only)', async () => {
    expect((await call('/api/tab/risks?status=closed', MEMBER)).status).toBe(403);
    expect((await call('/api/tab/risks?status=closed', LEAD)).status).toBe(200);
  });

  test('when decisions are searched, then only matching ones come back with UK dates', async () => {
    const hit = await (await call('/api/tab/decisions?q=MACROS', MEMBER)).json();
    expect(hit.decisions).toEqual([
      expect.objectContaining({
        id: 'D-MACROS',
        decidedOnUk: '20 Nov 2026',
        decidedBy: 'The forum',
      }),
    ]);
    const miss = await (await call('/api/tab/decisions?q=firewall', MEMBER)).json();
    expect(miss.decisions).toEqual([]);
    const byGroup = await (
      await call('/api/tab/decisions?decidedBy=ics-cyber-group', MEMBER)
    ).json();
    expect(byGroup.decisions.map((d: { id: string }) => d.id)).not.toContain('D-MACROS');
  });

  test('when a lead opens HSA compliance, then each open HSA shows each organisation, with the silent one overdue', async () => {
    const view = await (await call('/api/tab/hsa-compliance', LEAD)).json();
    expect(view.organisations.map((o: { code: string }) => o.code).sort()).toEqual(['ESCC', 'RXC']);
    expect(view.hsas).toHaveLength(1);
    const [hsa] = view.hsas;
    expect(hsa.hsaId).toBe('CC-4719');
    const cell = (code: string) => hsa.cells.find((c: { orgCode: string }) => c.orgCode === code);
    expect(cell('RXC')).toMatchObject({
      acknowledged: true,
      acknowledgedInTime: true,
      applicability: 'affected',
      remediation: 'not started',
    });
    expect(cell('RXC').overdue.join(' ')).not.toContain('acknowledging');
    expect(cell('ESCC')).toMatchObject({
      acknowledged: false,
      acknowledgedInTime: false,
      applicability: 'unknown',
    });
    expect(cell('ESCC').overdue.join(' ')).toContain('ESCC: acknowledging the HSA was due by');
  });

  test('when the alerts are opened, then the open ones are listed with this week counted', async () => {
    const view = await (await call('/api/tab/alerts', MEMBER)).json();
    expect(view.open.map((a: { key: string }) => a.key).sort()).toEqual(['CC-4719', 'MSP-17']);
    expect(view.weeks).toHaveLength(8);
    expect(view.weeks.reduce((n: number, w: { raised: number }) => n + w.raised, 0)).toBe(2);
  });

  test('when an alert raised this week was resolved, then its week counts it as resolved, with how long it took', async () => {
    const repo = new TableAlertRepository(app.store);
    const raisedAt = new Date(Date.now() - 45 * 60_000);
    const { alert } = raiseAlert(
      {
        source: 'incident',
        dedupKey: 'MSP-RESOLVED-1',
        title: 'Resolved this week',
        severity: 'low',
      },
      {
        id: 'ARESOLVED',
        actor: { id: 'api:webhook', name: 'Webhook', source: 'api' },
        at: raisedAt,
      },
    );
    const created = await repo.create(alert);
    if (!created.ok) throw new Error('not created');
    const resolvedAt = new Date(raisedAt.getTime() + 30 * 60_000).toISOString();
    expect(
      (await repo.update({ ...alert, state: 'resolved', resolvedAt }, created.value.etag)).ok,
    ).toBe(true);

    const view = await (await call('/api/tab/alerts', MEMBER)).json();
    expect(view.resolvedCounted).toBe(true);
    expect(view.open.map((a: { key: string }) => a.key)).not.toContain('MSP-RESOLVED-1');
    // The week it was raised in (this week, unless the test runs in the first minutes of a Monday).
    const weeks = view.weeks as { resolved: number; medianMinutesToResolve?: number }[];
    expect(weeks.reduce((n, w) => n + w.resolved, 0)).toBe(1);
    expect(weeks.find((w) => w.resolved === 1)?.medianMinutesToResolve).toBe(30);
  });

  test('when the rota is opened with no rotation yet, then both layers show a gap now', async () => {
    const view = await (await call('/api/tab/rota', MEMBER)).json();
    expect(view.layers.map((l: { layer: string; gapNow: boolean }) => [l.layer, l.gapNow])).toEqual(
      [
        ['Primary', true],
        ['Secondary', true],
      ],
    );
  });
});

describe('deciding an escalation', () => {
  test('when the decision has no rationale or is not JSON, then it is 400 and the risk still waits', async () => {
    const noRationale = await call('/api/tab/escalations/R-NEW/decision', LEAD, {
      choice: 'treat',
    });
    expect(noRationale.status).toBe(400);
    expect((await noRationale.json()).error.problems).toContain(
      'Give the rationale for the decision.',
    );
    expect((await call('/api/tab/escalations/R-NEW/decision', LEAD, '{"choice":')).status).toBe(
      400,
    );
    expect((await call('/api/tab/escalations/R-NEW/decision', LEAD, '["treat"]')).status).toBe(400);
    expect(
      (
        await call('/api/tab/escalations/R-NOPE/decision', LEAD, {
          choice: 'treat',
          rationale: 'x',
        })
      ).status,
    ).toBe(404);
    const queue = await (await call('/api/tab/escalations', LEAD)).json();
    expect(queue.escalations.map((e: { id: string }) => e.id)).toEqual(['R-OLD', 'R-NEW']);
  });

  test('when a lead decides, then the risk leaves the queue and the decision is in the register; a second press is a conflict', async () => {
    const res = await call('/api/tab/escalations/R-NEW/decision', LEAD, {
      choice: 'treat',
      rationale: 'Replace the appliance by March',
    });
    expect(res.status).toBe(201);
    const { decisionId, status } = await res.json();
    expect(status).toBe('treating');

    const queue = await (await call('/api/tab/escalations', LEAD)).json();
    expect(queue.escalations.map((e: { id: string }) => e.id)).toEqual(['R-OLD']);
    const log = await (await call('/api/tab/decisions?q=R-NEW', LEAD)).json();
    expect(log.decisions).toEqual([
      expect.objectContaining({
        id: decisionId,
        rationale: 'Replace the appliance by March',
        decidedBy: 'ICS cyber group',
        related: 'Risk R-NEW',
      }),
    ]);

    const again = await call('/api/tab/escalations/R-NEW/decision', LEAD, {
      choice: 'accept',
      rationale: 'second press',
    });
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain('Siân Ó Ceallaigh already decided');
  });
});

/**
 * The same validation as production (entraVerifier: tenant issuer, the tab's audience, scope, client) with a
 * local key set, so every way a token can be wrong is tried against the real verifier and routes.
 */
describe('Entra ID tokens', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const APP_ID = '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718';
  const AUDIENCE = `api://ctac.example.org/${APP_ID}`;
  let server: Server;
  let url: string;
  let forgerKey: CryptoKey;
  let sign: (
    claims: Record<string, unknown>,
    opts?: { key?: CryptoKey; exp?: string | number },
  ) => Promise<string>;

  beforeAll(async () => {
    const { generateKeyPair, exportJWK, createLocalJWKSet, SignJWT } = jose();
    const kid = randomUUID();
    const real = await generateKeyPair('RS256');
    const forger = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(real.publicKey)), kid, alg: 'RS256', use: 'sig' };
    const verifier = entraVerifier({
      tenantId: TENANT,
      audience: AUDIENCE,
      keys: createLocalJWKSet({ keys: [jwk] }),
    });
    sign = (claims, opts = {}) =>
      new SignJWT({
        oid: LEAD.aadObjectId,
        tid: TENANT,
        scp: TAB_SCOPE,
        azp: TEAMS_CLIENT_IDS[0],
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(String(claims['iss'] ?? `https://login.microsoftonline.com/${TENANT}/v2.0`))
        .setAudience(String(claims['aud'] ?? AUDIENCE))
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '1h')
        .sign(opts.key ?? (real.privateKey as CryptoKey));
    forgerKey = forger.privateKey as CryptoKey;
    const directory = new Directory(
      new TableOrganisationRepository(app.store),
      new TableMemberRepository(app.store),
      systemClock,
      [],
    );
    // Only the auth and role checks run before these would be used; a call reaching them would fail loudly.
    const unused = {} as never;
    const http = createHttpApp({
      logger: createLogger('silent'),
      handleBotRequest: async () => undefined,
      checkStore: async () => undefined,
      routes: [
        tabRouter({
          verifier,
          directory,
          register: unused as RiskRegister,
          decisions: unused as DecisionLog,
          alerts: unused as AlertService,
          rota: unused as RotaService,
          clock: systemClock,
        }),
      ],
    });
    server = await new Promise((resolve) => {
      const s = http.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  const me = (token?: string) =>
    fetch(`${url}/api/tab/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test('when the token is right, then the lead is recognised', async () => {
    const res = await me(await sign({}));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: LEAD.name, role: 'lead' });
  });

  test.each([
    ['missing', async () => undefined],
    ['not a JWT', async () => 'Bearer-ish nonsense'],
    ['expired', async () => sign({}, { exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['for another audience', async () => sign({ aud: 'api://someone-else.example.org/app' })],
    ['for the bare bot id', async () => sign({ aud: APP_ID })],
    [
      'from another tenant',
      async () =>
        sign({
          tid: '99999999-0000-4000-8000-000000000000',
          iss: 'https://login.microsoftonline.com/99999999-0000-4000-8000-000000000000/v2.0',
        }),
    ],
    ['signed with a forged key', async () => sign({}, { key: forgerKey })],
    ['without an oid', async () => sign({ oid: undefined })],
  ])('when the token is %s, then it is 401', async (_what, make) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorised');
  });

  test('when a member with a good token calls a lead route, then it is 403', async () => {
    const token = await sign({ oid: MEMBER.aadObjectId });
    expect((await me(token)).status).toBe(200);
    for (const path of ['/api/tab/escalations', '/api/tab/hsa-compliance'])
      expect(
        (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(403);
    const post = await fetch(`${url}/api/tab/escalations/R-OLD/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ choice: 'accept', rationale: 'forged' }),
    });
    expect(post.status).toBe(403);
  });
});
