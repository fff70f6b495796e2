import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { signWebhook } from '../../src/api/alerts-webhook';
import { jose } from '../../src/api/auth-bearer';
import { HEALTH_MAX_AGE_MS } from '../../src/api/store-health';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { RecordingNotifier } from '../integration/alerts/fixtures';

/**
 * Per-client limits on the public routes (issue 17, item 12), through the real HTTP stack. The app trusts one
 * proxy (App Service's front end), so each test names its client in X-Forwarded-For as that front end would.
 * Open routes count every request; authenticated ones count only refusals, so good traffic, however bursty,
 * is never slowed.
 */
jest.setTimeout(120_000);

const SECRET = 'rate-limit-secret-0123456789';
const BOT_ID = '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718';
const ISSUER = 'https://api.botframework.test';
const SERVICE_URL = 'http://127.0.0.1:9/teams/';
const clock = new FakeClock('2026-11-28T09:00:00Z');

let azurite: EmbeddedAzurite;
/** Test mode, anonymous bot, signed webhook. */
let app: RunningApp;
/** Test mode with bot credentials, its tokens checked against a loopback issuer. */
let botApp: RunningApp;
/** The development host. */
let devApp: RunningApp;
let keyServer: Server;
let signingKey: { privateKey: CryptoKey; kid: string };

beforeAll(async () => {
  const { generateKeyPair, exportJWK } = jose();
  const pair = await generateKeyPair('RS256');
  signingKey = { privateKey: pair.privateKey, kid: 'trusted-key' };
  const jwk = {
    ...(await exportJWK(pair.publicKey)),
    kid: 'trusted-key',
    alg: 'RS256',
    use: 'sig',
  };
  keyServer = createServer((req, res) => {
    const base = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openid')
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys` }));
    else res.end(JSON.stringify({ keys: [{ ...jwk, endorsements: ['msteams'] }] }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));

  azurite = await startEmbeddedAzurite();
  const env = { NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString };
  const logger = createLogger('silent');
  app = await startApp(loadConfig({ ...env, CTAC_WEBHOOK_SECRET: SECRET }), {
    logger,
    clock,
    alertNotifier: new RecordingNotifier(),
  });
  botApp = await startApp(
    loadConfig({
      ...env,
      CTAC_TABLE_PREFIX: 'withbot',
      BOT_ID,
      BOT_PASSWORD: 'not-a-real-password',
      BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      BOT_OPENID_METADATA_URL: `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/openid`,
      BOT_TOKEN_ISSUER: ISSUER,
    }),
    { logger },
  );
  devApp = await startApp(loadConfig({ ...env, CTAC_TABLE_PREFIX: 'dev', CTAC_DEV_HOST: 'true' }), {
    logger,
  });
});
afterAll(async () => {
  await app?.stop();
  await botApp?.stop();
  await devApp?.stop();
  await azurite?.stop().catch(() => undefined);
  await new Promise<void>((resolve) => keyServer?.close(() => resolve()));
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}

async function call(
  target: RunningApp,
  path: string,
  client: string | undefined,
  init: RequestInit = {},
): Promise<Answer> {
  const res = await fetch(`${target.url}${path}`, {
    ...init,
    headers: {
      ...(client && { 'x-forwarded-for': client }),
      ...(init.headers as Record<string, string>),
    },
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

/** `count` requests one after another; the statuses seen. */
async function repeat(count: number, send: () => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send()).status);
  return statuses;
}

function expectTooMany(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
  expect(JSON.parse(answer.body)).toEqual({
    error: {
      code: 'too_many_requests',
      message: 'Too many requests from your address. Please wait a minute and try again.',
    },
  });
}

const activity = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'event',
    name: 'ctac.securityProbe',
    id: 'activity-1',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: 'user-1', aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'Asha' },
    recipient: { id: `28:${BOT_ID}`, name: 'CTAC' },
    conversation: { id: 'conversation-1', conversationType: 'personal' },
    ...extra,
  });

const postActivity = (target: RunningApp, client: string, body: string, authorization?: string) =>
  call(target, '/api/messages', client, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization && { authorization: `Bearer ${authorization}` }),
    },
    body,
  });

async function botToken(audience: string): Promise<string> {
  const { SignJWT } = jose();
  return new SignJWT({ serviceurl: SERVICE_URL })
    .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(signingKey.privateKey);
}

const isAccepted = (status: number) => status >= 200 && status < 300;

describe('open routes count every request per client', () => {
  test('when a client asks for health more than 60 times in a minute, then it gets 429 with Retry-After, and others do not', async () => {
    // The front end may add the client's port: still one client.
    const ports = ['198.51.100.1:50001', '198.51.100.1:50002', '198.51.100.1'];
    const statuses = await repeat(60, () =>
      call(app, '/api/health', ports[Math.floor(Math.random() * 3)]),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expectTooMany(await call(app, '/api/health', '198.51.100.1:50003'));
    expect((await call(app, '/api/health', '198.51.100.2')).status).toBe(200);
  });

  test('when a client asks for calendar feeds more than 120 times in a minute, then it gets 429', async () => {
    const statuses = await repeat(120, () =>
      call(app, `/api/calendar/guess-${Math.random()}.ics`, '198.51.100.3'),
    );
    expect(statuses.every((s) => s === 404)).toBe(true);
    expectTooMany(await call(app, '/api/calendar/another-guess.ics', '198.51.100.3'));
    expect((await call(app, '/api/calendar/another-guess.ics', '198.51.100.4')).status).toBe(404);
  });

  test('when the development host is asked for more than 30 tokens in a minute, then it gets 429', async () => {
    const ask = () =>
      call(devApp, '/dev/token', undefined, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ oid: 'a1a1a1a1-0000-4000-8000-000000000001' }),
      });
    expect((await repeat(30, ask)).every((s) => s === 200)).toBe(true);
    expectTooMany(await ask());
  });
});

describe('/api/messages counts only refusals', () => {
  test('when more activities than the limit arrive at once and are accepted, then none is refused; 60 refusals then stop the client', async () => {
    // A bot without BOT_ID answers only this computer, so these go to the app with a bot and its tokens.
    const client = '198.51.100.10';
    const token = await botToken(BOT_ID);
    const burst = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        postActivity(botApp, client, activity({ id: `a-${i}` }), token),
      ),
    );
    expect(burst.map((a) => a.status).filter((s) => !isAccepted(s))).toEqual([]);
    const refused = await repeat(60, () =>
      postActivity(botApp, client, '{"not":"an activity"}', token),
    );
    expect(refused.every((s) => s === 400)).toBe(true);
    expectTooMany(await postActivity(botApp, client, activity(), token));
    expect(
      isAccepted((await postActivity(botApp, '198.51.100.11', activity(), token)).status),
    ).toBe(true);
  });

  test('when another bot registered at this address is refused many times, then this bot’s traffic from the same Microsoft address still passes', async () => {
    const microsoft = '52.112.0.10';
    const otherBot = await botToken('another-bot');
    const refused = await repeat(60, () => postActivity(botApp, microsoft, activity(), otherBot));
    expect(refused.every((s) => s === 401)).toBe(true);
    expectTooMany(await postActivity(botApp, microsoft, activity(), otherBot));
    const ours = await postActivity(botApp, microsoft, activity(), await botToken(BOT_ID));
    expect(isAccepted(ours.status)).toBe(true);
  });

  test('when a body is larger than a Teams activity can be, then it is 413 before anything is checked', async () => {
    const client = '198.51.100.12';
    // A message at Teams' size limit, carried three times, fits.
    const large = activity({ text: 'x'.repeat(28_000), value: { a: 'x'.repeat(56_000) } });
    expect(large.length).toBeGreaterThan(84_000);
    const token = await botToken(BOT_ID);
    expect(isAccepted((await postActivity(botApp, client, large, token)).status)).toBe(true);
    const tooLarge = activity({ text: 'x'.repeat(110_000) });
    const answer = await postActivity(botApp, client, tooLarge, token);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('too_large');
  });
});

describe('other API routes count only refusals', () => {
  const alert = (id: string) => {
    const raw = JSON.stringify({ source: 'incident', id, title: `Alert ${id}`, severity: 'low' });
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    return { raw, timestamp, signature: signWebhook(SECRET, timestamp, raw) };
  };
  const postAlert = (client: string, a: ReturnType<typeof alert>, signature = a.signature) =>
    call(app, '/api/alerts', client, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ctac-timestamp': a.timestamp,
        'x-ctac-signature': signature,
      },
      body: a.raw,
    });

  test('when a sender posts more signed alerts at once than the limit, then all are taken; 60 bad signatures then stop it', async () => {
    const sender = '198.51.100.20';
    const storm = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postAlert(sender, alert(`STORM-${i}`))),
    );
    expect(storm.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const forged = alert('FORGED');
    const refused = await repeat(60, () =>
      postAlert(sender, forged, signWebhook('not-the-secret', forged.timestamp, forged.raw)),
    );
    expect(refused.every((s) => s === 401)).toBe(true);
    expectTooMany(await postAlert(sender, alert('AFTER')));
    expect((await postAlert('198.51.100.21', alert('OTHER-SENDER'))).status).toBe(201);
  });

  test('when a client sends 60 bad tokens to the tab API, then it gets 429', async () => {
    const client = '198.51.100.30';
    const me = () =>
      call(app, '/api/tab/me', client, { headers: { authorization: 'Bearer a.b.c' } });
    expect((await repeat(60, me)).every((s) => s === 401)).toBe(true);
    expectTooMany(await me());
    expect(
      (
        await call(app, '/api/tab/me', '198.51.100.31', {
          headers: { authorization: 'Bearer a.b.c' },
        })
      ).status,
    ).toBe(401);
  });
});

// Last: it stops the store.
test('when health is asked again within 5 s, then it answers from the last check, and a failing store is 503 once that is older', async () => {
  const client = '198.51.100.40';
  clock.advance(HEALTH_MAX_AGE_MS);
  expect((await call(app, '/api/health', client)).status).toBe(200);
  await azurite.stop();
  // The store is gone, but the check a moment ago said it answered.
  clock.advance(HEALTH_MAX_AGE_MS - 1);
  expect((await call(app, '/api/health', client)).status).toBe(200);
  clock.advance(1);
  const down = await call(app, '/api/health', client);
  expect(down.status).toBe(503);
  expect(JSON.parse(down.body)).toMatchObject({ message: 'Table Storage is not answering.' });
  // And the failure is remembered as long: the store is not asked again for each caller.
  expect((await call(app, '/api/health', client)).status).toBe(503);
});
