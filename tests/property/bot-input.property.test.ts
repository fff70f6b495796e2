import fc from 'fast-check';
import { TableServiceClient, TableClient } from '@azure/data-tables';
import { alertsFeature } from '../../src/bot/alerts/alerts-feature';
import { risksFeature } from '../../src/bot/risks/risks-feature';
import { rotaFeature } from '../../src/bot/rota/rota-feature';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { ESCALATION_CHOICES } from '../../src/domain/risk/escalation-choice';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { RecordingConnector } from '../helpers/recording-connector';

/**
 * Forged and random input through the real bot endpoint (Teams activities over HTTP, anonymous bot outside
 * production): card actions for every verb the features declare, commands and message-extension submits.
 * A non-member changes nothing, a member pressing a lead or admin verb changes nothing, and nothing is a 5xx.
 */

/** Every verb, message action and command the features declare, read from the features themselves. */
const stub = new Proxy({}, { get: () => stub }) as never;
const FEATURES = [risksFeature(stub), alertsFeature(stub), rotaFeature(stub)];
const CORE_VERBS = ['help.show', 'command.run', 'org.add', 'member.add'];
const VERBS = [...CORE_VERBS, ...FEATURES.flatMap((f) => Object.keys(f.verbs ?? {}))];
const MESSAGE_ACTIONS = FEATURES.flatMap((f) => Object.keys(f.messageActions ?? {}));
const COMMANDS = [
  'help',
  'orgs',
  'org add',
  'members',
  'member add',
  'channel',
  ...FEATURES.flatMap((f) => f.commands.map((c) => c.name)),
];

/** What only a lead or an admin may do, by verb and by command (src/app: Directory.require, hasRole). */
const LEAD_OR_ADMIN_VERBS = [
  'org.add',
  'member.add',
  'risk.decide',
  'bands.set',
  'appetite.set',
  'rota.setup',
  'rota.cover',
  'rota.swap.approve',
];
const LEAD_OR_ADMIN_COMMANDS = ['org add', 'member add', 'rota setup', 'cover'];

// Each run compares every table before and after; on a loaded machine that takes a while.
jest.setTimeout(180_000);

const TENANT = '11111111-2222-4333-8444-555555555555';
const people = {
  outsider: { id: 'user-out', aadObjectId: 'e5e5e5e5-0000-4000-8000-000000000005', name: 'Eve' },
  member: { id: 'user-mem', aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002', name: 'Ben' },
};

let azurite: EmbeddedAzurite;
let app: RunningApp;
let connector: RecordingConnector;
let service: TableServiceClient;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  connector = await RecordingConnector.start();
  app = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString }),
    { logger: createLogger('silent'), clock: new FakeClock('2026-11-28T09:00:00Z') },
  );
  // The jobs change the store on their own (escalation steps, the send queue): stopped, so what is
  // compared is what each request did.
  await app.jobs.escalation.stop();
  await app.jobs.rota.stop();
  await app.jobs.sendQueue.stop();
  const now = new Date().toISOString();
  await new TableOrganisationRepository(app.store).create({
    code: 'RXH',
    name: 'Royal Example Hospital',
    isOes: true,
    addedAt: now,
    addedBy: 'test',
  } as never);
  await new TableMemberRepository(app.store).put({
    aadObjectId: people.member.aadObjectId,
    name: people.member.name,
    upn: 'ben@example.nhs.uk',
    orgCode: 'RXH',
    role: 'member',
    teamsUserId: people.member.id,
    addedAt: now,
    addedBy: 'test',
  });
  service = TableServiceClient.fromConnectionString(azurite.connectionString, {
    allowInsecureConnection: true,
  });
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await azurite?.stop();
});

/**
 * Every row of every table, except where the bot keeps the conversations it has been spoken in (the address
 * to answer in, recorded on every message; not something the request asks for).
 */
async function snapshot(): Promise<string> {
  const rows: string[] = [];
  for await (const table of service.listTables()) {
    if (!table.name || /conversations$/i.test(table.name)) continue;
    const client = TableClient.fromConnectionString(azurite.connectionString, table.name, {
      allowInsecureConnection: true,
    });
    for await (const e of client.listEntities())
      rows.push(`${table.name}|${e.partitionKey}|${e.rowKey}|${e.etag}`);
  }
  return rows.sort().join('\n');
}

type Person = (typeof people)[keyof typeof people];
let activityCount = 0;

async function send(from: Person, activity: Record<string, unknown>) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `activity-${++activityCount}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: from.id, aadObjectId: from.aadObjectId, name: from.name },
      recipient: { id: '28:ctac-bot', name: 'CTAC' },
      conversation: { id: `personal-${from.id}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      ...activity,
    }),
  });
  return { status: res.status, body: await res.text() };
}

const cardAction = (from: Person, verb: string, data: unknown) =>
  send(from, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data } },
  });

const command = (from: Person, text: string) => send(from, { type: 'message', text });

const messageAction = (from: Person, commandId: string, data: unknown, messagePayload?: unknown) =>
  send(from, {
    type: 'invoke',
    name: 'composeExtension/submitAction',
    value: { commandId, commandContext: 'message', data, messagePayload },
  });

/** Field names the cards really send, so random data hits real code paths as well as nonsense. */
const KEYS = [
  'riskId',
  'alertId',
  'decisionId',
  'swapId',
  'changeId',
  'title',
  'description',
  'orgCode',
  'code',
  'name',
  'isOes',
  'aadObjectId',
  'role',
  'likelihood',
  'consequence',
  'decision',
  'rationale',
  'text',
  'note',
  'minutes',
  'reviewDate',
  'start',
  'end',
  'members',
  'bands',
  'appetite',
  'command',
  'verb',
  '__proto__',
  'constructor',
];
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'RXH',
    people.member.aadObjectId,
    people.outsider.aadObjectId,
    '<script>alert(1)</script>',
    '${data.title}',
    '\u0000\u202e\ud83d',
    '9'.repeat(400),
    'x'.repeat(20_000),
    '2026-11-28',
    'lead',
    'admin',
  ),
);
const value = fc.oneof(
  oddText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(oddText, { maxLength: 4 }),
  fc.dictionary(fc.constantFrom(...KEYS), oddText, { maxKeys: 3 }),
);
const cardData = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }),
  fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 4 }),
  fc.constantFrom(null, 'text', 42, [] as unknown[]),
);

const RUNS = { numRuns: 60 };

test('the feature lists are read (so the properties below cover every verb)', () => {
  expect(VERBS).toEqual(expect.arrayContaining(['risk.decide', 'alert.acknowledge', 'rota.setup']));
  expect(MESSAGE_ACTIONS).toEqual(expect.arrayContaining(['raiseRisk']));
});

test('when someone who is not a member presses any verb with any data, then nothing is stored and nothing is a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...VERBS), cardData, async (verb, data) => {
      const before = await snapshot();
      const res = await cardAction(people.outsider, verb, data);
      expect(res.status).toBeLessThan(500);
      expect(await snapshot()).toBe(before);
    }),
    RUNS,
  );
});

test.each(LEAD_OR_ADMIN_VERBS.map((verb) => [verb]))(
  'when a member presses %s, which needs a lead or an admin, then nothing changes, whatever the data',
  async (verb) => {
    await fc.assert(
      fc.asyncProperty(cardData, async (data) => {
        const before = await snapshot();
        const res = await cardAction(people.member, verb, data);
        expect(res.status).toBeLessThan(500);
        expect(await snapshot()).toBe(before);
      }),
      { numRuns: 8 },
    );
  },
);

test('when a member forges a plausible lead or admin form, then it is refused and nothing changes', async () => {
  const forged: [string, Record<string, unknown>][] = [
    ['org.add', { name: 'Forged Trust', code: 'FRG', isOes: 'true' }],
    [
      'member.add',
      {
        aadObjectId: people.member.aadObjectId,
        name: 'Ben',
        orgCode: 'RXH',
        role: 'admin',
      },
    ],
    ['bands.set', { low: '1-4', medium: '5-9', high: '10-14', critical: '15-25' }],
    ['appetite.set', { appetite: 'averse', threshold: '1' }],
    [
      'rota.setup',
      { name: 'Forged rota', members: people.member.aadObjectId, start: '2026-11-30' },
    ],
  ];
  for (const [verb, data] of forged) {
    const before = await snapshot();
    const res = await cardAction(people.member, verb, data);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/only|lead|admin|not allowed|cannot/i);
    expect(await snapshot()).toBe(before);
  }
});

test('when someone who is not a member sends any command text, then nothing is stored and nothing is a 5xx', async () => {
  const text = fc.oneof(
    fc.tuple(fc.constantFrom(...COMMANDS), oddText).map(([c, rest]) => `${c} ${rest}`),
    oddText,
  );
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      const before = await snapshot();
      const res = await command(people.outsider, t);
      expect(res.status).toBeLessThan(500);
      expect(await snapshot()).toBe(before);
    }),
    RUNS,
  );
});

test('when a member sends lead or admin commands with any text, then nothing changes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...LEAD_OR_ADMIN_COMMANDS), oddText, async (c, rest) => {
      const before = await snapshot();
      const res = await command(people.member, `${c} ${rest}`);
      expect(res.status).toBeLessThan(500);
      expect(await snapshot()).toBe(before);
    }),
    { numRuns: 30 },
  );
});

test('when someone who is not a member submits any message-extension payload, then nothing is stored and nothing is a 5xx', async () => {
  const payload = fc.record(
    {
      id: oddText,
      body: fc.record({ content: oddText, contentType: fc.constantFrom('html', 'text', 7) }),
      linkToMessage: oddText,
      from: fc.anything({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.constantFrom(...MESSAGE_ACTIONS), oddText),
      cardData,
      fc.option(payload),
      async (commandId, data, messagePayload) => {
        const before = await snapshot();
        const res = await messageAction(people.outsider, commandId, data, messagePayload);
        expect(res.status).toBeLessThan(500);
        expect(await snapshot()).toBe(before);
      },
    ),
    RUNS,
  );
});

// Last: it changes the store on purpose.
test('when a member raises a risk, then it is stored (the harness sees changes), and the member cannot decide on its escalation', async () => {
  const before = await snapshot();
  const raised = await cardAction(people.member, 'risk.raise', {
    title: 'Unsupported PACS server',
    description: 'Out of support; a ransomware foothold would stop imaging.',
    orgCode: 'RXH',
    cafPrinciple: 'B4',
    likelihood: '4',
    consequence: '5',
    owner: 'Head of IT',
    mitigations: 'Segmented VLAN',
    reviewDate: '2027-03-31',
  });
  expect(raised.status).toBe(200);
  const afterRaise = await snapshot();
  expect(afterRaise).not.toBe(before);
  const riskId = /Risk (\S+) raised/.exec(raised.body)?.[1];
  expect(riskId).toBeDefined();
  for (const choice of ESCALATION_CHOICES) {
    const res = await cardAction(people.member, 'risk.decide', {
      riskId,
      choice,
      rationale: 'Forged by a member',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Only leads of the ICS cyber group can decide');
    expect(await snapshot()).toBe(afterRaise);
  }
});
