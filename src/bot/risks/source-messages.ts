import type { TurnContext } from 'botbuilder';

/**
 * The Teams messages a decision is logged from, as the activity names them (never card data): the first
 * message of the thread it is logged in (Teams names a channel thread `channel;messageid=<id>`) and, for
 * "Log as decision", the message itself. An exercise alert's card among them makes the decision that
 * exercise's (issue 21).
 */
export function sourceMessagesOf(context: TurnContext, actedOn?: unknown): string[] {
  const conversationId = context.activity?.conversation?.id ?? '';
  const threadRoot = /;messageid=([^;]{1,100})$/.exec(conversationId)?.[1];
  const message = typeof actedOn === 'string' && actedOn.length <= 100 ? actedOn : undefined;
  return [threadRoot, message].filter((m): m is string => !!m);
}
