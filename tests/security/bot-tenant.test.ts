import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { RecordingConnector } from '../helpers/recording-connector';
import { cardText } from '../helpers/stack';

/**
 * Issue 17, item 8, through the real bot endpoint (Teams activities over HTTP; the bot is anonymous outside
 * production): with BOT_TENANT_ID set, an activity from any other tenant, or naming none, is refused at
 * the turn's entry and logged; a card action on a message in the ICS cyber channel must come from the
 * team that holds it. Nothing is answered through the connector for a refused activity.
 */
const TENANT = '11111111-2222-4333-8444-555555555555';
const OTHER_TENANT = '99999999-2222-4333-8444-555555555555';
const TEAM = '19:team-ics-cyber@thread.tacv2';
const CHANNEL = '19:channel-ics-cyber@thread.tacv2';
const asha = {
  id: 'user-asha',
  aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001',
  name: 'Asha Patel',
};

let azurite: EmbeddedAzurite;
let app: RunningApp;
let connector: RecordingConnector;
const logs: { level: number; msg: string; refused?: string; tenantId?: string }[] = [];

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  connector = await RecordingConnector.start();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      BOT_TENANT_ID: TENANT,
    }),
    { logger: createLogger('warn', { write: (line: string) => logs.push(JSON.parse(line)) }) },
  );
  await app.jobs.sendQueue.stop();
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await azurite?.stop();
});

let n = 0;
/** A channel activity from Asha: in the ICS cyber channel of CTAC's team, from `tenantId`. */
async function send(tenantId: string | undefined, activity: Record<string, unknown> = {}) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `activity-${++n}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: asha,
      recipient: { id: '28:ctac-bot', name: 'CTAC' },
      conversation: {
        id: `${CHANNEL};messageid=1`,
        conversationType: 'channel',
        isGroup: true,
        ...(tenantId && { tenantId }),
      },
      channelData: {
        ...(tenantId && { tenant: { id: tenantId } }),
        team: { id: TEAM, name: 'ICS Cyber' },
        channel: { id: CHANNEL },
      },
      ...activity,
    }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const install = (tenantId: string | undefined) =>
  send(tenantId, {
    type: 'installationUpdate',
    action: 'add',
    conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId },
  });
const mention = (tenantId: string | undefined, text: string) =>
  send(tenantId, {
    type: 'message',
    text: `<at>CTAC</at> ${text}`,
    entities: [{ type: 'mention', mentioned: { id: '28:ctac-bot' }, text: '<at>CTAC</at>' }],
  });
const press = (tenantId: string, verb: string, data: Record<string, unknown>, team = TEAM) =>
  send(tenantId, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data } },
    channelData: { tenant: { id: tenantId }, team: { id: team }, channel: { id: CHANNEL } },
  });
const refusals = (reason: string) => logs.filter((l) => l.level === 40 && l.refused === reason);

test('when the app is installed from another tenant, or from no tenant, then nothing is saved, nobody becomes admin and the refusal is logged', async () => {
  for (const tenant of [OTHER_TENANT, undefined]) expect((await install(tenant)).status).toBe(200);
  expect(await new TableMemberRepository(app.store).list()).toEqual([]);
  expect(connector.requests).toEqual([]);
  expect(refusals('another tenant')).toHaveLength(2);
  expect(refusals('another tenant')[0]).toMatchObject({
    msg: 'bot: refused an activity from another tenant',
    tenantId: OTHER_TENANT,
  });

  // From CTAC's own tenant the same install is taken: Asha is the first admin (CTAC_ADMINS is empty).
  await install(TENANT);
  expect(await new TableMemberRepository(app.store).list()).toMatchObject([
    { aadObjectId: asha.aadObjectId, role: 'admin' },
  ]);
  await connector.waitForDelivered(1);
});

test('when a message comes from another tenant, then the bot does not answer it', async () => {
  const before = connector.requests.length;
  const logged = refusals('another tenant').length;
  await mention(OTHER_TENANT, 'members');
  expect(connector.requests.length).toBe(before);
  expect(refusals('another tenant')).toHaveLength(logged + 1);

  await mention(TENANT, 'members');
  await connector.waitForDelivered(before + 1);
  expect(cardText(connector.requests.at(-1)!.body)).toContain('Asha Patel');
});

test('when a card action comes from another tenant, then the answer is a refusal with no content; other invokes get 403', async () => {
  const refused = await press(OTHER_TENANT, 'command.run', { command: 'members' });
  expect(refused.status).toBe(200);
  const text = cardText(refused.body['value']);
  expect(text).toContain('Not available here');
  expect(text).not.toContain('Asha Patel');

  const taken = await press(TENANT, 'command.run', { command: 'members' });
  expect(cardText(taken.body['value'])).toContain('Asha Patel');

  const extension = await send(OTHER_TENANT, {
    type: 'invoke',
    name: 'composeExtension/fetchTask',
    value: { commandId: 'logDecision', commandContext: 'message' },
  });
  expect(extension.status).toBe(403);
  expect(JSON.stringify(extension.body)).not.toContain('decision');
});

test('when a card action on the ICS cyber channel comes from another team, then it is refused and logged', async () => {
  const refused = await press(TENANT, 'command.run', { command: 'members' }, 'another-team');
  const text = cardText(refused.body['value']);
  expect(text).toContain('Not available here');
  expect(text).not.toContain('Asha Patel');
  expect(refusals('another team')).toHaveLength(1);
  expect(refusals('another team')[0]).toMatchObject({
    msg: 'bot: refused an activity from another team',
  });
});
