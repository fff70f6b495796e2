import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { jose } from '../../src/api/auth-bearer';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

/**
 * /api/messages with real bot credentials: botbuilder checks the Bot Framework token against a local OpenID
 * metadata document and JWKS (BOT_OPENID_METADATA_URL), signed with a key made here. Validation is never
 * switched off. The app runs in test mode: production refuses these test-only settings (asserted below).
 */
const BOT_ID = '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718';
const ISSUER = 'https://api.botframework.test';
const SERVICE_URL = 'http://127.0.0.1:9/teams/';

type Key = CryptoKey;
let azurite: EmbeddedAzurite;
let app: RunningApp;
let keyServer: Server;
let trusted: { privateKey: Key; kid: string };
let stranger: { privateKey: Key; kid: string };

async function keyPair(kid: string) {
  const { generateKeyPair, exportJWK } = jose();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    privateKey,
    kid,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

beforeAll(async () => {
  const good = await keyPair('trusted-key');
  const bad = await keyPair('stranger-key');
  trusted = good;
  stranger = bad;
  keyServer = createServer((req, res) => {
    const base = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys` }));
    } else if (req.url === '/keys') {
      // Only the trusted key is published; the stranger's key signs tokens nobody vouches for.
      res.end(JSON.stringify({ keys: [{ ...good.jwk, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  const port = (keyServer.address() as AddressInfo).port;
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      BOT_ID,
      BOT_PASSWORD: 'not-a-real-password',
      BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      CTAC_WEBHOOK_SECRET: 'webhook-secret-0123456789',
      BOT_OPENID_METADATA_URL: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
      BOT_TOKEN_ISSUER: ISSUER,
    }),
    { logger: createLogger('silent') },
  );
});
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
  await new Promise<void>((resolve) => keyServer.close(() => resolve()));
});

async function token(key: { privateKey: Key; kid: string }, audience = BOT_ID) {
  const { SignJWT } = jose();
  return new SignJWT({ serviceurl: SERVICE_URL })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

/** An activity the bot takes without answering through the connector (nothing leaves the machine). */
const activity = {
  type: 'event',
  name: 'ctac.securityProbe',
  id: 'activity-1',
  channelId: 'msteams',
  serviceUrl: SERVICE_URL,
  from: { id: 'user-1', aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'Asha' },
  recipient: { id: `28:${BOT_ID}`, name: 'CTAC' },
  conversation: { id: 'conversation-1', conversationType: 'personal' },
  channelData: { tenant: { id: '11111111-2222-4333-8444-555555555555' } },
};

async function post(authorization?: string) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization !== undefined && { authorization }),
    },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

test('when a message arrives with no token, then the bot answers 401', async () => {
  expect((await post()).status).toBe(401);
});

test('when the token is signed by a key the issuer does not publish, then the bot answers 401', async () => {
  expect((await post(`Bearer ${await token(stranger)}`)).status).toBe(401);
});

test('when the token is for another bot, then the bot answers 401', async () => {
  expect((await post(`Bearer ${await token(trusted, 'another-bot')}`)).status).toBe(401);
});

test('when the token is not a token at all, then the bot answers 401', async () => {
  expect((await post('Bearer not.a.token')).status).toBe(401);
});

test('when the token is signed by the published key for this bot, then the message is accepted', async () => {
  const res = await post(`Bearer ${await token(trusted)}`);
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
});

test('when BOT_OPENID_METADATA_URL is not a loopback address, then CTAC refuses to start', () => {
  expect(() =>
    loadConfig({
      NODE_ENV: 'test',
      BOT_OPENID_METADATA_URL: 'https://issuer.example/openid',
      BOT_TOKEN_ISSUER: ISSUER,
    }),
  ).toThrow(/loopback/);
});

test.each(['BOT_OPENID_METADATA_URL', 'BOT_TOKEN_ISSUER'] as const)(
  'when %s is set in production, then CTAC refuses to start and says it is for tests only',
  (name) => {
    const production = {
      NODE_ENV: 'production',
      BOT_ID,
      BOT_PASSWORD: 'not-a-real-password',
      BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      CTAC_WEBHOOK_SECRET: 'webhook-secret-0123456789',
      CTAC_PUBLIC_URL: 'https://ctac.example.nhs.uk',
      TABLES_ENDPOINT: 'https://ctac.table.core.windows.net',
    };
    // The same settings without the override start.
    expect(loadConfig(production).bot.tokenIssuer).toBeUndefined();
    const both = {
      BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/v1/.well-known/openidconfiguration',
      BOT_TOKEN_ISSUER: ISSUER,
    };
    // With the pair (or only one of them) production refuses, naming the setting.
    for (const env of [both, { [name]: both[name] }])
      expect(() => loadConfig({ ...production, ...env })).toThrow(
        new RegExp(`${name} is for tests only and is refused in production`),
      );
  },
);

test('when a signed card action comes from another tenant, then it is refused with nothing of CTAC in the answer', async () => {
  const press = async (tenantId: string) => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token(trusted)}`,
      },
      body: JSON.stringify({
        ...activity,
        type: 'invoke',
        name: 'adaptiveCard/action',
        conversation: { id: 'conversation-1', conversationType: 'personal', tenantId },
        channelData: { tenant: { id: tenantId } },
        value: { action: { type: 'Action.Execute', verb: 'help.show', data: {} } },
      }),
    });
    return { status: res.status, body: await res.text() };
  };
  const own = await press('11111111-2222-4333-8444-555555555555');
  expect(own.body).toContain('CTAC commands');
  const other = await press('99999999-2222-4333-8444-555555555555');
  expect(other.status).toBe(200);
  expect(other.body).toContain('Not available here');
  expect(other.body).not.toContain('CTAC commands');
});
