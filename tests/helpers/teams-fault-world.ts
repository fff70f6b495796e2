import type { Member } from '../../src/domain/people/member';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { SEND_QUEUE_TABLE } from '../../src/store/send-queue-repository';
import type { TableStore } from '../../src/store/tables';
import { postSignedAlert, type SignedAlert } from './alert-webhook';
import type { ConnectorRequest } from './recording-connector';

/**
 * The Teams side of the fault tests: members, the ICS cyber channel and everyone's 1:1 chat saved with
 * the recording connector as their service URL, signed webhook calls, card actions through the bot
 * endpoint, and ways to read what the connector saw.
 */
export const CHANNEL = '19:ics-cyber@thread.tacv2';
export const TEAM = '19:team@thread.tacv2';
export const TENANT = '11111111-2222-4333-8444-555555555555';

export const person = (n: number, name: string, role: Member['role']): Member => ({
  aadObjectId: `${String(n).repeat(8)}-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`,
  orgCode: 'RXH',
  role,
  teamsUserId: `29:${name.split(' ')[0]!.toLowerCase()}`,
  addedAt: '2026-11-01T09:00:00.000Z',
  addedBy: 'test',
});

/** The chat id the connector sees for a person's 1:1 messages. */
export const chatOf = (m: Member): string => `a:chat-${m.teamsUserId!.slice(3)}`;

/** Members, their organisation, the team, the ICS cyber channel and a 1:1 chat per member. */
export async function seedTeams(
  store: TableStore,
  connectorUrl: string,
  people: Member[],
  at: Date,
): Promise<void> {
  await new TableOrganisationRepository(store).create({
    code: 'RXH',
    name: 'Royal Example Hospital',
    isOes: true,
    createdAt: at.toISOString(),
    createdBy: 'test',
  });
  const members = new TableMemberRepository(store);
  for (const m of people) await members.put(m);
  const conversations = new TableConversationRepository(store);
  const reference = (id: string, conversationType: string, isGroup: boolean) => ({
    serviceUrl: connectorUrl,
    channelId: 'msteams',
    bot: { id: '28:ctac', name: 'CTAC' },
    conversation: { id, isGroup, conversationType, tenantId: TENANT },
  });
  await conversations.save({
    kind: 'team',
    id: TEAM,
    reference: reference(TEAM, 'channel', true),
    updatedAt: at.toISOString(),
  });
  await conversations.save({
    kind: 'channel',
    id: CHANNEL,
    teamId: TEAM,
    reference: reference(CHANNEL, 'channel', true),
    updatedAt: at.toISOString(),
  });
  for (const m of people)
    await conversations.save({
      kind: 'personal',
      id: m.aadObjectId.toLowerCase(),
      reference: {
        ...reference(chatOf(m), 'personal', false),
        user: { id: m.teamsUserId!, name: m.name },
      },
      updatedAt: at.toISOString(),
    });
}

export { signedAlert } from './alert-webhook';

/** Posts a signed call and reads the webhook's answer. */
export async function postAlert(
  appUrl: string,
  req: SignedAlert,
): Promise<{ status: number; body: { id: string; outcome: string } }> {
  const res = await postSignedAlert(appUrl, req);
  return { status: res.status, body: (await res.json()) as { id: string; outcome: string } };
}

let activities = 0;
/** A card button pressed by a member in their 1:1 chat (Action.Execute through /api/messages). */
export async function pressCardButton(
  appUrl: string,
  connectorUrl: string,
  who: Member,
  verb: string,
  data: Record<string, unknown>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${appUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `activity-${++activities}`,
      channelId: 'msteams',
      serviceUrl: connectorUrl,
      from: { id: who.teamsUserId, aadObjectId: who.aadObjectId, name: who.name },
      recipient: { id: '28:ctac', name: 'CTAC' },
      conversation: { id: chatOf(who), conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      value: { action: { type: 'Action.Execute', verb, data } },
    }),
  });
  return { status: res.status, text: await res.text() };
}

/** The Teams conversation a request counts against: the channel (and its threads), or one chat. */
export const conversationOf = (r: ConnectorRequest): string =>
  (
    r.conversationId ||
    String((r.body['channelData'] as { channel?: { id?: string } } | undefined)?.channel?.id ?? '')
  ).split(';')[0]!;

/** A new thread in the channel (a card or a rota post). */
export const isChannelPost = (r: ConnectorRequest): boolean =>
  r.method === 'POST' && r.path === '/v3/conversations';

/** Everything a request carried, as text, to look for titles and phrases. */
export const bodyText = (r: ConnectorRequest): string => JSON.stringify(r.body);

/** Every send-queue row (the delivery record), with its state. */
export async function sendQueueRows(
  store: TableStore,
): Promise<{ rowKey: string; state: string; kind: string; attempts: number }[]> {
  const rows: { rowKey: string; state: string; kind: string; attempts: number }[] = [];
  for await (const e of store.table(SEND_QUEUE_TABLE).listEntities<Record<string, unknown>>({
    queryOptions: { filter: `PartitionKey eq 'send'` },
  }))
    rows.push({
      rowKey: String(e.rowKey),
      state: String(e['state']),
      kind: String(e['kind']),
      attempts: Number(e['attempts']),
    });
  return rows;
}

/** The send queue works until nothing is waiting, the fake clock moving to each next due time. */
export async function drainSendQueue(
  queue: { tick(): Promise<{ nextDueAt?: Date }> },
  clock: { now(): Date; set(at: Date): void },
  maxPasses = 1_000,
): Promise<void> {
  for (let pass = 0; pass < maxPasses; pass++) {
    const report = await queue.tick();
    if (!report.nextDueAt) return;
    clock.set(new Date(Math.max(report.nextDueAt.getTime(), clock.now().getTime() + 1)));
  }
  throw new Error('the send queue never emptied');
}
