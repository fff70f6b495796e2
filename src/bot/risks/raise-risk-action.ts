import { CardFactory, type MessagingExtensionAction } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import { riskCard, riskFormCard } from '../../cards/risk-views';
import { RISK_LIMITS, riskDraftFromMessage } from '../../domain/risk';
import { cleanLine, clipText } from '../../domain/shared/clean-text';
import type { BotTurn, MessageActionHandler } from '../bot-feature';
import { cardField, cardText } from '../card-fields';
import {
  defaultOrgCode,
  isFormProblem,
  partOfExercise,
  problemsOf,
  riskFormFrom,
} from './form-data';
import { submittedData, taskCard, taskMessage } from './message-action-task';
import { messageLink, messageText } from './message-text';
import { escalatedNote } from './risk-actions';
import type { RisksContext } from './risks-context';
import { sourceMessagesOf } from './source-messages';

const riskTask = (card: AdaptiveCard) => taskCard(card, 'Raise as risk');

/** "Raise as risk" on a chat message: a risk form drafted from the message; the new risk's card in the thread. */
export function raiseRiskAction(ctx: RisksContext): MessageActionHandler {
  const { directory, register } = ctx;

  /** Posts the new risk's card where the message action was used, so the conversation sees it. */
  async function postInThread(turn: BotTurn, card: AdaptiveCard, riskId: string): Promise<void> {
    try {
      const sent = await turn.context.sendActivity({
        attachments: [CardFactory.adaptiveCard(card)],
      });
      if (sent?.id) await ctx.cards?.rememberRaiserCard(riskId, turn.context, sent.id);
    } catch (e) {
      ctx.logger.warn({ err: e, riskId }, 'risks: could not post the raised risk');
    }
  }

  return {
    async fetchTask(action: MessagingExtensionAction, turn: BotTurn) {
      const caller = await turn.caller();
      directory.require(caller, 'member', 'raise risks');
      const organisations = await directory.listOrganisations();
      if (organisations.length === 0)
        return taskMessage(
          'Every risk belongs to an ICS organisation, and there is none yet. An admin adds one with "org add".',
        );
      const payload = action.messagePayload;
      const exercise = await register.exerciseOffered(caller);
      const draft = riskDraftFromMessage({
        text: messageText(payload?.body?.content),
        author: cardText(payload?.from?.user?.displayName),
        link: messageLink(payload?.linkToMessage),
      });
      return riskTask(
        riskFormCard({
          organisations,
          values: {
            title: draft.title,
            description: draft.description,
            orgCode: defaultOrgCode(caller, organisations),
          },
          inTask: true,
          source: draft.source,
          ...(exercise && { exercise }),
        }),
      );
    },
    async submitAction(action: MessagingExtensionAction, turn: BotTurn) {
      const data = submittedData(action);
      if (!data) return taskMessage('That risk is far too long to raise. Nothing was saved.');
      const caller = await turn.caller();
      directory.require(caller, 'member', 'raise risks');
      const values = riskFormFrom(data);
      try {
        const { risk, escalated } = await register.raise(caller, values, 'teams', {
          partOfExercise: partOfExercise(values),
          fromMessages: sourceMessagesOf(turn.context, action.messagePayload?.id),
        });
        await postInThread(
          turn,
          riskCard(risk, await ctx.orgNames(), {
            text: `Risk ${risk.id} raised by ${caller?.name ?? 'a member'} from a message.${escalatedNote(escalated)}`,
            style: escalated ? 'warning' : 'good',
          }),
          risk.id,
        );
        return taskMessage(
          `Risk ${risk.id} raised: score ${risk.score}.${escalated ? ' It is above appetite, so it has gone to the ICS cyber group.' : ''}`,
        );
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        const exercise = await register.exerciseOffered(caller);
        return riskTask(
          riskFormCard({
            organisations: await directory.listOrganisations(),
            values,
            problems: problemsOf(e),
            inTask: true,
            ...(exercise && { exercise }),
            source: {
              author: clipText(
                cleanLine(cardField(data, 'sourceMessageAuthor')),
                RISK_LIMITS.owner,
              ),
              link: messageLink(data['sourceMessageLink']),
            },
          }),
        );
      }
    },
  };
}
