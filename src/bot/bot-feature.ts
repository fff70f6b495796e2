import type {
  MessagingExtensionAction,
  MessagingExtensionActionResponse,
  TurnContext,
} from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import type { Member } from '../domain/people/member';
import type { CommandSpec } from './commands';

/** What a feature's handler gets for one turn. */
export interface BotTurn {
  context: TurnContext;
  /** The CTAC member behind the activity, or undefined for someone who is not a member. */
  caller(): Promise<Member | undefined>;
}

export type CardActionHandler = (
  data: Record<string, unknown>,
  turn: BotTurn,
) => Promise<AdaptiveCard>;

/**
 * One area of the product (alerts, rota, risks...) plugged into the bot: its commands, listed on the help
 * card, and its card actions by verb. Handlers translate, call one use case and render one card.
 */
export interface BotFeature {
  commands: readonly CommandSpec[];
  runCommand?(name: string, args: string, turn: BotTurn): Promise<AdaptiveCard>;
  verbs?: Readonly<Record<string, CardActionHandler>>;
  /** Message actions (message extension commands with `fetchTask`), by the manifest's command id. */
  messageActions?: Readonly<Record<string, MessageActionHandler>>;
}

/** A message action: `fetchTask` opens the task module form, `submitAction` handles what it sends. */
export interface MessageActionHandler {
  fetchTask(
    action: MessagingExtensionAction,
    turn: BotTurn,
  ): Promise<MessagingExtensionActionResponse>;
  submitAction(
    action: MessagingExtensionAction,
    turn: BotTurn,
  ): Promise<MessagingExtensionActionResponse>;
}
