/**
 * What the app benchmarks share: the built app in its own process (waited for until healthy), the
 * ICS cyber channel saved with the local connector as its service URL, members, and open alerts
 * already posted to the channel with their next escalation step an hour ahead (as after a webhook
 * alert's first page), so the escalation job leaves them alone during a run.
 */
import { raiseAlert } from '../src/domain/alerts';
import { recordPosted } from '../src/domain/alerts/delivery';
import type { Member } from '../src/domain/people/member';
import { readFileSync } from 'fs';
import { fromRoot } from '../src/paths';
import { TableEscalationTimerStore } from '../src/store/alert-escalation-store';
import { ALERT_TABLES } from '../src/store/alert-rows';
import { TableAlertRepository } from '../src/store/alert-repository';
import {
  TableConversationRepository,
  TableMemberRepository,
} from '../src/store/directory-repositories';
import { TableStore } from '../src/store/tables';
import { freePort, spawnNode } from './lib';

export const BENCH_CHANNEL = '19:ics-cyber@thread.tacv2';

/**
 * The Node flags the app runs with in production, taken from `npm run serve` (package.json), which
 * infra/azure.bicep's start command repeats (tests/package/start-command.test.ts keeps them the same).
 */
export function productionNodeArgs(): string[] {
  const scripts = (
    JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const flags =
    /\bnode((?: --[^ ]+)*) dist\/src\/server\.js/.exec(scripts['serve'] ?? '')?.[1] ?? '';
  return flags.split(' ').filter(Boolean);
}

/**
 * The built app (dist/src/server.js) on a free port, once /api/health answers, started with the
 * production Node flags and then `nodeArgs`.
 */
export async function startBenchApp(
  connectionString: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<{ port: number; url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const app = await spawnNode(
    fromRoot('dist/src/server.js'),
    [],
    {
      NODE_ENV: 'test',
      PORT: String(port),
      TABLES_CONNECTION_STRING: connectionString,
      CTAC_WEBHOOK_SECRET: 'bench-secret',
      LOG_LEVEL: 'silent',
      ...env,
    },
    port,
    [...productionNodeArgs(), ...nodeArgs],
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const res = await fetch(`${url}/api/health`).catch(() => undefined);
    if (res?.ok) break;
    if (i > 200) throw new Error('the app did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, url, pid: app.pid, stop: () => app.stop() };
}

/** The tables at this connection string (with this name prefix: CTAC_TABLE_PREFIX). */
export const storeAt = (connectionString: string, prefix = ''): TableStore =>
  new TableStore({ kind: 'connectionString', connectionString }, prefix);

/**
 * Acknowledge pressed on an alert's card in the bench channel: the invoke's type, where it comes from
 * and the data the button carries (everything but who pressed it and the ids around it).
 */
export const acknowledgeInChannel = (alertId: string, data: Record<string, unknown>) => ({
  type: 'invoke',
  name: 'adaptiveCard/action',
  conversation: {
    id: `${BENCH_CHANNEL};messageid=seed-${alertId}`,
    conversationType: 'channel',
    isGroup: true,
    tenantId: 'tenant',
  },
  channelData: {
    tenant: { id: 'tenant' },
    channel: { id: BENCH_CHANNEL },
    team: { id: '19:team@thread.tacv2' },
  },
  value: {
    action: { type: 'Action.Execute', verb: 'alert.acknowledge', data },
    trigger: 'manual',
  },
});

/** The ICS cyber channel, its messages going to the local connector. */
export async function saveBenchChannel(store: TableStore, connectorUrl: string): Promise<void> {
  await new TableConversationRepository(store).save({
    kind: 'channel',
    id: BENCH_CHANNEL,
    teamId: '19:team@thread.tacv2',
    reference: {
      serviceUrl: connectorUrl,
      channelId: 'msteams',
      bot: { id: '28:ctac', name: 'CTAC' },
      conversation: { id: BENCH_CHANNEL, isGroup: true, conversationType: 'channel' },
    },
    updatedAt: new Date().toISOString(),
  });
}

/** `count` members, saved. */
export async function seedMembers(store: TableStore, count: number): Promise<Member[]> {
  const people: Member[] = Array.from({ length: count }, (_, i) => ({
    aadObjectId: `0000000${i % 10}-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Member ${i}`,
    upn: `m${i}@example.nhs.uk`,
    orgCode: '',
    role: 'member',
    teamsUserId: `29:user-${i}`,
    addedAt: '2026-11-01T09:00:00Z',
    addedBy: 'bench',
  }));
  const members = new TableMemberRepository(store);
  for (const p of people) await members.put(p);
  return people;
}

/** Seeds open alerts already in the channel; `seedOne(id, dedupKey, title)` writes one. */
export async function postedAlertSeeder(store: TableStore) {
  await store.createTables(Object.values(ALERT_TABLES));
  const alerts = new TableAlertRepository(store);
  const timers = new TableEscalationTimerStore(store);
  const actor = { id: 'api:webhook', name: 'Webhook', source: 'api' as const };
  return async (id: string, dedupKey: string, title: string): Promise<void> => {
    const at = new Date();
    const { alert } = raiseAlert(
      { source: 'incident', dedupKey, title, severity: 'high' },
      { id, actor, at },
    );
    const created = await alerts.create(alert);
    if (!created.ok) throw new Error('seeding failed');
    const posted = recordPosted(
      created.value.alert,
      { conversationId: BENCH_CHANNEL, activityId: `seed-${id}` },
      actor,
      at,
    );
    await alerts.update(posted.alert, created.value.etag);
    await timers.set(id, new Date(at.getTime() + 3_600_000));
  };
}
