import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import type { JWTVerifyGetKey } from 'jose';
import { jose, TAB_SCOPE, TEAMS_CLIENT_IDS } from '../../src/api/auth-bearer';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { fromRoot } from '../../src/paths';
import { startApp, type RunningApp } from '../../src/server';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { LEAD } from '../api/tab-fixtures';

/*
 * The tab's Entra ID tokens, through the app as production runs it: the real verifier and routes, with
 * Entra's key set replaced by a local one (StartOptions.entraKeys), so nothing is fetched from Entra.
 * Every other app in the tenant gets tokens signed by the same keys: only a Teams client's delegated
 * token for the tab's own API, with its scope, is let in.
 */
const TENANT = '11111111-2222-4333-8444-555555555555';
const BOT_ID = '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718';
const AUDIENCE = `api://ctac.example.org/${BOT_ID}`;
const TEAMS_WEB = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';
const OTHER_APP = '0f0e0d0c-0b0a-4908-8706-050403020100';

let azurite: EmbeddedAzurite;
let app: RunningApp;
let sign: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  const { generateKeyPair, exportJWK, createLocalJWKSet, SignJWT } = jose();
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const entraKeys: JWTVerifyGetKey = createLocalJWKSet({ keys: [jwk] });
  // A good token, as Teams gets it for the tab; each test spoils one claim (undefined leaves it out).
  sign = (claims) => {
    const all: Record<string, unknown> = {
      oid: LEAD.aadObjectId,
      tid: TENANT,
      scp: TAB_SCOPE,
      azp: TEAMS_WEB,
      aud: AUDIENCE,
      ...claims,
    };
    const { aud, ...rest } = all;
    const body = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return new SignJWT(body)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience(String(aud))
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  };

  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'production',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      BOT_ID,
      BOT_PASSWORD: 'bot-password-Kj7Hg5Fd3Sa1',
      BOT_TENANT_ID: TENANT,
      CTAC_WEBHOOK_SECRET: 'webhook-secret-Zq8vX2pL0mN4',
      CTAC_PUBLIC_URL: 'https://ctac.example.org',
    }),
    { logger: createLogger('silent'), entraKeys },
  );
  await new TableMemberRepository(app.store).put(LEAD);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const me = (token: string) =>
  fetch(`${app.url}/api/tab/me`, { headers: { authorization: `Bearer ${token}` } });

test('when a Teams client sends a delegated token for the tab with its scope, then the lead is recognised', async () => {
  const res = await me(await sign({}));
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ name: LEAD.name, role: 'lead' });
  // Teams desktop and mobile too, and a token with more scopes than the tab's.
  expect((await me(await sign({ azp: TEAMS_CLIENT_IDS[0] }))).status).toBe(200);
  expect((await me(await sign({ scp: `User.Read ${TAB_SCOPE}` }))).status).toBe(200);
});

test.each([
  ['for the bare bot id (as app-only tokens for the bot are)', { aud: BOT_ID }],
  ['without a scope', { scp: undefined }],
  ['with another scope', { scp: 'User.Read access_as_admin' }],
  [
    'app-only (idtyp app, roles and no scope)',
    { idtyp: 'app', scp: undefined, roles: ['Tab.All'] },
  ],
  ['app-only even with a scope claim', { idtyp: 'app' }],
  ['asked for by another app in the tenant', { azp: OTHER_APP }],
  ['without a client', { azp: undefined }],
])('when the token is %s, then /api/tab/me is 401', async (_what, claims) => {
  const res = await me(await sign(claims));
  expect(res.status).toBe(401);
  expect((await res.json()).error.code).toBe('unauthorised');
});

test('when the app has no public URL (outside production: production refuses to start without one), then no Entra token is accepted, as its audience cannot be known', async () => {
  const bare = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      BOT_ID,
      BOT_PASSWORD: 'bot-password-Kj7Hg5Fd3Sa1',
      BOT_TENANT_ID: TENANT,
      CTAC_WEBHOOK_SECRET: 'webhook-secret-Zq8vX2pL0mN4',
    }),
    { logger: createLogger('silent'), entraKeys: async () => Promise.reject(new Error('unused')) },
  );
  try {
    for (const aud of [AUDIENCE, BOT_ID]) {
      const res = await fetch(`${bare.url}/api/tab/me`, {
        headers: { authorization: `Bearer ${await sign({ aud })}` },
      });
      expect(res.status).toBe(401);
    }
  } finally {
    await bare.stop();
  }
});

test('when the code lists the Teams clients and the scope, then they are the ones the app registration pre-authorises', () => {
  const manifest = JSON.parse(readFileSync(fromRoot('infra', 'aad.manifest.json'), 'utf8')) as {
    preAuthorizedApplications: { appId: string; permissionIds: string[] }[];
    oauth2Permissions: { id: string; value: string }[];
    identifierUris: string[];
  };
  const scope = manifest.oauth2Permissions.find((p) => p.value === TAB_SCOPE);
  expect(scope).toBeDefined();
  expect(manifest.preAuthorizedApplications.map((a) => a.appId).sort()).toEqual(
    [...TEAMS_CLIENT_IDS].sort(),
  );
  for (const client of manifest.preAuthorizedApplications)
    expect(client.permissionIds).toContain(scope!.id);
  expect(manifest.identifierUris).toEqual(['api://${{BOT_DOMAIN}}/${{BOT_ID}}']);
});
