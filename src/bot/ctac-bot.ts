import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type Attachment,
  CardFactory,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { AuditRecorder } from '../app/audit-log';
import { CyberChannel } from '../app/cyber-channel';
import type { Directory } from '../app/directory';
import type { ConversationRepository } from '../app/ports';
import type { AdaptiveCard } from '../cards/render';
import { helpCard, noticeCard, unknownCommandCard } from '../cards/views';
import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { isCtacError } from '../domain/shared/errors';
import type { BotFeature, BotTurn, CardActionHandler, MessageActionHandler } from './bot-feature';
import {
  COMMANDS,
  helpView,
  normaliseCommandText,
  parseCommand,
  suggestCommand,
  type CommandSpec,
} from './commands';
import { directoryFeature } from './directory/directory-feature';
import { saveConversation } from './directory/conversation-references';
import { identifyCaller, recordSender } from './directory/teams-caller';
import { welcomeCardFor } from './directory/installation';
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

  /** The directory (organisations, members, the ICS cyber channel) first, then the plugged-in areas. */
  private readonly features: readonly BotFeature[];
  private readonly cyberChannel: CyberChannel;

  constructor(private readonly deps: CtacBotDeps) {
    super();
    this.cyberChannel = new CyberChannel(deps);
    this.features = [
      directoryFeature({ ...deps, cyberChannel: this.cyberChannel }),
      ...(deps.features ?? []),
    ];
    this.commands = uniqueByName([...COMMANDS, ...this.features.flatMap((f) => f.commands)]);
    for (const feature of this.features) {
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
      await saveConversation(context, this.deps.conversations, this.deps.clock.now());
      await recordSender(context, this.deps);
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
    const feature = this.features.find((f) =>
      f.commands.some((c) => c.name === parsed.command.name),
    );
    if (feature?.runCommand)
      return feature.runCommand(parsed.command.name, parsed.args, this.turn(context));
    if (parsed.command.name === 'help') return helpCard(helpView(this.commands));
    return unknownCommandCard(text, undefined);
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
    return { context, caller: () => (member ??= identifyCaller(context, this.deps)) };
  }

  /** Saves where the app lives and says hello once (safe if Teams sends the event twice). */
  private async welcome(context: TurnContext): Promise<void> {
    await saveConversation(context, this.deps.conversations, this.deps.clock.now());
    const card = await welcomeCardFor(context, {
      ...this.deps,
      cyberChannel: this.cyberChannel,
      help: () => helpCard(helpView(this.commands)),
    });
    if (card) await this.reply(context, card);
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

/** Each command once, where it first appears (the directory's are also the bot's own, for the help card). */
const uniqueByName = (commands: readonly CommandSpec[]): CommandSpec[] =>
  commands.filter((c, i) => commands.findIndex((d) => d.name === c.name) === i);
