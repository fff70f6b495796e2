import { get } from 'http';
import { Writable } from 'stream';
import type express from 'express';
import { signWebhook } from '../../src/api/alerts-webhook';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

/** Every express app startApp builds, so the test walks the real router stack (new routes included). */
const built: express.Express[] = [];
jest.mock('../../src/api/http-app', () => {
  const actual = jest.requireActual('../../src/api/http-app');
  return {
    ...actual,
    createHttpApp: (deps: unknown) => {
      const app = actual.createHttpApp(deps);
      built.push(app);
      return app;
    },
  };
});

const SECRET = 'webhook-secret-Zq8vX2pL0mN4';
const BOT_PASSWORD = 'bot-password-Kj7Hg5Fd3Sa1';

interface Endpoint {
  method: string;
  /** Express path, with :params. */
  path: string;
  /** Mounted middleware (static files, a guard) rather than a route: probed below its prefix. */
  prefix: boolean;
}

interface Layer {
  name: string;
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string; methods: Record<string, boolean> };
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[] };
}

/** Walks the router stack: routes, routers mounted at '/', and middleware mounted under a path. */
function endpoints(app: express.Express): Endpoint[] {
  const found: Endpoint[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push({ method: method.toUpperCase(), path: layer.route.path, prefix: false });
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      } else if (typeof layer.rawPath === 'string' && layer.rawPath !== '/') {
        // Error handlers (four arguments) answer nothing by themselves.
        if (layer.handle.length < 4)
          found.push({ method: 'GET', path: layer.rawPath, prefix: true });
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.filter(
    (e, i) => found.findIndex((f) => f.method === e.method && f.path === e.path) === i,
  );
}

/**
 * Addresses that answer without credentials, and why. Anything else must answer 401 (or 403) to a request
 * that carries none.
 */
const OPEN: Record<string, string> = {
  'GET /api/health': 'load balancers and monitoring; says only whether the store answers',
  'GET /api/calendar/:file':
    'the unguessable secret in the link is the credential (Outlook cannot sign in); an unknown one is a 404',
  'GET /ack/:token':
    'the acknowledge page a text or email links to: the unguessable one-time token is the credential (no sign-in on a phone); an unknown one is a 404',
  'POST /ack/:token':
    'its Acknowledge button: the same token, and same-origin only with the form value of the page drawn for it',
  'GET /api/exports/:token':
    "an export link the tab opens in the system browser (which has no Teams token): the unguessable one-time token, made under the asker's own tab token, is the credential; an unknown one is a 404 page",
  'GET /tab':
    'the static tab pages and scripts; the tab signs in with Teams SSO and its API checks the token',
  'GET /dev':
    'the development host page, mounted only with CTAC_DEV_HOST (loopback, no BOT_ID, not production)',
  'POST /dev/token':
    'signs development tokens, mounted only with CTAC_DEV_HOST and answering only requests made on the same computer',
  'GET /dev/people':
    'the development host page’s person list (who to sign in as), mounted and answering as /dev/token does',
};

/** With the development host there is no bot app id, so the bot is anonymous (and answers only this computer). */
const OPEN_WITH_DEV_HOST: Record<string, string> = {
  'POST /api/messages': 'the anonymous bot of a local run, for the Agents Playground',
};

const concrete = (e: Endpoint) =>
  (e.path.replace(/:(\w+)/g, 'probe-$1') + (e.prefix ? '/probe' : '')).replace(/\/\//g, '/');

/** A request carrying no credentials at all. */
async function probe(base: string, e: Endpoint): Promise<number> {
  const res = await fetch(`${base}${concrete(e)}`, {
    method: e.method,
    headers: e.method === 'GET' ? {} : { 'content-type': 'application/json' },
    // A plausible body (a bot activity), so only the missing credentials can be the reason for a refusal.
    body:
      e.method === 'GET' || e.method === 'HEAD' ? undefined : '{"type":"message","text":"probe"}',
  });
  await res.arrayBuffer();
  return res.status;
}

class Buffered extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString('utf8');
    done();
  }
}

let azurite: EmbeddedAzurite;
/** Production with real bot credentials (never sent a token: botbuilder would fetch the Bot Framework's keys). */
let production: RunningApp;
/** Test mode with the same bot credentials, its bot tokens checked against a loopback issuer. */
let testing: RunningApp;
/** Test mode with the development host and its issuer (CTAC_DEV_HOST), so without a bot. */
let devHost: RunningApp;
const log = new Buffered();
const baseEnv = () => ({
  PORT: '0',
  TABLES_CONNECTION_STRING: azurite.connectionString,
  CTAC_WEBHOOK_SECRET: SECRET,
});
const botEnv = {
  BOT_ID: '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718',
  BOT_PASSWORD,
  BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
};

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  production = await startApp(
    loadConfig({
      ...baseEnv(),
      ...botEnv,
      NODE_ENV: 'production',
      CTAC_PUBLIC_URL: 'https://ctac.example.nhs.uk',
    }),
    {
      logger: createLogger('silent'),
    },
  );
  testing = await startApp(
    loadConfig({
      ...baseEnv(),
      ...botEnv,
      NODE_ENV: 'test',
      CTAC_TABLE_PREFIX: 'surface',
      // Nothing listens there: a bot token sent here is refused without leaving the machine.
      BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/openid',
      BOT_TOKEN_ISSUER: 'https://api.botframework.test',
    }),
    { logger: createLogger('trace', log) },
  );
  devHost = await startApp(
    loadConfig({
      ...baseEnv(),
      NODE_ENV: 'test',
      CTAC_TABLE_PREFIX: 'surfacedev',
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('trace', log) },
  );
});
afterAll(async () => {
  await production?.stop();
  await testing?.stop();
  await devHost?.stop();
  await azurite?.stop().catch(() => undefined);
});

describe.each([
  ['production', () => ({ app: production, express: built[0]! })],
  ['test', () => ({ app: testing, express: built[1]! })],
  ['development host', () => ({ app: devHost, express: built[2]! })],
])('in %s mode', (mode, running) => {
  test('when every route of the app is asked without credentials, then only the listed exceptions answer', async () => {
    const { app, express: expressApp } = running();
    const all = endpoints(expressApp);
    const names = all.map((e) => `${e.method} ${e.path}`);
    // The walk really sees the app's routes (so this test cannot pass by finding nothing).
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'POST /api/messages',
        'POST /api/alerts',
        'GET /api/tab/me',
        'GET /api/registers/risks.csv',
        'GET /api/calendar/:file',
      ]),
    );
    const answeredOpenly: string[] = [];
    for (const e of all) {
      const name = `${e.method} ${e.path}`;
      const status = await probe(app.url, e);
      if (OPEN[name] || (mode === 'development host' && OPEN_WITH_DEV_HOST[name])) continue;
      if (status !== 401 && status !== 403) answeredOpenly.push(`${name} answered ${status}`);
    }
    expect(answeredOpenly).toEqual([]);
    // The development host exists only where CTAC_DEV_HOST switched it on.
    if (mode === 'development host') expect(names).toContain('POST /dev/token');
    else expect(names.some((n) => n.includes('/dev'))).toBe(false);
  });
});

test('when a calendar link has an unknown secret, then it is a 404 that says nothing more', async () => {
  const res = await fetch(`${production.url}/api/calendar/not-a-real-secret.ics`);
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe('not_found');
});

test('when the API and the tab answer, then they carry the security headers', async () => {
  for (const path of ['/api/health', '/api/tab/me', '/api/nothing-here']) {
    const res = await fetch(`${production.url}${path}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    // Never cached, so no ETag is worked out for them.
    expect(res.headers.get('etag')).toBeNull();
  }
  const tab = await fetch(`${production.url}/tab/`);
  expect(tab.status).toBe(200);
  const csp = tab.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain('frame-ancestors');
  expect(csp).toContain('https://teams.microsoft.com');
  expect(tab.headers.get('x-content-type-options')).toBe('nosniff');
  // The tab's files keep their ETags: a reload of an unchanged file is a 304. (Plain HTTP: fetch
  // adds Cache-Control: no-cache to a conditional request, as the Fetch standard says.)
  const etag = tab.headers.get('etag');
  expect(etag).toBeTruthy();
  const status = await new Promise<number | undefined>((resolve, reject) =>
    get(`${production.url}/tab/`, { headers: { 'If-None-Match': etag! } }, (r) => {
      r.resume();
      resolve(r.statusCode);
    }).on('error', reject),
  );
  expect(status).toBe(304);
});

test('when the tab is served in production, then only the Teams and Microsoft 365 hosts may frame it', async () => {
  const ancestors = async (app: RunningApp) => {
    const res = await fetch(`${app.url}/tab/`);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    return /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ');
  };
  expect(await ancestors(production)).toEqual([
    "'self'",
    'https://teams.microsoft.com',
    'https://*.teams.microsoft.com',
    'https://*.cloud.microsoft',
    'https://*.office.com',
  ]);
  // Outside production, pages on the same computer may frame it too.
  for (const app of [testing, devHost])
    expect(await ancestors(app)).toEqual(
      expect.arrayContaining([
        'http://127.0.0.1:*',
        'http://localhost:*',
        'https://teams.microsoft.com',
      ]),
    );
});

test('when requests carry a bearer token, a webhook signature and the secret in odd places, then none of them is logged', async () => {
  const bearer = await devHost.devIssuer!.sign({
    oid: 'd4d4d4d4-0000-4000-8000-000000000004',
    name: 'Dee',
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({ source: 'incident', id: 'X-1', title: SECRET, severity: 'nope' });
  const goodSignature = signWebhook(SECRET, timestamp, body);
  const badSignature = signWebhook('wrong-secret', timestamp, body);
  // The same traffic to the app with bot credentials and to the development host (both log here).
  const send = (path: string, init: RequestInit) =>
    Promise.all(
      [testing, devHost].map((app) =>
        fetch(`${app.url}${path}`, init).then((r) => r.arrayBuffer()),
      ),
    );
  await send('/api/tab/me', { headers: { authorization: `Bearer ${bearer}` } });
  await send('/api/tab/risks', { headers: { authorization: `Bearer ${bearer}x` } });
  await send(`/api/tab/me?token=${bearer}&secret=${SECRET}`, { headers: { cookie: bearer } });
  for (const signature of [goodSignature, badSignature])
    await send('/api/alerts', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ctac-timestamp': timestamp,
        'x-ctac-signature': signature,
        'x-api-key': SECRET,
      },
      body,
    });
  await send('/api/alerts', {
    method: 'POST',
    headers: { 'x-ctac-timestamp': 'abc', 'x-ctac-signature': SECRET },
    body: `{"password":"${BOT_PASSWORD}",`,
  });
  await send('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: `{"type":"message","text":"${SECRET}"`,
  });
  await send(`/api/nothing/${SECRET}`, { headers: { authorization: `Bearer ${bearer}` } });
  // The log did record the traffic (so the check below is about content, not silence).
  expect(log.text).toContain('alert webhook');
  for (const secret of [
    bearer,
    bearer.split('.')[2]!,
    SECRET,
    BOT_PASSWORD,
    goodSignature.slice(7),
    badSignature.slice(7),
  ])
    expect(log.text).not.toContain(secret);
});

test('when the bot endpoint gets JSON that is not an activity, then it answers 400, not 500', async () => {
  for (const body of ['{}', '[]', '"text"', '{"type":7}', 'null']) {
    const res = await fetch(`${production.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not a Bot Framework activity|not valid JSON/);
  }
});

// Last: it stops the store.
test('when the store fails under a request, then the answer is a clear 503 with no stack trace', async () => {
  const bearer = await devHost.devIssuer!.sign({ oid: 'd4d4d4d4-0000-4000-8000-000000000004' });
  await azurite.stop();
  const res = await fetch(`${devHost.url}/api/tab/me`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  const text = await res.text();
  expect(res.status).toBe(503);
  expect(JSON.parse(text).error.message).toMatch(/storage|try again/i);
  expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|node_modules|\/src\/|Error:/);
});
