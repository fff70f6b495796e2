import { subscribe, unsubscribe } from 'diagnostics_channel';
import { readFileSync } from 'fs';
import { request } from 'http';
import { createDevIssuer } from '../../src/api/auth-dev-issuer';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { fromRoot } from '../../src/paths';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { MEMBER, seedTabData } from '../api/tab-fixtures';

/**
 * The development host (/dev/host.html, /dev/token) and its token issuer exist only with CTAC_DEV_HOST, and
 * then answer only requests made on this computer to 127.0.0.1 or localhost: not another name that resolves
 * here (DNS rebinding), not a tunnel or proxy (they add forwarding headers and may rewrite Host).
 */
let azurite: EmbeddedAzurite;
let devHost: RunningApp;
let plain: RunningApp;

/** Host names of every outbound connection fetch makes while a test runs (jose fetches Entra's keys so). */
const connections: string[] = [];
const onConnect = (message: unknown) =>
  connections.push(
    (message as { connectParams?: { hostname?: string } }).connectParams?.hostname ?? '?',
  );

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  const env = { NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString };
  const logger = createLogger('silent');
  devHost = await startApp(loadConfig({ ...env, CTAC_DEV_HOST: 'true' }), { logger });
  await seedTabData(devHost.store);
  plain = await startApp(loadConfig({ ...env, CTAC_TABLE_PREFIX: 'plain' }), { logger });
  subscribe('undici:client:beforeConnect', onConnect);
}, 60_000);
afterAll(async () => {
  unsubscribe('undici:client:beforeConnect', onConnect);
  await devHost?.stop();
  await plain?.stop();
  await azurite?.stop();
});

/** A request to the app on 127.0.0.1 with the headers given (Host included: fetch cannot set it). */
function send(
  app: RunningApp,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}${path}`,
      { method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const askForToken = (app: RunningApp, headers: Record<string, string> = {}) =>
  send(app, '/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ oid: MEMBER.aadObjectId, name: MEMBER.name }),
  });

describe('with CTAC_DEV_HOST', () => {
  test('when asked on this computer at 127.0.0.1 or localhost, then the host page and a token are given', async () => {
    expect(devHost.devIssuer).toBeDefined();
    for (const host of [`127.0.0.1:${devHost.port}`, `localhost:${devHost.port}`, 'localhost']) {
      const page = await send(devHost, '/dev/host.html', { headers: { host } });
      expect(page.status).toBe(200);
      const token = await askForToken(devHost, { host });
      expect(token.status).toBe(200);
      const me = await send(devHost, '/api/tab/me', {
        headers: { host, authorization: `Bearer ${JSON.parse(token.body).token}` },
      });
      expect(me.status).toBe(200);
      expect(JSON.parse(me.body)).toMatchObject({ name: MEMBER.name });
    }
  });

  test.each([
    ['another name that resolves here (DNS rebinding)', { host: 'attacker.example:3978' }],
    ['a name that only starts like localhost', { host: 'localhost.attacker.example' }],
    ['a tunnel that rewrote Host to localhost', { 'x-forwarded-for': '203.0.113.7' }],
    ['a proxy that says where it came from', { 'x-forwarded-host': 'tunnel.example' }],
    ['a proxy using the standard header', { forwarded: 'for=203.0.113.7' }],
  ])(
    'when a request comes through %s, then the host page, the issuer and its tokens are refused',
    async (_how, headers) => {
      const host = (headers as Record<string, string>)['host'] ?? `localhost:${devHost.port}`;
      const page = await send(devHost, '/dev/host.html', { headers: { ...headers, host } });
      expect(page.status).toBe(403);
      expect(JSON.parse(page.body).error.message).toMatch(
        /answers only on the computer it runs on/,
      );
      const token = await askForToken(devHost, { ...headers, host });
      expect(token.status).toBe(403);
      expect(token.body).not.toMatch(/"token"/);
      // A token got on this computer does not open the API from elsewhere either.
      const bearer = await devHost.devIssuer!.sign({ oid: MEMBER.aadObjectId });
      const me = await send(devHost, '/api/tab/me', {
        headers: { ...headers, host, authorization: `Bearer ${bearer}` },
      });
      expect(me.status).toBe(403);
      expect(me.body).not.toContain(MEMBER.name);
      // Nor the anonymous bot of a local run.
      const bot = await send(devHost, '/api/messages', {
        method: 'POST',
        headers: { ...headers, host, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'help' }),
      });
      expect(bot.status).toBe(403);
    },
  );
});

describe('without CTAC_DEV_HOST', () => {
  test('when asked, then there is no development host, and no token is accepted, without asking Entra ID', async () => {
    expect(plain.devIssuer).toBeUndefined();
    expect((await send(plain, '/dev/host.html')).status).toBe(404);
    expect((await askForToken(plain)).status).toBe(404);
    // A token from a development issuer of another run: well formed, so a verifier would look up its key.
    const foreign = await (await createDevIssuer()).sign({ oid: MEMBER.aadObjectId });
    connections.length = 0;
    const me = await send(plain, '/api/tab/me', {
      headers: { authorization: `Bearer ${foreign}` },
    });
    expect(me.status).toBe(401);
    expect(connections.filter((h) => h !== '127.0.0.1' && h !== 'localhost')).toEqual([]);
  });
  test('when the bot runs without BOT_ID, then it answers only requests made on this computer', async () => {
    const activity = (headers: Record<string, string>) =>
      send(plain, '/api/messages', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'conversationUpdate', conversation: { id: 'c' } }),
      });
    const elsewhere: Record<string, string>[] = [
      { host: 'attacker.example:3978' },
      { host: `localhost:${plain.port}`, 'x-forwarded-for': '203.0.113.7' },
    ];
    for (const headers of elsewhere) {
      const refused = await activity(headers);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error.message).toMatch(/answers only on the computer/);
    }
    // The Agents Playground on this computer still reaches it.
    expect((await activity({ host: `127.0.0.1:${plain.port}` })).status).not.toBe(403);
  });
});

describe('the Agents Toolkit local run (.localConfigs)', () => {
  /** The settings m365agents.local.yml writes to .localConfigs, with sample values for its placeholders. */
  const localConfigs = (): Record<string, string> => {
    const yml = readFileSync(fromRoot('m365agents.local.yml'), 'utf8');
    const block = /target: \.\/\.localConfigs\n\s+envs:\n((?:\s{8}.*\n?)+)/.exec(yml)?.[1] ?? '';
    const sample: Record<string, string> = {
      BOT_ID: '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b',
      SECRET_BOT_PASSWORD: 'client-secret',
      BOT_TENANT_ID: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
      TAB_ENDPOINT: 'https://abc123-3978.uks1.devtunnels.ms',
    };
    const env: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const m = /^\s+([A-Z_]+): (.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!.replace(/\$\{\{(\w+)\}\}/g, (_, name: string) => sample[name]!);
    }
    return env;
  };

  test('when the app starts with them, by npm run serve or npm start, then the development host is off', () => {
    const env = localConfigs();
    expect(env['BOT_ID']).toBe('0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b');
    expect(env['CTAC_DEV_HOST']).toBe('false');
    expect(loadConfig(env).devHost).toBe(false);
    expect(loadConfig(env, { devHostByDefault: true }).devHost).toBe(false);
    // Switched on by hand beside the real bot, the app refuses to start and says why.
    expect(() => loadConfig({ ...env, CTAC_DEV_HOST: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, CTAC_DEV_HOST: 'true' })).toThrow(/together with BOT_ID/);
  });
});
