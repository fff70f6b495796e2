import {
  CardFactory,
  CloudAdapter,
  TurnContext,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationParameters,
  type ConversationReference,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import {
  DeliveryError,
  type DeliverableMessage,
  type Delivered,
  type MessageContent,
} from '../app/outbox';
import type { ConversationRepository } from '../app/ports';
import type { Config } from '../config';
import type { Member } from '../domain/people/member';
import { ReusingAuthentication } from './adapter';

/** A message's plain content as a Teams activity: text with its @mentions, or an adaptive card. */
export function toActivity(content: MessageContent): Partial<Activity> {
  const activity: Partial<Activity> = { type: 'message' };
  if (content.text !== undefined) activity.text = content.text;
  if (content.summary !== undefined) activity.summary = content.summary;
  if (content.card) activity.attachments = [CardFactory.adaptiveCard(content.card)];
  if (content.mentions)
    activity.entities = content.mentions.map((m) => ({
      type: 'mention',
      text: m.text,
      mentioned: { id: m.id, name: m.name },
    }));
  return activity;
}

/**
 * The plain content of an activity the bot built (a form sent to a person's chat): its text, summary,
 * adaptive card and mentions; anything else an activity may carry is not kept.
 */
export function messageContent(activity: Partial<Activity>): MessageContent {
  const card = activity.attachments?.find(
    (a) => a.contentType === CardFactory.contentTypes.adaptiveCard,
  )?.content as object | undefined;
  const mentions = activity.entities
    ?.filter((e) => e.type === 'mention')
    .map((e) => {
      const m = e as unknown as { text: string; mentioned: { id: string; name: string } };
      return { text: m.text, id: m.mentioned.id, name: m.mentioned.name };
    });
  return {
    ...(activity.text !== undefined ? { text: activity.text } : {}),
    ...(activity.summary !== undefined ? { summary: activity.summary } : {}),
    ...(card ? { card } : {}),
    ...(mentions?.length ? { mentions } : {}),
  };
}

export interface TeamsSenderDeps {
  adapter: CloudAdapter;
  /** The bot's app id; empty when the bot runs anonymously (local only). */
  botAppId: string;
  conversations: ConversationRepository;
  /** Finds a member, for their Teams user id when no 1:1 chat is saved yet. */
  member(aadObjectId: string): Promise<Member | undefined>;
}

/**
 * Delivers one message to Teams over the saved conversation references (FACTS.md: proactive
 * messaging under CloudAdapter). It does not retry or pace: the send queue does.
 */
export class TeamsSender {
  constructor(private readonly deps: TeamsSenderDeps) {}

  /** Delivers one outbox message as a Teams activity; a refusal is thrown as a DeliveryError. */
  async deliver(message: DeliverableMessage): Promise<Delivered> {
    try {
      const activity = toActivity(message.content);
      switch (message.kind) {
        case 'channelPost':
          return await this.postToChannel(message.channelId, activity);
        case 'update':
          return message.personalOf
            ? await this.updatePersonal(message, activity)
            : await this.update(message.conversationId, message.activityId!, activity);
        case 'threadReply':
          return await this.continueIn(message.conversationId, async (context) => {
            const res = await context.sendActivity(activity);
            return { conversationId: message.conversationId, activityId: res?.id };
          });
        case 'personal':
          return await this.sendPersonal(message.aadObjectId, activity);
      }
    } catch (e) {
      throw asSendError(e);
    }
  }

  private async postToChannel(channelId: string, activity: Partial<Activity>): Promise<Delivered> {
    const saved = await this.reference('channel', channelId);
    const params = {
      isGroup: true,
      channelData: { channel: { id: channelId } },
      activity,
    } as unknown as ConversationParameters;
    let delivered: Delivered | undefined;
    await this.deps.adapter.createConversationAsync(
      this.deps.botAppId,
      'msteams',
      saved.serviceUrl,
      '',
      params,
      async (context) => {
        // Teams names the new thread `channel;messageid=<id of the first message>`.
        const conversationId = context.activity.conversation.id;
        const activityId = /;messageid=(.+)$/.exec(conversationId)?.[1];
        delivered = { conversationId, activityId };
      },
    );
    return delivered!;
  }

  private async update(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<Delivered> {
    return this.continueIn(conversationId, async (context) => {
      await context.updateActivity({
        ...activity,
        id: activityId,
        type: 'message',
        conversation: context.activity.conversation,
      });
      return { conversationId, activityId };
    });
  }

  /** Replaces a message the bot sent in a person's 1:1 chat, over that chat's saved reference. */
  private async updatePersonal(
    message: { conversationId: string; activityId?: string; personalOf?: string },
    activity: Partial<Activity>,
  ): Promise<Delivered> {
    const saved = await this.deps.conversations.get('personal', message.personalOf!.toLowerCase());
    if (!saved)
      throw new DeliveryError(404, undefined, 'This person has no 1:1 chat with CTAC saved.');
    const reference = saved.reference as ConversationReference;
    const conversationId = message.conversationId || reference.conversation.id;
    const activityId = message.activityId!;
    await this.deps.adapter.continueConversationAsync(
      this.deps.botAppId,
      {
        ...reference,
        conversation: { ...reference.conversation, id: conversationId },
        activityId: undefined,
      },
      async (context) => {
        await context.updateActivity({
          ...activity,
          id: activityId,
          type: 'message',
          conversation: context.activity.conversation,
        });
      },
    );
    return { conversationId, activityId };
  }

  private async sendPersonal(aadObjectId: string, activity: Partial<Activity>): Promise<Delivered> {
    const id = aadObjectId.toLowerCase();
    const saved = await this.deps.conversations.get('personal', id);
    if (saved) {
      const reference = saved.reference as ConversationReference;
      let delivered: Delivered | undefined;
      await this.deps.adapter.continueConversationAsync(
        this.deps.botAppId,
        reference,
        async (context) => {
          const res = await context.sendActivity(activity);
          delivered = { conversationId: reference.conversation.id, activityId: res?.id };
        },
      );
      return delivered!;
    }
    const member = await this.deps.member(id);
    if (!member?.teamsUserId)
      throw new DeliveryError(
        404,
        undefined,
        'This person has no 1:1 chat with CTAC yet and their Teams id is unknown.',
      );
    // Any saved reference tells us the service URL, the bot and the tenant.
    const any =
      (await this.deps.conversations.list('team'))[0] ??
      (await this.deps.conversations.list('channel'))[0];
    if (!any) throw new DeliveryError(404, undefined, 'CTAC is not installed in a team yet.');
    const base = any.reference as ConversationReference;
    const tenantId = base.conversation?.tenantId;
    const params = {
      isGroup: false,
      bot: base.bot,
      members: [{ id: member.teamsUserId }],
      tenantId,
      channelData: tenantId ? { tenant: { id: tenantId } } : undefined,
    } as unknown as ConversationParameters;
    let delivered: Delivered | undefined;
    await this.deps.adapter.createConversationAsync(
      this.deps.botAppId,
      'msteams',
      base.serviceUrl,
      '',
      params,
      async (context) => {
        const res = await context.sendActivity(activity);
        const reference = TurnContext.getConversationReference(context.activity);
        await this.deps.conversations.save({
          kind: 'personal',
          id,
          reference: {
            ...reference,
            bot: base.bot,
            user: { id: member.teamsUserId, name: member.name },
          },
          updatedAt: new Date().toISOString(),
        });
        delivered = { conversationId: context.activity.conversation.id, activityId: res?.id };
      },
    );
    return delivered!;
  }

  /** Runs `send` in a conversation the bot knows: a saved channel (or a thread in it), or a group chat. */
  private async continueIn(
    conversationId: string,
    send: (context: TurnContext) => Promise<Delivered>,
  ): Promise<Delivered> {
    const channelId = conversationId.split(';')[0]!;
    const known =
      (await this.deps.conversations.get('channel', channelId)) ??
      (await this.deps.conversations.get('groupChat', conversationId));
    if (!known)
      throw new DeliveryError(
        404,
        undefined,
        `No saved conversation for the channel ${channelId}.`,
      );
    const saved = known.reference as ConversationReference;
    const reference: Partial<ConversationReference> = {
      ...saved,
      conversation: { ...saved.conversation, id: conversationId },
      activityId: undefined,
    };
    let delivered: Delivered | undefined;
    await this.deps.adapter.continueConversationAsync(
      this.deps.botAppId,
      reference,
      async (context) => {
        delivered = await send(context);
      },
    );
    return delivered!;
  }

  private async reference(kind: 'channel', id: string): Promise<ConversationReference> {
    const saved = await this.deps.conversations.get(kind, id);
    if (!saved)
      throw new DeliveryError(404, undefined, `No saved conversation for the ${kind} ${id}.`);
    return saved.reference as ConversationReference;
  }
}

/**
 * Connector clients for the send queue make one attempt per call. The SDK's own retry policy would
 * sleep through a 429's Retry-After inside a send, outside the per-conversation budget, and hide
 * the throttling from the queue's delivery state: the send queue owns retries instead.
 */
function singleAttempt(client: ConnectorClient): void {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  pipeline?.removePolicy({ phase: 'Retry' });
}
interface PipelineLike {
  removePolicy(options: { phase?: 'Retry' }): unknown;
}

/** The adapter the send queue delivers with: the bot's credentials, one attempt per request. */
export function createSendingAdapter(config: Config): CloudAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.password,
        MicrosoftAppTenantId: config.bot.tenantId,
        MicrosoftAppType: 'SingleTenant',
      }
    : {};
  return new CloudAdapter(
    new ReusingAuthentication(
      options as ConfigurationBotFrameworkAuthenticationOptions,
      singleAttempt,
    ),
  );
}

/** Reads status and Retry-After from whatever the connector client threw. */
function asSendError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as {
    statusCode?: number;
    message?: string;
    response?: {
      status?: number;
      headers?: { get?(name: string): string | undefined } & Record<string, unknown>;
    };
  };
  const status = err?.statusCode ?? err?.response?.status;
  const headers = err?.response?.headers;
  const raw =
    typeof headers?.get === 'function'
      ? headers.get('retry-after')
      : (headers?.['retry-after'] as string | undefined);
  const seconds = raw !== undefined && raw !== null && raw !== '' ? Number(raw) : undefined;
  return new DeliveryError(
    status,
    seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined,
    err?.message ?? String(e),
  );
}
