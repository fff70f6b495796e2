import { CardFactory, type MessagingExtensionAction } from 'botbuilder';
import { decisionLoggedCard, type DecisionFormValues } from '../../cards/decision-views';
import { DECISION_LIMITS, type Decision } from '../../domain/decisions';
import { clipText } from '../../domain/shared/clean-text';
import type { BotTurn, MessageActionHandler } from '../bot-feature';
import { cardText } from '../card-fields';
import {
  decisionFormFrom,
  decisionInput,
  isDecisionFormProblem,
  partOfExercise,
  problemsOf,
} from './form-data';
import { submittedData, taskCard, taskMessage } from './message-action-task';
import { messageLink, messageText } from './message-text';
import type { RisksContext } from './risks-context';
import { sourceMessagesOf } from './source-messages';

const TITLE = 'Log as decision';

/** "Log as decision" on a chat message: a decision form started from the message, logged in the thread. */
export function logDecisionAction(ctx: RisksContext): MessageActionHandler {
  const { directory, decisions, decisionForm } = ctx;

  async function confirmInThread(turn: BotTurn, decision: Decision): Promise<void> {
    try {
      await turn.context.sendActivity({
        attachments: [CardFactory.adaptiveCard(decisionLoggedCard(decision, await ctx.orgNames()))],
      });
    } catch (e) {
      ctx.logger.warn(
        { err: e, decisionId: decision.id },
        'risks: could not post the decision confirmation',
      );
    }
  }

  return {
    async fetchTask(action: MessagingExtensionAction, turn: BotTurn) {
      directory.require(await turn.caller(), 'member', 'log decisions');
      const payload = action.messagePayload;
      const values: DecisionFormValues = {
        text: clipText(messageText(payload?.body?.content), DECISION_LIMITS.text),
        sourceMessageAuthor: clipText(
          cardText(payload?.from?.user?.displayName),
          DECISION_LIMITS.author,
        ),
        sourceMessageLink: cardText(payload?.linkToMessage, DECISION_LIMITS.link),
      };
      return taskCard(await decisionForm(turn, { values, inTask: true }), TITLE);
    },
    async submitAction(action: MessagingExtensionAction, turn: BotTurn) {
      const data = submittedData(action);
      if (!data) return taskMessage('That decision is far too long to log. Nothing was saved.');
      const caller = await turn.caller();
      directory.require(caller, 'member', 'log decisions');
      // The link Teams gives with the message itself, not only the copy carried through the form.
      const fromTeams = messageLink(action.messagePayload?.linkToMessage);
      const values = {
        ...decisionFormFrom(data),
        ...(fromTeams && { sourceMessageLink: fromTeams }),
      };
      try {
        const decision = await decisions.log(caller, decisionInput(values), 'teams', {
          partOfExercise: partOfExercise(values),
          fromMessages: sourceMessagesOf(turn.context, action.messagePayload?.id),
        });
        await confirmInThread(turn, decision);
        // No task in the answer closes the dialog (Teams: "no response"); the confirmation is in the chat.
        return {};
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return taskCard(
          await decisionForm(turn, { values, problems: problemsOf(e), inTask: true }),
          TITLE,
        );
      }
    },
  };
}
