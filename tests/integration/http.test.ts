import { HEALTH_MAX_AGE_MS } from '../../src/api/store-health';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

let azurite: EmbeddedAzurite;
let app: RunningApp;
const clock = new FakeClock();
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString }),
    {
      logger: createLogger('silent'),
      clock,
    },
  );
});
afterAll(async () => {
  await app.stop();
  await azurite.stop().catch(() => undefined);
});

test('when the store answers, then health is 200 ok', async () => {
  const res = await fetch(`${app.url}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', store: 'ok' });
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});

test('when a route does not exist, then the answer is a JSON 404 with no stack trace', async () => {
  const res = await fetch(`${app.url}/api/nothing-here`);
  expect(res.status).toBe(404);
  const body = await res.text();
  expect(JSON.parse(body).error.code).toBe('not_found');
  expect(body).not.toMatch(/at .*\.js/);
});

test('when the bot endpoint gets malformed JSON, then it answers 400 and says why', async () => {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"type":',
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error.message).toContain('not valid JSON');
});

test('when the tab placeholder is requested, then it is served with a frame policy for Teams', async () => {
  const res = await fetch(`${app.url}/tab/`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('CTAC for leads');
  expect(res.headers.get('content-security-policy')).toContain('frame-ancestors');
});

// Last: it stops the store.
test('when Table Storage stops answering, then health is 503 with a clear message, quickly', async () => {
  await azurite.stop();
  // Health answers from a store check at most HEALTH_MAX_AGE_MS old; past that, it looks again.
  clock.advance(HEALTH_MAX_AGE_MS);
  const res = await fetch(`${app.url}/api/health`);
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({
    status: 'unavailable',
    message: 'Table Storage is not answering.',
  });
});
