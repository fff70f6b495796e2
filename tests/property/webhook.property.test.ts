import fc from 'fast-check';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { signWebhook, WEBHOOK_BODY_LIMIT } from '../../src/api/alerts-webhook';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { RecordingNotifier } from '../integration/alerts/fixtures';

/** Correctly signed webhook bodies of every shape: never a 5xx, and a refused one leaves the store as it was. */
// Each run compares every table before and after; on a loaded machine that takes a while.
jest.setTimeout(180_000);

const SECRET = 'property-secret-0123456789abcdef';
let azurite: EmbeddedAzurite;
let app: RunningApp;
let service: TableServiceClient;
const notifier = new RecordingNotifier();
/** Time stands still while the store is compared. */
const clock = new FakeClock('2026-11-28T09:00:00Z');

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_WEBHOOK_SECRET: SECRET,
    }),
    { logger: createLogger('silent'), alertNotifier: notifier, clock },
  );
  // The jobs change the store on their own (a new alert's first escalation step is due at once), so
  // they are stopped: what is compared is what each request did.
  await app.jobs.escalation.stop();
  await app.jobs.rota.stop();
  await app.jobs.sendQueue.stop();
  service = TableServiceClient.fromConnectionString(azurite.connectionString, {
    allowInsecureConnection: true,
  });
});
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

async function snapshot(): Promise<string> {
  const rows: string[] = [];
  for await (const table of service.listTables()) {
    const client = TableClient.fromConnectionString(azurite.connectionString, table.name!, {
      allowInsecureConnection: true,
    });
    for await (const e of client.listEntities())
      rows.push(`${table.name}|${e.partitionKey}|${e.rowKey}|${e.etag}`);
  }
  return rows.sort().join('\n');
}

/**
 * The store once writes still in flight from an earlier accepted alert (its escalation timer is written off
 * the request's path) have landed: two snapshots in a row agree.
 */
async function settled(): Promise<string> {
  let last = await snapshot();
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = await snapshot();
    if (now === last) return now;
    last = now;
  }
}

async function sendSigned(raw: string, contentType = 'application/json') {
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const res = await fetch(`${app.url}/api/alerts`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-ctac-timestamp': timestamp,
      'x-ctac-signature': signWebhook(SECRET, timestamp, raw),
    },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, text };
}

const odd = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    '   ',
    '\u0000',
    '\u202eevil',
    '\ud800',
    'line\nbreak',
    '<b>bold</b>',
    'CVE-2026-1234',
    'RXH',
    'https://example.nhs.uk/a',
    'javascript:alert(1)',
    'x'.repeat(5000),
  ),
);
/** Near-valid alerts: every field of the contract, each of which may be any shape. */
const alertLike = fc.record(
  {
    source: fc.oneof(fc.constantFrom('incident', 'hsa'), odd, fc.anything({ maxDepth: 1 })),
    id: fc.oneof(odd, fc.integer(), fc.constant(null)),
    title: fc.oneof(odd, fc.anything({ maxDepth: 1 })),
    severity: fc.oneof(
      fc.constantFrom('critical', 'high', 'medium', 'low', 'information'),
      odd,
      fc.integer(),
    ),
    summary: fc.oneof(odd, fc.constant(null), fc.anything({ maxDepth: 1 })),
    url: fc.oneof(odd, fc.webUrl(), fc.constant(null)),
    cves: fc.oneof(fc.array(odd, { maxLength: 120 }), odd, fc.constant(null)),
    organisations: fc.oneof(fc.array(odd, { maxLength: 60 }), odd),
    publishedAt: fc.oneof(
      odd,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  alertLike.map((a) => JSON.stringify(a)),
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  odd,
  fc.constantFrom('{', '[]', 'null', '{"__proto__":{"polluted":1}}', '"text"', '\ufeff{}'),
);

test('when a signed body of any shape arrives, then the answer is never a 5xx and a refusal changes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(body, async (raw) => {
      const before = await settled();
      const posts = notifier.calls.length;
      const res = await sendSigned(raw);
      expect(res.status).toBeLessThan(500);
      // A stack frame names a source file with line and column; plain messages may say "at most ... 09:00:00".
      expect(res.text).not.toMatch(/[\w/\\.-]+\.[cm]?[jt]sx?:\d+:\d+/);
      if (res.status >= 400) {
        expect(JSON.parse(res.text).error.message).toEqual(expect.any(String));
        expect(await snapshot()).toBe(before);
        expect(notifier.calls.length).toBe(posts);
      }
    }),
    { numRuns: 60 },
  );
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

test('when a signed body is over the limit, whatever its content type, then it is 413 and changes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: WEBHOOK_BODY_LIMIT + 1, max: WEBHOOK_BODY_LIMIT * 4 }),
      fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
      async (size, type) => {
        const before = await settled();
        const raw = JSON.stringify({
          source: 'incident',
          id: 'BIG',
          title: 'Big',
          severity: 'low',
          summary: 'x'.repeat(size),
        });
        const res = await sendSigned(raw, type);
        expect(res.status).toBe(413);
        expect(await snapshot()).toBe(before);
      },
    ),
    { numRuns: 10 },
  );
});

test('when a valid alert is sent with odd characters in every text field, then it is taken or refused clearly, never half-written', async () => {
  await fc.assert(
    fc.asyncProperty(odd, odd, odd, async (id, title, summary) => {
      const before = await settled();
      const res = await sendSigned(
        JSON.stringify({ source: 'incident', id, title, severity: 'high', summary }),
      );
      expect([200, 201, 400]).toContain(res.status);
      if (res.status === 400) expect(await snapshot()).toBe(before);
      else expect(JSON.parse(res.text).id).toMatch(/^A[0-9A-Z]{7}$/);
    }),
    { numRuns: 40 },
  );
});
