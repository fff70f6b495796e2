import {
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type Attachment,
  CardFactory,
  type ConversationReference,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { AuditRecorder } from '../app/audit-log';
import type { Caller, Directory } from '../app/directory';
import type { ConversationRepository } from '../app/ports';
import type { AdaptiveCard } from '../cards/render';
import {
  helpCard,
  memberFormCard,
  memberListCard,
  memberRemoveFormCard,
  noticeCard,
  organisationFormCard,
  organisationListCard,
  unknownCommandCard,
  welcomeCard,
  type PersonChoice,
} from '../cards/views';
import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { CtacError, isCtacError } from '../domain/shared/errors';
import type { BotFeature, BotTurn, CardActionHandler, MessageActionHandler } from './bot-feature';
import {
  COMMANDS,
  helpView,
  normaliseCommandText,
  parseCommand,
  suggestCommand,
  type CommandSpec,
} from './commands';
import { isForm, sendFormPrivately, type SendPersonal } from './private-forms';
import { refuseTurn, turnRefusal } from './turn-guard';

export interface CtacBotDeps {
  directory: Directory;
  conversations: ConversationRepository;
  clock: Clock;
  logger: Logger;
  /** Areas of the product plugged in by the composition root (alerts, rota, risks...). */
  features?: readonly BotFeature[];
  /** Where admin changes made here (the ICS cyber channel) are recorded. */
  audit?: AuditRecorder;
  /** BOT_TENANT_ID: when set, activities from any other tenant are refused and logged. */
  tenantId?: string;
  /** A card to a person's own chat with CTAC: forms asked for in a channel go there. */
  sendPersonal: SendPersonal;
}

/** Longest command text we read; anything longer is not a command anyone typed by hand. */
const MAX_COMMAND_CHARS = 2000;

/**
 * The Teams adapter: translates activities and card actions into use cases and renders one card back.
 * No business rules live here.
 */
export class CtacBot extends TeamsActivityHandler {
  private readonly commands: readonly CommandSpec[];
  /**
   * Card verbs and message action ids, each to the first feature that declares it. Maps, not plain
   * objects: a verb such as `constructor` or `__proto__` is then simply not known.
   */
  private readonly verbs = new Map<string, CardActionHandler>();
  private readonly messageActions = new Map<string, MessageActionHandler>();

  constructor(private readonly deps: CtacBotDeps) {
    super();
    this.commands = [...COMMANDS, ...(deps.features ?? []).flatMap((f) => f.commands)];
    for (const feature of deps.features ?? []) {
      for (const [verb, handler] of Object.entries(feature.verbs ?? {}))
        if (!this.verbs.has(verb)) this.verbs.set(verb, handler);
      for (const [id, handler] of Object.entries(feature.messageActions ?? {}))
        if (!this.messageActions.has(id)) this.messageActions.set(id, handler);
    }

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.saveConversation(context);
      const text = normaliseCommandText(
        TurnContext.removeRecipientMention(context.activity) ?? context.activity.text,
      );
      if (text)
        await this.reply(
          context,
          await this.privateIfForm(
            context,
            await this.safely(() => this.runCommand(context, text)),
          ),
        );
      await next();
    });
  }

  /** Every activity starts here: one that comes from another tenant or team goes no further. */
  override async run(context: TurnContext): Promise<void> {
    const refusal = await turnRefusal(context.activity, {
      tenantId: this.deps.tenantId,
      cyberChannel: () => this.deps.conversations.cyberChannel(),
    });
    if (!refusal) return super.run(context);
    this.deps.logger.warn(
      { ...refusal.details, refused: refusal.reason },
      `bot: refused an activity from ${refusal.reason}`,
    );
    await refuseTurn(context);
  }

  /** Teams sends conversationUpdate with the bot among the members added when it joins a team or chat. */
  protected override async onTeamsMembersAdded(context: TurnContext): Promise<void> {
    const botId = context.activity.recipient?.id;
    if (context.activity.membersAdded?.some((m) => m.id === botId)) await this.welcome(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const action = invokeValue?.action;
    const data = (action?.data && typeof action.data === 'object' ? action.data : {}) as Record<
      string,
      unknown
    >;
    const verb = typeof action?.verb === 'string' ? action.verb : String(data['verb'] ?? '');
    const card = await this.safely(() => this.runCardAction(context, verb, data));
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card as never,
    };
  }

  protected override async handleTeamsMessagingExtensionFetchTask(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return this.runMessageAction(context, action, 'fetchTask');
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return this.runMessageAction(context, action, 'submitAction');
  }

  /** Message actions ("Log as decision") go to the feature that declares the command id. */
  private async runMessageAction(
    context: TurnContext,
    action: MessagingExtensionAction,
    step: 'fetchTask' | 'submitAction',
  ): Promise<MessagingExtensionActionResponse> {
    const commandId = typeof action?.commandId === 'string' ? action.commandId : '';
    const handler = this.messageActions.get(commandId);
    if (!handler)
      return {
        task: {
          type: 'message',
          value: 'That action is not available. Type "help" to see what CTAC can do.',
        },
      };
    try {
      return await handler[step](action, this.turn(context));
    } catch (e) {
      if (isCtacError(e)) return { task: { type: 'message', value: e.message } };
      this.deps.logger.error({ err: e, commandId, step }, 'a message action failed');
      return {
        task: {
          type: 'message',
          value: 'Sorry, something went wrong on our side. Nothing was saved; please try again.',
        },
      };
    }
  }

  private async runCommand(context: TurnContext, text: string): Promise<AdaptiveCard> {
    if (text.length > MAX_COMMAND_CHARS)
      return noticeCard(
        'That message is too long for a command',
        `Commands are short, for example "help".`,
        'attention',
      );
    const parsed = parseCommand(text, this.commands);
    if (!parsed) return unknownCommandCard(text, suggestCommand(text, this.commands));
    const feature = this.deps.features?.find((f) =>
      f.commands.some((c) => c.name === parsed.command.name),
    );
    if (feature?.runCommand)
      return feature.runCommand(parsed.command.name, parsed.args, this.turn(context));
    switch (parsed.command.name) {
      case 'help':
        return helpCard(helpView(this.commands));
      case 'orgs':
        return organisationListCard(
          'ICS organisations',
          await this.deps.directory.listOrganisations(),
        );
      case 'org add':
        this.deps.directory.require(await this.caller(context), 'admin', 'add organisations');
        return organisationFormCard();
      case 'members': {
        const members = await this.deps.directory.listMembers(await this.caller(context));
        return memberListCard(members, await this.deps.directory.listOrganisations());
      }
      case 'member add':
        this.deps.directory.require(await this.caller(context), 'admin', 'add members');
        return this.memberForm(context);
      case 'member remove': {
        const caller = await this.caller(context);
        return memberRemoveFormCard({
          members: await this.deps.directory.listMembers(
            this.deps.directory.require(caller, 'admin', 'remove members'),
          ),
        });
      }
      case 'channel':
        return this.cyberChannelCommand(context, parsed.args);
      default:
        return unknownCommandCard(text, undefined);
    }
  }

  private async runCardAction(
    context: TurnContext,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<AdaptiveCard> {
    const handler = this.verbs.get(verb);
    if (handler) return handler(data, this.turn(context));
    switch (verb) {
      case 'help.show':
        return helpCard(helpView(this.commands));
      case 'command.run':
        return this.privateIfForm(
          context,
          await this.runCommand(context, normaliseCommandText(String(data['command'] ?? ''))),
        );
      case 'org.add': {
        const caller = await this.caller(context);
        try {
          const org = await this.deps.directory.addOrganisation(caller, data);
          return noticeCard(
            `Added ${org.name} (${org.code})`,
            `${org.isOes ? 'Marked as an operator of essential services. ' : ''}Added by ${caller?.name ?? 'an admin'}. Next, add its people with "member add".`,
            'good',
          );
        } catch (e) {
          if (isCtacError(e) && (e.code === 'validation' || e.code === 'conflict'))
            return organisationFormCard({
              name: asText(data['name']),
              code: asText(data['code']),
              isOes: data['isOes'] === 'true',
              problems: e.problems.length ? e.problems : [e.message],
            });
          throw e;
        }
      }
      case 'member.add': {
        const caller = this.deps.directory.require(
          await this.caller(context),
          'admin',
          'add members',
        );
        const people = await this.roster(context);
        const person = people.find(
          (p) => p.aadObjectId.toLowerCase() === asText(data['aadObjectId']).toLowerCase(),
        );
        try {
          if (!person)
            throw new CtacError('validation', 'Please check the member details.', [
              'Choose a person from the team.',
            ]);
          const { member, isNew } = await this.deps.directory.addMember(caller, {
            aadObjectId: person.aadObjectId,
            name: person.name,
            upn: person.upn,
            orgCode: data['orgCode'],
            role: data['role'],
          });
          return noticeCard(
            isNew ? `Added ${member.name}` : `Updated ${member.name}`,
            `${member.name} is now a ${member.role} for ${member.orgCode}. Changed by ${caller.name}.`,
            'good',
          );
        } catch (e) {
          if (isCtacError(e) && e.code === 'validation')
            return memberFormCard({
              people,
              organisations: await this.deps.directory.listOrganisations(),
              values: {
                aadObjectId: asText(data['aadObjectId']),
                orgCode: asText(data['orgCode']),
                role: asText(data['role']),
              },
              problems: e.problems,
            });
          throw e;
        }
      }
      case 'member.remove': {
        const caller = await this.caller(context);
        try {
          const removed = await this.deps.directory.removeMember(caller, data['aadObjectId']);
          return noticeCard(
            `Removed ${removed.name} from CTAC`,
            `${removed.name} is no longer a ${removed.role}${removed.orgCode ? ` for ${removed.orgCode}` : ''}: they cannot act on CTAC's cards or tab, and their calendar links have stopped working. If they are in a rotation, a lead should take them out of it with "rota setup". Removed by ${caller?.name ?? 'an admin'}.`,
            'good',
          );
        } catch (e) {
          if (isCtacError(e) && e.code === 'validation')
            return memberRemoveFormCard({
              members: await this.deps.directory.listMembers(caller),
              problems: e.problems,
            });
          throw e;
        }
      }
      default:
        return noticeCard(
          'That button is out of date',
          'This card no longer matches anything I can do. Type "help" to start again.',
          'warning',
        );
    }
  }

  private turn(context: TurnContext): BotTurn {
    let member: Promise<Member | undefined> | undefined;
    return { context, caller: () => (member ??= this.caller(context)) };
  }

  private async memberForm(context: TurnContext): Promise<AdaptiveCard> {
    const [people, organisations] = await Promise.all([
      this.roster(context),
      this.deps.directory.listOrganisations(),
    ]);
    if (organisations.length === 0)
      return noticeCard(
        'Add an organisation first',
        'Every member belongs to an ICS organisation. Type "org add" to add one.',
        'warning',
      );
    return memberFormCard({ people, organisations });
  }

  /** The people of the team (or of this chat when no team is known yet), as Teams tells us. */
  private async roster(context: TurnContext): Promise<PersonChoice[]> {
    const teamId =
      context.activity.channelData?.team?.id ?? (await this.deps.conversations.list('team'))[0]?.id;
    const people: PersonChoice[] = [];
    let token: string | undefined;
    do {
      const page = teamId
        ? await TeamsInfo.getPagedTeamMembers(context, teamId, 100, token)
        : await TeamsInfo.getPagedMembers(context, 100, token);
      for (const m of page.members)
        if (m.aadObjectId)
          people.push({
            aadObjectId: m.aadObjectId,
            name: m.name,
            upn: m.userPrincipalName ?? m.email,
          });
      token = page.continuationToken || undefined;
    } while (token);
    return people.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }

  /** The member behind this activity; their sign-in name is only fetched for someone not yet known. */
  private async caller(
    context: TurnContext,
    opts: Parameters<Directory['identify']>[1] = {},
  ): Promise<Member | undefined> {
    const from = context.activity.from;
    const caller: Caller = {
      aadObjectId: from?.aadObjectId,
      name: from?.name ?? '',
      teamsUserId: from?.id,
    };
    const known = from?.aadObjectId ? await this.deps.directory.identify(caller) : undefined;
    if (known) return known;
    try {
      const account = await TeamsInfo.getMember(context, from.id);
      caller.upn = account.userPrincipalName ?? account.email;
      caller.aadObjectId ??= account.aadObjectId;
      caller.name ||= account.name;
    } catch (e) {
      this.deps.logger.debug({ err: e }, 'could not look up the caller in Teams');
    }
    return this.deps.directory.identify(caller, opts);
  }

  /** Saves where the app lives and says hello once per team (safe if Teams sends the event twice). */
  /**
   * `channel` shows which channel is the ICS cyber channel; `channel here`, said in a channel by an admin,
   * makes that channel the one alerts, escalations and handovers go to.
   */
  private async cyberChannelCommand(context: TurnContext, args: string): Promise<AdaptiveCard> {
    const team = context.activity.channelData?.team;
    if (args.toLowerCase() === 'here') {
      const admin = this.deps.directory.require(
        await this.caller(context),
        'admin',
        'choose the ICS cyber channel',
      );
      if (!team?.id)
        return noticeCard(
          'Say this in the channel you want',
          'Mention me with "channel here" in the team channel that should get alerts, escalations and handovers.',
          'warning',
        );
      const before = await this.deps.conversations.cyberChannel();
      await this.deps.conversations.chooseCyberChannel(
        channelIdOf(context),
        this.deps.clock.now().toISOString(),
      );
      if (before?.id !== channelIdOf(context))
        await this.deps.audit?.record({
          action: 'channel.chosen',
          by: admin,
          subject: 'ICS cyber channel',
          before: before ? channelName(before.id, before.name) : 'none',
          after: channelName(channelIdOf(context), context.activity.channelData?.channel?.name),
        });
      return noticeCard(
        'This is now the ICS cyber channel',
        'New alerts, risk escalations and rota handovers will be posted here. Cards already posted stay where they are.',
        'good',
      );
    }
    const current = await this.deps.conversations.cyberChannel();
    const here = team?.id && current?.id === channelIdOf(context);
    return noticeCard(
      here
        ? 'This is the ICS cyber channel'
        : current
          ? 'The ICS cyber channel is set'
          : 'No ICS cyber channel yet',
      current
        ? `Alerts, escalations and handovers go to ${here ? 'this channel' : 'the channel chosen by an admin'}. An admin can move them by mentioning me with "channel here" in another channel.`
        : 'Install CTAC in the team, or have an admin mention me with "channel here" in the channel to use.',
    );
  }

  private async welcome(context: TurnContext): Promise<void> {
    await this.saveConversation(context);
    const team = context.activity.channelData?.team;
    // Only an install into a team can make its installer the first admin (Directory.identify).
    const installer = await this.caller(context, { installer: team?.id ? 'team' : 'chat' });
    const now = this.deps.clock.now().toISOString();
    if (!team?.id) {
      // Teams sends installationUpdate and conversationUpdate for one install (and again each time the
      // Playground is reopened): the chat gets the help card once.
      const chatId = context.activity.conversation?.id;
      if (
        context.activity.conversation?.conversationType === 'personal' &&
        chatId &&
        (await this.deps.conversations.markOnce(`welcome:personal:${chatId}`, now))
      )
        await this.reply(context, helpCard(helpView(this.commands)));
      return;
    }
    // The channel the app is first installed in is the ICS cyber channel until an admin chooses another.
    await this.deps.conversations.chooseCyberChannel(channelIdOf(context), now, {
      onlyIfUnset: true,
    });
    const first = await this.deps.conversations.markOnce(`welcome:${team.id}`, now);
    if (!first) return;
    let teamName = team.name as string | undefined;
    if (!teamName)
      teamName = await TeamsInfo.getTeamDetails(context, team.id).then(
        (d) => d.name,
        () => undefined,
      );
    await this.reply(
      context,
      welcomeCard({
        teamName: teamName ?? 'this team',
        installedBy: installer?.name ?? context.activity.from?.name ?? 'an admin',
        installedAt: this.deps.clock.now(),
      }),
    );
  }

  private async saveConversation(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const reference = TurnContext.getConversationReference(activity) as ConversationReference;
    const now = this.deps.clock.now().toISOString();
    const team = activity.channelData?.team;
    const type = activity.conversation?.conversationType;
    if (team?.id) {
      await this.deps.conversations.save({
        kind: 'team',
        id: team.id,
        name: team.name,
        reference,
        updatedAt: now,
      });
      const channelId = channelIdOf(context);
      const channelRef = {
        ...reference,
        conversation: { ...reference.conversation, id: channelId },
      };
      await this.deps.conversations.save({
        kind: 'channel',
        id: channelId,
        teamId: team.id,
        reference: channelRef,
        updatedAt: now,
      });
    } else if (type === 'personal' && activity.from?.aadObjectId) {
      await this.deps.conversations.save({
        kind: 'personal',
        id: activity.from.aadObjectId.toLowerCase(),
        reference,
        updatedAt: now,
      });
    } else if (activity.conversation?.id) {
      await this.deps.conversations.save({
        kind: 'groupChat',
        id: activity.conversation.id,
        reference,
        updatedAt: now,
      });
    }
  }

  /** Runs a command or action; expected refusals become a friendly card, anything else is logged. */
  private async safely(run: () => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
    try {
      return await run();
    } catch (e) {
      if (isCtacError(e))
        return noticeCard(
          e.message,
          '',
          e.code === 'validation' ? 'attention' : 'warning',
          e.problems,
        );
      this.deps.logger.error({ err: e }, 'a command failed');
      return noticeCard(
        'Sorry, something went wrong on our side',
        'Nothing was changed. Please try again in a minute; if it keeps happening, tell your CTAC admin.',
        'attention',
      );
    }
  }

  /** A form asked for outside the person's own chat goes to that chat; the thread gets a short reply. */
  private async privateIfForm(context: TurnContext, card: AdaptiveCard): Promise<AdaptiveCard> {
    if (context.activity.conversation?.conversationType === 'personal' || !isForm(card))
      return card;
    return sendFormPrivately(this.deps, context.activity.from?.aadObjectId, card, asAttachment);
  }

  private async reply(context: TurnContext, card: AdaptiveCard): Promise<void> {
    await context.sendActivity({ attachments: [asAttachment(card)] });
  }
}

export const asAttachment = (card: AdaptiveCard): Attachment => CardFactory.adaptiveCard(card);
const asText = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The Teams channel an activity came from (the team's General channel has the team's id). */
const channelIdOf = (context: TurnContext): string =>
  context.activity.channelData?.channel?.id ??
  // An event that names no channel (one of the two a Playground install sends) still came in one.
  (context.activity.conversation?.conversationType === 'channel'
    ? context.activity.conversation.id?.split(';')[0]
    : undefined) ??
  context.activity.channelData?.team?.id ??
  '';

/** A channel for the audit log: its name when Teams gave one, with its id so it can be found. */
const channelName = (id: string, name: unknown): string =>
  typeof name === 'string' && name ? `${name} (${id})` : id;
