import { startAppOn } from '../helpers/app-fixture';
import { startTestStore } from '../helpers/azurite';

/**
 * Issue 18 (memory at idle): a server without Microsoft Graph or GOV.UK Notify configured never loads
 * their client libraries; with them configured it loads each when it makes the client. Each factory
 * below runs only when the app first requires the package, so it records what was loaded.
 */
const mockLoaded: string[] = [];
jest.mock('@microsoft/microsoft-graph-client', () => {
  mockLoaded.push('graph');
  return jest.requireActual('@microsoft/microsoft-graph-client');
});
jest.mock('notifications-node-client', () => {
  mockLoaded.push('notify');
  return jest.requireActual('notifications-node-client');
});

jest.setTimeout(60_000);

const SECRET = 'lazy-clients-secret-0123456789abcdef';
const NOTIFY_KEY =
  'ctac_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';

let stored: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  stored = await startTestStore();
});
afterAll(() => stored?.stop());

test('when Graph and Notify are not configured, then the running app has loaded neither client library', async () => {
  const app = await startAppOn(stored.azurite.connectionString, SECRET, { jobs: false });
  try {
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(mockLoaded).toEqual([]);
  } finally {
    await app.stop();
  }
});

test('when Graph and Notify are configured, then the app loads both clients as it starts', async () => {
  const app = await startAppOn(
    stored.azurite.connectionString,
    SECRET,
    { jobs: false },
    {
      GRAPH_ENABLED: 'true',
      GRAPH_BASE_URL: 'http://127.0.0.1:9/',
      NOTIFY_API_KEY: NOTIFY_KEY,
      NOTIFY_BASE_URL: 'http://127.0.0.1:9',
      NOTIFY_SMS_TEMPLATE_ID: 'f33517ff-2a88-4f6e-b855-c550268ce08a',
    },
  );
  try {
    expect([...new Set(mockLoaded)].sort()).toEqual(['graph', 'notify']);
  } finally {
    await app.stop();
  }
});
